"""Access recovery by domain, client number or primary email (seed 001)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

import models
from domain.recovery_worker import process_due
from tests.helpers import PASSWORD, wait_for_mail

REQUEST = (
    "mutation($i: AccessRecoveryRequestInput!) { accessRecoveryRequest(input: $i) { errors { code field message } } }"
)
CONFIRM = (
    "mutation($i: AccessRecoveryConfirmInput!) { accessRecoveryConfirm(input: $i) { errors { code field message } } }"
)
HOLDER = "titular@example.net"


async def ask(client, runtime, method: str, value: str) -> dict:
    """Ask, then run a pass of the recovery worker, which matches requests and mails the links."""
    answer = await client.data(REQUEST, {"i": {"method": method, "value": value}})
    await process_due(runtime)
    return answer


async def confirm(client, token: str) -> list[dict]:
    return (await client.data(CONFIRM, {"i": {"token": token}}))["accessRecoveryConfirm"]["errors"]


def token_in(text: str) -> str:
    return re.search(r"/recuperar\?token=([\w-]+)", text).group(1)


@pytest.fixture
async def account(factory):
    account = await factory.account(email=HOLDER)
    await factory.service(account, domain="ñandú.com.ar")
    return account


@pytest.mark.parametrize(
    ("method", "value"),
    [
        ("DOMAIN", "ÑANDÚ.com.ar"),
        ("DOMAIN", "xn--and-6ma2c.com.ar."),
        ("CLIENT_NUMBER", None),
        ("PRIMARY_EMAIL", "Titular@Example.net"),
    ],
)
async def test_each_method_sends_a_link_to_the_primary_email(
    client, account, smtp_sink, method, value, runtime
) -> None:
    answer = await ask(client, runtime, method, value or account.client_number)
    assert answer == {"accessRecoveryRequest": {"errors": []}}
    [received] = await wait_for_mail(smtp_sink, HOLDER)
    assert received.message["X-Client-Number"] == account.client_number
    token = token_in(received.text)
    assert len(token) >= 43
    assert received.text.count("http://testserver.local/recuperar?token=") == 1


async def test_no_match_gives_the_identical_answer_and_sends_nothing(client, account, smtp_sink, runtime) -> None:
    for method, value in (("DOMAIN", "otro.com.ar"), ("CLIENT_NUMBER", "1"), ("PRIMARY_EMAIL", "nadie@example.com")):
        assert await ask(client, runtime, method, value) == {"accessRecoveryRequest": {"errors": []}}
    assert await models.RecoveryRequest.filter(token_hash__isnull=False).count() == 0
    assert await models.OutboxMessage.all().count() == 0


async def test_the_link_is_never_built_from_the_host_header(client, account, smtp_sink, runtime) -> None:
    await client.data(
        REQUEST, {"i": {"method": "CLIENT_NUMBER", "value": account.client_number}}, headers={"Host": "evil.example"}
    )
    await process_due(runtime)
    [received] = await wait_for_mail(smtp_sink, HOLDER)
    assert "evil.example" not in received.text
    assert "http://testserver.local/recuperar" in received.text


async def test_confirm_emails_a_temporary_password_and_forces_a_change(
    client, other_client, account, smtp_sink, runtime
) -> None:
    await other_client.sign_in(account.client_number)
    await ask(client, runtime, "CLIENT_NUMBER", account.client_number)
    token = token_in((await wait_for_mail(smtp_sink, HOLDER))[0].text)
    assert await confirm(client, token) == []
    second = (await wait_for_mail(smtp_sink, HOLDER, count=2))[1]
    password = re.search(r"Clave temporal: (\S+)", second.text).group(1)
    assert account.client_number in second.text
    archived = await models.MailMessage.get(template="recovery_password")
    assert password not in archived.text_body
    assert "[oculto]" in archived.text_body
    link_archived = await models.MailMessage.get(template="recovery_link")
    assert token not in link_archived.text_body
    assert token not in (link_archived.html_body or "")
    assert (await other_client.data("{ viewer { permissions } }"))["viewer"] is None
    await client.sign_in(account.client_number, password)
    assert (await client.data("{ viewer { mustChangePassword } }"))["viewer"]["mustChangePassword"] is True
    blocked = await client("{ viewer { account { services { totalCount } } } }")
    assert blocked["errors"][0]["extensions"]["code"] == "PASSWORD_CHANGE_REQUIRED"
    assert await models.ActivityEvent.filter(account_id=account.id, action="recovery.confirmed").exists()
    assert await confirm(client, token) == [
        {"code": "INVALID_CODE", "field": ["input", "token"], "message": "El enlace no es válido o ya fue usado."}
    ]


async def test_links_expire_after_an_hour(client, account, smtp_sink, clock, runtime) -> None:
    await ask(client, runtime, "CLIENT_NUMBER", account.client_number)
    token = token_in((await wait_for_mail(smtp_sink, HOLDER))[0].text)
    clock.advance(timedelta(hours=1))
    assert (await confirm(client, token))[0]["code"] == "CODE_EXPIRED"
    await client.sign_in(account.client_number, PASSWORD)


async def test_a_newer_request_voids_older_links(client, account, smtp_sink, runtime) -> None:
    await ask(client, runtime, "CLIENT_NUMBER", account.client_number)
    await ask(client, runtime, "PRIMARY_EMAIL", HOLDER)
    first, second = (token_in(m.text) for m in await wait_for_mail(smtp_sink, HOLDER, count=2))
    assert (await confirm(client, first))[0]["code"] == "INVALID_CODE"
    assert await confirm(client, second) == []


async def test_unknown_tokens_change_nothing(client, account) -> None:
    before = (await models.Account.get(id=account.id)).password_hash
    assert (await confirm(client, "made-up-token"))[0]["code"] == "INVALID_CODE"
    assert (await models.Account.get(id=account.id)).password_hash == before


async def test_a_contacts_email_recovers_that_contact(client, account, factory, smtp_sink, runtime) -> None:
    await factory.contact(account, "ana@example.com")
    await ask(client, runtime, "PRIMARY_EMAIL", "ana@example.com")
    [link] = await wait_for_mail(smtp_sink, "ana@example.com")
    assert await confirm(client, token_in(link.text)) == []
    second = (await wait_for_mail(smtp_sink, "ana@example.com", count=2))[1]
    assert "Ingreso: ana@example.com" in second.text
    assert smtp_sink.to(HOLDER) == []
    contact = await models.Contact.get(email="ana@example.com")
    assert contact.must_change_password is True
    assert (await models.Account.get(id=account.id)).must_change_password is False


async def test_rate_limit_per_ip_is_visible(client, account, runtime) -> None:
    for _ in range(10):
        await ask(client, runtime, "DOMAIN", "no-existe.com.ar")
    limited = (await ask(client, runtime, "DOMAIN", "no-existe.com.ar"))["accessRecoveryRequest"]["errors"][0]
    assert limited["code"] == "RATE_LIMITED"
    assert limited["field"] is None


async def test_rate_limit_per_account_is_silent(client, account, runtime, smtp_sink) -> None:
    for _ in range(5):
        assert await ask(client, runtime, "CLIENT_NUMBER", account.client_number) == {
            "accessRecoveryRequest": {"errors": []}
        }
    await wait_for_mail(smtp_sink, HOLDER, count=3)
    assert await models.RecoveryRequest.filter(account_id=account.id).count() == 3


async def test_overlong_values_are_just_no_match(client, account, runtime) -> None:
    for method, value in (
        ("CLIENT_NUMBER", "9" * 40),
        ("PRIMARY_EMAIL", "a" * 300 + "@example.com"),
        ("DOMAIN", "a" * 300 + ".com"),
    ):
        assert await ask(client, runtime, method, value) == {"accessRecoveryRequest": {"errors": []}}
