"""The billing system's upserts on the staff API: created, updated or unchanged (then nothing written), one row
for concurrent upserts of one reference, the panel's fields kept (conflicts), bad records refused with reasons."""

from __future__ import annotations

import asyncio
from typing import Any

from tortoise import Tortoise

from models import Account as AccountRow
from models import ActivityEvent, Cancellation, Holder, MailMessage, Service, StaffKey, WebhookEvent
from models.enums import CancellationStatus, ServiceStatus, StaffScope
from tests.helpers import PASSWORD, wait_for_mail

ACCOUNT_UPSERT = """mutation($i: AccountUpsertInput!) { accountUpsert(input: $i) {
  result account { id externalId clientNumber holderVersion hasPassword }
  conflicts { field panelValue billingValue } errors { field code message } } }"""
SERVICE_UPSERT = """mutation($i: ServiceUpsertInput!) { serviceUpsert(input: $i) {
  result service { id externalId accountId status version } errors { field code message } } }"""
HOLDER_UPDATE = """mutation($i: HolderUpdateInput!) { holderUpdate(input: $i) { errors { code } } }"""


def account_input(**changes: Any) -> dict[str, Any]:
    holder = {
        "firstName": "Lucía",
        "lastName": "Fernández",
        "email": "lucia@example.org",
        "phone": "+54 9 11 2345-6789",
        "nationalIdType": "AR_DNI",
        "nationalId": "30.123.456",
        "street": "Av. Santa Fe 1234",
        "city": "Buenos Aires",
        "postalCode": "C1059ABT",
        "countryCode": "AR",
        **changes.pop("holder", {}),
    }
    return {"externalId": "whmcs-client-7", "clientNumber": "7001", "holder": holder, **changes}


def service_input(**changes: Any) -> dict[str, Any]:
    return {
        "externalId": "whmcs-service-70",
        "accountExternalId": "whmcs-client-7",
        "kind": "HOSTING",
        "name": "Hosting Pyme",
        "domain": "lucia.com.ar",
        "status": "ACTIVE",
        "nextDueDate": "2026-04-10",
        "recurringAmount": "15000",
        "currency": "ars",
        "paymentMethod": "MANUAL",
        **changes,
    }


async def upsert_account(client, **changes: Any) -> dict[str, Any]:
    return (await client.data(ACCOUNT_UPSERT, {"i": account_input(**changes)}))["accountUpsert"]


async def upsert_service(client, **changes: Any) -> dict[str, Any]:
    return (await client.data(SERVICE_UPSERT, {"i": service_input(**changes)}))["serviceUpsert"]


async def written() -> dict[str, int]:
    """Rows per table (the staff key's own audit and last use apart): an unchanged upsert leaves them all."""
    counted = {}
    for model in Tortoise.apps["models"].values():
        if model._meta.db_table not in ("aerich", "staff_audit", "staff_key"):
            counted[model._meta.db_table] = await model.all().count()
    return counted


async def test_a_new_account_has_no_password_and_its_holder_is_mailed_the_welcome_link(staff, smtp_sink) -> None:
    billing = await staff(StaffScope.ACCOUNTS)
    created = await upsert_account(billing)
    assert created["errors"] == []
    assert created["result"] == "CREATED"
    assert created["account"]["clientNumber"] == "7001"
    assert created["account"]["externalId"] == "whmcs-client-7"
    assert created["account"]["hasPassword"] is False
    account = await AccountRow.get(external_id="whmcs-client-7")
    assert account.password_hash == ""
    assert account.welcome_token_hash is not None
    holder = await Holder.get(account_id=account.id)
    assert (holder.email, holder.phone, holder.national_id, holder.postal_code) == (
        "lucia@example.org",
        "+5491123456789",
        "30123456",
        "C1059ABT",
    )
    [event] = await ActivityEvent.filter(account_id=account.id)
    assert (event.action, event.actor) == ("account.created", f"Staff key {(await staff_key_id())} (billing)")
    [welcome] = await wait_for_mail(smtp_sink, "lucia@example.org")
    assert "/bienvenida?token=" in welcome.text


async def staff_key_id() -> int:
    return (await StaffKey.get()).id


