"""Every protected field and mutation against each permission: allowed with it, FORBIDDEN without it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from starlette.requests import HTTPConnection

import models
from core.context import Context, Principal
from core.ids import to_global_id
from models.enums import Language, Permission
from schema import build_schema
from schema.permission_table import markdown, public, rows
from settings import PROJECT_DIR

NODE = "query($id: ID!) { node(id: $id) { id } }"


def _mutation(name: str, input_type: str, values: Callable[[dict[str, str]], dict[str, Any]]) -> Row:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}", lambda ids: {
        "i": values(ids)
    }


def _node(type_name: str) -> Row:
    return NODE, lambda ids: {"id": ids.get(type_name) or to_global_id(type_name, 1)}


Row = tuple[str, Callable[[dict[str, str]], dict[str, Any]] | None]

# Every declared permission (schema/permissions.py, schema/nodes.py) -> a document that needs it.
MATRIX: dict[str, Row] = {
    "Account.holder": ("{ viewer { account { holder { email } } } }", None),
    "Mutation.holderUpdate": _mutation(
        "holderUpdate", "HolderUpdateInput", lambda ids: {"expectedVersion": 1, "companyName": "X"}
    ),
    "Account.services": ("{ viewer { account { services { totalCount } } } }", None),
    "node(Service)": _node("Service"),
    "node(Cancellation)": _node("Cancellation"),
    "Service.cancellationPreview": (
        "query($id: ID!) { node(id: $id) { ... on Service { cancellationPreview { canRequest } } } }",
        lambda ids: {"id": ids["Service"]},
    ),
    "Service.renewal": (
        "query($id: ID!) { node(id: $id) { ... on Service { renewal { renews } } } }",
        lambda ids: {"id": ids["Service"]},
    ),
    "Mutation.serviceRenewalSet": _mutation(
        "serviceRenewalSet", "ServiceRenewalSetInput", lambda ids: {"serviceId": ids["Service"], "renew": False}
    ),
    "Mutation.serviceCancellationRequest": _mutation(
        "serviceCancellationRequest",
        "ServiceCancellationRequestInput",
        lambda ids: {"serviceId": ids["Service"], "reason": "x", "acknowledgeDataDeletion": True},
    ),
    "Mutation.serviceCancellationConfirm": _mutation(
        "serviceCancellationConfirm",
        "ServiceCancellationConfirmInput",
        lambda ids: {"cancellationId": to_global_id("Cancellation", 1), "code": "000000"},
    ),
    "Mutation.serviceCancellationWithdraw": _mutation(
        "serviceCancellationWithdraw",
        "ServiceCancellationWithdrawInput",
        lambda ids: {"cancellationId": to_global_id("Cancellation", 1)},
    ),
    "Mutation.serviceCancellationCodeResend": _mutation(
        "serviceCancellationCodeResend",
        "ServiceCancellationCodeResendInput",
        lambda ids: {"cancellationId": to_global_id("Cancellation", 1)},
    ),
    "Account.contacts": ("{ viewer { account { contacts { totalCount } } } }", None),
    "node(Contact)": _node("Contact"),
    "Mutation.contactCreate": _mutation(
        "contactCreate", "ContactCreateInput", lambda ids: {"firstName": "N", "lastName": "N", "email": "n@example.com"}
    ),
    "Mutation.contactUpdate": _mutation(
        "contactUpdate",
        "ContactUpdateInput",
        lambda ids: {"id": ids["Contact"], "expectedVersion": 1, "firstName": "Z"},
    ),
    "Mutation.contactDelete": _mutation("contactDelete", "ContactDeleteInput", lambda ids: {"id": ids["Contact"]}),
    "Mutation.contactInvitationResend": _mutation(
        "contactInvitationResend", "ContactInvitationResendInput", lambda ids: {"id": ids["Contact"]}
    ),
    "Mutation.mailResend": _mutation(
        "mailResend", "MailResendInput", lambda ids: {"messageId": to_global_id("MailMessage", 1)}
    ),
    "Account.activity": ("{ viewer { account { activity { totalCount } } } }", None),
    "node(ActivityEvent)": _node("ActivityEvent"),
    "Account.apiTokens": ("{ viewer { account { apiTokens { id } } } }", None),
    "node(ApiToken)": _node("ApiToken"),
    "Mutation.apiTokenCreate": _mutation(
        "apiTokenCreate", "ApiTokenCreateInput", lambda ids: {"name": "ERP", "permissions": []}
    ),
    "Mutation.apiTokenRevoke": _mutation(
        "apiTokenRevoke", "ApiTokenRevokeInput", lambda ids: {"id": to_global_id("ApiToken", 1)}
    ),
    "Account.secondFactorReset": ("{ viewer { account { secondFactorReset { requestedAt } } } }", None),
    "Mutation.accountSecondFactorResetCancel": (
        "mutation { accountSecondFactorResetCancel { errors { code } } }",
        None,
    ),
}

# Declarations exercised elsewhere: subscriptions over a real socket; the PIN, which only the holder sets
# (a contact holding SECURITY is refused by that rule too).
ELSEWHERE = {
    "Subscription.cancellationStatusChanged": "test_the_subscription_enforces_its_declaration (below)",
    "Subscription.serviceStatusChanged": "test_the_subscription_enforces_its_declaration (below)",
    "Mutation.securityPinSet": "tests/test_security_auth.py",
    "Query.mailPreferences": "tests/test_mail_preferences.py (holder only: a contact with MAIL is refused)",
    "Mutation.mailPreferencesSet": "tests/test_mail_preferences.py (holder only: a contact with MAIL is refused)",
}


def refusing_declarations() -> set[str]:
    """Every declaration that refuses a caller without its permission."""
    declarations = rows(build_schema())
    return {name for name, d in declarations.items() if d.permission is not None and not d.narrowed}


def test_the_matrix_covers_every_declared_permission() -> None:
    assert refusing_declarations() == set(MATRIX) | set(ELSEWHERE)


def test_the_permission_table_is_current() -> None:
    current = (PROJECT_DIR / "docs" / "permissions.md").read_text(encoding="utf-8")
    assert current == markdown(build_schema()), "refresh it: python -m schema.permission_table > docs/permissions.md"


def test_public_root_fields_are_the_known_ones() -> None:
    """A new root field is public only on purpose: it needs a declaration or a place in this list."""
    assert public(build_schema()) == [
        "accessRecoveryConfirm",
        "accessRecoveryRequest",
        "contactInvitationAccept",
        "emailChangeConfirm",
        "mailUnsubscribe",
        "passkeyRecoveryStart",
        "passkeySecondStepStart",
        "passkeySignInFinish",
        "passkeySignInStart",
        "passwordPolicy",
        "passwordStrength",
        "provider",
        "secondFactorResetCancel",
        "secondFactorResetConfirm",
        "signIn",
        "signInSecondStep",
        "viewer",
        "welcomeAccept",
    ]


@pytest.mark.parametrize("name", sorted(MATRIX))
async def test_needs_its_permission(client, other_client, factory, name) -> None:
    permission = rows(build_schema())[name].permission
    assert permission is not None
    document, variables = MATRIX[name]
    account = await factory.account()
    service = await factory.service(account)
    target = await factory.contact(account, "objetivo@example.com", permissions=[])
    others = [p.value for p in Permission if p != permission]
    await factory.contact(account, "con@example.com", permissions=[permission.value])
    await factory.contact(account, "sin@example.com", permissions=others)
    ids = {"Service": to_global_id("Service", service.id), "Contact": to_global_id("Contact", target.id)}
    values = variables(ids) if variables else None

    await client.sign_in("sin@example.com")
    denied = await client(document, values)
    assert denied.get("errors"), denied
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN", denied

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


async def test_a_refusal_on_a_non_null_field_nulls_up_to_viewer_and_no_further(client, factory) -> None:
    """Account.holder is non-null: its FORBIDDEN nulls account, then the nullable viewer; root siblings stay."""
    account = await factory.account()
    await factory.contact(account, "sin.perfil@example.com", permissions=["SERVICES"])
    await client.sign_in("sin.perfil@example.com")
    body = await client(
        "{ viewer { permissions account { holder { email } } } again: viewer { permissions }"
        ' passwordStrength(password: "x") { score } }'
    )
    assert body["data"]["viewer"] is None
    assert body["data"]["again"] == {"permissions": ["SERVICES"]}
    assert body["data"]["passwordStrength"] == {"score": 0}
    [error] = body["errors"]
    assert error["path"] == ["viewer", "account", "holder"]
    assert error["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("name", sorted(MATRIX))
async def test_a_pending_password_change_holds_back_every_declared_field(client, factory, name) -> None:
    """Until a temporary password is replaced, only declarations marked for it answer (here: none of these)."""
    assert not rows(build_schema())[name].during_password_change
    document, variables = MATRIX[name]
    account = await factory.account()
    service = await factory.service(account)
    target = await factory.contact(account, "objetivo@example.com", permissions=[])
    await client.sign_in(account.client_number)
    await models.Account.filter(id=account.id).update(must_change_password=True)
    ids = {"Service": to_global_id("Service", service.id), "Contact": to_global_id("Contact", target.id)}
    body = await client(document, variables(ids) if variables else None)
    assert body["errors"][0]["extensions"]["code"] == "PASSWORD_CHANGE_REQUIRED", body


@pytest.mark.parametrize(
    "document",
    [
        "subscription { cancellationStatusChanged { cancellation { id } } }",
        "subscription { serviceStatusChanged { id } }",
    ],
)
@pytest.mark.parametrize(
    ("permissions", "must_change", "code"),
    [((), False, "FORBIDDEN"), ((Permission.SERVICES,), True, "PASSWORD_CHANGE_REQUIRED")],
)
async def test_the_subscription_enforces_its_declaration(runtime, document, permissions, must_change, code) -> None:
    """The socket closes before this can happen (core/sockets); the declaration still refuses on its own."""
    principal = Principal(
        account_id=1,
        contact_id=2,
        session_id=3,
        api_token_id=None,
        permissions=frozenset(permissions),
        must_change_password=must_change,
        language=Language.EN,
        actor="x",
    )
    request = HTTPConnection({"type": "websocket", "headers": [], "path": "/graphql"})
    context = Context(runtime=runtime, request=request, response=None, principal=principal)
    result = await build_schema().subscribe(document, context_value=context)
    first = await anext(aiter(result)) if hasattr(result, "__aiter__") else result
    assert first.errors[0].extensions["code"] == code


def test_every_account_field_that_reads_the_domain_is_declared() -> None:
    """Viewer.account answers during a password change: each Account field must declare what it needs itself."""
    schema = build_schema()
    fields = set(schema._schema.type_map["Account"].fields)  # the GraphQL names
    declared_here = {name.split(".", 1)[1] for name in rows(schema) if name.startswith("Account.")}
    assert fields - declared_here == {"id", "clientNumber", "createdAt"}
