"""Deprovisioning handed to the provider (DEPROVISION_BY=webhook) and overdue cancellations (issue 22, seed 003's
24-hour promise): the event, the staff callback, once, and what staff and the customer see once effectiveBy has
passed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest

import models
from core.ids import to_global_id
from domain.cancellation_completion import complete_due
from domain.service_ending import LEASE
from models.enums import CancellationStatus, ServiceStatus, StaffScope
from tests.test_service_status import events, scheduled
from tests.test_subscriptions import WITHDRAW

DEPROVISIONED = """mutation($i: ServiceDeprovisionedInput!) { serviceDeprovisioned(input: $i) {
  result errors { field code message } } }"""
OVERDUE = """{ overdueCancellations { cancellationId clientNumber serviceId serviceExternalId serviceName domain
  requestedAt effectiveBy deprovisionRequestedAt overdueAt } }"""
CANCELLATION = """query($id: ID!) { node(id: $id) { ... on Service { status cancellation { status effectiveBy
  overdueAt } } } }"""
STAFF_ALERTS = "guardia@example.net"
EXTERNAL_ID = "whmcs-srv-77"


@pytest.fixture
def webhook_mode(runtime) -> Iterator[None]:
    settings = runtime.settings
    runtime.settings = settings.with_(deprovision_by="webhook", staff_alert_email=STAFF_ALERTS)
    yield
    runtime.settings = settings


async def due_service(client, factory, holder, smtp_sink) -> tuple[models.Service, str]:
    """A service with billing's reference whose confirmed cancellation is due now."""
    service = await factory.service(holder)
    await models.Service.filter(id=service.id).update(external_id=EXTERNAL_ID)
    cancellation_id = await scheduled(client, service, smtp_sink)
    return service, cancellation_id


async def callback(staff_client, **values) -> dict:
    return (await staff_client.data(DEPROVISIONED, {"i": values}))["serviceDeprovisioned"]


def hook_calls(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "record only" in r.getMessage()]


async def test_webhook_mode_end_to_end(
    webhook_mode, runtime, client, staff, factory, holder, smtp_sink, clock, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="clientpanel.deprovision")
    service, cancellation_id = await due_service(client, factory, holder, smtp_sink)
    assert await complete_due(runtime) == 0, "not due yet"
    clock.advance(timedelta(minutes=runtime.settings.cancellation_completion_delay_minutes))
    assert await complete_due(runtime) == 1
    cancellation = await models.Cancellation.get(service_id=service.id)
    assert cancellation.status == CancellationStatus.SCHEDULED
    assert cancellation.deprovision_requested_at == clock.now()
    [requested] = await events("service.deprovision_requested")
    assert requested["serviceId"] == to_global_id("Service", service.id)
    assert requested["serviceExternalId"] == EXTERNAL_ID
    assert requested["cancellationId"] == cancellation_id
    assert requested["effectiveBy"] == cancellation.effective_by.isoformat()
    assert requested["delete"] == ["site content", "databases", "mailboxes"]
    assert requested["resource"] == {"type": "Service", "id": requested["serviceId"], "version": 1}
    assert hook_calls(caplog) == [], "the in-process hook is not called"

    # The event's delivery is no proof: later passes (and the lease lapsing) complete nothing, emit nothing more.
    clock.advance(LEASE * 3)
    assert await complete_due(runtime) == 0
    await service.refresh_from_db()
    assert service.status == ServiceStatus.CANCELLATION_PENDING
    assert len(await events("service.deprovision_requested")) == 1
    await client.sign_in(holder.client_number)
    withdrawn = (await client.data(WITHDRAW, {"i": {"cancellationId": cancellation_id}}))["serviceCancellationWithdraw"]
    assert withdrawn["errors"][0]["code"] == "INVALID_STATE", "the provider is deleting it: too late to withdraw"

    billing = await staff(StaffScope.SERVICES)
    done = await callback(billing, serviceExternalId=EXTERNAL_ID, deleted=["public_html", "3 casillas"])
    assert done == {"result": "COMPLETED", "errors": []}
    await service.refresh_from_db()
    assert service.status == ServiceStatus.CANCELLED
    assert service.cancelled_at == clock.now()
    cancellation = await models.Cancellation.get(id=cancellation.id)
    assert cancellation.status == CancellationStatus.COMPLETED
    assert cancellation.deprovisioned_at == cancellation.completed_at == clock.now()
    assert cancellation.overdue_at is None
    assert [e["status"] for e in await events("cancellation.completed")] == ["COMPLETED"]
    assert await models.MailMessage.filter(service_id=service.id, template="cancellation_completed").count() == 1
    [entry] = await models.ActivityEvent.filter(account_id=holder.id, action="cancellation.completed")
    assert entry.summary == f"Baja completada (public_html; 3 casillas): {service.name}"
    assert entry.actor.startswith("Staff key ")
    assert entry.actor.endswith(" (billing)"), "the key that called back"

    again = await callback(billing, serviceId=to_global_id("Service", service.id))
    assert again == {"result": "UNCHANGED", "errors": []}
    assert len(await events("cancellation.completed")) == 1
    assert await models.MailMessage.filter(service_id=service.id, template="cancellation_completed").count() == 1
    assert hook_calls(caplog) == []


