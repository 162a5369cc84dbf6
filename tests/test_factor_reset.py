"""Support's reset of the holder's lost second factors (issue 23): the PIN through the staff API and a link to
the primary email, a waiting period announced to every address with a one-click cancel, then the worker."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import models
from domain import factor_reset
from models.enums import Permission, StaffScope
from schema.staff import staff_schema
from tests.conftest import HOLDER
from tests.helpers import GraphQLClient, emailed_token, wait_for_mail
from tests.test_staff_support import set_pin
from tests.test_totp import challenge_of, code_at, enrol, first_step, second_step

START = """mutation($i: HolderSecondFactorResetStartInput!) {
  holderSecondFactorResetStart(input: $i) { sentTo errors { field code message retryAfter } } }"""
CONFIRM = """mutation($i: SecondFactorResetLinkInput!) {
  secondFactorResetConfirm(input: $i) { effectiveAt errors { field code message } } }"""
CANCEL = """mutation($i: SecondFactorResetLinkInput!) {
  secondFactorResetCancel(input: $i) { errors { field code message } } }"""
CANCEL_SIGNED_IN = "mutation { accountSecondFactorResetCancel { errors { code } } }"
OPEN = "{ viewer { account { secondFactorReset { requestedAt confirmedAt effectiveAt } } } }"
WATCHER = "seguridad@example.com"
BYSTANDER = "ventas@example.com"
PIN = "2580"
WAIT = timedelta(hours=72)


async def holder_with_factor(client: GraphQLClient, holder, runtime, clock) -> str:
    """The signed-in holder with an authenticator app and a PIN; the app's secret."""
    await set_pin(runtime, holder, PIN)
    secret, _ = await enrol(client, clock)
    return secret


async def start(support: GraphQLClient, holder, pin: str = PIN) -> dict:
    variables = {"i": {"clientNumber": holder.client_number, "pin": pin}}
    return (await support.data(START, variables))["holderSecondFactorResetStart"]


async def started_and_confirmed(support, client, holder, smtp_sink) -> str:
    """Start and confirm a reset; the cancel link's token (mailed to the holder)."""
    assert (await start(support, holder))["errors"] == []
    token = await emailed_token(smtp_sink, HOLDER, factor_reset.CONFIRM_PATH)
    assert (await client.data(CONFIRM, {"i": {"token": token}}))["secondFactorResetConfirm"]["errors"] == []
    return await emailed_token(smtp_sink, HOLDER, factor_reset.CANCEL_PATH)


async def test_a_wrong_pin_starts_nothing(staff, client, holder, runtime, clock, smtp_sink) -> None:
    await holder_with_factor(client, holder, runtime, clock)
    support = await staff(StaffScope.SUPPORT)
    refused = await start(support, holder, "1357")
    assert refused["sentTo"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("INVALID_CREDENTIALS", ["input", "pin"])]
    assert not await models.FactorReset.exists(account_id=holder.id)
    assert await models.ActivityEvent.exists(account_id=holder.id, action="pin.verification_failed")
    await wait_for_mail(smtp_sink, HOLDER, count=2)  # the enrolment's notice and pin_checked, no link
    assert not [m for m in smtp_sink.to(HOLDER) if factor_reset.CONFIRM_PATH in m.text]


