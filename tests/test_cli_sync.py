"""The CLI as a thin client: create-account, create-service and sync (NDJSON) check their input as the staff API
does, answer bad input with one line and exit code 2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from core.runtime import Runtime
from domain import sync_ndjson
from models import Account, Holder, Service
from tests.helpers import cli

ACCOUNT = {
    "type": "account",
    "externalId": "acc-1",
    "clientNumber": "7001",
    "holder": {"firstName": "Lucía", "lastName": "Fernández", "email": "lucia@example.org", "language": "EN"},
}
SERVICE = {
    "type": "service",
    "externalId": "svc-1",
    "accountExternalId": "acc-1",
    "kind": "HOSTING",
    "name": "Hosting Pyme",
    "status": "ACTIVE",
    "recurringAmount": 1500.5,
    "nextDueDate": "2026-04-10",
}


def ndjson(tmp_path: Path, *lines: object) -> str:
    path = tmp_path / "billing.ndjson"
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n")
    return str(path)


def test_create_account_and_service_refuse_bad_input_in_one_line(tmp_path: Path) -> None:
    assert cli(tmp_path, "migrate").returncode == 0
    names = ("--first-name", "Lucía", "--last-name", "Fernández")
    bad_email = cli(tmp_path, "create-account", "7001", *names, "--email", "notanemail")
    assert (bad_email.returncode, bad_email.stdout) == (2, "")
    assert bad_email.stderr == "holder.email: The email address is not valid.\n"
    created = cli(tmp_path, "create-account", "7001", *names, "--email", "Lucia@Example.org")
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith("account 7001 created; password: ")
    again = cli(tmp_path, "create-account", "7001", *names, "--email", "otra@example.org")
    assert (again.returncode, again.stderr) == (2, "clientNumber: It is already in use.\n")
    bad_due = cli(tmp_path, "create-service", "7001", "Hosting Pyme", "--due", "2026-13-45")
    assert (bad_due.returncode, bad_due.stderr) == (2, "nextDueDate: Invalid date: use YYYY-MM-DD, e.g. 2026-04-30.\n")
    bad_amount = cli(tmp_path, "create-service", "7001", "Hosting Pyme", "--amount", "12,50")
    assert bad_amount.returncode == 2
    assert bad_amount.stderr.startswith("recurringAmount: Invalid amount")
    nobody = cli(tmp_path, "create-service", "7999", "Hosting Pyme")
    assert nobody.returncode == 2
    assert nobody.stderr.startswith("clientNumber: No account has that reference")
    service = cli(tmp_path, "create-service", "7001", "Hosting Pyme", "--amount", "1500", "--due", "2026-04-10")
    assert service.returncode == 0, service.stderr
    assert "Traceback" not in "".join(r.stderr for r in (bad_email, again, bad_due, bad_amount, nobody))


def test_sync_applies_a_good_file_and_is_unchanged_the_second_time(tmp_path: Path) -> None:
    assert cli(tmp_path, "migrate").returncode == 0
    path = ndjson(tmp_path, ACCOUNT, "", SERVICE)
    first = cli(tmp_path, "sync", path)
    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout == "created 2, updated 0, unchanged 0, refused 0\n"
    second = cli(tmp_path, "sync", path)
    assert (second.returncode, second.stdout) == (0, "created 0, updated 0, unchanged 2, refused 0\n")


def test_sync_names_each_refused_line_and_exits_2(tmp_path: Path) -> None:
    assert cli(tmp_path, "migrate").returncode == 0
    path = ndjson(
        tmp_path,
        ACCOUNT,
        "{not json",
        {**SERVICE, "externalId": "svc-2", "nextDueDate": "2026-02-30"},
        {"type": "invoice"},
        SERVICE,
        {**SERVICE, "externalId": "svc-3", "colour": "red"},
        {**SERVICE, "externalId": "svc-4", "accountExternalId": "acc-404"},
        [1, 2],
    )
    ran = cli(tmp_path, "sync", path)
    assert ran.returncode == 2
    assert ran.stderr == ""
    assert ran.stdout.splitlines() == [
        "line 2: -: The line is not a JSON object.",
        "line 3: svc-2: nextDueDate: Invalid date: use YYYY-MM-DD, e.g. 2026-04-30.",
        'line 4: -: type: "type" must be "account" or "service".',
        "line 6: svc-3: colour: Unknown field.",
        "line 7: svc-4: accountExternalId: No account has that reference: sync the account before its services.",
        "line 8: -: The line is not a JSON object.",
        "created 2, updated 0, unchanged 0, refused 6",
    ]
    missing = cli(tmp_path, "sync", str(tmp_path / "missing.ndjson"))
    assert missing.returncode == 2
    assert missing.stderr.endswith("missing.ndjson: No such file or directory\n")


async def test_sync_lines_apply_in_order_through_the_same_functions(runtime: Runtime) -> None:
    """In-process (both databases): accounts first, then the services naming them; a record's values as the
    API's (numbers for amounts), a holder's fields checked as the API checks them."""
    lines = [json.dumps(line).encode() for line in (ACCOUNT, SERVICE)]
    lines.append(
        json.dumps({**ACCOUNT, "externalId": "acc-2", "holder": {**ACCOUNT["holder"], "phone": True}}).encode()
    )
    lines.append(json.dumps({**ACCOUNT, "externalId": "acc-3", "holder": "Lucía"}).encode())
    lines.append(b"[" * 100_000)
    lines.append(b"\xff\xfe{}")
    lines.append(json.dumps({**ACCOUNT, "externalId": 4, "clientNumber": 7004}).encode())
    report = await sync_ndjson.sync_lines(runtime, lines, "Staff")
    assert (report.created, report.refused) == (3, 4)
    assert [(r.index, r.external_id) for r in report.refusals] == [(3, "acc-2"), (4, "acc-3"), (5, None), (6, None)]
    assert [sync_ndjson.describe(f) for r in report.refusals for f in r.failures] == [
        "holder.phone: A string was expected.",
        "holder: A JSON object was expected.",
        "The line is not a JSON object.",
        "The line is not a JSON object.",
    ]
    assert (await Account.get(external_id="4")).client_number == "7004"
    holder = await Holder.get(account__external_id="acc-1")
    assert (holder.email, holder.language) == ("lucia@example.org", "EN")
    service = await Service.get(external_id="svc-1")
    assert str(service.recurring_amount) == "1500.50"
    assert (await Account.get(external_id="acc-1")).password_hash == ""
