"""Two-step sign-in with an authenticator app (issue 23): enrolment, the second step, replay, recovery codes,
step-up and disabling, each person for themselves. Codes are computed with pyotp at the frozen clock's time."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pyotp
import pytest

import models
from tests.conftest import BASE_URL
from tests.helpers import PASSWORD, GraphQLClient, wait_for_mail

HOLDER = "titular@example.net"
STEP = timedelta(seconds=30)
SIGN_IN = """mutation($i: SignInInput!) {
  signIn(input: $i) { viewer { permissions } errors { code field } challenge { token expiresAt } } }"""
SECOND_STEP = """mutation($i: SignInSecondStepInput!) {
  signInSecondStep(input: $i) { viewer { permissions } errors { code field message } } }"""
REAUTH = """mutation($i: ReauthenticateInput!) {
  reauthenticate(input: $i) { validUntil errors { code field } } }"""
START = "mutation { secondFactorTotpStart { enrolment { secret uri qrCodeSvg } errors { code field message } } }"
CONFIRM = """mutation($i: SecondFactorTotpConfirmInput!) {
  secondFactorTotpConfirm(input: $i) { recoveryCodes errors { code field message } } }"""
DISABLE = "mutation { secondFactorTotpDisable { viewer { secondFactor { totp { enabled } } } errors { code } } }"
REGENERATE = "mutation { secondFactorRecoveryCodesRegenerate { recoveryCodes errors { code } } }"
STATUS = "{ viewer { secondFactor { totp { enabled createdAt } recoveryCodesLeft recoveryCodesUsed } } }"


def code_at(secret: str, clock, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now() + steps * STEP)


async def enrol(client: GraphQLClient, clock) -> tuple[str, list[str]]:
    """Enrol the signed-in person (just signed in: within step-up); the secret and the recovery codes."""
    started = (await client.data(START))["secondFactorTotpStart"]
    assert started["errors"] == []
    secret = started["enrolment"]["secret"]
    confirmed = (await client.data(CONFIRM, {"i": {"code": code_at(secret, clock)}}))["secondFactorTotpConfirm"]
    assert confirmed["errors"] == []
    return secret, confirmed["recoveryCodes"]


async def first_step(client: GraphQLClient, login: str, password: str = PASSWORD) -> dict:
    return (await client.data(SIGN_IN, {"i": {"login": login, "password": password}}))["signIn"]


async def second_step(client: GraphQLClient, challenge: str, **factor: str) -> dict:
    return (await client.data(SECOND_STEP, {"i": {"challenge": challenge, **factor}}))["signInSecondStep"]


async def challenge_of(client: GraphQLClient, login: str) -> str:
    answer = await first_step(client, login)
    assert answer["errors"] == [{"code": "SECOND_FACTOR_REQUIRED", "field": None}]
    return answer["challenge"]["token"]


@pytest.fixture
async def browser(app):
    """`await browser()`: one more browser on the app, with its own cookies."""
    opened: list[httpx.AsyncClient] = []

    async def make() -> GraphQLClient:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)
        opened.append(http)
        return GraphQLClient(http)

    yield make
    for http in opened:
        await http.aclose()


async def signed_in(client: GraphQLClient) -> bool:
    return (await client.data("{ viewer { permissions } }"))["viewer"] is not None


async def test_enrolment_is_pending_until_a_correct_code_and_gives_ten_recovery_codes_once(
    client, holder, clock, smtp_sink
) -> None:
    started = (await client.data(START))["secondFactorTotpStart"]
    enrolment = started["enrolment"]
    uri = urlsplit(enrolment["uri"])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    issuer = parse_qs(uri.query)["issuer"][0]
    assert unquote(uri.path) == f"/{issuer}:{holder.client_number}"
    assert parse_qs(uri.query)["secret"] == [enrolment["secret"]]
    assert enrolment["qrCodeSvg"].startswith("<svg")
    assert "http" not in enrolment["qrCodeSvg"].split(">")[0]
    assert (await client.data(STATUS))["viewer"]["secondFactor"]["totp"] == {"enabled": False, "createdAt": None}

    wrong = await client.data(CONFIRM, {"i": {"code": code_at(enrolment["secret"], clock, 3)}})
    assert wrong["secondFactorTotpConfirm"]["errors"][0]["code"] == "INVALID_CODE"
    assert (await first_step(client, holder.client_number))["errors"] == []  # still one step

    confirmed = await client.data(CONFIRM, {"i": {"code": code_at(enrolment["secret"], clock)}})
    codes = confirmed["secondFactorTotpConfirm"]["recoveryCodes"]
    assert len(codes) == len(set(codes)) == 10
    status = (await client.data(STATUS))["viewer"]["secondFactor"]
    assert status["totp"]["enabled"] is True
    assert (status["recoveryCodesLeft"], status["recoveryCodesUsed"]) == (10, [])
    stored = await models.RecoveryCode.filter(account_id=holder.id).values_list("code_hash", flat=True)
    assert not set(codes) & set(stored)
    factor = await models.TotpFactor.get(account_id=holder.id)
    assert enrolment["secret"] not in factor.secret
    notice = (await wait_for_mail(smtp_sink, HOLDER))[0]
    assert "verificación en dos pasos" in notice.text
    assert await models.ActivityEvent.exists(account_id=holder.id, action="second_factor.totp_enabled")
    again = (await client.data(START))["secondFactorTotpStart"]
    assert (again["enrolment"], again["errors"][0]["code"]) == (None, "INVALID_STATE")


async def test_enrolment_needs_step_up(client, holder, clock) -> None:
    clock.advance(timedelta(minutes=6))
    refused = (await client.data(START))["secondFactorTotpStart"]
    assert (refused["enrolment"], refused["errors"][0]["code"]) == (None, "STEP_UP_REQUIRED")
    assert not await models.TotpFactor.exists(account_id=holder.id)


@pytest.mark.parametrize(("steps", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)])
async def test_the_window_is_one_step_either_way(client, other_client, holder, clock, steps, accepted) -> None:
    secret, _ = await enrol(client, clock)
    clock.advance(timedelta(minutes=4))
    challenge = await challenge_of(other_client, holder.client_number)
    answer = await second_step(other_client, challenge, code=code_at(secret, clock, steps))
    assert (answer["errors"] == []) is accepted
    assert await signed_in(other_client) is accepted


async def test_a_code_is_accepted_once_and_never_an_older_one_after_it(client, other_client, holder, clock) -> None:
    secret, _ = await enrol(client, clock)
    clock.advance(timedelta(minutes=2))
    assert (
        await second_step(
            other_client, await challenge_of(other_client, holder.client_number), code=code_at(secret, clock)
        )
    )["errors"] == []
    replay = await second_step(client, await challenge_of(client, holder.client_number), code=code_at(secret, clock))
    assert replay["errors"][0]["code"] == "INVALID_CODE"
    assert replay["errors"][0]["field"] == ["input", "code"]
    older = await second_step(client, await challenge_of(client, holder.client_number), code=code_at(secret, clock, -1))
    assert older["errors"][0]["code"] == "INVALID_CODE"


async def test_two_concurrent_uses_of_one_code_exactly_one_wins(client, browser, holder, clock) -> None:
    secret, _ = await enrol(client, clock)
    clock.advance(timedelta(minutes=1))
    browsers = [await browser() for _ in range(3)]
    challenges = [await challenge_of(each, holder.client_number) for each in browsers]
    code = code_at(secret, clock)
    answers = await asyncio.gather(
        *(second_step(each, challenge, code=code) for each, challenge in zip(browsers, challenges, strict=True))
    )
    assert sorted(answer["errors"] == [] for answer in answers) == [False, False, True]
    assert [await signed_in(each) for each in browsers].count(True) == 1


async def test_recovery_codes_work_once_each_and_their_use_is_shown(
    client, other_client, holder, clock, smtp_sink
) -> None:
    _, codes = await enrol(client, clock)
    used = await second_step(
        other_client, await challenge_of(other_client, holder.client_number), recoveryCode=codes[3]
    )
    assert used["errors"] == []
    await other_client.data("mutation { signOut { errors { code } } }")
    typed_differently = codes[3].upper().replace("-", " ")
    again = await second_step(
        other_client, await challenge_of(other_client, holder.client_number), recoveryCode=typed_differently
    )
    assert again["errors"][0] == {
        "code": "INVALID_CODE",
        "field": ["input", "recoveryCode"],
        "message": "El código no es correcto o ya fue usado.",
    }
    other = await second_step(
        other_client, await challenge_of(other_client, holder.client_number), recoveryCode=codes[4].upper()
    )
    assert other["errors"] == []
    status = (await client.data(STATUS))["viewer"]["secondFactor"]
    assert status["recoveryCodesLeft"] == 8
    assert len(status["recoveryCodesUsed"]) == 2
    assert (
        await models.ActivityEvent.filter(account_id=holder.id, action="second_factor.recovery_code_used").count() == 2
    )
    await wait_for_mail(smtp_sink, HOLDER, count=3)  # enabled, then each recovery code used


async def test_the_challenge_is_single_use_expires_and_dies_after_five_wrong_codes(
    client, other_client, holder, clock
) -> None:
    secret, _ = await enrol(client, clock)
    clock.advance(timedelta(minutes=1))
    challenge = await challenge_of(other_client, holder.client_number)
    assert (await second_step(other_client, challenge, code=code_at(secret, clock)))["errors"] == []
    clock.advance(STEP)
    reused = await second_step(other_client, challenge, code=code_at(secret, clock))
    assert reused["errors"][0]["code"] == "INVALID_CODE"
    assert reused["errors"][0]["field"] == ["input", "challenge"]

    late = await challenge_of(client, holder.client_number)
    clock.advance(timedelta(minutes=5))
    expired = await second_step(client, late, code=code_at(secret, clock))
    assert expired["errors"][0]["code"] == "CODE_EXPIRED"

    tried = await challenge_of(client, holder.client_number)
    assert await models.SignInChallenge.filter(account_id=holder.id).count() == 1  # the expired ones are gone
    for _ in range(5):
        wrong = await second_step(client, tried, code="000000")
        assert wrong["errors"][0]["code"] == "INVALID_CODE"
    dead = await second_step(client, tried, code=code_at(secret, clock))
    assert dead["errors"][0]["code"] == "TOO_MANY_ATTEMPTS"


async def test_wrong_codes_are_throttled_per_person_across_challenges(client, other_client, holder, clock) -> None:
    secret, _ = await enrol(client, clock)
    for _ in range(4):  # 20 wrong codes in an hour, as many as wrong passwords per login
        challenge = await challenge_of(other_client, holder.client_number)
        for _ in range(5):
            assert (await second_step(other_client, challenge, code="123456"))["errors"][0]["code"] == "INVALID_CODE"
    clock.advance(timedelta(minutes=1))
    limited = await second_step(
        other_client, await challenge_of(other_client, holder.client_number), code=code_at(secret, clock)
    )
    assert limited["errors"][0]["code"] == "RATE_LIMITED"
    assert not await signed_in(other_client)


async def test_someone_with_the_password_cannot_lock_the_persons_usual_browser_out(
    client, other_client, holder, clock
) -> None:
    """The review's lock-out: 20 wrong codes from elsewhere fill the person's counter; the browser the holder
    signed in with before (its device cookie) is judged by its own counter and still gets in."""
    secret, _ = await enrol(client, clock)
    for _ in range(4):
        challenge = await challenge_of(other_client, holder.client_number)
        for _ in range(5):
            assert (await second_step(other_client, challenge, code="123456"))["errors"][0]["code"] == "INVALID_CODE"
    clock.advance(timedelta(minutes=1))
    await client.post("mutation { signOut { errors { code } } }")
    answer = await second_step(client, await challenge_of(client, holder.client_number), code=code_at(secret, clock))
    assert answer["errors"] == []
    assert await signed_in(client)


async def test_no_session_without_both_steps(client, other_client, holder, clock) -> None:
    await enrol(client, clock)
    sessions_before = await models.Session.filter(account_id=holder.id).count()
    answer = await first_step(other_client, holder.client_number)
    assert answer["viewer"] is None
    assert answer["errors"] == [{"code": "SECOND_FACTOR_REQUIRED", "field": None}]
    assert answer["challenge"]["expiresAt"].startswith("2026-03-10T15:05:00")
    assert "cp_session" not in other_client.http.cookies
    assert await models.Session.filter(account_id=holder.id).count() == sessions_before
    assert not await signed_in(other_client)

    wrong_password = await first_step(other_client, holder.client_number, "not the password")
    assert (wrong_password["errors"][0]["code"], wrong_password["challenge"]) == ("INVALID_CREDENTIALS", None)
    made_up = await second_step(other_client, "x" * 43, code="123456")
    assert made_up["errors"][0]["code"] == "INVALID_CODE"
    assert made_up["errors"][0]["field"] == ["input", "challenge"]
    no_code = await second_step(other_client, answer["challenge"]["token"])
    assert no_code["errors"][0]["code"] == "SECOND_FACTOR_REQUIRED"
    both = await second_step(other_client, answer["challenge"]["token"], code="123456", recoveryCode="abcde-fghjk")
    assert both["errors"][0]["code"] == "INVALID"
    assert not await signed_in(other_client)


async def test_enrolling_ends_the_persons_other_sessions_only(client, other_client, browser, factory, holder, clock):
    await other_client.sign_in(holder.client_number)
    await factory.contact(holder, "ana@example.net")
    contact_browser = await browser()
    await contact_browser.sign_in("ana@example.net")
    await enrol(client, clock)
    assert await signed_in(client)
    assert not await signed_in(other_client)
    assert await signed_in(contact_browser)


async def test_a_contact_enrols_for_itself_and_cannot_touch_the_holders_factor(
    client, browser, factory, holder, clock, smtp_sink
) -> None:
    await factory.contact(holder, "ana@example.net", permissions=["SECURITY"])
    contact_browser = await browser()
    await contact_browser.sign_in("ana@example.net")
    secret, _ = await enrol(contact_browser, clock)
    assert (await client.data(STATUS))["viewer"]["secondFactor"]["totp"]["enabled"] is False
    assert (await wait_for_mail(smtp_sink, "ana@example.net"))[0]
    assert (await first_step(client, holder.client_number))["errors"] == []  # the holder: one step still
    clock.advance(timedelta(minutes=1))
    later = await browser()
    challenge = await challenge_of(later, "ana@example.net")
    assert (await second_step(later, challenge, code=code_at(secret, clock)))["errors"] == []

    holder_secret, _ = await enrol(client, clock)
    clock.advance(timedelta(minutes=1))
    assert (await later.data(REAUTH, {"i": {"password": PASSWORD, "code": code_at(secret, clock)}}))["reauthenticate"][
        "errors"
    ] == []
    assert (await later.data(DISABLE))["secondFactorTotpDisable"]["errors"] == []
    assert (await client.data(STATUS))["viewer"]["secondFactor"]["totp"]["enabled"] is True
    assert await models.TotpFactor.filter(account_id=holder.id, contact_id=None).exists()
    assert holder_secret != secret


async def test_step_up_needs_the_code_and_disabling_needs_step_up(client, holder, clock, smtp_sink) -> None:
    secret, codes = await enrol(client, clock)
    clock.advance(timedelta(minutes=6))
    assert (await client.data(DISABLE))["secondFactorTotpDisable"]["errors"] == [{"code": "STEP_UP_REQUIRED"}]
    assert (await client.data(REGENERATE))["secondFactorRecoveryCodesRegenerate"]["errors"] == [
        {"code": "STEP_UP_REQUIRED"}
    ]
    password_only = (await client.data(REAUTH, {"i": {"password": PASSWORD}}))["reauthenticate"]
    assert password_only == {
        "validUntil": None,
        "errors": [{"code": "SECOND_FACTOR_REQUIRED", "field": ["input", "code"]}],
    }
    assert (await client.data(DISABLE))["secondFactorTotpDisable"]["errors"] == [{"code": "STEP_UP_REQUIRED"}]
    wrong_password = await client.data(REAUTH, {"i": {"password": "nope", "code": code_at(secret, clock)}})
    assert wrong_password["reauthenticate"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    with_code = await client.data(REAUTH, {"i": {"password": PASSWORD, "code": code_at(secret, clock)}})
    assert with_code["reauthenticate"]["errors"] == []

    regenerated = (await client.data(REGENERATE))["secondFactorRecoveryCodesRegenerate"]
    assert len(regenerated["recoveryCodes"]) == 10
    assert not set(regenerated["recoveryCodes"]) & set(codes)
    clock.advance(timedelta(minutes=6))
    old = await client.data(REAUTH, {"i": {"password": PASSWORD, "recoveryCode": codes[0]}})
    assert old["reauthenticate"]["errors"][0]["code"] == "INVALID_CODE"
    new = await client.data(REAUTH, {"i": {"password": PASSWORD, "recoveryCode": regenerated["recoveryCodes"][0]}})
    assert new["reauthenticate"]["errors"] == []

    disabled = (await client.data(DISABLE))["secondFactorTotpDisable"]
    assert disabled == {"viewer": {"secondFactor": {"totp": {"enabled": False}}}, "errors": []}
    assert not await models.RecoveryCode.filter(account_id=holder.id).exists()
    assert (await first_step(client, holder.client_number))["errors"] == []
    actions = set(await models.ActivityEvent.filter(account_id=holder.id).values_list("action", flat=True))
    assert {
        "second_factor.totp_enabled",
        "second_factor.recovery_codes_regenerated",
        "second_factor.recovery_code_used",
        "second_factor.totp_disabled",
    } <= actions
    subjects = [m.subject for m in await wait_for_mail(smtp_sink, HOLDER, count=4)]
    assert subjects.count("Cambio en su verificación en dos pasos") == 4


async def test_api_tokens_cannot_enrol_and_have_no_second_factor(client, holder) -> None:
    created = await client.data(
        'mutation { apiTokenCreate(input: {name: "ERP", permissions: [SECURITY]}) { token errors { code } } }'
    )
    token = created["apiTokenCreate"]["token"]
    headers = {"authorization": f"Bearer {token}"}
    refused = await client(START, headers=headers)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await client.data(STATUS, headers=headers))["viewer"]["secondFactor"] is None


async def test_the_seed_never_reaches_logs_or_the_mail_archive(client, holder, clock, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    secret, codes = await enrol(client, clock)
    logged = caplog.text
    assert secret not in logged
    assert not any(code in logged for code in codes)
    for message in await models.MailMessage.all():
        for text in (message.subject, message.text_body, message.html_body or ""):
            assert secret not in text
            assert not any(code in text for code in codes)
