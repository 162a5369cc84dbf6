"""Billing's service status against the panel's open cancellations (issue 22; domain/service_status)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

import models
from domain import cancellation as cancellation_domain
from domain.cancellation_completion import complete_due
from domain.renewal_worker import end_due
from domain.service_status import apply_billing_status
from models.enums import CancellationStatus, ServiceStatus
from tests.conftest import HOLDER
from tests.helpers import emailed_code
from tests.test_cancellation import confirm, request
from tests.test_renewal import DUE, switch
from tests.test_subscriptions import WITHDRAW


async def billing_sets(runtime, service: models.Service, status: ServiceStatus) -> bool:
    """As the staff upsert calls it: inside its transaction, the service row locked."""
    async with runtime.events.transaction():
        locked = await models.Service.select_for_update().get(id=service.id)
        return await apply_billing_status(runtime, locked, status, "staff:billing")


async def requested(client, service) -> str:
    return (await request(client, service))["cancellation"]["id"]


async def scheduled(client, service, smtp_sink) -> str:
    cancellation_id = await requested(client, service)
    assert (await confirm(client, cancellation_id, await emailed_code(smtp_sink, HOLDER)))["errors"] == []
    return cancellation_id


async def events(kind: str) -> list[dict]:
    rows = await models.WebhookEvent.filter(type=kind).order_by("id").values_list("payload", flat=True)
    return [json.loads(row)["data"] for row in rows]


async def test_without_a_cancellation_billing_sets_the_status(runtime, factory, holder) -> None:
    service = await factory.service(holder)
    outcome = await billing_sets(runtime, service, ServiceStatus.SUSPENDED)
    assert outcome is True
    await service.refresh_from_db()
    assert service.status == ServiceStatus.SUSPENDED
    [event] = await events("service.status_changed")
    assert (event["status"], event["previousStatus"]) == ("SUSPENDED", "ACTIVE")
    summaries = await models.ActivityEvent.filter(account_id=holder.id, action="service.status").values_list(
        "actor", "summary"
    )
    assert summaries == [("staff:billing", f"Servicio suspendido por facturación: {service.name}")]
    again = await billing_sets(runtime, service, ServiceStatus.SUSPENDED)
    assert again is False, "the same status twice changes nothing"
    assert len(await events("service.status_changed")) == 1


async def test_cancellation_pending_is_never_taken_from_billing(runtime, factory, holder) -> None:
    service = await factory.service(holder)
    with pytest.raises(ValueError, match="CANCELLATION_PENDING"):
        await billing_sets(runtime, service, ServiceStatus.CANCELLATION_PENDING)
    await service.refresh_from_db()
    assert service.status == ServiceStatus.ACTIVE
    assert await models.WebhookEvent.all().count() == 0


async def test_suspension_while_scheduled_survives_a_withdrawal(runtime, client, factory, holder, smtp_sink) -> None:
    service = await factory.service(holder)
    cancellation_id = await scheduled(client, service, smtp_sink)
    assert await billing_sets(runtime, service, ServiceStatus.SUSPENDED) is True
    await service.refresh_from_db()
    assert service.status == ServiceStatus.CANCELLATION_PENDING, "the customer still sees the pending cancellation"
    assert service.status_before_cancellation == ServiceStatus.SUSPENDED
    withdrawn = (await client.data(WITHDRAW, {"i": {"cancellationId": cancellation_id}}))["serviceCancellationWithdraw"]
    assert withdrawn["errors"] == []
    await service.refresh_from_db()
    assert service.status == ServiceStatus.SUSPENDED, "a withdrawal never undoes billing's suspension"


async def test_reactivation_while_scheduled_is_what_a_withdrawal_restores(
    runtime, client, factory, holder, smtp_sink
) -> None:
    service = await factory.service(holder, status=ServiceStatus.SUSPENDED)
    cancellation_id = await scheduled(client, service, smtp_sink)
    await service.refresh_from_db()
    assert service.status_before_cancellation == ServiceStatus.SUSPENDED
    assert await billing_sets(runtime, service, ServiceStatus.ACTIVE) is True
    await service.refresh_from_db()
    assert service.status == ServiceStatus.CANCELLATION_PENDING
    await client.data(WITHDRAW, {"i": {"cancellationId": cancellation_id}})
    await service.refresh_from_db()
    assert service.status == ServiceStatus.ACTIVE


async def test_termination_while_scheduled_completes_without_deprovisioning(
    runtime, client, factory, holder, smtp_sink, clock, caplog
) -> None:
    service = await factory.service(holder)
    await scheduled(client, service, smtp_sink)
    assert await billing_sets(runtime, service, ServiceStatus.CANCELLED) is True
    await service.refresh_from_db()
    assert service.status == ServiceStatus.CANCELLED
    assert service.cancelled_at == clock.now()
    cancellation = await models.Cancellation.get(service_id=service.id)
    assert cancellation.status == CancellationStatus.COMPLETED
    assert cancellation.open_service_id is None
    assert cancellation.deprovision_requested_at is None
    assert [e["status"] for e in await events("cancellation.completed")] == ["COMPLETED"]
    changed = (await events("service.status_changed"))[-1]
    assert (changed["status"], changed["previousStatus"]) == ("CANCELLED", "CANCELLATION_PENDING")
    clock.advance(timedelta(days=2))
    with caplog.at_level("INFO", logger="clientpanel.deprovision"):
        assert await complete_due(runtime) == 0, "the worker finds nothing left to carry out"
    assert "deprovision" not in caplog.text, "the panel's hook is never called"
    assert await models.MailMessage.filter(service_id=service.id, template="cancellation_completed").count() == 0
    assert await billing_sets(runtime, service, ServiceStatus.CANCELLED) is False


async def test_termination_while_awaiting_confirmation_voids_the_code(
    runtime, client, factory, holder, smtp_sink
) -> None:
    service = await factory.service(holder)
    cancellation_id = await requested(client, service)
    code = await emailed_code(smtp_sink, HOLDER)
    assert await billing_sets(runtime, service, ServiceStatus.CANCELLED) is True
    cancellation = await models.Cancellation.get(service_id=service.id)
    assert cancellation.status == CancellationStatus.EXPIRED
    assert cancellation.code_hash is None
    assert (await confirm(client, cancellation_id, code))["errors"][0]["code"] == "INVALID_STATE"
    await service.refresh_from_db()
    assert service.status == ServiceStatus.CANCELLED
    assert [e["status"] for e in await events("cancellation.expired")] == ["EXPIRED"]


async def test_suspension_while_awaiting_confirmation(runtime, client, factory, holder, smtp_sink) -> None:
    service = await factory.service(holder)
    cancellation_id = await requested(client, service)
    assert await billing_sets(runtime, service, ServiceStatus.SUSPENDED) is True
    await service.refresh_from_db()
    assert service.status == ServiceStatus.SUSPENDED
    assert (await confirm(client, cancellation_id, await emailed_code(smtp_sink, HOLDER)))["errors"] == []
    await service.refresh_from_db()
    assert service.status == ServiceStatus.CANCELLATION_PENDING
    assert service.status_before_cancellation == ServiceStatus.SUSPENDED


async def test_withdrawal_while_awaiting_confirmation_keeps_the_suspension(
    runtime, client, factory, holder, smtp_sink
) -> None:
    service = await factory.service(holder)
    cancellation_id = await requested(client, service)
    await billing_sets(runtime, service, ServiceStatus.SUSPENDED)
    withdrawn = (await client.data(WITHDRAW, {"i": {"cancellationId": cancellation_id}}))["serviceCancellationWithdraw"]
    assert withdrawn["errors"] == []
    await service.refresh_from_db()
    assert service.status == ServiceStatus.SUSPENDED


async def test_a_suspension_racing_a_withdrawal_is_not_undone(
    runtime, client, factory, holder, smtp_sink, monkeypatch
) -> None:
    service = await factory.service(holder)
    cancellation_id = await scheduled(client, service, smtp_sink)
    original = cancellation_domain.mail_wait

    async def billing_suspends_meanwhile(*args, **kwargs):
        """Between the withdrawal's reading of the service and its writing."""
        monkeypatch.setattr(cancellation_domain, "mail_wait", original)
        await billing_sets(runtime, service, ServiceStatus.SUSPENDED)
        return await original(*args, **kwargs)

    monkeypatch.setattr(cancellation_domain, "mail_wait", billing_suspends_meanwhile)
    raced = (await client.data(WITHDRAW, {"i": {"cancellationId": cancellation_id}}))["serviceCancellationWithdraw"]
    assert raced["errors"][0]["code"] == "INVALID_STATE", "what it read changed: nothing written"
    await service.refresh_from_db()
    assert service.status == ServiceStatus.CANCELLATION_PENDING
    again = (await client.data(WITHDRAW, {"i": {"cancellationId": cancellation_id}}))["serviceCancellationWithdraw"]
    assert again["errors"] == []
    await service.refresh_from_db()
    assert service.status == ServiceStatus.SUSPENDED