async def test_the_same_records_again_are_unchanged_and_write_nothing(staff) -> None:
    billing = await staff(StaffScope.ACCOUNTS, StaffScope.SERVICES)
    assert (await upsert_account(billing))["result"] == "CREATED"
    assert (await upsert_service(billing))["result"] == "CREATED"
    before = await written()
    service_before = await Service.get(external_id="whmcs-service-70")
    again = await upsert_account(billing)
    assert (again["result"], again["conflicts"], again["errors"]) == ("UNCHANGED", [], [])
    # The same values as billing writes them otherwise ("15000" is 15000.00, "ars" is ARS, the DNI with dots).
    service = await upsert_service(billing, recurringAmount="15000.00", currency="ARS")
    assert (service["result"], service["service"]["version"]) == ("UNCHANGED", 1)
    assert await written() == before
    assert await Service.get(external_id="whmcs-service-70") == service_before
    assert (await Service.get(external_id="whmcs-service-70")).version == 1
    assert await MailMessage.all().count() == 1  # the welcome, once


async def test_concurrent_upserts_of_one_reference_make_one_row(staff) -> None:
    billing = await staff(StaffScope.ACCOUNTS, StaffScope.SERVICES)
    accounts = await asyncio.gather(*(upsert_account(billing) for _ in range(10)))
    assert sorted(a["result"] for a in accounts) == ["CREATED"] + ["UNCHANGED"] * 9
    assert [a["errors"] for a in accounts] == [[]] * 10
    assert len({a["account"]["id"] for a in accounts}) == 1
    assert await AccountRow.all().count() == 1
    assert await MailMessage.all().count() == 1
    services = await asyncio.gather(*(upsert_service(billing) for _ in range(10)))
    assert sorted(s["result"] for s in services) == ["CREATED"] + ["UNCHANGED"] * 9
    assert await Service.all().count() == 1
    changed = await asyncio.gather(*(upsert_service(billing, name="Hosting Plus") for _ in range(10)))
    assert sorted(s["result"] for s in changed) == ["UNCHANGED"] * 9 + ["UPDATED"]
    assert (await Service.get()).version == 2


async def test_the_panels_fields_are_kept_and_reported_while_billings_apply(staff, client, factory) -> None:
    """An account created with the CLI is linked by its client number; the holder then edits the phone in the
    panel: billing's old phone is a conflict, billing's new last name applies (holder.updated)."""
    account = await factory.account(email="lucia@example.org", first_name="Lucía", last_name="Fernández")
    billing = await staff(StaffScope.ACCOUNTS)
    linked = await upsert_account(billing, clientNumber=account.client_number)
    assert linked["result"] == "UPDATED"
    assert (await AccountRow.get(id=account.id)).external_id == "whmcs-client-7"
    assert linked["account"]["hasPassword"] is True
    assert {c["field"] for c in linked["conflicts"]} == {"phone", "street", "city", "postalCode", "countryCode"}
    await client.sign_in(account.client_number, PASSWORD)
    version = (await Holder.get(account_id=account.id)).version
    edited = await client.data(HOLDER_UPDATE, {"i": {"expectedVersion": version, "phone": "+54 9 351 555-1234"}})
    assert edited["holderUpdate"]["errors"] == []
    events_before = await WebhookEvent.filter(type="holder.updated").count()
    answer = await upsert_account(billing, clientNumber=account.client_number, holder={"lastName": "Fernández Ruiz"})
    assert answer["result"] == "UPDATED"
    assert {"field": "phone", "panelValue": "+5493515551234", "billingValue": "+5491123456789"} in answer["conflicts"]
    holder = await Holder.get(account_id=account.id)
    assert (holder.phone, holder.last_name) == ("+5493515551234", "Fernández Ruiz")
    assert answer["account"]["holderVersion"] == holder.version
    assert await WebhookEvent.filter(type="holder.updated").count() == events_before + 1
    event = await WebhookEvent.filter(type="holder.updated").order_by("-id").first()
    assert event is not None
    assert '"changed":["lastName"]' in event.payload
    # The same record again changes nothing, and reports the same conflicts.
    before = await written()
    again = await upsert_account(billing, clientNumber=account.client_number, holder={"lastName": "Fernández Ruiz"})
    assert again["result"] == "UNCHANGED"
    assert again["conflicts"] == answer["conflicts"]
    assert await written() == before


