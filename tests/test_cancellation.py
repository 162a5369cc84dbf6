"""Services and their cancellation (seed 003)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import models
from core.ids import to_global_id
from domain.cancellation_completion import complete, complete_due
from models.enums import PaymentMethod, ServiceKind, ServiceStatus
from tests.conftest import HOLDER
from tests.helpers import emailed_code, wait_for_mail
from tests.test_subscriptions import CONFIRM, REQUEST, WITHDRAW

SERVICES = """query($status: [ServiceStatus!]) { viewer { account {
  services(status: $status) { totalCount edges { node {
  id name kind domain status paymentMethod recurringAmount { amount currency } nextDueDate
  cancellation { id status attemptsLeft effectiveBy }
  cancellationPreview {
    canRequest blockers requestDeadline automaticDebitCutoff nextDebitWillBeCharged dataDeleted effectiveWithinHours
  }
} } } } } }"""
RESEND = """mutation($i: ServiceCancellationCodeResendInput!) { serviceCancellationCodeResend(input: $i) {
  cancellation { id attemptsLeft } errors { code field message } } }"""
PREVIEW = """query($id: ID!) { node(id: $id) { ... on Service {
  cancellationPreview { canRequest blockers requestDeadline automaticDebitCutoff nextDebitWillBeCharged } } } }"""


def gid(kind: str, pk: int) -> str:
    return to_global_id(kind, pk)


async def request(client, service, reason="Cierro el negocio", ack=True) -> dict:
    variables = {"i": {"serviceId": gid("Service", service.id), "reason": reason, "acknowledgeDataDeletion": ack}}
    body = await client.data(
        REQUEST.replace("errors { code message }", "errors { code field message } warnings { code message }"), variables
    )
    return body["serviceCancellationRequest"]


async def confirm(client, cancellation_id: str, code: str) -> dict:
    return (await client.data(CONFIRM, {"i": {"cancellationId": cancellation_id, "code": code}}))[
        "serviceCancellationConfirm"
    ]


async def preview(client, service) -> dict:
    return (await client.data(PREVIEW, {"id": gid("Service", service.id)}))["node"]["cancellationPreview"]


async def test_list_shows_every_status_and_filters(client, factory, holder) -> None:
    await factory.service(holder, "Hosting A", recurring_amount=Decimal("1500"))
    await factory.service(holder, "Hosting B", status=ServiceStatus.SUSPENDED)
    await factory.service(holder, "Hosting C", status=ServiceStatus.CANCELLED)
    everything = (await client.data(SERVICES))["viewer"]["account"]["services"]
    assert everything["totalCount"] == 3
    first = everything["edges"][0]["node"]
    assert first["recurringAmount"] == {"amount": "1500.00", "currency": "ARS"}
    assert first["cancellation"] is None
    suspended = (await client.data(SERVICES, {"status": ["SUSPENDED"]}))["viewer"]["account"]["services"]
    assert [e["node"]["name"] for e in suspended["edges"]] == ["Hosting B"]
    cancelled = everything["edges"][2]["node"]["cancellationPreview"]
    assert cancelled["blockers"] == ["ALREADY_CANCELLED"]
    assert not cancelled["canRequest"]


async def test_request_confirm_and_complete(client, factory, holder, clock, runtime, smtp_sink) -> None:
    service = await factory.service(holder, next_due_date=date(2026, 4, 15))
    requested = await request(client, service)
    assert requested["errors"] == []
    assert requested["warnings"] == []
    cancellation_id = requested["cancellation"]["id"]
    [mail] = await wait_for_mail(smtp_sink, "titular@example.net")
    code = await emailed_code(smtp_sink, HOLDER)
    assert code in mail.text
    assert len(code) >= 6
    archived = await models.MailMessage.get(service_id=service.id, template="cancellation_code")
    assert code not in archived.text_body
    assert "[oculto]" in archived.text_body
    cancellation = await models.Cancellation.get(service_id=service.id)
    assert cancellation.code_hash != code
    assert code not in (cancellation.code_hash or "")
    assert (await preview(client, service))["blockers"] == ["ALREADY_PENDING"]

    confirmed = await confirm(client, cancellation_id, code)
    assert confirmed["errors"] == []
    assert confirmed["cancellation"]["status"] == "SCHEDULED"
    await service.refresh_from_db()
    assert service.status == ServiceStatus.CANCELLATION_PENDING
    scheduled = await models.Cancellation.get(id=cancellation.id)
    assert scheduled.effective_by - scheduled.confirmed_at == timedelta(hours=24)
    mails = await models.MailMessage.filter(service_id=service.id).count()
    again = await confirm(client, cancellation_id, code)
    assert again["errors"] == []
    assert again["cancellation"]["status"] == "SCHEDULED"
    assert await models.MailMessage.filter(service_id=service.id).count() == mails

    assert await complete_due(runtime) == 0
    clock.advance(timedelta(minutes=runtime.settings.cancellation_completion_delay_minutes))
    assert await complete_due(runtime) == 1
    assert await complete_due(runtime) == 0
    await service.refresh_from_db()
    assert service.status == ServiceStatus.CANCELLED
    assert service.cancelled_at == clock.now()
    done = await models.Cancellation.get(id=cancellation.id)
    assert done.status == "COMPLETED"
    assert done.completed_at <= done.effective_by
    actions = await models.ActivityEvent.filter(account_id=holder.id, action__startswith="cancellation.").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["cancellation.completed", "cancellation.confirmed", "cancellation.requested"]
    assert await models.MailMessage.filter(service_id=service.id, template="cancellation_completed").count() == 1


async def test_concurrent_completion_passes_complete_once(factory, holder, client, clock, runtime, smtp_sink) -> None:
    service = await factory.service(holder)
    cancellation_id = (await request(client, service))["cancellation"]["id"]
    await confirm(client, cancellation_id, await emailed_code(smtp_sink, HOLDER))
    clock.advance(timedelta(hours=2))
    pk = (await models.Cancellation.get(service_id=service.id)).id
    results = await asyncio.gather(*(complete(runtime, pk) for _ in range(4)))
    assert results.count(True) == 1
    assert await models.MailMessage.filter(service_id=service.id, template="cancellation_completed").count() == 1


async def test_a_crashed_completion_is_taken_over_once(factory, holder, client, clock, runtime, smtp_sink) -> None:
    service = await factory.service(holder)
    cancellation_id = (await request(client, service))["cancellation"]["id"]
    await confirm(client, cancellation_id, await emailed_code(smtp_sink, HOLDER))
    clock.advance(timedelta(hours=2))
    # A worker claimed it and died before finishing.
    await models.Service.filter(id=service.id).update(renewal_ending_started_at=clock.now())
    assert await complete_due(runtime) == 0
    await client.sign_in(holder.client_number)
    withdrawn = (await client.data(WITHDRAW, {"i": {"cancellationId": cancellation_id}}))["serviceCancellationWithdraw"]
    assert withdrawn["errors"][0]["code"] == "INVALID_STATE", "completion has started: too late to withdraw"
    clock.advance(timedelta(minutes=11))
    assert await complete_due(runtime) == 1
    assert await complete_due(runtime) == 0


async def test_request_validation(client, factory, holder) -> None:
    service = await factory.service(holder)
    errors = (await request(client, service, reason="   ", ack=False))["errors"]
    assert sorted((e["code"], e["field"][-1]) for e in errors) == [
        ("ACKNOWLEDGEMENT_REQUIRED", "acknowledgeDataDeletion"),
        ("REQUIRED", "reason"),
    ]
    assert (await request(client, service, reason="x" * 501))["errors"][0]["code"] == "TOO_LONG"
    assert await models.Cancellation.all().count() == 0


async def test_cancelled_service_is_invalid_state(client, factory, holder) -> None:
    service = await factory.service(holder, status=ServiceStatus.CANCELLED)
    assert (await request(client, service))["errors"][0]["code"] == "INVALID_STATE"


async def test_one_open_cancellation_even_under_concurrency(client, factory, holder) -> None:
    service = await factory.service(holder)
    results = await asyncio.gather(*(request(client, service) for _ in range(6)))
    assert sum(1 for r in results if not r["errors"]) == 1
    assert all(r["errors"][0]["code"] == "ALREADY_PENDING" for r in results if r["errors"])
    assert await models.Cancellation.filter(service_id=service.id).count() == 1


async def test_deadline_is_the_due_date_in_the_providers_time_zone(client, factory, holder, clock) -> None:
    service = await factory.service(holder, next_due_date=date(2026, 4, 15))
    # Buenos Aires is UTC-3: the due date starts at 03:00 UTC.
    clock.set(datetime(2026, 4, 15, 2, 59, tzinfo=UTC))
    await client.sign_in(holder.client_number)
    before = await preview(client, service)
    assert before["canRequest"]
    assert before["requestDeadline"] == "2026-04-15T03:00:00+00:00"
    clock.set(datetime(2026, 4, 15, 3, 0, tzinfo=UTC))
    assert (await preview(client, service))["blockers"] == ["PAST_DUE_DATE"]
    assert (await request(client, service))["errors"][0]["code"] == "DEADLINE_PASSED"


async def test_automatic_debit_cutoff_is_the_first_of_the_due_month(client, factory, holder, clock) -> None:
    service = await factory.service(
        holder, payment_method=PaymentMethod.AUTOMATIC_DEBIT, next_due_date=date(2026, 4, 15)
    )
    clock.set(datetime(2026, 4, 1, 2, 59, tzinfo=UTC))  # still March 31st in Buenos Aires
    await client.sign_in(holder.client_number)
    early = await preview(client, service)
    assert early["automaticDebitCutoff"] == "2026-04-01"
    assert early["nextDebitWillBeCharged"] is False
    assert (await request(client, service))["warnings"] == []
    await models.Cancellation.all().delete()
    clock.set(datetime(2026, 4, 1, 3, 0, tzinfo=UTC))
    assert (await preview(client, service))["nextDebitWillBeCharged"] is True
    late = await request(client, service)
    assert late["errors"] == []
    assert late["warnings"][0]["code"] == "AUTOMATIC_DEBIT_WILL_BE_CHARGED"
    assert "no será reintegrado" in late["warnings"][0]["message"]


async def test_wrong_codes_count_down_then_block(client, factory, holder, smtp_sink) -> None:
    service = await factory.service(holder)
    cancellation_id = (await request(client, service))["cancellation"]["id"]
    code = await emailed_code(smtp_sink, HOLDER)
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        errors = (await confirm(client, cancellation_id, wrong))["errors"]
        assert errors[0]["code"] == "INVALID_CODE"
        assert str(left) in errors[0]["message"]
    assert (await confirm(client, cancellation_id, wrong))["errors"][0]["code"] == "TOO_MANY_ATTEMPTS"
    assert (await confirm(client, cancellation_id, code))["errors"][0]["code"] == "TOO_MANY_ATTEMPTS"
    resent = (await client.data(RESEND, {"i": {"cancellationId": cancellation_id}}))["serviceCancellationCodeResend"]
    assert resent["errors"] == []
    assert resent["cancellation"]["attemptsLeft"] == 5
    new_code = await emailed_code(smtp_sink, HOLDER, count=2)
    if new_code != code:
        assert (await confirm(client, cancellation_id, code))["errors"][0]["code"] == "INVALID_CODE"
    assert (await confirm(client, cancellation_id, new_code))["errors"] == []


async def test_code_resend_is_rate_limited(client, factory, holder) -> None:
    service = await factory.service(holder)
    cancellation_id = (await request(client, service))["cancellation"]["id"]
    for _ in range(3):
        assert (await client.data(RESEND, {"i": {"cancellationId": cancellation_id}}))["serviceCancellationCodeResend"][
            "errors"
        ] == []
    limited = (await client.data(RESEND, {"i": {"cancellationId": cancellation_id}}))["serviceCancellationCodeResend"]
    assert limited["errors"][0]["code"] == "RATE_LIMITED"


async def test_codes_expire_after_24_hours(client, factory, holder, clock, runtime, smtp_sink) -> None:
    service = await factory.service(holder)
    cancellation_id = (await request(client, service))["cancellation"]["id"]
    code = await emailed_code(smtp_sink, HOLDER)
    clock.advance(timedelta(hours=24))
    await client.sign_in(holder.client_number)
    assert (await confirm(client, cancellation_id, code))["errors"][0]["code"] == "CODE_EXPIRED"
    assert (await models.Cancellation.get(service_id=service.id)).status == "EXPIRED"
    assert (await preview(client, service))["canRequest"] is True


async def test_the_worker_expires_codes_never_entered(client, factory, holder, clock, runtime) -> None:
    service = await factory.service(holder)
    await request(client, service)
    clock.advance(timedelta(hours=23))
    await complete_due(runtime)
    assert (await models.Cancellation.get(service_id=service.id)).status == "AWAITING_CONFIRMATION"
    clock.advance(timedelta(hours=1))
    await complete_due(runtime)
    assert (await models.Cancellation.get(service_id=service.id)).status == "EXPIRED"


async def test_withdraw_restores_the_previous_status(client, factory, holder, smtp_sink) -> None:
    service = await factory.service(holder, status=ServiceStatus.SUSPENDED)
    cancellation_id = (await request(client, service))["cancellation"]["id"]
    await confirm(client, cancellation_id, await emailed_code(smtp_sink, HOLDER))
    withdrawn = (await client.data(WITHDRAW, {"i": {"cancellationId": cancellation_id}}))["serviceCancellationWithdraw"]
    assert withdrawn["errors"] == []
    assert withdrawn["cancellation"]["status"] == "WITHDRAWN"
    await service.refresh_from_db()
    assert service.status == ServiceStatus.SUSPENDED
    again = (await client.data(WITHDRAW, {"i": {"cancellationId": cancellation_id}}))["serviceCancellationWithdraw"]
    assert again["errors"][0]["code"] == "INVALID_STATE"
    assert await models.MailMessage.filter(service_id=service.id, template="cancellation_withdrawn").count() == 1


async def test_another_accounts_ids_are_not_found(client, other_client, factory, holder) -> None:
    theirs = await factory.account()
    their_service = await factory.service(theirs)
    await other_client.sign_in(theirs.client_number)
    their_cancellation = (await request(other_client, their_service))["cancellation"]["id"]
    assert (await request(client, their_service))["errors"][0]["code"] == "NOT_FOUND"
    assert (await confirm(client, their_cancellation, "123456"))["errors"][0]["code"] == "NOT_FOUND"
    for document, name in ((WITHDRAW, "serviceCancellationWithdraw"), (RESEND, "serviceCancellationCodeResend")):
        assert (await client.data(document, {"i": {"cancellationId": their_cancellation}}))[name]["errors"][0][
            "code"
        ] == "NOT_FOUND"
    assert (await client.data(PREVIEW, {"id": gid("Service", their_service.id)}))["node"] is None
    assert (await client.data("query($id: ID!) { node(id: $id) { id } }", {"id": their_cancellation}))["node"] is None
    assert (await models.Cancellation.get(service_id=their_service.id)).attempts_left == 5


async def test_contacts_need_services_to_read_and_manage_services_to_cancel(client, other_client, factory) -> None:
    account = await factory.account()
    service = await factory.service(account)
    await factory.contact(account, "lee@example.com", permissions=["SERVICES"])
    await factory.contact(account, "gestiona@example.com", permissions=["SERVICES", "MANAGE_SERVICES"])
    await factory.contact(account, "nada@example.com", permissions=["MAIL"])
    await client.sign_in("nada@example.com")
    assert (await client(SERVICES))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await other_client.sign_in("lee@example.com")
    assert (await other_client.data(SERVICES))["viewer"]["account"]["services"]["totalCount"] == 1
    assert (await preview(other_client, service))["blockers"] == ["NOT_ALLOWED"]
    body = await other_client(
        REQUEST, {"i": {"serviceId": gid("Service", service.id), "reason": "x", "acknowledgeDataDeletion": True}}
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await other_client.sign_in("gestiona@example.com")
    assert (await request(other_client, service))["errors"] == []
    code_mail = await models.MailMessage.get(service_id=service.id, template="cancellation_code")
    assert await models.MailRecipient.filter(message_id=code_mail.id).values_list("address", flat=True) == [
        "gestiona@example.com"
    ]


async def test_data_deleted_depends_on_the_kind(client, factory, holder) -> None:
    hosting = await factory.service(holder)
    domain = await factory.service(holder, "Dominio", kind=ServiceKind.DOMAIN)
    query = """query($id: ID!) { node(id: $id) { ... on Service {
  cancellationPreview { dataDeleted effectiveWithinHours } } } }"""
    hosting_preview = (await client.data(query, {"id": gid("Service", hosting.id)}))["node"]["cancellationPreview"]
    assert any("casillas" in item for item in hosting_preview["dataDeleted"])
    assert hosting_preview["effectiveWithinHours"] == 24
    domain_preview = (await client.data(query, {"id": gid("Service", domain.id)}, headers={"Accept-Language": "es"}))[
        "node"
    ]["cancellationPreview"]
    assert domain_preview["dataDeleted"] != hosting_preview["dataDeleted"]
