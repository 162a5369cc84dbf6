"""Renewal of a service (seed 003 "no renovar"): off and back on before the deadline, with notices; the automatic
debit's cutoff; the worker ending an unrenewed service at its due date; who may switch it; a concurrent burst."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

import models
from core.activity import summary_in
from core.ids import to_global_id
from core.runtime import Runtime
from domain import service_ending
from domain.cancellation import MESSAGES as CANCELLATION_MESSAGES
from domain.cancellation_completion import complete_due
from domain.cancellation_rules import RenewalRefusal, decide_renewal
from domain.renewal_worker import end, end_due
from models.enums import CancellationStatus, Language, PaymentMethod, ServiceStatus
from tests.conftest import HOLDER
from tests.helpers import emailed_code, session_cookie, wait_for_mail
from tests.live_server import graphql_socket
from tests.test_real_clients import partner_token
from tests.test_subscriptions import CONFIRM, REQUEST

DUE = date(2026, 4, 15)
# The start of DUE in Argentina (UTC-3, no daylight saving time) and in Mexico City (UTC-6 since 2022).
ARGENTINA_DEADLINE = datetime(2026, 4, 15, 3, 0, tzinfo=UTC)
MEXICO_DEADLINE = datetime(2026, 4, 15, 6, 0, tzinfo=UTC)
# The automatic debit's cutoff: the 1st of April, in Argentina.
ARGENTINA_CUTOFF = datetime(2026, 4, 1, 3, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)

SET = """mutation($i: ServiceRenewalSetInput!) { serviceRenewalSet(input: $i) {
  service { id renewal { renews } } errors { code field message } warnings { code message } } }"""
CONTACT_UPDATE = "mutation($i: ContactUpdateInput!) { contactUpdate(input: $i) { errors { code } } }"
RENEWAL = """query($id: ID!) { node(id: $id) { ... on Service { status renewal {
  renews canChange blockers changeDeadline endsAt nextDebitWillBeCharged } } } }"""
CONTACT_EN = "contacto.en@example.com"
ENDS_BY_ITSELF = CANCELLATION_MESSAGES["ENDING_UNRENEWED"][0]


def gid(service: models.Service) -> str:
    return to_global_id("Service", service.id)


async def switch(client, service: models.Service, renew: bool, **kwargs) -> dict:
    body = await client(SET, {"i": {"serviceId": gid(service), "renew": renew}}, **kwargs)
    assert "errors" not in body, body["errors"]
    return body["data"]["serviceRenewalSet"]


async def renewal(client, service: models.Service) -> dict:
    node = (await client.data(RENEWAL, {"id": gid(service)}))["node"]
    return {**node["renewal"], "status": node["status"]}


def sent(smtp_sink, address: str, subject: str) -> list:
    return [m for m in smtp_sink.to(address) if subject in m.subject]


async def actions(account: models.Account) -> list[str]:
    rows = models.ActivityEvent.filter(account_id=account.id, action__startswith="renewal.").order_by("id")
    return list(await rows.values_list("action", flat=True))


async def at(clock, client, account: models.Account, moment: datetime) -> None:
    """The clock set to `moment` and the holder signed in again (a jump of weeks outlives any session)."""
    clock.set(moment)
    await client.sign_in(account.client_number)


@pytest.fixture
def in_zone(runtime: Runtime, monkeypatch):
    """The provider's time zone set for one test."""

    def use(name: str) -> None:
        monkeypatch.setattr(runtime, "settings", runtime.settings.with_(timezone=name))

    return use