async def test_bad_records_are_refused_field_by_field_and_change_nothing(staff) -> None:
    billing = await staff(StaffScope.ACCOUNTS, StaffScope.SERVICES)
    bad = await billing.data(
        ACCOUNT_UPSERT,
        {
            "i": account_input(
                clientNumber=" ",
                holder={
                    "email": "notanemail",
                    "phone": "12",
                    "nationalId": "123",
                    "postalCode": "99",
                    "taxId": "20-12345678-6",
                },
            )
        },
    )
    errors = {(".".join(e["field"]), e["code"]) for e in bad["accountUpsert"]["errors"]}
    assert errors == {
        ("input.clientNumber", "REQUIRED"),
        ("input.holder.email", "INVALID"),
        ("input.holder.phone", "INVALID"),
        ("input.holder.nationalId", "INVALID"),
        ("input.holder.postalCode", "INVALID"),
        ("input.holder.taxIdType", "REQUIRED"),
    }
    assert bad["accountUpsert"]["result"] is None
    assert await AccountRow.all().count() == 0
    await upsert_account(billing)
    before = await written()
    cases = {
        "nextDueDate": ("2026-13-45", "Invalid date: use YYYY-MM-DD, e.g. 2026-04-30."),
        "recurringAmount": ("-1", "Invalid amount"),
        "currency": ("ZZZ", "Unknown currency"),
        "domain": ("no domain", "The domain is not valid"),
        "status": ("CANCELLATION_PENDING", "CANCELLATION_PENDING is set by the panel"),
        "name": ("x" * 201, "At most 200 characters"),
    }
    for field, (value, message) in cases.items():
        answer = await upsert_service(billing, **{field: value})
        [error] = answer["errors"]
        assert (error["field"], error["code"]) == (["input", field], "TOO_LONG" if field == "name" else "INVALID")
        assert message in error["message"], error
    three_decimals = await upsert_service(billing, recurringAmount="10.001")
    assert three_decimals["errors"][0]["field"] == ["input", "recurringAmount"]
    spanish = await billing.data(
        SERVICE_UPSERT, {"i": service_input(nextDueDate="2026-02-30")}, headers={"accept-language": "es"}
    )
    assert spanish["serviceUpsert"]["errors"][0]["message"].startswith("Fecha inválida")
    assert await written() == before


async def test_a_client_number_of_another_reference_is_a_duplicate(staff) -> None:
    billing = await staff(StaffScope.ACCOUNTS)
    await upsert_account(billing)
    other = await upsert_account(billing, externalId="whmcs-client-8", holder={"email": "otro@example.org"})
    assert other["result"] is None
    assert [(e["field"], e["code"]) for e in other["errors"]] == [(["input", "clientNumber"], "DUPLICATE")]
    await upsert_account(billing, externalId="whmcs-client-8", clientNumber="7002")
    moved = await upsert_account(billing, externalId="whmcs-client-8", clientNumber="7001")
    assert [e["code"] for e in moved["errors"]] == ["DUPLICATE"]
    assert await AccountRow.filter(client_number="7002").exists()
    renumbered = await upsert_account(billing, externalId="whmcs-client-8", clientNumber="7003")
    assert (renumbered["result"], renumbered["account"]["clientNumber"]) == ("UPDATED", "7003")
    account = await AccountRow.get(external_id="whmcs-client-8")
    summaries = await ActivityEvent.filter(account_id=account.id).order_by("id").values_list("summary", flat=True)
    assert summaries[-1] == "Número de cliente cambiado: 7002 → 7003"


async def test_a_service_names_an_existing_account_and_stays_with_it(staff, factory) -> None:
    billing = await staff(StaffScope.ACCOUNTS, StaffScope.SERVICES)
    missing = await upsert_service(billing)
    assert [(e["field"], e["code"]) for e in missing["errors"]] == [(["input", "accountExternalId"], "NOT_FOUND")]
    by_number = await upsert_service(billing, accountExternalId=None, clientNumber="7001")
    assert [(e["field"], e["code"]) for e in by_number["errors"]] == [(["input", "clientNumber"], "NOT_FOUND")]
    neither = await upsert_service(billing, accountExternalId=None)
    assert [(e["field"], e["code"]) for e in neither["errors"]] == [(["input", "accountExternalId"], "REQUIRED")]
    await upsert_account(billing)
    created = await upsert_service(billing, accountExternalId=None, clientNumber="7001")
    assert created["result"] == "CREATED"
    await upsert_account(billing, externalId="whmcs-client-8", clientNumber="7002", holder={"email": "b@example.org"})
    moved = await upsert_service(billing, accountExternalId="whmcs-client-8")
    assert [(e["field"], e["code"]) for e in moved["errors"]] == [(["input", "accountExternalId"], "INVALID")]
    assert (await Service.get()).account_id == (await AccountRow.get(client_number="7001")).id
    assert await Service.all().count() == 1


async def test_a_key_without_the_scope_cannot_upsert(staff) -> None:
    services_only = await staff(StaffScope.SERVICES)
    refused = await services_only(ACCOUNT_UPSERT, {"i": account_input()})
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await AccountRow.all().count() == 0


