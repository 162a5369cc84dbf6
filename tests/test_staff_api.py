"""The staff API: its own app and schema, staff keys only (hashed, scoped, revocable, throttled), every use
audited; never a customer's credential there, never a staff key on the public API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import orjson
from starlette.applications import Starlette

import models
from core.runtime import Runtime
from domain.staff_keys import create_key, revoke_key
from models.enums import StaffScope
from settings import Settings
from staff_app import STAFF_MAX_BODY_BYTES, create_staff_app
from tests.conftest import STAFF_URL
from tests.helpers import cli

WHO = "query Who { staffKey { name scopes } }"


async def post(app: Starlette, body: dict, **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=STAFF_URL) as http:
        return await http.post("/graphql", json=body, headers=headers)


async def test_a_key_is_shown_once_stored_hashed_and_names_its_scopes(staff, runtime: Runtime) -> None:
    client = await staff(StaffScope.ACCOUNTS, StaffScope.SERVICES)
    assert await client.data(WHO) == {"staffKey": {"name": "billing", "scopes": ["ACCOUNTS", "SERVICES"]}}
    secret = client.http.headers["authorization"].removeprefix("Bearer ")
    stored = await models.StaffKey.get()
    assert secret.startswith("csk_")
    assert secret not in stored.secret_hash
    assert stored.secret_hash == runtime.secrets.digest(secret)
    assert stored.last_used_at is not None


async def test_no_key_a_wrong_key_or_a_revoked_key_is_401(staff_app, runtime: Runtime) -> None:
    created = await create_key(runtime, "billing", list(StaffScope))
    assert (await post(staff_app, {"query": WHO})).status_code == 401
    wrong = await post(staff_app, {"query": WHO}, authorization=f"Bearer {created.secret}x")
    assert wrong.status_code == 401
    assert wrong.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "invalid_token" in wrong.headers["www-authenticate"]
    assert (await post(staff_app, {"query": WHO}, authorization=f"Bearer {created.secret}")).status_code == 200
    assert await revoke_key(runtime, created.key.id)
    assert (await post(staff_app, {"query": WHO}, authorization=f"Bearer {created.secret}")).status_code == 401


async def test_a_customer_credential_is_refused_by_the_staff_api_and_a_staff_key_by_the_public_one(
    staff, staff_app, client, holder, runtime: Runtime
) -> None:
    created = await client.data(
        'mutation { apiTokenCreate(input: {name: "ERP", permissions: [SERVICES]}) { token errors { code } } }'
    )
    token = created["apiTokenCreate"]["token"]
    assert (await post(staff_app, {"query": WHO}, authorization=f"Bearer {token}")).status_code == 401
    session = client.http.cookies
    assert session, "the holder is signed in with a cookie"
    cookie = "; ".join(f"{name}={value}" for name, value in session.items())
    assert (await post(staff_app, {"query": WHO}, cookie=cookie)).status_code == 401
    key = (await create_key(runtime, "billing", list(StaffScope))).secret
    public = await client.post("{ viewer { account { id } } }", headers={"authorization": f"Bearer {key}"})
    assert public.status_code == 401
    unknown = (await client.post("{ staffKey { name } }")).json()
    assert unknown["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_scope_the_key_lacks_is_forbidden(staff) -> None:
    """The full matrix of scopes against operations is test_staff_scope_matrix; this is the refusal's shape."""
    client = await staff(StaffScope.SUPPORT)
    assert (await client.data(WHO))["staffKey"]["scopes"] == ["SUPPORT"]


async def test_every_request_with_a_key_is_audited_without_its_variables(staff) -> None:
    client = await staff(StaffScope.ACCOUNTS)
    await client.data(WHO)
    await client("query Bad { staffKey { nope } }")
    audit = await models.StaffAudit.all().order_by("id")
    assert [(a.operation, a.fields_called, a.outcome) for a in audit] == [
        ("Who", "staffKey", "ok"),
        ("Bad", "staffKey", "GRAPHQL_VALIDATION_FAILED"),
    ]
    assert all(a.key_id is not None and a.address for a in audit)