async def test_off_and_back_on_with_notices_in_each_language(client, factory, holder, smtp_sink) -> None:
    await factory.contact(holder, CONTACT_EN, email_categories=["GENERAL"])
    await models.Contact.filter(email=CONTACT_EN).update(language=Language.EN)
    service = await factory.service(holder, next_due_date=DUE)
    before = await renewal(client, service)
    assert before == {
        "renews": True,
        "canChange": True,
        "blockers": [],
        "changeDeadline": "2026-04-15T03:00:00+00:00",
        "endsAt": None,
        "nextDebitWillBeCharged": False,
        "status": "ACTIVE",
    }

    off = await switch(client, service, renew=False)
    assert off == {"service": {"id": gid(service), "renewal": {"renews": False}}, "errors": [], "warnings": []}
    after = await renewal(client, service)
    assert (after["renews"], after["endsAt"], after["canChange"]) == (False, "2026-04-15T03:00:00+00:00", True)
    [spanish] = await wait_for_mail(smtp_sink, HOLDER)
    assert spanish.subject == "Renovación desactivada: Hosting Pyme"
    assert "vence el 15/4/2026 y no se renovará" in spanish.text
    assert "hasta el 14/4/2026 inclusive" in spanish.text
    assert "Débito automático" not in spanish.text
    [english] = await wait_for_mail(smtp_sink, CONTACT_EN)
    assert english.subject == "Renewal turned off: Hosting Pyme"
    assert "until 14/4/2026 inclusive" in english.text

    again = await switch(client, service, renew=False)
    assert again["errors"] == []
    assert again["service"]["renewal"] == {"renews": False}
    assert await actions(holder) == ["renewal.off"], "off twice is one change"

    on = await switch(client, service, renew=True)
    assert on["errors"] == []
    assert on["service"]["renewal"] == {"renews": True}
    assert (await renewal(client, service))["endsAt"] is None
    await wait_for_mail(smtp_sink, HOLDER, 2)
    assert [m.subject for m in sent(smtp_sink, HOLDER, "Renovación")] == [
        "Renovación desactivada: Hosting Pyme",
        "Renovación reactivada: Hosting Pyme",
    ]
    await wait_for_mail(smtp_sink, CONTACT_EN, 2)
    [back_on] = sent(smtp_sink, CONTACT_EN, "back on")
    assert back_on.subject == "Renewal turned back on: Hosting Pyme"
    assert await actions(holder) == ["renewal.off", "renewal.on"]
    stored = await models.ActivityEvent.filter(account_id=holder.id, action="renewal.off").first()
    assert stored is not None
    assert summary_in("renewal.off", stored.summary, Language.EN) == "Renewal turned off: Hosting Pyme"


async def test_messages_follow_the_request_language(client, factory, holder) -> None:
    service = await factory.service(holder)  # no due date: nothing to renew
    state = await renewal(client, service)
    assert (state["canChange"], state["blockers"]) == (False, ["NO_DUE_DATE"])
    [error] = (await switch(client, service, renew=False, headers={"Accept-Language": "en"}))["errors"]
    assert error == {
        "code": "INVALID_STATE",
        "field": ["input", "serviceId"],
        "message": "The service has no due date: there is no renewal to change.",
    }
    [spanish] = (await switch(client, service, renew=False))["errors"]
    assert spanish["message"] == "El servicio no tiene fecha de vencimiento: no hay renovación que cambiar."


@pytest.mark.parametrize(
    ("zone", "deadline"),
    [("America/Argentina/Buenos_Aires", ARGENTINA_DEADLINE), ("America/Mexico_City", MEXICO_DEADLINE)],
)
async def test_the_deadline_is_the_start_of_the_due_date_in_the_provider_zone(
    client, factory, holder, clock, in_zone, zone, deadline
) -> None:
    in_zone(zone)
    service = await factory.service(holder, next_due_date=DUE)
    await at(clock, client, holder, deadline - SECOND)
    state = await renewal(client, service)
    assert (state["canChange"], state["changeDeadline"]) == (True, deadline.isoformat())
    assert (await switch(client, service, renew=False))["errors"] == []
    await at(clock, client, holder, deadline)
    state = await renewal(client, service)
    assert (state["canChange"], state["blockers"], state["renews"]) == (False, ["PAST_DEADLINE"], False)
    [error] = (await switch(client, service, renew=True))["errors"]
    assert error["code"] == "DEADLINE_PASSED"
    assert error["message"] == "La renovación debía cambiarse antes de la fecha de vencimiento del servicio."
    assert (await switch(client, service, renew=False))["errors"] == [], "asking for the current state is no change"