async def test_the_reset_end_to_end_with_the_clock(
    staff, client, other_client, holder, factory, runtime, clock, smtp_sink, app
) -> None:
    await holder_with_factor(client, holder, runtime, clock)
    await factory.contact(holder, WATCHER, permissions=[Permission.SECURITY.value])
    await factory.contact(holder, BYSTANDER, permissions=[Permission.SERVICES.value])
    contact_with_factor = await factory.contact(holder, "ana@example.com", permissions=[])
    await other_client.sign_in("ana@example.com")
    await enrol(other_client, clock)
    support = await staff(StaffScope.SUPPORT)

    await models.Passkey.create(
        account_id=holder.id, name="Llave", credential_id="Y3JlZA", public_key="a2V5", created_at=clock.now()
    )
    assert await start(support, holder) == {"sentTo": HOLDER, "errors": []}
    token = await emailed_token(smtp_sink, HOLDER, factor_reset.CONFIRM_PATH)
    row = await models.FactorReset.get(account_id=holder.id)
    assert token not in (row.confirm_token_hash or "")
    assert row.confirmed_at is None
    archived = await models.MailMessage.filter(account_id=holder.id).order_by("-id").first()
    assert archived is not None
    assert token not in archived.text_body
    # Opening the link (a GET) changes nothing: the page's button confirms.
    page = await client.http.get(f"{factor_reset.CONFIRM_PATH}?token={token}")
    assert page.status_code == 200
    assert "<html" in page.text.lower()
    assert (await models.FactorReset.get(id=row.id)).confirmed_at is None
    visible = (await client.data(OPEN))["viewer"]["account"]["secondFactorReset"]
    assert visible["confirmedAt"] is None
    assert visible["effectiveAt"] is None

    confirmed = (await client.data(CONFIRM, {"i": {"token": token}}))["secondFactorResetConfirm"]
    assert confirmed["errors"] == []
    assert datetime.fromisoformat(confirmed["effectiveAt"]) == clock.now() + WAIT
    again = (await client.data(CONFIRM, {"i": {"token": token}}))["secondFactorResetConfirm"]
    assert [e["code"] for e in again["errors"]] == ["INVALID_CODE"]
    # Notices with the cancel link: the holder and the contact with SECURITY, not the others.
    for address in (HOLDER, WATCHER):
        await emailed_token(smtp_sink, address, factor_reset.CANCEL_PATH)
    assert not [m for m in smtp_sink.to(BYSTANDER) if factor_reset.CANCEL_PATH in m.text]

    clock.advance(WAIT - timedelta(minutes=1))
    assert await factor_reset.complete_due(runtime) == 0
    assert await models.TotpFactor.exists(account_id=holder.id, contact_id=None, confirmed_at__isnull=False)
    clock.advance(timedelta(minutes=1))
    done = await asyncio.gather(factor_reset.complete_due(runtime), factor_reset.complete_due(runtime))
    assert sum(done) == 1
    assert await factor_reset.complete_due(runtime) == 0
    assert not await models.TotpFactor.exists(account_id=holder.id, contact_id=None)
    assert not await models.RecoveryCode.exists(account_id=holder.id, contact_id=None)
    assert not await models.Passkey.exists(account_id=holder.id)
    # Only the holder's: the contact keeps theirs (a contact's factors are the holder's to reset).
    assert await models.TotpFactor.exists(contact_id=contact_with_factor.id, confirmed_at__isnull=False)
    assert (await client.data("{ viewer { permissions } }"))["viewer"] is None  # the holder's sessions ended
    assert await models.Session.exists(contact_id=contact_with_factor.id, ended_at=None)  # not the contact's
    assert "Soporte restableció" in (await wait_for_mail(smtp_sink, HOLDER, count=5))[-1].text
    actions = [
        e.action
        for e in await models.ActivityEvent.filter(
            account_id=holder.id, action__startswith="second_factor.reset"
        ).order_by("id")
    ]
    assert actions == [
        "second_factor.reset_requested",
        "second_factor.reset_confirmed",
        "second_factor.reset_completed",
    ]
    # The password alone signs in now: no second step is asked for, the old app's codes are not needed.
    assert (await first_step(client, holder.client_number))["errors"] == []
    assert (await client.data("{ viewer { secondFactor { totp { enabled } } } }"))["viewer"]["secondFactor"] == {
        "totp": {"enabled": False}
    }


async def test_the_cancel_link_stops_the_reset_for_good(staff, client, holder, runtime, clock, smtp_sink) -> None:
    await holder_with_factor(client, holder, runtime, clock)
    support = await staff(StaffScope.SUPPORT)
    cancel_token = await started_and_confirmed(support, client, holder, smtp_sink)
    outsider = GraphQLClient(client.http)  # nobody needs to be signed in for the one-click cancel
    await outsider.data("mutation { signOut { errors { code } } }")
    assert (await outsider.data(CANCEL, {"i": {"token": cancel_token}}))["secondFactorResetCancel"]["errors"] == []
    again = (await outsider.data(CANCEL, {"i": {"token": cancel_token}}))["secondFactorResetCancel"]
    assert [e["code"] for e in again["errors"]] == ["INVALID_CODE"]
    assert (await models.FactorReset.get(account_id=holder.id)).cancelled_at is not None
    clock.advance(WAIT + timedelta(hours=1))
    assert await factor_reset.complete_due(runtime) == 0
    assert await models.TotpFactor.exists(account_id=holder.id, contact_id=None, confirmed_at__isnull=False)
    await wait_for_mail(smtp_sink, HOLDER, count=5)  # enrolment, pin checked, link, notice, cancelled
    assert "anuló" in smtp_sink.to(HOLDER)[-1].text
    assert await models.ActivityEvent.exists(account_id=holder.id, action="second_factor.reset_cancelled")
    # A new reset may start again once this one is cancelled.
    assert (await start(support, holder))["errors"] == []


async def test_the_signed_in_holder_cancels_and_one_reset_at_a_time(
    staff, client, holder, runtime, clock, smtp_sink
) -> None:
    await holder_with_factor(client, holder, runtime, clock)
    support = await staff(StaffScope.SUPPORT)
    assert (await start(support, holder))["errors"] == []
    busy = await start(support, holder)
    assert [(e["code"], e["field"]) for e in busy["errors"]] == [("ALREADY_PENDING", ["input", "clientNumber"])]
    assert await models.FactorReset.filter(account_id=holder.id).count() == 1
    assert (await client.data(CANCEL_SIGNED_IN))["accountSecondFactorResetCancel"]["errors"] == []
    assert (await client.data(OPEN))["viewer"]["account"]["secondFactorReset"] is None
    nothing = (await client.data(CANCEL_SIGNED_IN))["accountSecondFactorResetCancel"]["errors"]
    assert [e["code"] for e in nothing] == ["INVALID_STATE"]
    token = await emailed_token(smtp_sink, HOLDER, factor_reset.CONFIRM_PATH)
    late = (await client.data(CONFIRM, {"i": {"token": token}}))["secondFactorResetConfirm"]
    assert [e["code"] for e in late["errors"]] == ["INVALID_CODE"]