async def test_a_key_is_throttled_and_the_refusal_audited(staff_app, runtime: Runtime) -> None:
    throttled = create_staff_app(runtime.settings.with_(staff_requests_per_minute=2), runtime=runtime)
    created = await create_key(runtime, "billing", list(StaffScope))
    auth = {"authorization": f"Bearer {created.secret}"}
    answers = [await post(throttled, {"query": WHO}, **auth) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[0].headers["ratelimit-policy"] == '"staff-key";q=2;w=60'
    assert int(answers[2].headers["retry-after"]) > 0
    assert answers[2].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert await models.StaffAudit.filter(outcome="RATE_LIMITED").count() == 1


async def test_only_allowed_networks_are_answered(runtime: Runtime) -> None:
    created = await create_key(runtime, "billing", list(StaffScope))
    auth = {"authorization": f"Bearer {created.secret}"}
    elsewhere = create_staff_app(runtime.settings.with_(staff_allowed_networks=("10.0.5.0/24",)), runtime=runtime)
    refused = await post(elsewhere, {"query": WHO}, **auth)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    here = create_staff_app(runtime.settings.with_(staff_allowed_networks=("127.0.0.0/8",)), runtime=runtime)
    assert (await post(here, {"query": WHO}, **auth)).status_code == 200


async def test_no_cors_no_get_no_graphiql_and_no_introspection_in_production(runtime: Runtime, staff_app) -> None:
    created = await create_key(runtime, "billing", list(StaffScope))
    auth = {"authorization": f"Bearer {created.secret}"}
    preflight = await post(staff_app, {"query": WHO}, origin="https://evil.example", **auth)
    assert "access-control-allow-origin" not in preflight.headers
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=staff_app), base_url=STAFF_URL) as http:
        assert (await http.get("/graphql", headers={"accept": "text/html", **auth})).status_code == 405
        assert (await http.options("/graphql", headers={"origin": "https://evil.example"})).status_code == 405
    schema_query = {"query": "{ __schema { queryType { name } } }"}
    assert (await post(staff_app, schema_query, **auth)).json()["data"]["__schema"]["queryType"]["name"] == "Query"
    closed = create_staff_app(runtime.settings.with_(introspection=False), runtime=runtime)
    hidden = (await post(closed, schema_query, **auth)).json()
    assert hidden["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_chunked_body_over_the_limit_is_413(runtime: Runtime, staff_app) -> None:
    """A body that declares no length is counted as it arrives: over the limit, the refusal is 413, not a 500."""
    created = await create_key(runtime, "billing", list(StaffScope))
    body = orjson.dumps({"query": WHO, "padding": "x" * STAFF_MAX_BODY_BYTES})

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 65536):
            yield body[start : start + 65536]

    headers = {"authorization": f"Bearer {created.secret}", "content-type": "application/json"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=staff_app), base_url=STAFF_URL) as http:
        refused = await http.post("/graphql", content=chunks(), headers=headers)
    assert refused.status_code == 413
    assert refused.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


def test_the_staff_schema_shares_no_root_field_with_the_public_one() -> None:
    from schema import schema as public
    from schema.staff import staff_schema

    assert not set(staff_schema._schema.query_type.fields) & set(public._schema.query_type.fields)
    assert "staffKey" not in public.as_str()


def test_keys_are_created_listed_and_revoked_with_the_cli(tmp_path) -> None:
    assert cli(tmp_path, "migrate").returncode == 0
    made = cli(tmp_path, "staff-key-add", "billing", "--scopes", "accounts,services")
    assert made.returncode == 0, made.stderr
    assert "csk_" in made.stdout
    assert "ACCOUNTS, SERVICES" in made.stdout
    bad = cli(tmp_path, "staff-key-add", "billing", "--scopes", "accounts,root")
    assert bad.returncode == 2
    assert "ROOT" in bad.stderr
    assert "Traceback" not in bad.stderr
    listed = cli(tmp_path, "staff-key-list")
    assert "billing\tACCOUNTS,SERVICES\tlive" in listed.stdout
    assert "csk_" not in listed.stdout
    assert cli(tmp_path, "staff-key-revoke", "1").returncode == 0
    assert "revoked" in cli(tmp_path, "staff-key-list").stdout
    again = cli(tmp_path, "staff-key-revoke", "1")
    assert again.returncode == 2
    assert "no live staff key 1" in again.stderr


def test_staff_bind_is_checked_at_start_up() -> None:
    import pytest

    from settings import SettingsError

    assert Settings.from_env({"STAFF_BIND": "127.0.0.1:8001"}).staff_address == ("127.0.0.1", 8001)
    assert Settings.from_env({}).staff_address is None
    with pytest.raises(SettingsError, match="STAFF_BIND"):
        Settings.from_env({"STAFF_BIND": "8001"})


async def test_the_audit_names_fields_run_through_fragments_and_only_the_operation_that_ran(staff) -> None:
    client = await staff(StaffScope.ACCOUNTS)
    await client.data("query Hidden { ...F } fragment F on Query { staffKey { name } }")
    await client.data("query { ... on Query { staffKey { name } } }")
    both = "query A { staffKey { id } } query B { ...G } fragment G on Query { staffKey { name } }"
    ran = await client.http.post("/graphql", json={"query": both, "operationName": "B"})
    assert ran.json()["data"] == {"staffKey": {"name": "billing"}}
    audit = await models.StaffAudit.all().order_by("id")
    assert [(a.operation, a.fields_called) for a in audit] == [
        ("Hidden", "staffKey"),
        ("anonymous", "staffKey"),
        ("B", "staffKey"),
    ]