async def test_automatic_debit_cutoff_at_its_edges(client, factory, holder, clock, smtp_sink) -> None:
    before_cutoff = await factory.service(
        holder, "Hosting Antes", next_due_date=DUE, payment_method=PaymentMethod.AUTOMATIC_DEBIT
    )
    at_cutoff = await factory.service(
        holder, "Hosting Justo", next_due_date=DUE, payment_method=PaymentMethod.AUTOMATIC_DEBIT
    )
    await at(clock, client, holder, ARGENTINA_CUTOFF - SECOND)  # 31/3 23:59:59 in Argentina
    assert (await renewal(client, before_cutoff))["nextDebitWillBeCharged"] is False
    assert (await switch(client, before_cutoff, renew=False))["warnings"] == []
    [in_time] = await wait_for_mail(smtp_sink, HOLDER)
    assert "Débito automático" not in in_time.text

    await at(clock, client, holder, ARGENTINA_CUTOFF)  # 1/4 00:00 in Argentina
    assert (await renewal(client, before_cutoff))["nextDebitWillBeCharged"] is False, "judged when it was turned off"
    assert (await renewal(client, at_cutoff))["nextDebitWillBeCharged"] is True
    late = await switch(client, at_cutoff, renew=False)
    assert late["errors"] == []
    [warning] = late["warnings"]
    assert warning["code"] == "AUTOMATIC_DEBIT_WILL_BE_CHARGED"
    assert "no será reintegrado" in warning["message"]
    [too_late] = [m for m in await wait_for_mail(smtp_sink, HOLDER, 2) if "Hosting Justo" in m.subject]
    assert "el débito automático correspondiente será procesado" in too_late.text


async def test_the_worker_ends_an_unrenewed_service_at_its_due_date_once(
    client, factory, holder, clock, runtime, smtp_sink
) -> None:
    unrenewed = await factory.service(holder, "Hosting Fin", next_due_date=DUE)
    renewing = await factory.service(holder, "Hosting Sigue", next_due_date=DUE)
    assert (await switch(client, unrenewed, renew=False))["errors"] == []
    await at(clock, client, holder, ARGENTINA_DEADLINE - SECOND)
    assert await end_due(runtime) == 0, "not before its due date"
    await at(clock, client, holder, ARGENTINA_DEADLINE)
    assert await end_due(runtime) == 1
    assert await end_due(runtime) == 0, "twice is once"
    await unrenewed.refresh_from_db()
    await renewing.refresh_from_db()
    assert (unrenewed.status, unrenewed.cancelled_at) == (ServiceStatus.CANCELLED, ARGENTINA_DEADLINE)
    assert renewing.status == ServiceStatus.ACTIVE
    state = await renewal(client, unrenewed)
    assert (state["status"], state["renews"], state["blockers"]) == ("CANCELLED", False, ["ALREADY_CANCELLED"])
    ended = await models.ActivityEvent.get(account_id=holder.id, action="renewal.ended")
    assert ended.actor == "Sistema"
    assert "site content of sitio" in ended.summary, "the deprovisioning hook ran"
    assert "contenido del sitio de sitio" in summary_in("renewal.ended", ended.summary, Language.ES)
    await wait_for_mail(smtp_sink, HOLDER, 2)
    [notice] = sent(smtp_sink, HOLDER, "no renovación")
    assert notice.subject == "Servicio dado de baja por no renovación: Hosting Fin"
    assert "venció el 15/4/2026 sin renovarse" in notice.text
    [error] = (await switch(client, unrenewed, renew=True))["errors"]
    assert (error["code"], error["message"]) == (
        "INVALID_STATE",
        "El servicio ya fue dado de baja: no hay renovación que cambiar.",
    )


async def test_concurrent_and_crashed_endings_end_once(client, factory, holder, clock, runtime) -> None:
    service = await factory.service(holder, next_due_date=DUE)
    assert (await switch(client, service, renew=False))["errors"] == []
    await at(clock, client, holder, ARGENTINA_DEADLINE)
    # A worker claimed it and died before finishing: taken over once its lease lapses.
    await models.Service.filter(id=service.id).update(renewal_ending_started_at=clock.now())
    assert await end_due(runtime) == 0
    clock.advance(timedelta(minutes=11))
    results = await asyncio.gather(*(end(runtime, service.id) for _ in range(4)))
    assert results.count(True) == 1
    assert await models.ActivityEvent.filter(account_id=holder.id, action="renewal.ended").count() == 1


