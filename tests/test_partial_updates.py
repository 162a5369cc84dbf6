"""Partial updates through the endpoint: an omitted field keeps its value, null clears it (or is refused where
the field is required, or changes nothing where null is no value), a value sets it.

Covers every optional field of HolderUpdateInput and ContactUpdateInput.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

ADDRESS = {
    "street": "Av. Corrientes 1234",
    "neighborhood": "San Nicolás",
    "city": "Buenos Aires",
    "state": "CABA",
    "postalCode": "C1043AAZ",
    "countryCode": "AR",
}
OTHER_ADDRESS = {
    "street": "Calle 5 de Mayo 10",
    "neighborhood": "Centro",
    "city": "CDMX",
    "state": "CDMX",
    "postalCode": "06000",
    "countryCode": "MX",
}
ADDRESS_FIELDS = "address { street neighborhood city state postalCode countryCode }"

HOLDER_FIELDS = f"companyName email phone language version pendingEmail {ADDRESS_FIELDS}"
HOLDER = f"{{ viewer {{ account {{ holder {{ {HOLDER_FIELDS} }} }} }} }}"
HOLDER_UPDATE = f"""mutation($i: HolderUpdateInput!) {{ holderUpdate(input: $i) {{
  holder {{ {HOLDER_FIELDS} }} errors {{ code field }} }} }}"""

CONTACT_FIELDS = f"""id firstName lastName companyName email phone active permissions emailCategories language version
  {ADDRESS_FIELDS}"""
CONTACT_CREATE = f"""mutation($i: ContactCreateInput!) {{ contactCreate(input: $i) {{
  contact {{ {CONTACT_FIELDS} }} errors {{ code field }} }} }}"""
CONTACT_UPDATE = f"""mutation($i: ContactUpdateInput!) {{ contactUpdate(input: $i) {{
  contact {{ {CONTACT_FIELDS} }} errors {{ code field }} }} }}"""
CONTACT = f"query($id: ID!) {{ node(id: $id) {{ ... on Contact {{ {CONTACT_FIELDS} }} }} }}"


@dataclass(frozen=True)
class Case:
    field: str  # the input field, also the field read back
    value: Any  # a new value to send
    shown: Any  # how the new value reads back
    null: str  # "clears", "keeps" (null is no value) or the error code that refuses null
    shown_field: str | None = None  # read back elsewhere (e.g. an email waits for its link)


HOLDER_CASES = [
    Case("companyName", "Otra SA", "Otra SA", "clears"),
    Case("phone", "011 4000-1234", "+541140001234", "clears"),
    Case("address", OTHER_ADDRESS, OTHER_ADDRESS, "clears"),
    Case("email", "nuevo@example.org", "nuevo@example.org", "INVALID", shown_field="pendingEmail"),
    Case("language", "ES", "ES", "keeps"),
]
HOLDER_START = {"companyName": "Pérez SRL", "phone": "011 2345-6789", "address": ADDRESS, "language": "EN"}

CONTACT_CASES = [
    Case("firstName", "Lucía", "Lucía", "REQUIRED"),
    Case("lastName", "Fernández", "Fernández", "REQUIRED"),
    Case("companyName", "Otra SA", "Otra SA", "clears"),
    Case("email", "nueva@example.org", "nueva@example.org", "INVALID"),
    Case("phone", "011 4000-1234", "+541140001234", "clears"),
    Case("address", OTHER_ADDRESS, OTHER_ADDRESS, "clears"),
    Case("active", True, True, "keeps"),
    Case("permissions", ["SERVICES"], ["SERVICES"], "keeps"),
    Case("emailCategories", ["SUPPORT"], ["SUPPORT"], "keeps"),
    Case("language", "ES", "ES", "keeps"),
]
CONTACT_START = {
    "firstName": "Ana",
    "lastName": "Gómez",
    "companyName": "Gómez SRL",
    "email": "ana@example.com",
    "phone": "011 2345-6789",
    "address": ADDRESS,
    "active": False,
    "permissions": ["MAIL"],
    "emailCategories": ["GENERAL"],
    "language": "EN",
}


def _assert_null_handled(case: Case, result: dict, payload_field: str, before: dict, after: dict) -> None:
    """Null cleared the field, changed nothing, or was refused with nothing saved, as `case.null` says."""
    if case.null == "clears":
        assert result["errors"] == []
        assert after[case.field] is None
    elif case.null == "keeps":
        assert result["errors"] == []
        assert after[case.field] == before[case.field]
    else:
        assert result["errors"] == [{"code": case.null, "field": ["input", case.field]}]
        assert result[payload_field] is None
        assert after == before


def _other(cases: list[Case], case: Case) -> Case:
    """A field other than `case`'s, changed to show that an omitted field is kept."""
    return next(other for other in cases if other.field not in (case.field, "email"))