async def test_billings_changes_bump_the_version_and_a_status_change_is_reported(staff) -> None:
    billing = await staff(StaffScope.ACCOUNTS, StaffScope.SERVICES)
    await upsert_account(billing)
    await upsert_service(billing)
    paid = await upsert_service(billing, nextDueDate="2026-05-10", recurringAmount="16500.50")
    assert (paid["result"], paid["service"]["version"]) == ("UPDATED", 2)
    service = await Service.get()
    assert (str(service.next_due_date), str(service.recurring_amount)) == ("2026-05-10", "16500.50")
    action = await ActivityEvent.filter(action="service.updated").values_list("summary", flat=True)
    assert action == ["Servicio Hosting Pyme actualizado: next_due_date, recurring_amount"]
    suspended = await upsert_service(billing, nextDueDate="2026-05-10", recurringAmount="16500.50", status="SUSPENDED")
    assert (suspended["result"], suspended["service"]["status"], suspended["service"]["version"]) == (
        "UPDATED",
        "SUSPENDED",
        3,
    )
    [event] = await WebhookEvent.filter(type="service.status_changed")
    assert event.resource_version == 3
    assert '"previousStatus":"ACTIVE"' in event.payload


async def test_a_suspension_while_a_cancellation_is_scheduled_is_what_a_withdrawal_gives_back(staff) -> None:
    billing = await staff(StaffScope.ACCOUNTS, StaffScope.SERVICES)
    await upsert_account(billing)
    await upsert_service(billing)
    service = await Service.get()
    now = service.started_at
    await Cancellation.create(
        service=service,
        account_id=service.account_id,
        status=CancellationStatus.SCHEDULED,
        open_service_id=service.id,
        requested_at=now,
        requested_by="Lucía",
        reason="x",
        code_hash="x",
        code_expires_at=now,
    )
    await Service.filter(id=service.id).update(
        status=ServiceStatus.CANCELLATION_PENDING, status_before_cancellation=ServiceStatus.ACTIVE
    )
    unchanged = await upsert_service(billing)
    assert unchanged["result"] == "UNCHANGED"
    suspended = await upsert_service(billing, status="SUSPENDED")
    assert suspended["result"] == "UPDATED"
    service = await Service.get()
    assert (service.status, service.status_before_cancellation) == ("CANCELLATION_PENDING", "SUSPENDED")


SERVICES_SYNC = """mutation($r: [ServiceUpsertInput!]!) { servicesSync(records: $r) {
  report { created updated unchanged refused refusals { index externalId errors { field code message } } }
  errors { field code message } } }"""
ACCOUNTS_SYNC = """mutation($r: [AccountUpsertInput!]!) { accountsSync(records: $r) {
  report { created updated unchanged refused conflicts { index externalId conflicts { field panelValue } } }
  errors { field code } } }"""


async def test_a_bulk_sync_applies_each_record_on_its_own_and_reports_the_refused(staff) -> None:
    billing = await staff(StaffScope.ACCOUNTS, StaffScope.SERVICES)
    accounts = await billing.data(ACCOUNTS_SYNC, {"r": [account_input()]})
    assert accounts["accountsSync"]["report"]["created"] == 1
    records = [service_input(externalId=f"svc-{n}", name=f"Hosting {n}") for n in range(5)]
    records[1]["recurringAmount"] = "1.234"
    records[3] = {**records[3], "accountExternalId": "nobody", "currency": "ZZZ"}
    first = (await billing.data(SERVICES_SYNC, {"r": records}))["servicesSync"]
    assert first["errors"] == []
    report = first["report"]
    assert (report["created"], report["updated"], report["unchanged"], report["refused"]) == (3, 0, 0, 2)
    assert [(r["index"], r["externalId"]) for r in report["refusals"]] == [(1, "svc-1"), (3, "svc-3")]
    assert [(e["field"], e["code"]) for e in report["refusals"][0]["errors"]] == [(["recurringAmount"], "INVALID")]
    assert [e["field"] for e in report["refusals"][1]["errors"]] == [["currency"]]  # checked before looked up
    assert sorted(await Service.all().values_list("external_id", flat=True)) == ["svc-0", "svc-2", "svc-4"]
    records[1]["recurringAmount"] = "1.23"
    records[2]["status"] = "SUSPENDED"
    second = (await billing.data(SERVICES_SYNC, {"r": records}))["servicesSync"]["report"]
    assert (second["created"], second["updated"], second["unchanged"], second["refused"]) == (1, 1, 2, 1)
    assert [e["code"] for e in second["refusals"][0]["errors"]] == ["INVALID"]