async def test_an_unconfirmed_link_expires_after_24_hours(staff, client, holder, runtime, clock, smtp_sink) -> None:
    await holder_with_factor(client, holder, runtime, clock)
    support = await staff(StaffScope.SUPPORT)
    assert (await start(support, holder))["errors"] == []
    token = await emailed_token(smtp_sink, HOLDER, factor_reset.CONFIRM_PATH)
    clock.advance(timedelta(hours=24))
    expired = (await client.data(CONFIRM, {"i": {"token": token}}))["secondFactorResetConfirm"]
    assert [(e["code"], e["field"]) for e in expired["errors"]] == [("CODE_EXPIRED", ["input", "token"])]
    assert (await start(support, holder))["errors"] == []  # no longer open: support may start again


async def test_refusals_without_a_factor_a_pin_or_the_scope(staff, client, holder, runtime, clock, factory) -> None:
    support = await staff(StaffScope.SUPPORT)
    await set_pin(runtime, holder, PIN)
    nothing = await start(support, holder)
    assert [(e["code"], e["field"]) for e in nothing["errors"]] == [("INVALID_STATE", ["input", "clientNumber"])]
    await enrol(client, clock)
    without_pin = await factory.account()
    await models.TotpFactor.create(
        account_id=without_pin.id,
        person=f"holder:{without_pin.id}",
        secret="x",
        created_at=clock.now(),
        confirmed_at=clock.now(),
    )
    unset = await start(support, without_pin)
    assert [e["code"] for e in unset["errors"]] == ["INVALID_STATE"]
    unknown = (await support.data(START, {"i": {"clientNumber": "nadie", "pin": PIN}}))["holderSecondFactorResetStart"]
    assert [e["code"] for e in unknown["errors"]] == ["NOT_FOUND"]
    weaker = await staff(StaffScope.ACCOUNTS)
    refused = await weaker(START, {"i": {"clientNumber": holder.client_number, "pin": PIN}})
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert not await models.FactorReset.exists()


async def test_a_contact_without_security_cannot_see_or_cancel_the_reset(
    staff, client, other_client, holder, factory, runtime, clock, smtp_sink
) -> None:
    await holder_with_factor(client, holder, runtime, clock)
    await factory.contact(holder, BYSTANDER, permissions=[Permission.SERVICES.value])
    await other_client.sign_in(BYSTANDER)
    support = await staff(StaffScope.SUPPORT)
    assert (await start(support, holder))["errors"] == []
    refused = await other_client(CANCEL_SIGNED_IN)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await models.FactorReset.get(account_id=holder.id)).cancelled_at is None


async def test_after_the_reset_the_holder_signs_in_with_the_password_and_may_enrol_again(
    staff, client, holder, runtime, clock, smtp_sink
) -> None:
    await holder_with_factor(client, holder, runtime, clock)
    support = await staff(StaffScope.SUPPORT)
    await started_and_confirmed(support, client, holder, smtp_sink)
    clock.advance(WAIT)
    assert await factor_reset.complete_due(runtime) == 1
    await client.sign_in(holder.client_number)
    secret, _ = await enrol(client, clock)
    clock.advance(timedelta(seconds=30))
    challenge = await challenge_of(client, holder.client_number)
    assert (await second_step(client, challenge, code=code_at(secret, clock)))["errors"] == []


async def test_pin_attempts_are_limited_and_staff_have_no_reset_of_a_contact(
    staff, client, holder, runtime, clock
) -> None:
    await holder_with_factor(client, holder, runtime, clock)
    support = await staff(StaffScope.SUPPORT)
    for _ in range(5):
        assert [e["code"] for e in (await start(support, holder, "0000"))["errors"]] == ["INVALID_CREDENTIALS"]
    blocked = await start(support, holder)  # even the right PIN waits now
    [error] = blocked["errors"]
    assert (error["code"], error["field"]) == ("TOO_MANY_ATTEMPTS", ["input", "pin"])
    assert error["retryAfter"] > 0
    assert not await models.FactorReset.exists(account_id=holder.id)
    # The staff API resets the holder's factors only: a contact's are the holder's to reset.
    mutations = staff_schema._schema.mutation_type.fields
    assert [name for name in mutations if "factor" in name.lower()] == ["holderSecondFactorResetStart"]
