"""Access recovery does the same work whether or not anything matched, reaches the right person
once, and hands nothing over twice (seed 001; security review items 6, 10 and 11)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from tortoise import connections

import models
from domain import recovery_worker
from models.enums import ServiceStatus
from tests.helpers import counting_queries, wait_for_mail
from tests.live_server import graphql_socket

REQUEST = "mutation($i: AccessRecoveryRequestInput!) { accessRecoveryRequest(input: $i) { errors { code field } } }"
CONFIRM = "mutation($i: AccessRecoveryConfirmInput!) { accessRecoveryConfirm(input: $i) { errors { code field } } }"
SIGN_IN = "mutation($i: SignInInput!) { signIn(input: $i) { errors { code } } }"
CHANGE = "mutation($i: PasswordChangeInput!) { passwordChange(input: $i) { errors { code field } } }"
TOKEN = "mutation($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) { token errors { code } } }"
NEW_PASSWORD = "Tortuga-Lunar-Bariloche-7310"
HOLDER = "titular@example.net"
SUBSCRIPTION = "subscription { cancellationStatusChanged { service { id } } }"


@contextmanager
def counting_statements() -> Iterator[list[str]]:
    """counting_queries, INSERTs included."""
    client_class = type(connections.get("default"))
    original = client_class.execute_insert
    with counting_queries() as seen:

        async def counted(self, query, values):  # type: ignore[no-untyped-def]
            seen.append(query)
            return await original(self, query, values)

        client_class.execute_insert = counted
        try:
            yield seen
        finally:
            client_class.execute_insert = original


async def ask(client, method: str, value: str) -> None:
    answer = await client.data(REQUEST, {"i": {"method": method, "value": value}})
    assert answer == {"accessRecoveryRequest": {"errors": []}}


def links_in(text: str) -> list[str]:
    return re.findall(r"/recuperar\?token=([\w-]+)", text)


async def confirmed_password(client, smtp_sink, address: str, token: str, count: int) -> str:
    """Confirm `token` and read the temporary password from the `count`-th message to `address`."""
    assert (await client.data(CONFIRM, {"i": {"token": token}}))["accessRecoveryConfirm"]["errors"] == []
    message = (await wait_for_mail(smtp_sink, address, count=count))[count - 1]
    return re.search(r"Clave temporal: (\S+)", message.text).group(1)


async def new_api_token(client) -> str:
    return (await client.data(TOKEN, {"i": {"name": "ERP", "permissions": ["SERVICES"]}}))["apiTokenCreate"]["token"]


async def signs_in(client, login: str, password: str) -> bool:
    errors = (await client.data(SIGN_IN, {"i": {"login": login, "password": password}}))["signIn"]["errors"]
    return errors == []


async def test_match_and_miss_run_the_same_statements_and_only_the_worker_mails(
    client, factory, runtime, smtp_sink
) -> None:
    account = await factory.account(email=HOLDER)
    await factory.service(account, domain="dominio.com.ar")
    for method, match, miss in (
        ("CLIENT_NUMBER", account.client_number, "123456"),
        ("DOMAIN", "dominio.com.ar", "otro.com.ar"),
        ("PRIMARY_EMAIL", HOLDER, "nadie@example.net"),
    ):
        with counting_statements() as matched:
            await ask(client, method, match)
        with counting_statements() as missed:
            await ask(client, method, miss)
        assert matched == missed, (method, matched, missed)
        assert len(matched) == 1, (method, matched, missed)
    assert await models.RecoveryRequest.filter(token_hash__isnull=False).count() == 0
    assert smtp_sink.to(HOLDER) == []
    assert await recovery_worker.process_due(runtime) == 6
    received = await wait_for_mail(smtp_sink, HOLDER, count=3)
    assert len(received) == 3
    assert all(len(links_in(m.text)) == 1 for m in received)
    assert await models.RecoveryRequest.filter(token_hash__isnull=False).count() == 3
    kept = await models.RecoveryRequest.filter(method__isnull=False).exclude(value=None).count()
    assert kept == 0, "the typed values are forgotten once processed"
    assert await models.OutboxMessage.all().count() == 3


async def test_a_request_whose_worker_died_is_taken_over_after_the_lease(
    client, factory, runtime, clock, smtp_sink
) -> None:
    account = await factory.account(email=HOLDER)
    await ask(client, "CLIENT_NUMBER", account.client_number)
    [held] = await recovery_worker.claim(runtime, "dead-worker")
    assert await recovery_worker.process_due(runtime) == 0
    clock.advance(recovery_worker.LEASE + timedelta(seconds=1))
    assert await recovery_worker.process_due(runtime) == 1
    assert await recovery_worker.process(runtime, held, "dead-worker") is False
    assert await recovery_worker.process_due(runtime) == 0
    [received] = await wait_for_mail(smtp_sink, HOLDER)
    assert len(links_in(received.text)) == 1
    assert await models.RecoveryRequest.filter(token_hash__isnull=False).count() == 1


async def test_the_per_person_limit_is_silent_and_applied_by_the_worker(client, factory, runtime, smtp_sink) -> None:
    account = await factory.account(email=HOLDER)
    for _ in range(5):
        await ask(client, "CLIENT_NUMBER", account.client_number)
    assert await recovery_worker.process_due(runtime) == 5
    assert await models.RecoveryRequest.filter(account_id=account.id).count() == 3
    assert len(await wait_for_mail(smtp_sink, HOLDER, count=3)) == 3


async def test_a_domain_recovers_the_live_service_however_it_is_typed(client, factory, runtime, smtp_sink) -> None:
    former = await factory.account(email="antes@example.net")
    await factory.service(former, domain="dominio.com.ar", status=ServiceStatus.CANCELLED)
    current = await factory.account(email="ahora@example.net")
    await factory.service(current, domain="dominio.com.ar")
    # Three, the per-person limit: each one sends a link.
    typed = ("https://www.Dominio.com.ar/contacto?x=1", "  WWW.DOMINIO.COM.AR.  ", "Dominio.com.ar:443")
    for value in typed:
        await ask(client, "DOMAIN", value)
    assert await recovery_worker.process_due(runtime) == len(typed)
    received = await wait_for_mail(smtp_sink, "ahora@example.net", count=len(typed))
    assert all(m.message["X-Client-Number"] == current.client_number for m in received)
    assert smtp_sink.to("antes@example.net") == []


async def test_only_cancelled_services_match_nothing(client, factory, runtime, smtp_sink) -> None:
    account = await factory.account(email=HOLDER)
    await factory.service(account, domain="viejo.com.ar", status=ServiceStatus.CANCELLED)
    await ask(client, "DOMAIN", "viejo.com.ar")
    assert await recovery_worker.process_due(runtime) == 1
    assert await models.RecoveryRequest.filter(token_hash__isnull=False).count() == 0
    assert await models.OutboxMessage.all().count() == 0


async def test_an_email_of_several_accounts_gets_one_message_with_a_link_each(
    client, factory, runtime, smtp_sink
) -> None:
    first = await factory.account(email="compartido@example.net")
    second = await factory.account(email="compartido@example.net")
    agency = await factory.account()
    await factory.contact(agency, "compartido@example.net")
    await ask(client, "PRIMARY_EMAIL", "Compartido@Example.net")
    assert await recovery_worker.process_due(runtime) == 1
    [received] = await wait_for_mail(smtp_sink, "compartido@example.net")
    numbers = [first.client_number, second.client_number, agency.client_number]
    assert all(f"de cliente {number}:" in received.text for number in numbers)
    tokens = links_in(received.text)
    assert len(tokens) == 3
    archived = await models.MailMessage.get(template="recovery_link")
    assert all(token not in archived.text_body for token in tokens)
    assert all(number not in archived.text_body for number in numbers[1:]), "other accounts stay out of this archive"
    await confirmed_password(client, smtp_sink, "compartido@example.net", tokens[2], count=2)
    contact = await models.Contact.get(account_id=agency.id)
    assert contact.must_change_password is True
    assert (await models.Account.get(id=first.id)).must_change_password is False
    assert (await models.Account.get(id=second.id)).must_change_password is False


async def test_the_temporary_password_works_once_and_for_24_hours(
    client, other_client, factory, runtime, smtp_sink, clock
) -> None:
    account = await factory.account(email=HOLDER)
    await ask(client, "CLIENT_NUMBER", account.client_number)
    await recovery_worker.process_due(runtime)
    [token] = links_in((await wait_for_mail(smtp_sink, HOLDER))[0].text)
    password = await confirmed_password(client, smtp_sink, HOLDER, token, count=2)
    assert await signs_in(client, account.client_number, password)
    assert not await signs_in(other_client, account.client_number, password), "a second sign-in with it"
    changed = await client.data(CHANGE, {"i": {"currentPassword": password, "newPassword": NEW_PASSWORD}})
    assert changed["passwordChange"]["errors"] == []
    assert await signs_in(other_client, account.client_number, NEW_PASSWORD)

    await ask(client, "CLIENT_NUMBER", account.client_number)
    await recovery_worker.process_due(runtime)
    [token] = links_in((await wait_for_mail(smtp_sink, HOLDER, count=4))[3].text)
    password = await confirmed_password(client, smtp_sink, HOLDER, token, count=5)
    clock.advance(timedelta(hours=24))
    assert not await signs_in(other_client, account.client_number, password), "after 24 hours"


async def test_recovery_revokes_the_persons_api_tokens_and_says_so(
    client, other_client, factory, runtime, smtp_sink
) -> None:
    account = await factory.account(email=HOLDER)
    await factory.contact(account, "ana@example.com", permissions=["SERVICES", "SECURITY"])
    await client.sign_in(account.client_number)
    holder_token = await new_api_token(client)
    await other_client.sign_in("ana@example.com")
    contact_token = await new_api_token(other_client)
    assert holder_token
    assert contact_token
    await ask(client, "CLIENT_NUMBER", account.client_number)
    await recovery_worker.process_due(runtime)
    [token] = links_in((await wait_for_mail(smtp_sink, HOLDER))[0].text)
    await confirmed_password(client, smtp_sink, HOLDER, token, count=2)
    notice = (await wait_for_mail(smtp_sink, HOLDER, count=2))[1]
    assert "claves de API" in notice.text
    assert "revocadas" in notice.text
    viewer = "{ viewer { permissions } }"
    revoked = await other_client.post(viewer, headers={"Authorization": f"Bearer {holder_token}"})
    assert revoked.status_code == 401
    assert (await other_client.data(viewer, headers={"Authorization": f"Bearer {contact_token}"}))["viewer"] is not None
    assert await models.ApiToken.filter(account_id=account.id, revoked_at__isnull=False).count() == 1


async def test_recovery_closes_the_persons_token_sockets_even_without_sessions(
    port, client, factory, runtime, smtp_sink
) -> None:
    account = await factory.account(email=HOLDER)
    await client.sign_in(account.client_number)
    token = await new_api_token(client)
    await client.data("mutation { signOut { errors { code } } }")
    async with graphql_socket(port) as socket:
        assert (await socket.init({"authorization": f"Bearer {token}"}))["type"] == "connection_ack"
        await socket.subscribe(SUBSCRIPTION)
        await ask(client, "CLIENT_NUMBER", account.client_number)
        await recovery_worker.process_due(runtime)
        [link] = links_in((await wait_for_mail(smtp_sink, HOLDER))[0].text)
        await confirmed_password(client, smtp_sink, HOLDER, link, count=2)
        assert await socket.closed_with() == 4403


async def test_links_stay_within_the_addresses_security_mail_budget(client, factory, runtime, smtp_sink) -> None:
    """Several accounts' people share an address: each request sends one message, and the address's
    hourly budget of security mail (core.mail_limits) bounds them, whatever the per-person limits allow."""
    budget = runtime.settings.security_mail_per_recipient_hour
    for _ in range(budget + 1):
        await factory.account(email="muchas@example.net")
    accounts = await models.Account.all().order_by("id")
    for account in accounts:
        await ask(client, "CLIENT_NUMBER", account.client_number)
    assert await recovery_worker.process_due(runtime) == len(accounts)
    assert len(await wait_for_mail(smtp_sink, "muchas@example.net", count=budget)) == budget
    assert await models.RecoveryRequest.filter(token_hash__isnull=False).count() == budget