async def test_cancellation_interplay(client, factory, holder, clock, runtime, smtp_sink) -> None:
    service = await factory.service(holder, next_due_date=DUE)
    assert (await switch(client, service, renew=False))["errors"] == []
    requested = await client.data(
        REQUEST, {"i": {"serviceId": gid(service), "reason": "Me mudo", "acknowledgeDataDeletion": True}}
    )
    assert requested["serviceCancellationRequest"]["errors"] == [], "a cancellation may still be requested"
    cancellation_id = requested["serviceCancellationRequest"]["cancellation"]["id"]
    confirmed = await client.data(
        CONFIRM, {"i": {"cancellationId": cancellation_id, "code": await emailed_code(smtp_sink, HOLDER)}}
    )
    assert confirmed["serviceCancellationConfirm"]["errors"] == []
    state = await renewal(client, service)
    assert (state["renews"], state["canChange"], state["blockers"]) == (False, False, ["CANCELLATION_PENDING"])
    [error] = (await switch(client, service, renew=True))["errors"]
    assert error["code"] == "INVALID_STATE"
    await at(clock, client, holder, ARGENTINA_DEADLINE)
    assert await end_due(runtime) == 0, "the confirmed cancellation ends it, not the renewal worker"


async def test_an_unconfirmed_cancellation_lapses_when_the_service_ends(
    client, factory, holder, clock, runtime
) -> None:
    service = await factory.service(holder, next_due_date=DUE)
    assert (await switch(client, service, renew=False))["errors"] == []
    await at(clock, client, holder, ARGENTINA_DEADLINE - timedelta(hours=1))
    requested = await client.data(
        REQUEST, {"i": {"serviceId": gid(service), "reason": "Me mudo", "acknowledgeDataDeletion": True}}
    )
    assert requested["serviceCancellationRequest"]["errors"] == []
    await at(clock, client, holder, ARGENTINA_DEADLINE)
    assert await end_due(runtime) == 1
    cancellation = await models.Cancellation.get(service_id=service.id)
    assert (cancellation.status, cancellation.code_hash) == (CancellationStatus.EXPIRED, None)


async def test_a_code_confirmed_while_the_service_ends_unrenewed_deprovisions_it_once(
    client, factory, holder, clock, runtime, smtp_sink, monkeypatch
) -> None:
    service = await factory.service(holder, next_due_date=DUE)
    assert (await switch(client, service, renew=False))["errors"] == []
    await at(clock, client, holder, ARGENTINA_DEADLINE - timedelta(hours=1))
    requested = await client.data(
        REQUEST, {"i": {"serviceId": gid(service), "reason": "Me mudo", "acknowledgeDataDeletion": True}}
    )
    assert requested["serviceCancellationRequest"]["errors"] == []
    code_input = {
        "cancellationId": requested["serviceCancellationRequest"]["cancellation"]["id"],
        "code": await emailed_code(smtp_sink, HOLDER),
    }
    await at(clock, client, holder, ARGENTINA_DEADLINE)
    [refused] = (await client.data(CONFIRM, {"i": code_input}))["serviceCancellationConfirm"]["errors"]
    assert (refused["code"], refused["message"]) == ("INVALID_STATE", ENDS_BY_ITSELF), "past the deadline"
    calls: list[str] = []

    async def hook(runtime, service) -> list[str]:
        calls.append("deprovision")
        # while the content is being deleted, the customer enters the code they still hold
        confirmed = (await client.data(CONFIRM, {"i": code_input}))["serviceCancellationConfirm"]
        calls.append(f"confirm: {[error['code'] for error in confirmed['errors']]}")
        return ["site content"]

    monkeypatch.setattr(service_ending, "hook_named", lambda name: hook)
    assert await end(runtime, service.id) is True
    clock.advance(timedelta(days=1))
    assert await complete_due(runtime) == 0
    assert calls == ["deprovision", "confirm: ['INVALID_STATE']"], "deprovisioned once"
    await service.refresh_from_db()
    assert service.status == ServiceStatus.CANCELLED
    cancellation = await models.Cancellation.get(service_id=service.id)
    assert cancellation.status == CancellationStatus.EXPIRED, "lapsed when the ending was claimed"


