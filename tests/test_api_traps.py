"""Small API traps: a DateTime without a UTC offset is bad input (never an unexpected error), and a save that
changes nothing keeps the version and records nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLObjectType, build_schema, get_named_type

import models
from core.ids import to_global_id
from schema import schema as panel_schema

API_TOKEN_CREATE = """mutation($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) {
  apiToken { expiresAt } errors { code field } } }"""
MAIL = "query($f: MailFilter) { viewer { account { mail(first: 5, filter: $f) { totalCount } } } }"


@dataclass(frozen=True)
class DateTimeInput:
    """Where a DateTime is typed in, and how to send one value there."""

    where: str  # Type.field, or Type.field(argument)
    document: str
    variables: Any  # a function of the value

    def send(self, value: str) -> dict[str, Any]:
        return self.variables(value)


DATETIME_INPUTS = [
    DateTimeInput(
        "ApiTokenCreateInput.expiresAt",
        API_TOKEN_CREATE,
        lambda value: {"i": {"name": "ERP", "permissions": [], "expiresAt": value}},
    ),
    DateTimeInput("MailFilter.since", MAIL, lambda value: {"f": {"since": value}}),
    DateTimeInput("MailFilter.until", MAIL, lambda value: {"f": {"until": value}}),
]
NAIVE = ["2026-03-11T10:00:00", "2026-03-11"]
GARBAGE = ["mañana", "", "2026-13-40T10:00:00Z", "2026-03-11T10:00:00+25:00", "0001-01-01T00:00:00+01:00"]
WITH_OFFSET = ["2026-03-11T10:00:00-03:00", "2026-03-11T13:00:00Z", "2026-03-11T13:00:00.250+00:00"]


def date_inputs() -> set[str]:
    """Every input field and argument of the exported schema whose type is DateTime or Date."""
    graphql_schema = build_schema(panel_schema.as_str())
    found: set[str] = set()
    for name, graphql_type in graphql_schema.type_map.items():
        if isinstance(graphql_type, GraphQLInputObjectType):
            found |= {
                f"{name}.{field}"
                for field, value in graphql_type.fields.items()
                if get_named_type(value.type).name in ("DateTime", "Date")
            }
        elif isinstance(graphql_type, GraphQLObjectType):
            for field, value in graphql_type.fields.items():
                found |= {
                    f"{name}.{field}({arg})"
                    for arg, argument in value.args.items()
                    if get_named_type(argument.type).name in ("DateTime", "Date")
                }
    return found


def test_every_date_input_is_covered_here() -> None:
    """A new DateTime or Date input must be added to DATETIME_INPUTS (and so tested below)."""
    assert date_inputs() == {case.where for case in DATETIME_INPUTS}


@pytest.mark.parametrize("case", DATETIME_INPUTS, ids=lambda case: case.where)
@pytest.mark.parametrize("value", NAIVE)
async def test_a_datetime_without_offset_is_bad_input(client, holder, case: DateTimeInput, value: str) -> None:
    body = await client(case.document, case.send(value))
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Include a UTC offset, e.g. 2026-03-10T15:00:00-03:00" in error["message"]
    assert body.get("data") is None
    assert await models.ApiToken.all().count() == 0


@pytest.mark.parametrize("case", DATETIME_INPUTS, ids=lambda case: case.where)
@pytest.mark.parametrize("value", GARBAGE)
async def test_a_datetime_that_is_no_datetime_is_bad_input(client, holder, case: DateTimeInput, value: str) -> None:
    body = await client(case.document, case.send(value))
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "ISO 8601" in error["message"]
    assert body.get("data") is None


@pytest.mark.parametrize("case", DATETIME_INPUTS, ids=lambda case: case.where)
@pytest.mark.parametrize("value", WITH_OFFSET)
async def test_a_datetime_with_offset_is_accepted(client, holder, case: DateTimeInput, value: str) -> None:
    data = await client.data(case.document, case.send(value))
    if "apiTokenCreate" in data:
        assert data["apiTokenCreate"]["errors"] == []
        assert data["apiTokenCreate"]["apiToken"]["expiresAt"].startswith("2026-03-11T13:00:00")
        assert data["apiTokenCreate"]["apiToken"]["expiresAt"].endswith("+00:00")
    else:
        assert data["viewer"]["account"]["mail"]["totalCount"] >= 0


async def test_a_past_expiry_with_offset_is_a_payload_error(client, holder) -> None:
    """The clock is 2026-03-10T15:00Z: 11:59 at -03:00 is a minute earlier."""
    data = await client.data(API_TOKEN_CREATE, DATETIME_INPUTS[0].send("2026-03-10T11:59:00-03:00"))
    assert data["apiTokenCreate"] == {
        "apiToken": None,
        "errors": [{"code": "INVALID", "field": ["input", "expiresAt"]}],
    }


async def test_a_datetime_literal_without_offset_is_refused_before_running(client, holder) -> None:
    """Typed into the document instead of a variable, the value is refused by validation (as any literal of the
    wrong shape is), with the same advice."""
    body = await client(
        'mutation { apiTokenCreate(input: {name: "ERP", permissions: [], expiresAt: "2026-03-11T10:00:00"})'
        " { errors { code } } }"
    )
    [error] = body["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "Include a UTC offset" in error["message"]
    assert body.get("data") is None
    assert await models.ApiToken.all().count() == 0


HOLDER_UPDATE = """mutation($i: HolderUpdateInput!) { holderUpdate(input: $i) {
  holder { companyName phone language version updatedAt address { postalCode } } errors { code field } } }"""
HOLDER_START = {
    "companyName": "Pérez SRL",
    "phone": "011 2345-6789",
    "language": "EN",
    "address": {"street": "Av. Corrientes 1234", "city": "Buenos Aires", "postalCode": "C1043AAZ", "countryCode": "AR"},
}
# The same values as typed differently: they normalise to what is stored.
HOLDER_SAME = {
    "companyName": " Pérez SRL ",
    "phone": "+54 11 2345 6789",
    "language": "EN",
    "address": {"street": "Av. Corrientes 1234", "city": "Buenos Aires", "postalCode": "c1043aaz", "countryCode": "ar"},
}


async def holder_update(client, **fields: Any) -> dict[str, Any]:
    return (await client.data(HOLDER_UPDATE, {"i": fields}))["holderUpdate"]


async def recorded(account_id: int) -> tuple[int, int]:
    """How many activity events and emails the account has."""
    return (
        await models.ActivityEvent.filter(account_id=account_id).count(),
        await models.MailMessage.filter(account_id=account_id).count(),
    )


@pytest.mark.parametrize("fields", [HOLDER_START, HOLDER_SAME, {}], ids=["same", "same-normalised", "nothing"])
async def test_holder_save_without_change_keeps_the_version(client, holder, clock, fields) -> None:
    started = await holder_update(client, expectedVersion=1, **HOLDER_START)
    assert started["errors"] == []
    assert started["holder"]["version"] == 2
    before = await recorded(holder.id)
    clock.advance(timedelta(minutes=5))
    again = await holder_update(client, expectedVersion=2, **fields)
    assert again["errors"] == []
    assert again["holder"] == started["holder"]
    stored = await models.Holder.get(account_id=holder.id)
    assert stored.version == 2
    assert await recorded(holder.id) == before


async def test_holder_same_email_is_no_change(client, holder) -> None:
    stored = await models.Holder.get(account_id=holder.id)
    before = await recorded(holder.id)
    again = await holder_update(client, expectedVersion=1, email=stored.email.upper())
    assert again["errors"] == []
    assert again["holder"]["version"] == 1
    assert await recorded(holder.id) == before


async def test_holder_stale_version_is_refused_even_without_change(client, holder) -> None:
    assert (await holder_update(client, expectedVersion=1, companyName="Primera"))["errors"] == []
    stale = await holder_update(client, expectedVersion=1, companyName="Primera")
    assert stale == {"holder": None, "errors": [{"code": "STALE_VERSION", "field": ["input", "expectedVersion"]}]}


async def test_holder_real_change_still_bumps_the_version_once(client, holder) -> None:
    first = await holder_update(client, expectedVersion=1, companyName="Primera")
    second = await holder_update(client, expectedVersion=2, companyName="Segunda", phone=None)
    assert (first["holder"]["version"], second["holder"]["version"]) == (2, 3)
    assert await models.ActivityEvent.filter(account_id=holder.id, action="holder.updated").count() == 2


CONTACT_UPDATE = """mutation($i: ContactUpdateInput!) { contactUpdate(input: $i) {
  contact { firstName email phone active permissions emailCategories language version } errors { code field } } }"""


async def contact_update(client, contact_id: str, version: int, **fields: Any) -> dict[str, Any]:
    variables = {"i": {"id": contact_id, "expectedVersion": version, **fields}}
    return (await client.data(CONTACT_UPDATE, variables))["contactUpdate"]


CONTACT_SAME = {
    "firstName": " Ana ",
    "email": "ANA@example.com",
    "phone": "011 2345-6789",
    "active": True,
    "permissions": ["SERVICES", "MAIL"],
    "emailCategories": ["SUPPORT", "GENERAL"],
    "language": "ES",
}


@pytest.mark.parametrize("fields", [CONTACT_SAME, {}], ids=["same-normalised", "nothing"])
async def test_contact_save_without_change_keeps_the_version(client, other_client, holder, factory, fields) -> None:
    contact = await factory.contact(
        holder, "ana@example.com", permissions=["MAIL", "SERVICES"], email_categories=["GENERAL", "SUPPORT"]
    )
    await models.Contact.filter(id=contact.id).update(phone="+541123456789")
    await other_client.sign_in("ana@example.com")
    gid = to_global_id("Contact", contact.id)
    before = await recorded(holder.id)
    again = await contact_update(client, gid, 1, **fields)
    assert again["errors"] == []
    assert again["contact"]["version"] == 1
    assert again["contact"]["email"] == "ana@example.com"
    assert (await models.Contact.get(id=contact.id)).version == 1
    assert await recorded(holder.id) == before
    # Nothing ended: the contact's own session still works.
    viewer = (await other_client.data("{ viewer { permissions } }"))["viewer"]
    assert sorted(viewer["permissions"]) == ["MAIL", "SERVICES"]


async def test_contact_own_same_email_is_no_change(client, holder, factory) -> None:
    contact = await factory.contact(holder, "ana@example.com", permissions=["CONTACTS"])
    await client.sign_in("ana@example.com")
    before = await recorded(holder.id)
    again = await contact_update(client, to_global_id("Contact", contact.id), 1, email="ana@example.com")
    assert again["errors"] == []
    assert again["contact"]["version"] == 1
    assert await recorded(holder.id) == before


async def test_contact_stale_version_is_refused_even_without_change(client, holder, factory) -> None:
    contact = await factory.contact(holder, "ana@example.com")
    gid = to_global_id("Contact", contact.id)
    assert (await contact_update(client, gid, 1, firstName="Anita"))["contact"]["version"] == 2
    stale = await contact_update(client, gid, 1, firstName="Anita")
    assert stale == {"contact": None, "errors": [{"code": "STALE_VERSION", "field": ["input", "expectedVersion"]}]}
    assert await models.ActivityEvent.filter(account_id=holder.id, action="contact.updated").count() == 1


def exported() -> Any:
    return build_schema(panel_schema.as_str())


def test_every_input_type_says_what_it_does() -> None:
    inputs = {name: t for name, t in exported().type_map.items() if isinstance(t, GraphQLInputObjectType)}
    assert inputs
    assert [name for name, t in inputs.items() if not t.description] == []


@pytest.mark.parametrize("input_type", ["HolderUpdateInput", "ContactUpdateInput"])
def test_partial_update_fields_say_what_omission_and_null_do(input_type: str) -> None:
    graphql_type = exported().type_map[input_type]
    assert "an omitted field keeps its value, null clears it" in graphql_type.description
    optional = {name: field for name, field in graphql_type.fields.items() if name not in ("id", "expectedVersion")}
    assert optional
    for name, field in optional.items():
        assert (field.description or "").startswith(("Omit to keep;", "Omit or null: no change.")), name
    assert "STALE_VERSION" in graphql_type.fields["expectedVersion"].description


def test_connections_state_their_page_limits() -> None:
    account = exported().type_map["Account"]
    for name in ("activity", "services", "contacts", "mail"):
        args = account.fields[name].args
        assert "0 to 100" in args["first"].description, name
        assert "0 to 100" in args["last"].description, name