async def test_concurrent_passes_ask_the_provider_once(
    webhook_mode, runtime, client, factory, holder, smtp_sink, clock
) -> None:
    services = [await factory.service(holder, f"Plan {n}") for n in range(3)]
    for service in services:
        await scheduled(client, service, smtp_sink)
        smtp_sink.clear()
    clock.advance(timedelta(hours=2))
    results = await asyncio.gather(*(complete_due(runtime) for _ in range(4)))
    assert sum(results) == 3
    requested = await events("service.deprovision_requested")
    assert sorted(e["serviceId"] for e in requested) == sorted(to_global_id("Service", s.id) for s in services)


async def test_overdue_once_reported_and_completed_later(
    webhook_mode, runtime, client, staff, factory, holder, smtp_sink, clock, caplog
) -> None:
    service, cancellation_id = await due_service(client, factory, holder, smtp_sink)
    cancellation = await models.Cancellation.get(service_id=service.id)
    clock.advance(timedelta(hours=2))
    await complete_due(runtime)
    billing = await staff(StaffScope.SERVICES)
    assert (await billing.data(OVERDUE))["overdueCancellations"] == []

    clock.set(cancellation.effective_by - timedelta(seconds=1))
    await complete_due(runtime)
    assert await events("cancellation.overdue") == []
    clock.set(cancellation.effective_by)
    with caplog.at_level(logging.WARNING, logger="clientpanel.deprovision"):
        await complete_due(runtime)
        await complete_due(runtime)
    overdue_at = clock.now()
    [event] = await events("cancellation.overdue")
    assert event["overdueAt"] == overdue_at.isoformat()
    assert event["serviceExternalId"] == EXTERNAL_ID
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert f"cancellation {cancellation.id} of service {service.id}" in warning
    assert service.name not in warning
    [alert] = smtp_sink.to(STAFF_ALERTS)
    assert EXTERNAL_ID in alert.subject
    assert holder.client_number in alert.subject

    [listed] = (await billing.data(OVERDUE))["overdueCancellations"]
    assert listed["cancellationId"] == cancellation_id
    assert listed["clientNumber"] == holder.client_number
    assert listed["serviceExternalId"] == EXTERNAL_ID
    assert listed["effectiveBy"] == cancellation.effective_by.isoformat()
    assert listed["requestedAt"] == cancellation.requested_at.isoformat()
    assert listed["overdueAt"] == overdue_at.isoformat()
    await client.sign_in(holder.client_number)
    seen = (await client.data(CANCELLATION, {"id": to_global_id("Service", service.id)}))["node"]
    assert seen["cancellation"] == {
        "status": "SCHEDULED",
        "effectiveBy": cancellation.effective_by.isoformat(),
        "overdueAt": overdue_at.isoformat(),
    }

    clock.advance(timedelta(hours=5))
    assert (await callback(billing, serviceExternalId=EXTERNAL_ID))["result"] == "COMPLETED"
    done = await models.Cancellation.get(id=cancellation.id)
    assert done.status == CancellationStatus.COMPLETED
    assert done.overdue_at == overdue_at, "kept as history"
    assert (await billing.data(OVERDUE))["overdueCancellations"] == []
    await complete_due(runtime)
    assert len(await events("cancellation.overdue")) == 1


