"""Support through the staff API (scope SUPPORT): account lookup, PIN checks, identity corrections and recovery
links, each through the real staff app; the CLI's verify-pin and correct-identity call the same functions."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

import pytest

import models
from core.webhook_events import HOLDER_UPDATED
from domain import webhooks
from models.enums import CancellationStatus, StaffScope
from tests.helpers import PASSWORD, cli, wait_for_mail
from tests.test_recovery import confirm, token_in

LOOKUP = """query($by: AccountLookupBy!) { accountLookup(by: $by) {
  clientNumber externalId holderName holderEmail emailDeliverable hasPin lastSignInAt
  services { name domain status dueDate openCancellation }
  contacts { name email emailDeliverable active } } }"""
PIN = """mutation($i: PinVerifyInput!) { pinVerify(input: $i) {
  correct errors { field code message retryAfter } } }"""
CORRECT = """mutation($i: HolderIdentityCorrectInput!) { holderIdentityCorrect(input: $i) {
  holder { firstName lastName nationalIdType nationalId taxIdType taxId version } changed
  errors { field code message } } }"""
RECOVERY = """mutation($i: RecoveryLinkSendInput!) { recoveryLinkSend(input: $i) {
  sentTo errors { field code message retryAfter } } }"""
HOLDER_EMAIL = "titular.soporte@example.net"


async def set_pin(runtime, account, pin: str = "2580") -> None:
    await models.Account.filter(id=account.id).update(pin_hash=await runtime.secrets.hash_password(pin))


async def lookup(client, **by: str) -> list[dict]:
    return (await client.data(LOOKUP, {"by": by}))["accountLookup"]


async def test_lookup_by_client_number_shows_what_support_needs(staff, factory, client, runtime, clock) -> None:
    account = await factory.account(email=HOLDER_EMAIL)
    await models.Account.filter(id=account.id).update(external_id="whmcs-77")
    await set_pin(runtime, account)
    due = date(2026, 4, 1)
    hosting = await factory.service(account, "Hosting Pyme", domain="ejemplo.com.ar", next_due_date=due)
    await factory.service(account, "Dominio", domain="otro.com.ar")
    await models.Cancellation.create(
        account_id=account.id,
        service_id=hosting.id,
        open_service_id=hosting.id,
        status=CancellationStatus.SCHEDULED,
        reason="Cierre",
        requested_at=clock.now(),
        requested_by="Juan Pérez",
    )
    await factory.contact(account, "ana@example.com", first_name="Ana", last_name="Gómez")
    await factory.contact(account, "beto@example.com", first_name="Beto", last_name="Ruiz", active=False)
    await models.AddressDeliverability.create(
        address="ana@example.com", deliverable=False, refusals=1, refused_at=clock.now()
    )
    await client.sign_in(account.client_number)

    support = await staff(StaffScope.SUPPORT, name="support-desk")
    [found] = await lookup(support, clientNumber=f" {account.client_number} ")
    assert found["clientNumber"] == account.client_number
    assert found["externalId"] == "whmcs-77"
    assert (found["holderName"], found["holderEmail"]) == ("Juan Pérez", HOLDER_EMAIL)
    assert found["emailDeliverable"] is True
    assert found["hasPin"] is True
    assert found["lastSignInAt"] is not None
    assert found["services"] == [
        {
            "name": "Hosting Pyme",
            "domain": "ejemplo.com.ar",
            "status": "ACTIVE",
            "dueDate": "2026-04-01",
            "openCancellation": "SCHEDULED",
        },
        {"name": "Dominio", "domain": "otro.com.ar", "status": "ACTIVE", "dueDate": None, "openCancellation": None},
    ]
    assert found["contacts"] == [
        {"name": "Ana Gómez", "email": "ana@example.com", "emailDeliverable": False, "active": True},
        {"name": "Beto Ruiz", "email": "beto@example.com", "emailDeliverable": True, "active": False},
    ]
    assert "pin" not in json.dumps(found).lower().replace("haspin", "")


async def test_lookup_by_email_lists_every_account_it_belongs_to(staff, factory) -> None:
    first = await factory.account(email="compartido@example.com")
    second = await factory.account()
    await factory.contact(second, "compartido@example.com")
    await factory.account()  # unrelated
    support = await staff(StaffScope.SUPPORT)
    found = await lookup(support, email="  Compartido@Example.COM ")
    assert [a["clientNumber"] for a in found] == [first.client_number, second.client_number]
    assert await lookup(support, email="compartido@example") == []
    assert await lookup(support, email="%@example.com") == []
    assert await lookup(support, email="x" * 300 + "@example.com") == []


@pytest.mark.parametrize(
    "typed",
    [
        "ñandú.com.ar",
        "ÑANDÚ.com.ar",
        "xn--and-6ma2c.com.ar.",
        "www.ñandú.com.ar",
        "https://www.Ñandú.com.ar/contacto",
        "tienda.ñandú.com.ar",
    ],
)
async def test_lookup_by_domain_accepts_what_customers_type(staff, factory, typed) -> None:
    account = await factory.account()
    await factory.service(account, domain="ñandú.com.ar")
    support = await staff(StaffScope.SUPPORT)
    assert [a["clientNumber"] for a in await lookup(support, domain=typed)] == [account.client_number]


async def test_lookup_never_matches_partially(staff, factory) -> None:
    account = await factory.account()
    await factory.service(account, domain="ejemplo.com.ar")
    support = await staff(StaffScope.SUPPORT)
    for typed in ("ejemplo", "com.ar", "jemplo.com.ar", "%.com.ar", "*.com.ar", "", " "):
        assert await lookup(support, domain=typed) == [], typed
    for typed in (account.client_number[:-1], f"{account.client_number}%", "", "9" * 40):
        assert await lookup(support, clientNumber=typed) == [], typed


async def test_lookup_takes_exactly_one_criterion(staff) -> None:
    support = await staff(StaffScope.SUPPORT)
    for by in ({"clientNumber": "1", "email": "a@example.com"}, {}):
        body = await support(LOOKUP, {"by": by})
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert "exactly one key" in body["errors"][0]["message"]


@pytest.mark.parametrize("scope", [StaffScope.ACCOUNTS, StaffScope.SERVICES, StaffScope.NOTICES, StaffScope.WEBHOOKS])
async def test_support_operations_need_the_support_scope(staff, factory, runtime, scope) -> None:
    account = await factory.account()
    await set_pin(runtime, account)
    other = await staff(scope)
    number = account.client_number
    for document, variables in (
        (LOOKUP, {"by": {"clientNumber": number}}),
        (PIN, {"i": {"clientNumber": number, "pin": "2580"}}),
        (CORRECT, {"i": {"clientNumber": number, "firstName": "Otro"}}),
        (RECOVERY, {"i": {"clientNumber": number, "to": "HOLDER"}}),
    ):
        body = await other(document, variables)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", document
    assert not await models.ActivityEvent.filter(action__startswith="pin.").exists()
    assert (await models.Holder.get(account_id=account.id)).first_name == "Juan"
    assert await models.RecoveryRequest.all().count() == 0


async def test_a_pin_check_answers_records_the_key_and_tells_the_holder(
    staff, factory, runtime, smtp_sink, clock
) -> None:
    account = await factory.account(email=HOLDER_EMAIL)
    await set_pin(runtime, account, "2580")
    support = await staff(StaffScope.SUPPORT, name="mesa de ayuda")
    wrong = (await support.data(PIN, {"i": {"clientNumber": account.client_number, "pin": "1357"}}))["pinVerify"]
    assert wrong == {"correct": False, "errors": []}
    right = (await support.data(PIN, {"i": {"clientNumber": account.client_number, "pin": "2580"}}))["pinVerify"]
    assert right == {"correct": True, "errors": []}

    key = await models.StaffKey.get(name="mesa de ayuda")
    rows = await models.ActivityEvent.filter(account_id=account.id, action__startswith="pin.").order_by("id")
    assert [(row.action, row.actor) for row in rows] == [
        ("pin.verification_failed", f"Staff key {key.id} (mesa de ayuda)"),
        ("pin.verified", f"Staff key {key.id} (mesa de ayuda)"),
    ]
    received = await wait_for_mail(smtp_sink, HOLDER_EMAIL, 2)
    assert all(r.subject == "Soporte verificó su PIN de seguridad" for r in received)
    assert "10/03/2026" in received[0].text
    assert "no fue correcto" in received[0].text
    assert "fue correcto" in received[1].text
    assert "no fue correcto" not in received[1].text
    for message in received:
        assert "2580" not in message.text
        assert "1357" not in message.text
    audit = await models.StaffAudit.filter(fields_called="pinVerify").all()
    assert len(audit) == 2
    assert all("2580" not in f"{a.operation}{a.fields_called}{a.outcome}" for a in audit)


async def test_pin_checks_are_limited_per_account_with_a_retry_time(staff, factory, runtime) -> None:
    account = await factory.account()
    other = await factory.account()
    await set_pin(runtime, account, "2580")
    await set_pin(runtime, other, "2580")
    support = await staff(StaffScope.SUPPORT)
    check = {"clientNumber": account.client_number, "pin": "0000"}
    for _ in range(5):
        assert (await support.data(PIN, {"i": check}))["pinVerify"]["correct"] is False
    blocked = (await support.data(PIN, {"i": {**check, "pin": "2580"}}))["pinVerify"]
    assert blocked["correct"] is None
    [error] = blocked["errors"]
    assert (error["code"], error["field"]) == ("TOO_MANY_ATTEMPTS", ["input", "pin"])
    assert 0 < error["retryAfter"] <= 3600
    assert await models.ActivityEvent.filter(account_id=account.id, action="pin.verification_blocked").exists()
    # Another account is not affected.
    elsewhere = {"clientNumber": other.client_number, "pin": "2580"}
    assert (await support.data(PIN, {"i": elsewhere}))["pinVerify"]["correct"] is True


async def test_a_burst_of_pin_checks_gets_five_answers_at_most(staff, factory, runtime, smtp_sink) -> None:
    account = await factory.account(email=HOLDER_EMAIL)
    await set_pin(runtime, account, "2580")
    support = await staff(StaffScope.SUPPORT)
    check = {"i": {"clientNumber": account.client_number, "pin": "2580"}}
    answers = await asyncio.gather(*(support.data(PIN, check) for _ in range(8)))
    verdicts = [answer["pinVerify"]["correct"] for answer in answers]
    assert verdicts.count(True) == 5
    assert verdicts.count(None) == 3
    assert await models.ActivityEvent.filter(account_id=account.id, action="pin.verified").count() == 5
    assert len(await wait_for_mail(smtp_sink, HOLDER_EMAIL, 5)) == 5


async def test_a_pin_check_without_a_pin_or_an_account_says_so(staff, factory, smtp_sink) -> None:
    account = await factory.account(email=HOLDER_EMAIL)
    support = await staff(StaffScope.SUPPORT)
    unset = (await support.data(PIN, {"i": {"clientNumber": account.client_number, "pin": "2580"}}))["pinVerify"]
    assert unset["correct"] is None
    assert [(e["code"], e["field"]) for e in unset["errors"]] == [("INVALID_STATE", ["input", "clientNumber"])]
    assert "has not set a security PIN" in unset["errors"][0]["message"]
    for number in ("nope", "", "9" * 500):
        unknown = (await support.data(PIN, {"i": {"clientNumber": number, "pin": "2580"}}))["pinVerify"]
        assert [e["code"] for e in unknown["errors"]] == ["NOT_FOUND"], number
    english = await support(PIN, {"i": {"clientNumber": "nope", "pin": "1"}}, headers={"accept-language": "en"})
    assert english["data"]["pinVerify"]["errors"][0]["message"] == "There is no account with that client number."
    assert not await models.ActivityEvent.filter(action__startswith="pin.").exists()
    assert not await models.MailMessage.filter(template="pin_checked").exists()


async def test_identity_is_corrected_reported_to_billing_and_recorded(staff, factory, runtime) -> None:
    await webhooks.add_endpoint(runtime, "https://billing.example.com/hooks", [HOLDER_UPDATED])
    account = await factory.account()
    support = await staff(StaffScope.SUPPORT, name="support-desk")
    corrected = (
        await support.data(
            CORRECT,
            {
                "i": {
                    "clientNumber": account.client_number,
                    "firstName": " Juan Carlos ",
                    "nationalIdType": "AR_DNI",
                    "nationalId": "20.123.456",
                    "taxIdType": "AR_CUIT",
                    "taxId": "20-20123456-6",
                }
            },
        )
    )["holderIdentityCorrect"]
    assert corrected["errors"] == []
    assert corrected["changed"] == ["firstName", "nationalId", "nationalIdType", "taxId", "taxIdType"]
    assert corrected["holder"] == {
        "firstName": "Juan Carlos",
        "lastName": "Pérez",
        "nationalIdType": "AR_DNI",
        "nationalId": "20123456",
        "taxIdType": "AR_CUIT",
        "taxId": "20201234566",
        "version": 2,
    }
    [event] = await models.WebhookEvent.filter(account_id=account.id, type="holder.updated")
    data = json.loads(event.payload)["data"]
    assert data["changed"] == ["firstName", "nationalId", "nationalIdType", "taxId", "taxIdType"]
    assert event.resource_version == 2
    [row] = await models.ActivityEvent.filter(account_id=account.id, action="holder.identity_corrected")
    assert row.actor.endswith("(support-desk)")
    # The same values again change nothing: no new version, event or activity.
    again = (await support.data(CORRECT, {"i": {"clientNumber": account.client_number, "firstName": "Juan Carlos"}}))[
        "holderIdentityCorrect"
    ]
    assert (again["changed"], again["holder"]["version"]) == ([], 2)
    assert await models.WebhookEvent.filter(type="holder.updated").count() == 1


async def test_identity_correction_refuses_bad_values_and_changes_nothing(staff, factory) -> None:
    account = await factory.account()
    support = await staff(StaffScope.SUPPORT)
    number = account.client_number
    cases = [
        ({"taxIdType": "AR_CUIT", "taxId": "20-20123456-9", "firstName": "Otro"}, [("INVALID", "taxId")]),
        ({"firstName": "  "}, [("REQUIRED", "firstName")]),
        ({"lastName": "x" * 101}, [("TOO_LONG", "lastName")]),
        ({"nationalId": "20123456"}, [("REQUIRED", "nationalIdType")]),
        ({"taxIdType": "AR_CUIT"}, [("REQUIRED", "taxId")]),
        (
            {"firstName": "", "nationalIdType": "AR_DNI", "nationalId": "1"},
            [("REQUIRED", "firstName"), ("INVALID", "nationalId")],
        ),
    ]
    for given, expected in cases:
        answer = (await support.data(CORRECT, {"i": {"clientNumber": number, **given}}))["holderIdentityCorrect"]
        assert answer["holder"] is None, given
        assert [(e["code"], e["field"][-1]) for e in answer["errors"]] == expected, given
        assert all(e["field"][0] == "input" and e["message"] for e in answer["errors"])
    unknown = (await support.data(CORRECT, {"i": {"clientNumber": "nadie", "firstName": "X"}}))["holderIdentityCorrect"]
    assert [(e["code"], e["field"]) for e in unknown["errors"]] == [("NOT_FOUND", ["input", "clientNumber"])]
    holder = await models.Holder.get(account_id=account.id)
    assert (holder.first_name, holder.version, holder.tax_id) == ("Juan", 1, None)
    assert not await models.ActivityEvent.filter(action="holder.identity_corrected").exists()
    assert not await models.WebhookEvent.all().exists()


async def test_a_recovery_link_goes_to_the_address_on_file_and_works(staff, factory, client, smtp_sink) -> None:
    account = await factory.account(email=HOLDER_EMAIL)
    support = await staff(StaffScope.SUPPORT, name="support-desk")
    sent = (await support.data(RECOVERY, {"i": {"clientNumber": account.client_number, "to": "HOLDER"}}))[
        "recoveryLinkSend"
    ]
    assert sent == {"sentTo": HOLDER_EMAIL, "errors": []}
    [received] = await wait_for_mail(smtp_sink, HOLDER_EMAIL)
    assert await confirm(client, token_in(received.text)) == []
    [row] = await models.ActivityEvent.filter(account_id=account.id, action="recovery.requested")
    assert row.summary == "Recuperación de acceso pedida (SUPPORT)"
    assert row.actor.endswith("(support-desk)")


async def test_a_recovery_link_to_a_contact_only_to_an_active_contact_of_that_account(
    staff, factory, smtp_sink
) -> None:
    account = await factory.account()
    other = await factory.account()
    await factory.contact(account, "ana@example.com")
    await factory.contact(account, "inactiva@example.com", active=False)
    await factory.contact(other, "ajena@example.com")
    support = await staff(StaffScope.SUPPORT)
    number = account.client_number

    async def send(**given: str) -> dict:
        return (await support.data(RECOVERY, {"i": {"clientNumber": number, **given}}))["recoveryLinkSend"]

    assert (await send(to="CONTACT", contactEmail=" Ana@Example.com"))["sentTo"] == "ana@example.com"
    await wait_for_mail(smtp_sink, "ana@example.com")
    for given, code in (
        ({"contactEmail": "inactiva@example.com"}, "NOT_FOUND"),
        ({"contactEmail": "ajena@example.com"}, "NOT_FOUND"),
        ({"contactEmail": "atacante@evil.example"}, "NOT_FOUND"),
        ({"contactEmail": " "}, "REQUIRED"),
        ({}, "REQUIRED"),
    ):
        refused = await send(to="CONTACT", **given)
        assert refused["sentTo"] is None
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [(code, ["input", "contactEmail"])], given
    # A contact email given with to: HOLDER is ignored: the link goes to the holder's address on file.
    holder_email = (await models.Holder.get(account_id=account.id)).email
    assert (await send(to="HOLDER", contactEmail="atacante@evil.example"))["sentTo"] == holder_email
    assert smtp_sink.to("atacante@evil.example") == []
    assert smtp_sink.to("ajena@example.com") == []


async def test_recovery_links_are_throttled_per_account(staff, factory, smtp_sink) -> None:
    account = await factory.account(email=HOLDER_EMAIL)
    other = await factory.account()
    support = await staff(StaffScope.SUPPORT)
    send = {"i": {"clientNumber": account.client_number, "to": "HOLDER"}}
    for _ in range(3):
        assert (await support.data(RECOVERY, send))["recoveryLinkSend"]["errors"] == []
    refused = (await support.data(RECOVERY, send))["recoveryLinkSend"]
    assert refused["sentTo"] is None
    [error] = refused["errors"]
    assert error["code"] == "RATE_LIMITED"
    assert 0 < error["retryAfter"] <= 3600
    assert len(await wait_for_mail(smtp_sink, HOLDER_EMAIL, 3)) == 3
    assert await models.RecoveryRequest.filter(account_id=account.id).count() == 3
    elsewhere = {"i": {"clientNumber": other.client_number, "to": "HOLDER"}}
    assert (await support.data(RECOVERY, elsewhere))["recoveryLinkSend"]["errors"] == []
    unknown = {"i": {"clientNumber": "nadie", "to": "HOLDER"}}
    assert [e["code"] for e in (await support.data(RECOVERY, unknown))["recoveryLinkSend"]["errors"]] == ["NOT_FOUND"]


async def test_a_burst_of_recovery_links_sends_three(staff, factory, smtp_sink) -> None:
    account = await factory.account(email=HOLDER_EMAIL)
    support = await staff(StaffScope.SUPPORT)
    send = {"i": {"clientNumber": account.client_number, "to": "HOLDER"}}
    answers = await asyncio.gather(*(support.data(RECOVERY, send) for _ in range(8)))
    sent = [answer["recoveryLinkSend"]["sentTo"] for answer in answers]
    assert sent.count(HOLDER_EMAIL) == 3
    assert await models.RecoveryRequest.filter(account_id=account.id).count() == 3
    # Each link voids the earlier ones: one works.
    assert await models.RecoveryRequest.filter(account_id=account.id, voided_at=None).count() == 1


def test_the_cli_checks_pins_and_corrects_identity_through_the_same_functions(tmp_path: Path) -> None:
    assert cli(tmp_path, "migrate").returncode == 0
    made = cli(
        tmp_path,
        "create-account",
        "5001",
        "--first-name",
        "Juan",
        "--last-name",
        "Pérez",
        "--email",
        "juan@example.com",
        "--password",
        PASSWORD,
    )
    assert made.returncode == 0, made.stderr
    for args, line in (
        (("verify-pin", "5001", "2580"), "clientNumber: The holder has not set a security PIN"),
        (("verify-pin", "5999", "2580"), "clientNumber: There is no account with that client number."),
        (("correct-identity", "5001", "--tax-id-type", "AR_CUIT", "--tax-id", "20-20123456-9"), "taxId: "),
        (("correct-identity", "5001", "--national-id", "123"), "nationalIdType: "),
    ):
        ran = cli(tmp_path, *args)
        assert ran.returncode == 2, (args, ran.stdout, ran.stderr)
        assert len(ran.stderr.strip().splitlines()) == 1, ran.stderr
        assert ran.stderr.startswith(line), ran.stderr
        assert "Traceback" not in ran.stderr
    fixed = cli(tmp_path, "correct-identity", "5001", "--first-name", "Juan Carlos")
    assert (fixed.returncode, fixed.stdout.strip()) == (0, "corrected: first_name")
