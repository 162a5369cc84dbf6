"""Every protected field and mutation against each permission: allowed with it, FORBIDDEN without it."""

from __future__ import annotations

import pytest

from core.ids import to_global_id
from models.enums import Permission

# (name, required permission, document, variables builder(ids) -> dict)
MATRIX = [
    ("Account.holder", "PROFILE", "{ viewer { account { holder { email } } } }", None),
    (
        "holderUpdate",
        "PROFILE",
        "mutation($i: HolderUpdateInput!) { holderUpdate(input: $i) { errors { code } } }",
        lambda ids: {"i": {"expectedVersion": 1, "companyName": "X"}},
    ),
    ("Account.services", "SERVICES", "{ viewer { account { services { totalCount } } } }", None),
    ("node(Service)", "SERVICES", "query($id: ID!) { node(id: $id) { id } }", lambda ids: {"id": ids["service"]}),
    (
        "serviceCancellationRequest",
        "MANAGE_SERVICES",
        "mutation($i: ServiceCancellationRequestInput!) { serviceCancellationRequest(input: $i) { errors { code } } }",
        lambda ids: {"i": {"serviceId": ids["service"], "reason": "x", "acknowledgeDataDeletion": True}},
    ),
    (
        "serviceCancellationConfirm",
        "MANAGE_SERVICES",
        "mutation($i: ServiceCancellationConfirmInput!) { serviceCancellationConfirm(input: $i) { errors { code } } }",
        lambda ids: {"i": {"cancellationId": to_global_id("Cancellation", 1), "code": "000000"}},
    ),
    (
        "serviceCancellationWithdraw",
        "MANAGE_SERVICES",
        "mutation($i: ServiceCancellationWithdrawInput!) { serviceCancellationWithdraw(input: $i) { errors { code } } }",
        lambda ids: {"i": {"cancellationId": to_global_id("Cancellation", 1)}},
    ),
    (
        "serviceCancellationCodeResend",
        "MANAGE_SERVICES",
        "mutation($i: ServiceCancellationCodeResendInput!) { serviceCancellationCodeResend(input: $i) { errors { code } } }",
        lambda ids: {"i": {"cancellationId": to_global_id("Cancellation", 1)}},
    ),
    ("Account.contacts", "CONTACTS", "{ viewer { account { contacts { totalCount } } } }", None),
    (
        "contactCreate",
        "CONTACTS",
        "mutation($i: ContactCreateInput!) { contactCreate(input: $i) { errors { code } } }",
        lambda ids: {"i": {"firstName": "N", "lastName": "N", "email": "nuevo@example.com"}},
    ),
    (
        "contactUpdate",
        "CONTACTS",
        "mutation($i: ContactUpdateInput!) { contactUpdate(input: $i) { errors { code } } }",
        lambda ids: {"i": {"id": ids["target"], "expectedVersion": 1, "firstName": "Z"}},
    ),
    (
        "contactDelete",
        "CONTACTS",
        "mutation($i: ContactDeleteInput!) { contactDelete(input: $i) { errors { code } } }",
        lambda ids: {"i": {"id": ids["target"]}},
    ),
    (
        "mailResend",
        "MAIL",
        "mutation($i: MailResendInput!) { mailResend(input: $i) { errors { code } } }",
        lambda ids: {"i": {"messageId": to_global_id("MailMessage", 1)}},
    ),
    ("Account.activity", "SECURITY", "{ viewer { account { activity { totalCount } } } }", None),
    ("Account.apiTokens", "SECURITY", "{ viewer { account { apiTokens { id } } } }", None),
    (
        "apiTokenCreate",
        "SECURITY",
        "mutation($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) { errors { code } } }",
        lambda ids: {"i": {"name": "ERP", "permissions": []}},
    ),
    (
        "apiTokenRevoke",
        "SECURITY",
        "mutation($i: ApiTokenRevokeInput!) { apiTokenRevoke(input: $i) { errors { code } } }",
        lambda ids: {"i": {"id": to_global_id("ApiToken", 1)}},
    ),
]


@pytest.mark.parametrize(("name", "permission", "document", "variables"), MATRIX, ids=[row[0] for row in MATRIX])
async def test_needs_its_permission(client, other_client, factory, name, permission, document, variables) -> None:
    account = await factory.account()
    service = await factory.service(account)
    target = await factory.contact(account, "objetivo@example.com", permissions=[])
    others = [p.value for p in Permission if p.value != permission]
    await factory.contact(account, "con@example.com", permissions=[permission])
    await factory.contact(account, "sin@example.com", permissions=others)
    ids = {"service": to_global_id("Service", service.id), "target": to_global_id("Contact", target.id)}
    values = variables(ids) if variables else None

    await client.sign_in("sin@example.com")
    denied = await client(document, values)
    assert denied.get("errors") and denied["errors"][0]["extensions"]["code"] == "FORBIDDEN", denied

    await other_client.sign_in("con@example.com")
    allowed = await other_client(document, values)
    assert "errors" not in allowed, allowed


async def test_mail_without_the_permission_is_narrowed_not_refused(client, factory) -> None:
    account = await factory.account()
    await factory.contact(account, "sin.mail@example.com", permissions=["SERVICES"])
    await client.sign_in("sin.mail@example.com")
    body = await client.data("{ viewer { account { mail { totalCount } } } }")
    assert body["viewer"]["account"]["mail"]["totalCount"] == 0


async def test_sessions_need_no_permission(client, factory) -> None:
    account = await factory.account()
    await factory.contact(account, "nada@example.com", permissions=[])
    await client.sign_in("nada@example.com")
    body = await client.data("{ viewer { permissions account { clientNumber sessions { current } } } }")
    assert body["viewer"]["permissions"] == []
    assert body["viewer"]["account"]["sessions"] == [{"current": True}]