async def test_hook_mode_also_reports_a_cancellation_stuck_past_its_promise(
    runtime, client, factory, holder, smtp_sink, clock
) -> None:
    service = await factory.service(holder)
    await scheduled(client, service, smtp_sink)
    # A worker claimed the ending and died; nothing took it over before effectiveBy.
    await models.Service.filter(id=service.id).update(renewal_ending_started_at=clock.now() + timedelta(days=2))
    clock.advance(timedelta(hours=24))
    assert await complete_due(runtime) == 0
    [event] = await events("cancellation.overdue")
    assert event["deprovisionRequestedAt"] is None
    assert smtp_sink.to(STAFF_ALERTS) == [], "no STAFF_ALERT_EMAIL: logged and reported only"


async def test_callback_refusals(webhook_mode, runtime, client, staff, factory, holder, smtp_sink, clock) -> None:
    service, _ = await due_service(client, factory, holder, smtp_sink)
    billing = await staff(StaffScope.SERVICES)
    early = await callback(billing, serviceExternalId=EXTERNAL_ID)
    assert [(e["code"], e["field"]) for e in early["errors"]] == [("INVALID_STATE", ["input"])]
    assert "did not ask for this service's deletion" in early["errors"][0]["message"]
    assert early["result"] is None
    plain = await factory.service(holder, "Sin baja")
    never = await callback(billing, serviceId=to_global_id("Service", plain.id))
    assert never["errors"][0]["code"] == "INVALID_STATE"

    unknown = await callback(billing, serviceExternalId="no-such")
    assert [(e["code"], e["field"]) for e in unknown["errors"]] == [("NOT_FOUND", ["input", "serviceExternalId"])]
    wrong_type = await callback(billing, serviceId=to_global_id("Account", holder.id))
    assert [(e["code"], e["field"]) for e in wrong_type["errors"]] == [("NOT_FOUND", ["input", "serviceId"])]
    both = await callback(billing, serviceExternalId=EXTERNAL_ID, serviceId=to_global_id("Service", service.id))
    neither = await callback(billing)
    assert both["errors"][0]["code"] == neither["errors"][0]["code"] == "INVALID"
    too_many = await callback(billing, serviceExternalId=EXTERNAL_ID, deleted=["x"] * 51)
    assert [(e["code"], e["field"]) for e in too_many["errors"]] == [("INVALID", ["input", "deleted"])]
    control = await callback(billing, serviceExternalId=EXTERNAL_ID, deleted=["ok", "a\x1b[31mb"])
    assert [(e["code"], e["field"]) for e in control["errors"]] == [("INVALID", ["input", "deleted", "1"])]

    clock.advance(timedelta(hours=2))
    await complete_due(runtime)
    # None of the refusals changed anything: the first valid callback still completes it.
    assert (await callback(billing, serviceExternalId=EXTERNAL_ID))["result"] == "COMPLETED"


async def test_a_key_without_services_scope_is_forbidden(webhook_mode, staff, factory, holder) -> None:
    service = await factory.service(holder)
    await models.Service.filter(id=service.id).update(external_id=EXTERNAL_ID)
    others = await staff(StaffScope.ACCOUNTS, StaffScope.NOTICES, StaffScope.WEBHOOKS, StaffScope.SUPPORT)
    for document, variables in ((DEPROVISIONED, {"i": {"serviceExternalId": EXTERNAL_ID}}), (OVERDUE, None)):
        body = await others(document, variables)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_another_accounts_cancellation_is_not_shown(
    webhook_mode, runtime, client, other_client, factory, holder, smtp_sink, clock
) -> None:
    service, _ = await due_service(client, factory, holder, smtp_sink)
    clock.advance(timedelta(hours=25))
    await complete_due(runtime)
    stranger = await factory.account(email="otra@example.net")
    await other_client.sign_in(stranger.client_number)
    body = await other_client(CANCELLATION, {"id": to_global_id("Service", service.id)})
    assert body == {"data": {"node": None}}, "another account's service is not found (node null, as for any id)"


async def test_concurrent_callbacks_complete_once(
    webhook_mode, runtime, client, staff, factory, holder, smtp_sink, clock
) -> None:
    service, _ = await due_service(client, factory, holder, smtp_sink)
    clock.advance(timedelta(hours=2))
    await complete_due(runtime)
    billing = await staff(StaffScope.SERVICES)
    answers = await asyncio.gather(*(callback(billing, serviceExternalId=EXTERNAL_ID) for _ in range(4)))
    assert sorted(a["result"] for a in answers) == ["COMPLETED", "UNCHANGED", "UNCHANGED", "UNCHANGED"]
    assert len(await events("cancellation.completed")) == 1
    assert await models.MailMessage.filter(service_id=service.id, template="cancellation_completed").count() == 1