async def _holder(client) -> dict:
    return (await client.data(HOLDER))["viewer"]["account"]["holder"]


async def _holder_update(client, **fields: Any) -> dict:
    version = (await _holder(client))["version"]
    return (await client.data(HOLDER_UPDATE, {"i": {"expectedVersion": version, **fields}}))["holderUpdate"]


@pytest.fixture
async def holder_client(client, factory):
    account = await factory.account()
    await client.sign_in(account.client_number)
    started = await _holder_update(client, **HOLDER_START)
    assert started["errors"] == []
    return client


@pytest.mark.parametrize("case", HOLDER_CASES, ids=lambda case: case.field)
async def test_holder_field_omitted_keeps_it(holder_client, case: Case) -> None:
    before = await _holder(holder_client)
    other = _other(HOLDER_CASES, case)
    result = await _holder_update(holder_client, **{other.field: other.value})
    assert result["errors"] == []
    assert result["holder"][case.field] == before[case.field]


@pytest.mark.parametrize("case", HOLDER_CASES, ids=lambda case: case.field)
async def test_holder_field_null(holder_client, case: Case) -> None:
    before = await _holder(holder_client)
    result = await _holder_update(holder_client, **{case.field: None})
    _assert_null_handled(case, result, "holder", before, await _holder(holder_client))


@pytest.mark.parametrize("case", HOLDER_CASES, ids=lambda case: case.field)
async def test_holder_field_value_sets_it(holder_client, case: Case) -> None:
    result = await _holder_update(holder_client, **{case.field: case.value})
    assert result["errors"] == []
    assert (await _holder(holder_client))[case.shown_field or case.field] == case.shown


async def _contact(client, contact_id: str) -> dict:
    return (await client.data(CONTACT, {"id": contact_id}))["node"]


async def _contact_update(client, contact_id: str, **fields: Any) -> dict:
    version = (await _contact(client, contact_id))["version"]
    variables = {"i": {"id": contact_id, "expectedVersion": version, **fields}}
    return (await client.data(CONTACT_UPDATE, variables))["contactUpdate"]


@pytest.fixture
async def contact_id(client, factory) -> str:
    """A contact created with every field set, by the holder (signed in just now, so step-up holds)."""
    account = await factory.account()
    await client.sign_in(account.client_number)
    created = (await client.data(CONTACT_CREATE, {"i": CONTACT_START}))["contactCreate"]
    assert created["errors"] == []
    return created["contact"]["id"]


@pytest.mark.parametrize("case", CONTACT_CASES, ids=lambda case: case.field)
async def test_contact_field_omitted_keeps_it(client, contact_id: str, case: Case) -> None:
    before = await _contact(client, contact_id)
    other = _other(CONTACT_CASES, case)
    result = await _contact_update(client, contact_id, **{other.field: other.value})
    assert result["errors"] == []
    assert result["contact"][case.field] == before[case.field]


@pytest.mark.parametrize("case", CONTACT_CASES, ids=lambda case: case.field)
async def test_contact_field_null(client, contact_id: str, case: Case) -> None:
    before = await _contact(client, contact_id)
    result = await _contact_update(client, contact_id, **{case.field: None})
    _assert_null_handled(case, result, "contact", before, await _contact(client, contact_id))


@pytest.mark.parametrize("case", CONTACT_CASES, ids=lambda case: case.field)
async def test_contact_field_value_sets_it(client, contact_id: str, case: Case) -> None:
    result = await _contact_update(client, contact_id, **{case.field: case.value})
    assert result["errors"] == []
    assert (await _contact(client, contact_id))[case.field] == case.shown
