"""Holder data: view, partial update with validation, versions, own-domain warning, identity lock."""

from __future__ import annotations

import asyncio

import pytest

import models
from domain.holder import IdentityCorrection, correct_identity
from models.enums import NationalIdType
from tests.helpers import emailed_token

HOLDER = """{ viewer { account { holder { kind firstName lastName companyName email emailAtOwnDomain phone language
  hasSecurityPin version updatedAt nationalId { type value formatted } taxId { type value formatted }
  address { street neighborhood city state postalCode countryCode } } } } }"""
UPDATE = """mutation($i: HolderUpdateInput!) { holderUpdate(input: $i) {
  holder { email phone companyName language version address { postalCode countryCode city } }
  errors { code field message } warnings { code field message } } }"""


async def holder_of(client) -> dict:
    return (await client.data(HOLDER))["viewer"]["account"]["holder"]


async def update(client, **fields) -> dict:
    return (await client.data(UPDATE, {"i": fields}))["holderUpdate"]


async def test_holder_shows_typed_ids_in_print_form(client, factory) -> None:
    account = await factory.account(
        national_id_type=NationalIdType.AR_DNI,
        national_id="12345678",
        tax_id_type=NationalIdType.AR_CUIT,
        tax_id="20123456786",
    )
    await client.sign_in(account.client_number)
    holder = await holder_of(client)
    assert holder["nationalId"] == {"type": "AR_DNI", "value": "12345678", "formatted": "12.345.678"}
    assert holder["taxId"] == {"type": "AR_CUIT", "value": "20123456786", "formatted": "20-12345678-6"}
    assert holder["version"] == 1
    assert holder["hasSecurityPin"] is False
    assert holder["language"] == "ES"


async def test_partial_update_changes_only_given_fields(client, factory) -> None:
    account = await factory.account(company_name="Pérez SRL")
    await client.sign_in(account.client_number)
    result = await update(
        client,
        expectedVersion=1,
        phone="011 2345-6789",
        address={
            "street": "Av. Corrientes 1234",
            "city": "Buenos Aires",
            "postalCode": "c1043aaz",
            "countryCode": "ar",
        },
    )
    assert result["errors"] == []
    assert result["holder"]["phone"] == "+541123456789"
    assert result["holder"]["companyName"] == "Pérez SRL"
    assert result["holder"]["address"] == {"postalCode": "C1043AAZ", "countryCode": "AR", "city": "Buenos Aires"}
    assert result["holder"]["version"] == 2
    event = await models.ActivityEvent.get(account_id=account.id, action="holder.updated")
    assert "phone" in event.summary
    assert "postal_code" in event.summary


