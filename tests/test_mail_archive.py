"""Routing by email category and the searchable archive, "Emails Recibidos"."""

from __future__ import annotations

from datetime import timedelta

from tortoise.transactions import in_transaction

import models
from core.ids import to_global_id
from core.mail import queue_mail
from models.enums import EmailCategory
from tests.helpers import wait_for_mail

MAIL = """query($f: MailFilter, $first: Int, $after: String) {
  viewer { account { mail(filter: $f, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id category subject recipients textBody deliveryStatus service { id } } } } } } }"""
RESEND = "mutation($i: MailResendInput!) { mailResend(input: $i) { message { id recipients } errors { code field } } }"


async def send(runtime, account, template="email_changed", category=EmailCategory.GENERAL, service=None, **values):
    values = values or {"old_email": "vieja@example.com", "new_email": "nueva@example.com"}
    async with in_transaction():
        return (
            await queue_mail(
                runtime,
                account_id=account.id,
                template=template,
                category=category,
                values=values,
                service_id=service.id if service else None,
            )
        )[0]


async def mail_of(client, **variables) -> dict:
    return (await client.data(MAIL, variables))["viewer"]["account"]["mail"]


async def test_routing_by_category_and_active_flag(factory, runtime, smtp_sink) -> None:
    account = await factory.account(email="titular@example.net")
    await factory.contact(account, "dominios@example.com", email_categories=["DOMAINS"])
    await factory.contact(account, "todo@example.com", email_categories=[c.value for c in EmailCategory])
    await factory.contact(account, "inactivo@example.com", email_categories=["DOMAINS", "GENERAL"], active=False)
    general = await send(runtime, account, category=EmailCategory.GENERAL)
    domains = await send(runtime, account, category=EmailCategory.DOMAINS)
    assert sorted(await models.MailRecipient.filter(message_id=general.id).values_list("address", flat=True)) == [
        "titular@example.net",
        "todo@example.com",
    ]
    assert sorted(await models.MailRecipient.filter(message_id=domains.id).values_list("address", flat=True)) == [
        "dominios@example.com",
        "titular@example.net",
        "todo@example.com",
    ]
    await wait_for_mail(smtp_sink, "todo@example.com", count=2)
    await wait_for_mail(smtp_sink, "dominios@example.com", count=1)
    assert smtp_sink.to("inactivo@example.com") == []


async def test_one_message_per_language(factory, runtime, smtp_sink) -> None:
    account = await factory.account(email="titular@example.net")
    contact = await factory.contact(account, "english@example.com", email_categories=["GENERAL"])
    await models.Contact.filter(id=contact.id).update(language="EN")
    await send(runtime, account)
    [spanish] = await wait_for_mail(smtp_sink, "titular@example.net")
    [english] = await wait_for_mail(smtp_sink, "english@example.com")
    assert spanish.subject.startswith("Cambio")
    assert english.subject.startswith("Your")


async def test_archive_newest_first_with_pagination_and_filters(client, factory, runtime, clock) -> None:
    account = await factory.account()
    service = await factory.service(account)
    for n in range(5):
        clock.advance(timedelta(hours=1))
        await send(
            runtime,
            account,
            category=EmailCategory.DOMAINS if n % 2 else EmailCategory.GENERAL,
            service=service if n == 4 else None,
        )
    await client.sign_in(account.client_number)
    first = await mail_of(client, first=2)
    assert first["totalCount"] == 5
    assert first["pageInfo"]["hasNextPage"]
    second = await mail_of(client, first=2, after=first["pageInfo"]["endCursor"])
    ids = [e["node"]["id"] for e in first["edges"] + second["edges"]]
    assert len(set(ids)) == 4
    assert (await mail_of(client, f={"categories": ["DOMAINS"]}))["totalCount"] == 2
    with_service = await mail_of(client, f={"serviceId": to_global_id("Service", service.id)})
    assert with_service["totalCount"] == 1
    assert with_service["edges"][0]["node"]["service"]["id"] == to_global_id("Service", service.id)
    since = (clock.now() - timedelta(hours=2, minutes=30)).isoformat()
    assert (await mail_of(client, f={"since": since}))["totalCount"] == 3


async def test_search_ignores_case_and_accents(client, factory, runtime) -> None:
    account = await factory.account()
    await send(runtime, account, template="pin_set")
    await send(runtime, account)
    await client.sign_in(account.client_number)
    found = await mail_of(client, f={"search": "PIN SEGURIDAD"})
    assert found["totalCount"] == 1
    assert "PIN" in found["edges"][0]["node"]["subject"]
    assert (await mail_of(client, f={"search": "identidad telefono"}))["totalCount"] == 1
    assert (await mail_of(client, f={"search": "cancelación inexistente"}))["totalCount"] == 0


async def test_open_one_message_by_id_but_not_anothers(client, factory, runtime) -> None:
    mine = await factory.account()
    theirs = await factory.account()
    my_message = await send(runtime, mine)
    their_message = await send(runtime, theirs)
    await client.sign_in(mine.client_number)
    query = "query($id: ID!) { node(id: $id) { ... on MailMessage { subject recipients } } }"
    assert (await client.data(query, {"id": to_global_id("MailMessage", my_message.id)}))["node"]["subject"]
    assert (await client.data(query, {"id": to_global_id("MailMessage", their_message.id)}))["node"] is None
    errors = (await client.data(RESEND, {"i": {"messageId": to_global_id("MailMessage", their_message.id)}}))[
        "mailResend"
    ]["errors"]
    assert errors == [{"code": "NOT_FOUND", "field": ["input", "messageId"]}]
    assert await models.MailMessage.filter(account_id=theirs.id).count() == 1


async def test_contacts_without_mail_see_only_what_was_sent_to_them(client, factory, runtime) -> None:
    account = await factory.account()
    await factory.contact(account, "soporte@example.com", email_categories=["SUPPORT"], permissions=["SERVICES"])
    await send(runtime, account, category=EmailCategory.GENERAL)
    to_contact = await send(runtime, account, category=EmailCategory.SUPPORT)
    await client.sign_in("soporte@example.com")
    seen = await mail_of(client)
    assert [e["node"]["id"] for e in seen["edges"]] == [to_global_id("MailMessage", to_contact.id)]
    body = await client(RESEND, {"i": {"messageId": to_global_id("MailMessage", to_contact.id)}})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_resend_goes_to_current_recipients_and_is_rate_limited(client, factory, runtime, smtp_sink) -> None:
    account = await factory.account(email="titular@example.net")
    original = await send(runtime, account)
    await factory.contact(account, "nuevo@example.com", email_categories=["GENERAL"])
    await client.sign_in(account.client_number)
    message_id = to_global_id("MailMessage", original.id)
    for _ in range(3):
        result = (await client.data(RESEND, {"i": {"messageId": message_id}}))["mailResend"]
        assert result["errors"] == []
        assert sorted(result["message"]["recipients"]) == ["nuevo@example.com", "titular@example.net"]
    limited = (await client.data(RESEND, {"i": {"messageId": message_id}}))["mailResend"]
    assert limited["errors"][0]["code"] == "RATE_LIMITED"
    assert limited["message"] is None
    assert await models.MailMessage.filter(resent_from_id=original.id).count() == 3
    await wait_for_mail(smtp_sink, "nuevo@example.com", count=3)