class SlowHook:
    """A deprovisioning hook whose first call lasts until `release` is set; later calls return at once."""

    def __init__(self) -> None:
        self.calls = 0
        self.started, self.release = asyncio.Event(), asyncio.Event()

    async def __call__(self, runtime: Runtime, service: models.Service) -> list[str]:
        self.calls += 1
        if self.calls == 1:
            self.started.set()
            await self.release.wait()
        return ["site content"]


async def ending_with_a_slow_hook(client, factory, holder, clock, runtime, monkeypatch):
    """An unrenewed service at its due date, and a worker ending it, held inside the hook's first call."""
    service = await factory.service(holder, next_due_date=DUE)
    assert (await switch(client, service, renew=False))["errors"] == []
    await at(clock, client, holder, ARGENTINA_DEADLINE)
    hook = SlowHook()
    monkeypatch.setattr(service_ending, "hook_named", lambda name: hook)
    first = asyncio.create_task(end(runtime, service.id))
    await hook.started.wait()
    return service, hook, first


async def test_a_long_hook_keeps_its_claim(client, factory, holder, clock, runtime, monkeypatch) -> None:
    monkeypatch.setattr(service_ending, "HEARTBEAT", timedelta(milliseconds=10))
    service, hook, first = await ending_with_a_slow_hook(client, factory, holder, clock, runtime, monkeypatch)
    clock.advance(timedelta(minutes=11))  # longer than the lease: the running worker renews its claim meanwhile
    await claim_renewed(service, clock.now())
    assert await end_due(runtime) == 0, "a claim still renewed is not taken over"
    hook.release.set()
    assert await first is True
    assert hook.calls == 1


async def test_a_takeover_ends_the_service_once(client, factory, holder, clock, runtime, monkeypatch) -> None:
    # The first worker renews nothing within the test (its next beat is minutes away): as if it had died.
    service, hook, first = await ending_with_a_slow_hook(client, factory, holder, clock, runtime, monkeypatch)
    clock.advance(timedelta(minutes=11))
    assert await end_due(runtime) == 1, "taken over once the lease lapsed"
    hook.release.set()
    assert await first is False, "the first worker lost its claim: it marks nothing"
    assert hook.calls == 2, "the idempotent hook ran again for the takeover"
    assert await models.ActivityEvent.filter(account_id=holder.id, action="renewal.ended").count() == 1
    await service.refresh_from_db()
    assert service.status == ServiceStatus.CANCELLED


async def claim_renewed(service: models.Service, moment: datetime) -> None:
    """Wait (bounded) until the service's ending claim was renewed at `moment`: the worker's task runs alongside."""
    for _ in range(500):
        if (await models.Service.get(id=service.id)).renewal_ending_started_at == moment:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the claim was never renewed")