async def test_a_bulk_sync_of_one_reference_twice_compares_with_what_the_first_wrote(staff) -> None:
    billing = await staff(StaffScope.ACCOUNTS, StaffScope.SERVICES)
    await upsert_account(billing)
    records = [service_input(), service_input(name="Hosting Plus"), service_input()]
    report = (await billing.data(SERVICES_SYNC, {"r": records}))["servicesSync"]["report"]
    assert (report["created"], report["updated"], report["unchanged"]) == (1, 2, 0)
    service = await Service.get()
    assert (service.name, service.version) == ("Hosting Pyme", 3)


async def test_a_bulk_sync_over_the_limit_applies_nothing(staff) -> None:
    billing = await staff(StaffScope.SERVICES)
    records = [service_input(externalId=f"svc-{n}") for n in range(1001)]
    answer = (await billing.data(SERVICES_SYNC, {"r": records}))["servicesSync"]
    assert answer["report"] is None
    assert [(e["field"], e["code"], e["message"]) for e in answer["errors"]] == [
        (["records"], "INVALID", "At most 1000 records per request.")
    ]
    assert await Service.all().count() == 0


async def test_a_bulk_sync_reports_the_conflicts_of_applied_records(staff, factory) -> None:
    await factory.account(email="panel@example.org")
    number = (await AccountRow.get()).client_number
    billing = await staff(StaffScope.ACCOUNTS)
    report = (await billing.data(ACCOUNTS_SYNC, {"r": [account_input(clientNumber=number)]}))["accountsSync"]["report"]
    assert report["updated"] == 1
    [found] = report["conflicts"]
    assert found["index"] == 0
    assert {"field": "email", "panelValue": "panel@example.org"} in found["conflicts"]


async def test_concurrent_bulk_syncs_of_the_same_new_services_make_each_once(staff) -> None:
    billing = await staff(StaffScope.ACCOUNTS, StaffScope.SERVICES)
    await upsert_account(billing)
    records = [service_input(externalId=f"svc-{n}", name=f"Hosting {n}") for n in range(3)]
    answers = await asyncio.gather(*(billing.data(SERVICES_SYNC, {"r": records}) for _ in range(5)))
    reports = [a["servicesSync"]["report"] for a in answers]
    assert sum(r["created"] for r in reports) == 3
    assert sum(r["unchanged"] for r in reports) == 12
    assert await Service.all().count() == 3
    assert await ActivityEvent.filter(action="service.created").count() == 3


async def test_a_bulk_sync_updates_changed_services_together_and_leaves_the_rest(staff) -> None:
    billing = await staff(StaffScope.ACCOUNTS, StaffScope.SERVICES)
    await upsert_account(billing)
    records = [service_input(externalId=f"svc-{n}", name=f"Hosting {n}") for n in range(4)]
    await billing.data(SERVICES_SYNC, {"r": records})
    for record in records[:3]:
        record["nextDueDate"] = "2026-05-10"
    records[2]["recurringAmount"] = "16000"
    report = (await billing.data(SERVICES_SYNC, {"r": records}))["servicesSync"]["report"]
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 3, 1)
    rows = {s.external_id: s for s in await Service.all()}
    assert [rows[f"svc-{n}"].version for n in range(4)] == [2, 2, 2, 1]
    assert str(rows["svc-2"].next_due_date) == "2026-05-10"
    assert str(rows["svc-2"].recurring_amount) == "16000.00"
    summaries = await ActivityEvent.filter(action="service.updated").order_by("id").values_list("summary", flat=True)
    assert summaries == [
        "Servicio Hosting 0 actualizado: next_due_date",
        "Servicio Hosting 1 actualizado: next_due_date",
        "Servicio Hosting 2 actualizado: next_due_date, recurring_amount",
    ]
    assert await WebhookEvent.all().count() == 0  # no status changed


async def test_a_bulk_sync_may_give_a_number_freed_by_an_earlier_record(staff) -> None:
    billing = await staff(StaffScope.ACCOUNTS)
    first = account_input(externalId="a", clientNumber="7001", holder={"email": "a@example.org"})
    second = account_input(externalId="b", clientNumber="7002", holder={"email": "b@example.org"})
    await billing.data(ACCOUNTS_SYNC, {"r": [first, second]})
    swapped = [{**first, "clientNumber": "7003"}, {**second, "clientNumber": "7001"}]
    report = (await billing.data(ACCOUNTS_SYNC, {"r": swapped}))["accountsSync"]["report"]
    assert (report["updated"], report["refused"]) == (2, 0)
    numbers = dict(await AccountRow.all().values_list("external_id", "client_number"))
    assert numbers == {"a": "7003", "b": "7001"}