async def test_mexican_address_and_phone(client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    result = await update(
        client,
        expectedVersion=1,
        phone="55 1234 5678",
        address={
            "street": "Calle 5 de Mayo 10",
            "neighborhood": "Centro",
            "city": "CDMX",
            "state": "CDMX",
            "postalCode": "06000",
            "countryCode": "MX",
        },
    )
    assert result["errors"] == []
    assert result["holder"]["phone"] == "+525512345678"


async def test_every_invalid_field_gets_its_own_error_and_nothing_is_saved(client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    result = await update(
        client,
        expectedVersion=1,
        email="no-es-un-email",
        phone="12",
        address={"street": " ", "city": "Rosario", "postalCode": "123", "countryCode": "AR"},
    )
    fields = sorted((e["field"][-1], e["code"]) for e in result["errors"])
    assert fields == [("email", "INVALID"), ("phone", "INVALID"), ("postalCode", "INVALID"), ("street", "REQUIRED")]
    assert result["holder"] is None
    holder = await models.Holder.get(account_id=account.id)
    assert holder.version == 1
    assert holder.phone is None


@pytest.mark.parametrize(
    ("country", "postal_code", "valid"),
    [
        ("AR", "2000", True),
        ("AR", "S2000ABC", True),
        ("AR", "20000", False),
        ("MX", "06000", True),
        ("MX", "0600", False),
        ("ZZ", "1234", False),
        ("ES", "28001", True),
    ],
)
async def test_postal_codes_per_country(client, factory, country, postal_code, valid) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    result = await update(
        client,
        expectedVersion=1,
        address={"street": "Calle 1", "city": "Ciudad", "postalCode": postal_code, "countryCode": country},
    )
    assert (result["errors"] == []) is valid, result["errors"]


async def test_stale_version_changes_nothing(client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    assert (await update(client, expectedVersion=1, companyName="Primera"))["errors"] == []
    stale = await update(client, expectedVersion=1, companyName="Segunda")
    assert stale["errors"][0]["code"] == "STALE_VERSION"
    assert stale["holder"] is None
    assert (await models.Holder.get(account_id=account.id)).company_name == "Primera"


async def test_concurrent_updates_with_one_version_exactly_one_wins(client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    results = await asyncio.gather(*(update(client, expectedVersion=1, companyName=f"Empresa {n}") for n in range(8)))
    winners = [r for r in results if not r["errors"]]
    assert len(winners) == 1
    assert all(r["errors"][0]["code"] == "STALE_VERSION" for r in results if r["errors"])
    holder = await models.Holder.get(account_id=account.id)
    assert holder.version == 2
    assert holder.company_name == winners[0]["holder"]["companyName"]


CONFIRM_EMAIL = (
    """mutation($i: EmailChangeConfirmInput!) { emailChangeConfirm(input: $i) { confirmed errors { code } } }"""
)


async def confirm_email_change(client, smtp_sink, address: str) -> None:
    token = await emailed_token(smtp_sink, address, "/confirmar-email")
    assert (await client.data(CONFIRM_EMAIL, {"i": {"token": token}}))["emailChangeConfirm"] == {
        "confirmed": True,
        "errors": [],
    }


async def test_email_at_own_domain_is_accepted_with_a_warning(client, factory, smtp_sink) -> None:
    account = await factory.account()
    await factory.service(account, domain="ejemploxmundo.com.ar")
    await client.sign_in(account.client_number)
    result = await update(client, expectedVersion=1, email="Ejemplo@Mail.EjemploXMundo.com.ar")
    assert result["errors"] == []
    assert result["holder"]["email"] == account_email(account)
    assert result["warnings"][0]["code"] == "EMAIL_AT_OWN_DOMAIN"
    assert "proveedor externo" in result["warnings"][0]["message"]
    await confirm_email_change(client, smtp_sink, "ejemplo@mail.ejemploxmundo.com.ar")
    holder = await holder_of(client)
    assert holder["email"] == "ejemplo@mail.ejemploxmundo.com.ar"
    assert holder["emailAtOwnDomain"] is True
    other = await update(client, expectedVersion=holder["version"], email="ejemplo@gmail.com")
    assert other["warnings"] == []


def account_email(account) -> str:
    return f"titular{account.client_number}@example.net"


async def test_email_change_notifies_old_and_new_address(client, factory, smtp_sink) -> None:
    account = await factory.account(email="vieja@example.com")
    await client.sign_in(account.client_number)
    await update(client, expectedVersion=1, email="nueva@example.com")
    await confirm_email_change(client, smtp_sink, "nueva@example.com")
    message = await models.MailMessage.get(account_id=account.id, template="email_changed")
    recipients = sorted(await models.MailRecipient.filter(message_id=message.id).values_list("address", flat=True))
    assert recipients == ["nueva@example.com", "vieja@example.com"]


async def test_identity_fields_are_not_in_the_input(client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    body = await client(UPDATE, {"i": {"expectedVersion": 1, "firstName": "Otro"}})
    assert "errors" in body
    assert body.get("data") is None
    assert (await models.Holder.get(account_id=account.id)).first_name == "Juan"


async def test_staff_correct_identity_with_validation(factory, runtime) -> None:
    account = await factory.account()
    correction = IdentityCorrection(national_id_type=NationalIdType.AR_CUIT, national_id="20-12345678-6")
    corrected = await correct_identity(runtime, account.client_number, correction)
    assert corrected.value is not None
    assert corrected.value.changed == ["national_id", "national_id_type"]
    refused = await correct_identity(runtime, account.client_number, IdentityCorrection(national_id="20-12345678-0"))
    assert [(f.code, f.path) for f in refused.failures] == [("INVALID", ("input", "nationalId"))]
    assert await models.ActivityEvent.filter(account_id=account.id, action="holder.identity_corrected").count() == 1


async def test_contacts_need_profile(client, other_client, factory) -> None:
    account = await factory.account()
    await factory.contact(account, "sin.perfil@example.com", permissions=["SERVICES", "MAIL", "CONTACTS", "SECURITY"])
    await factory.contact(account, "con.perfil@example.com", permissions=["PROFILE"])
    await client.sign_in("sin.perfil@example.com")
    for document in (HOLDER, UPDATE):
        body = await client(document, {"i": {"expectedVersion": 1, "companyName": "X"}} if document is UPDATE else None)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await other_client.sign_in("con.perfil@example.com")
    assert (await update(other_client, expectedVersion=1, companyName="Permitido"))["errors"] == []


async def test_messages_in_the_holders_language(client, factory) -> None:
    account = await factory.account()
    await models.Holder.filter(account_id=account.id).update(language="EN")
    await client.sign_in(account.client_number)
    result = await update(client, expectedVersion=1, email="bad")
    assert result["errors"][0]["message"] == "The email address is not valid."
