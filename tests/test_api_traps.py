"""Small API traps: a DateTime without a UTC offset is bad input (never an unexpected error)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLObjectType, build_schema, get_named_type

import models
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