async def test_who_may_read_and_switch_renewal(client, other_client, factory, holder, runtime) -> None:
    service = await factory.service(holder, next_due_date=DUE)
    await factory.contact(holder, "lee@example.com", permissions=["SERVICES"])
    await factory.contact(holder, "gestiona@example.com", permissions=["MANAGE_SERVICES"])

    await other_client.sign_in("lee@example.com")
    state = await renewal(other_client, service)
    assert (state["canChange"], state["blockers"]) == (False, ["NOT_ALLOWED"])
    refused = await other_client(SET, {"i": {"serviceId": gid(service), "renew": False}})
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    await other_client.sign_in("gestiona@example.com")
    managed = await switch(other_client, service, renew=False)
    assert managed == {"service": None, "errors": [], "warnings": []}, "acts without reading the service"
    await service.refresh_from_db()
    assert service.renews is False

    token = await partner_token(runtime, holder, ["SERVICES"])
    bearer = {"Authorization": f"Bearer {token}"}
    by_token = await client(SET, {"i": {"serviceId": gid(service), "renew": True}}, headers=bearer)
    assert by_token["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    stranger = await factory.account()
    theirs = await factory.service(stranger, "Hosting Ajeno", next_due_date=DUE)
    [missing] = (await switch(client, theirs, renew=False))["errors"]
    assert missing["code"] == "NOT_FOUND"
    await theirs.refresh_from_db()
    assert theirs.renews is True
    assert await models.ActivityEvent.filter(account_id=stranger.id, action__startswith="renewal.").count() == 0

    await client.data("mutation { signOut { errors { code } } }")
    anonymous = await client(SET, {"i": {"serviceId": gid(service), "renew": True}})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    await service.refresh_from_db()
    assert service.renews is False


async def test_a_concurrent_burst_of_toggles_applies_each_change_once(client, factory, holder, smtp_sink) -> None:
    service = await factory.service(holder, next_due_date=DUE)
    wanted = [index % 2 == 1 for index in range(10)]  # off, on, off, ...
    results = await asyncio.gather(*(switch(client, service, renew=renew) for renew in wanted))
    assert all(result["errors"] == [] for result in results)
    changes = await actions(holder)
    assert changes, "at least one change applied"
    # Each applied change flipped the stored state: they alternate, starting from on, and the last one stands.
    assert changes == ["renewal.off", "renewal.on"] * (len(changes) // 2) + ["renewal.off"] * (len(changes) % 2)
    await service.refresh_from_db()
    assert service.renews is (changes[-1] == "renewal.on")
    notices = await models.MailMessage.filter(service_id=service.id, template__startswith="renewal_").count()
    assert notices == len(changes), "one notice per change"
    await wait_for_mail(smtp_sink, HOLDER, len(changes))


async def test_subscribers_see_renewal_switched_and_the_service_ended(port, client, factory, clock, runtime) -> None:
    account = await factory.account(email="vivo.renovacion@example.net")
    service = await factory.service(account, next_due_date=DUE)
    ending = await factory.service(account, "Dominio extra", next_due_date=DUE)
    await at(clock, client, account, ARGENTINA_DEADLINE - timedelta(minutes=30))
    assert (await switch(client, ending, renew=False))["errors"] == []
    subscription = "subscription($s: ID) { serviceStatusChanged(serviceId: $s) { id status renewal { renews } } }"
    async with (
        graphql_socket(port, cookie=session_cookie(client)) as everything,
        graphql_socket(port, cookie=session_cookie(client)) as one,
    ):
        for socket, scope in ((everything, None), (one, gid(service))):
            assert (await socket.init())["type"] == "connection_ack"
            await socket.subscribe(subscription, {"s": scope})
        first = (await everything.next_data())["serviceStatusChanged"]
        assert first == {"id": gid(ending), "status": "ACTIVE", "renewal": {"renews": False}}, "current state first"
        assert (await switch(client, service, renew=False))["errors"] == []
        off = {"id": gid(service), "status": "ACTIVE", "renewal": {"renews": False}}
        assert (await everything.next_data())["serviceStatusChanged"] == off
        assert (await one.next_data())["serviceStatusChanged"] == off, "its service only, nothing before"
        clock.set(ARGENTINA_DEADLINE)
        assert await end_due(runtime) == 2
        ended = {"id": gid(service), "status": "CANCELLED", "renewal": {"renews": False}}
        assert (await one.next_data())["serviceStatusChanged"] == ended
        both = [(await everything.next_data())["serviceStatusChanged"] for _ in range(2)]
        assert sorted(event["id"] for event in both) == sorted([gid(service), gid(ending)])
        assert {event["status"] for event in both} == {"CANCELLED"}


async def test_each_event_is_resolved_with_the_sockets_access_as_it_is_now(
    port, client, other_client, factory, clock
) -> None:
    account = await factory.account(email="vivo.permisos@example.net")
    service = await factory.service(account, next_due_date=DUE)
    contact = await factory.contact(account, "gestor.vivo@example.com", permissions=["SERVICES", "MANAGE_SERVICES"])
    await at(clock, client, account, ARGENTINA_DEADLINE - timedelta(days=3))
    await other_client.sign_in("gestor.vivo@example.com")
    renewal_changes = "subscription { serviceStatusChanged { renewal { canChange blockers } } }"
    cancellation_changes = "subscription { cancellationStatusChanged { service { renewal { canChange } } } }"

    async def contact_permissions(*permissions: str) -> None:
        version = (await models.Contact.get(id=contact.id)).version
        variables = {"i": {"id": to_global_id("Contact", contact.id), "expectedVersion": version}}
        variables["i"]["permissions"] = list(permissions)
        assert (await client.data(CONTACT_UPDATE, variables))["contactUpdate"]["errors"] == []

    async with graphql_socket(port, cookie=session_cookie(other_client)) as socket:
        assert (await socket.init())["type"] == "connection_ack"
        await socket.subscribe(renewal_changes, op_id="renewal")
        await socket.subscribe(cancellation_changes, op_id="cancellation")
        assert (await switch(client, service, renew=False))["errors"] == []
        assert (await socket.next_data())["serviceStatusChanged"]["renewal"] == {"canChange": True, "blockers": []}

        await contact_permissions("SERVICES")  # MANAGE_SERVICES taken away, the socket stays
        assert (await switch(client, service, renew=True))["errors"] == []
        narrowed = {"canChange": False, "blockers": ["NOT_ALLOWED"]}
        assert (await socket.next_data())["serviceStatusChanged"]["renewal"] == narrowed
        await client.data(REQUEST, {"i": {"serviceId": gid(service), "reason": "x", "acknowledgeDataDeletion": True}})
        message = await socket.receive()
        assert message["id"] == "cancellation"
        assert message["payload"]["data"]["cancellationStatusChanged"]["service"]["renewal"] == {"canChange": False}

        await contact_permissions()  # SERVICES taken away: the socket closes
        assert await socket.closed_with() == 4403


async def test_past_the_mail_budget_off_is_refused_and_on_goes_without_its_notice(
    client, factory, holder, runtime, monkeypatch
) -> None:
    monkeypatch.setattr(runtime, "settings", runtime.settings.with_(customer_mail_per_account_hour=1))
    service = await factory.service(holder, next_due_date=DUE)
    assert (await switch(client, service, renew=False))["errors"] == []
    assert (await switch(client, service, renew=True))["errors"] == [], "turning it back on is never refused"
    [refused] = (await switch(client, service, renew=False))["errors"]
    assert refused["code"] == "RATE_LIMITED"
    await service.refresh_from_db()
    assert service.renews is True, "the refused change was rolled back"
    assert await actions(holder) == ["renewal.off", "renewal.on"]
    templates = await models.MailMessage.filter(service_id=service.id).values_list("template", flat=True)
    assert list(templates) == ["renewal_off"]


@pytest.mark.parametrize(
    ("zone", "now", "refusals", "charged"),
    [
        ("America/Argentina/Buenos_Aires", ARGENTINA_CUTOFF - SECOND, (), False),
        ("America/Argentina/Buenos_Aires", ARGENTINA_CUTOFF, (), True),
        ("America/Argentina/Buenos_Aires", ARGENTINA_DEADLINE, (RenewalRefusal.PAST_DEADLINE,), True),
        ("America/Mexico_City", datetime(2026, 4, 1, 5, 59, 59, tzinfo=UTC), (), False),  # still March 31st there
        ("America/Mexico_City", datetime(2026, 4, 1, 6, 0, tzinfo=UTC), (), True),
        ("America/Mexico_City", MEXICO_DEADLINE - SECOND, (), True),
        ("America/Mexico_City", MEXICO_DEADLINE, (RenewalRefusal.PAST_DEADLINE,), True),
    ],
)
def test_the_rules_at_their_edges_in_each_zone(zone, now, refusals, charged) -> None:
    renewing = models.Service(
        name="Hosting Pyme",
        status=ServiceStatus.ACTIVE,
        next_due_date=DUE,
        payment_method=PaymentMethod.AUTOMATIC_DEBIT,
    )
    verdict = decide_renewal(renewing, now=now, zone=ZoneInfo(zone))
    assert (verdict.refusals, verdict.debit_will_be_charged, verdict.ends_at) == (refusals, charged, None)
