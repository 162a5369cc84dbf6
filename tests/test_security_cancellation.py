"""Cancellation security: codes spent before they are compared, the holder told of a contact's
request and able to withdraw it, and composed strings (people's and tokens' names) that fit their
columns from sign-in to sign-out."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest

import models
from core.ids import to_global_id
from domain.cancellation import ATTEMPTS
from tests.conftest import BASE_URL, HOLDER
from tests.helpers import PASSWORD, GraphQLClient, emailed_code
from tests.smtp import Received, SmtpSink
from tests.test_subscriptions import CONFIRM, REQUEST, WITHDRAW

CONTACT = "contacto@example.com"
SIGN_OUT = "mutation { signOut { errors { code } } }"
ACCEPT = """mutation($i: ContactInvitationAcceptInput!) { contactInvitationAccept(input: $i) {
  errors { code message } } }"""
CONTACT_CREATE = """mutation($i: ContactCreateInput!) { contactCreate(input: $i) {
  contact { id } errors { code message } } }"""
SERVICE_ROLES = ["SERVICES", "MANAGE_SERVICES"]
TOKEN_CREATE = "mutation($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) { token errors { code message } } }"


async def request(client, service, **kwargs) -> dict:
    service_id = to_global_id("Service", service.id)
    variables = {"i": {"serviceId": service_id, "reason": "Cierro el negocio", "acknowledgeDataDeletion": True}}
    return (await client.data(REQUEST, variables, **kwargs))["serviceCancellationRequest"]


async def confirm(client, cancellation_id: str, code: str) -> dict:
    variables = {"i": {"cancellationId": cancellation_id, "code": code}}
    return (await client.data(CONFIRM, variables))["serviceCancellationConfirm"]


async def withdraw(client, cancellation_id: str) -> dict:
    return (await client.data(WITHDRAW, {"i": {"cancellationId": cancellation_id}}))["serviceCancellationWithdraw"]


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def mail_with_subject(sink: SmtpSink, address: str, subject: str) -> Received:
    """The message with `subject` that `address` received (bounded wait; other tests' late mail is ignored)."""
    for _ in range(250):
        if found := [r for r in sink.to(address) if r.subject == subject]:
            return found[0]
        await asyncio.sleep(0.02)
    raise AssertionError(f"{address} received no {subject!r}")


async def test_a_concurrent_burst_of_wrong_codes_is_compared_at_most_five_times(
    client, factory, holder, runtime, smtp_sink, monkeypatch
) -> None:
    service = await factory.service(holder)
    cancellation_id = (await request(client, service))["cancellation"]["id"]
    code = await emailed_code(smtp_sink, HOLDER)
    code_hash = (await models.Cancellation.get(service_id=service.id)).code_hash
    compared: list[str] = []
    matches = runtime.secrets.matches

    def counting(stored_digest: str | None, token: str) -> bool:
        if stored_digest == code_hash:
            compared.append(token)
        return matches(stored_digest, token)

    monkeypatch.setattr(runtime.secrets, "matches", counting)
    results = await asyncio.gather(*(confirm(client, cancellation_id, wrong(code)) for _ in range(40)))
    codes = [r["errors"][0]["code"] for r in results]
    assert len(compared) == ATTEMPTS, "each comparison spends an attempt first"
    assert set(codes) <= {"INVALID_CODE", "TOO_MANY_ATTEMPTS"}
    assert codes.count("TOO_MANY_ATTEMPTS") >= 40 - (ATTEMPTS - 1)
    stored = await models.Cancellation.get(service_id=service.id)
    assert stored.attempts_left == 0
    assert stored.status == "AWAITING_CONFIRMATION"
    refused = await confirm(client, cancellation_id, code)
    assert refused["errors"][0]["code"] == "TOO_MANY_ATTEMPTS"
    assert len(compared) == ATTEMPTS
    assert (await models.Cancellation.get(service_id=service.id)).status == "AWAITING_CONFIRMATION"


async def test_a_right_code_in_a_burst_counts_only_within_the_attempts(client, factory, holder, smtp_sink) -> None:
    service = await factory.service(holder)
    cancellation_id = (await request(client, service))["cancellation"]["id"]
    code = await emailed_code(smtp_sink, HOLDER)
    guesses = [wrong(code)] * 20 + [code]
    results = await asyncio.gather(*(confirm(client, cancellation_id, guess) for guess in guesses))
    stored = await models.Cancellation.get(service_id=service.id)
    succeeded = [r for r in results if not r["errors"]]
    # The right code wins only if it got one of the five attempts; otherwise nothing was scheduled.
    assert stored.status == ("SCHEDULED" if succeeded else "AWAITING_CONFIRMATION")
    assert sum(1 for r in results if r["errors"] and r["errors"][0]["code"] == "INVALID_CODE") <= ATTEMPTS - 1


@pytest.mark.parametrize("language", ["ES", "EN"])
async def test_the_holder_is_told_of_a_contacts_request_and_withdraws_it(
    client, other_client, factory, holder, runtime, smtp_sink, language
) -> None:
    await models.Holder.filter(account_id=holder.id).update(language=language)
    await factory.contact(holder, CONTACT, first_name="Ana", last_name="Gómez", permissions=SERVICE_ROLES)
    service = await factory.service(holder, "Hosting Pyme")
    await other_client.sign_in(CONTACT)
    requested = await request(other_client, service)
    assert requested["errors"] == []
    code = await emailed_code(smtp_sink, CONTACT)
    subjects = {"ES": "Un contacto pidió la baja de Hosting Pyme", "EN": "A contact asked to cancel Hosting Pyme"}
    notice = await mail_with_subject(smtp_sink, HOLDER, subjects[language])
    assert "Ana Gómez" in notice.text
    assert "Cierro el negocio" in notice.text
    assert f"{runtime.settings.public_base_url}/#services" in notice.text
    assert code not in notice.text
    assert code not in (notice.html or "")
    archived = await models.MailMessage.get(template="cancellation_requested")
    assert archived.personal
    assert await archived.recipients.all().values_list("address", flat=True) == [HOLDER]

    withdrawn = await withdraw(client, requested["cancellation"]["id"])
    assert withdrawn["errors"] == []
    assert withdrawn["cancellation"]["status"] == "WITHDRAWN"
    too_late = await confirm(other_client, requested["cancellation"]["id"], code)
    assert too_late["errors"][0]["code"] == "INVALID_STATE"
    await service.refresh_from_db()
    assert service.status == "ACTIVE"


async def test_the_holders_own_request_sends_only_the_code(client, holder, factory, smtp_sink) -> None:
    service = await factory.service(holder)
    assert (await request(client, service))["errors"] == []
    await emailed_code(smtp_sink, HOLDER)
    templates = await models.MailMessage.all().values_list("template", flat=True)
    assert templates == ["cancellation_code"]


async def test_long_names_fit_their_columns_from_sign_in_to_sign_out(
    app, client, other_client, factory, smtp_sink
) -> None:
    first, last = "Á" * 100, "Z" * 100
    account = await factory.account(email=HOLDER, first_name=first, last_name=last)
    services = [await factory.service(account, f"Hosting {n}") for n in range(3)]
    await client.sign_in(account.client_number)

    invited = await client.data(
        CONTACT_CREATE,
        {"i": {"firstName": "B" * 100, "lastName": "C" * 100, "email": CONTACT, "permissions": SERVICE_ROLES}},
    )
    assert invited["contactCreate"]["errors"] == []
    invitation = await mail_with_subject(smtp_sink, CONTACT, "Invitación al Panel de Clientes")
    token = re.search(r"/invitacion\?token=([\w-]+)", invitation.text).group(1)
    accepted = await other_client.data(ACCEPT, {"i": {"token": token, "password": PASSWORD}})
    assert accepted["contactInvitationAccept"]["errors"] == []
    await other_client.sign_in(CONTACT)

    assert (await request(client, services[0]))["errors"] == []
    assert (await request(other_client, services[1]))["errors"] == []
    created = await client.data(TOKEN_CREATE, {"i": {"name": "T" * 100, "permissions": SERVICE_ROLES}})
    api_token = created["apiTokenCreate"]["token"]
    assert api_token, created
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as http:
        by_token = await request(GraphQLClient(http), services[2], headers={"Authorization": f"Bearer {api_token}"})
    assert by_token["errors"] == []

    for browser in (client, other_client):
        assert (await browser.data(SIGN_OUT))["signOut"]["errors"] == []
    limit = models.Cancellation._meta.fields_map["requested_by"].max_length
    requested_by = await models.Cancellation.all().order_by("id").values_list("requested_by", flat=True)
    assert all(len(name) == limit and name.endswith("…") for name in requested_by)
    assert requested_by[0].startswith(first)
    assert requested_by[1].startswith("B" * 100)
    actors = await models.ActivityEvent.filter(account_id=account.id).values_list("action", "actor")
    actions = {action for action, _actor in actors}
    assert {
        "session.signed_in",
        "contact.created",
        "contact.invitation_accepted",
        "cancellation.requested",
        "api_token.created",
        "session.signed_out",
    } <= actions
    assert all(len(actor) <= models.ActivityEvent._meta.fields_map["actor"].max_length for _action, actor in actors)
    assert any(actor.endswith("…") for action, actor in actors if action == "session.signed_out")


async def test_managing_without_services_acts_but_reads_no_cancellation(client, other_client, factory) -> None:
    """MANAGE_SERVICES alone may request and confirm, but the payload never shows the cancellation (its service,
    its reason, who asked): Account.services refuses that contact, so its payloads do not show them either."""
    account = await factory.account()
    service = await factory.service(account)
    await factory.contact(account, "gestor@example.com", permissions=["MANAGE_SERVICES"])
    await other_client.sign_in("gestor@example.com")
    requested = await request(other_client, service)
    assert requested["errors"] == []
    assert requested["cancellation"] is None
    stored = await models.Cancellation.get(service_id=service.id)
    confirmed = await confirm(other_client, to_global_id("Cancellation", stored.id), "000000")
    assert confirmed["cancellation"] is None