async def test_a_suspension_racing_a_confirmation_is_what_a_withdrawal_restores(
    runtime, client, factory, holder, smtp_sink, monkeypatch
) -> None:
    service = await factory.service(holder)
    cancellation_id = await requested(client, service)
    code = await emailed_code(smtp_sink, HOLDER)
    original = cancellation_domain.mail_wait

    async def billing_suspends_meanwhile(*args, **kwargs):
        monkeypatch.setattr(cancellation_domain, "mail_wait", original)
        await billing_sets(runtime, service, ServiceStatus.SUSPENDED)
        return await original(*args, **kwargs)

    monkeypatch.setattr(cancellation_domain, "mail_wait", billing_suspends_meanwhile)
    assert (await confirm(client, cancellation_id, code))["errors"][0]["code"] == "INVALID_STATE"
    await service.refresh_from_db()
    assert service.status == ServiceStatus.SUSPENDED
    assert (await confirm(client, cancellation_id, code))["errors"] == [], "the same code, read again"
    await service.refresh_from_db()
    assert service.status_before_cancellation == ServiceStatus.SUSPENDED


async def test_a_service_billing_terminated_is_not_ended_again_at_its_due_date(
    runtime, client, factory, holder, clock
) -> None:
    service = await factory.service(holder, next_due_date=DUE)
    assert (await switch(client, service, renew=False))["errors"] == []
    await billing_sets(runtime, service, ServiceStatus.CANCELLED)
    clock.set(datetime(2026, 5, 2, tzinfo=UTC))
    assert await end_due(runtime) == 0
    assert await models.ActivityEvent.filter(action="renewal.ended").count() == 0
    assert await models.MailMessage.filter(template="renewal_ended").count() == 0


async def test_a_service_billing_reinstates_can_be_cancelled_again(
    runtime, client, factory, holder, smtp_sink, clock
) -> None:
    service = await factory.service(holder)
    await scheduled(client, service, smtp_sink)
    clock.advance(timedelta(hours=2))
    assert await complete_due(runtime) == 1
    assert await billing_sets(runtime, service, ServiceStatus.ACTIVE) is True
    await service.refresh_from_db()
    assert (service.status, service.cancelled_at, service.renewal_ending_started_at) == (
        ServiceStatus.ACTIVE,
        None,
        None,
    )
    smtp_sink.clear()
    await client.sign_in(holder.client_number)
    await scheduled(client, service, smtp_sink)
    await service.refresh_from_db()
    assert service.status == ServiceStatus.CANCELLATION_PENDING
