"""Contacts with permissions and email categories, invitations, immediate revocation."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import models
from core.ids import to_global_id
from core.mail import recipients_for
from models.enums import EmailCategory
from tests.helpers import PASSWORD, wait_for_mail

FIELDS = (
    "id firstName lastName email phone active permissions emailCategories language invitationPending version"
    " address { postalCode countryCode }"
)
CREATE = (
    "mutation($i: ContactCreateInput!) { contactCreate(input: $i) {"
    f" contact {{ {FIELDS} }} errors {{ code field message }} }} }}"
)
UPDATE = (
    "mutation($i: ContactUpdateInput!) { contactUpdate(input: $i) {"
    f" contact {{ {FIELDS} }} errors {{ code field message }} }} }}"
)
DELETE = "mutation($i: ContactDeleteInput!) { contactDelete(input: $i) { deletedContactId errors { code field } } }"
ACCEPT = (
    "mutation($i: ContactInvitationAcceptInput!) { contactInvitationAccept(input: $i) {"
    " viewer { contact { email } permissions } errors { code field message } } }"
)
RESEND = (
    "mutation($i: ContactInvitationResendInput!) { contactInvitationResend(input: $i) {"
    " contact { id } errors { code field } } }"
)
LIST = "{ viewer { account { contacts(first: 10) { totalCount edges { node { email permissions } } } } } }"
NEW_PASSWORD = "Tereré-Helado-Misiones-404"


async def create(client, **fields) -> dict:
    data = {"firstName": "Lucía", "lastName": "Fernández", "email": "lucia@example.com", **fields}
    return (await client.data(CREATE, {"i": data}))["contactCreate"]


async def update(client, contact_id: str, version: int, **fields) -> dict:
    return (await client.data(UPDATE, {"i": {"id": contact_id, "expectedVersion": version, **fields}}))["contactUpdate"]


def link_token(text: str) -> str:
    return re.search(r"/invitacion\?token=([\w-]+)", text).group(1)


async def test_create_validates_and_invites(client, factory, smtp_sink) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    created = await create(
        client,
        phone="55 1234 5678",
        permissions=["SERVICES", "MAIL"],
        emailCategories=["SUPPORT"],
        address={
            "street": "Calle 1",
            "neighborhood": "Roma Norte",
            "city": "CDMX",
            "postalCode": "06700",
            "countryCode": "MX",
        },
    )
    assert created["errors"] == []
    contact = created["contact"]
    assert contact["phone"] == "+525512345678"
    assert contact["invitationPending"] is True
    assert contact["permissions"] == ["SERVICES", "MAIL"]
    assert contact["emailCategories"] == ["SUPPORT"]
    [invitation] = await wait_for_mail(smtp_sink, "lucia@example.com")
    token = link_token(invitation.text)
    archived = await models.MailMessage.get(template="contact_invitation")
    assert token not in archived.text_body
    assert token not in (archived.html_body or "")
    assert (await models.Contact.get(email="lucia@example.com")).invitation_token_hash != token


async def test_invalid_fields_each_get_an_error_and_nothing_is_saved(client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    result = await create(
        client,
        firstName=" ",
        email="nope",
        phone="1",
        address={"street": "x", "city": "y", "postalCode": "ABC", "countryCode": "AR"},
    )
    assert sorted(e["field"][-1] for e in result["errors"]) == ["email", "firstName", "phone", "postalCode"]
    assert await models.Contact.all().count() == 0


async def test_email_is_unique_within_an_account_only(client, other_client, factory) -> None:
    account = await factory.account()
    other = await factory.account()
    await factory.contact(other, "lucia@example.com")
    await client.sign_in(account.client_number)
    assert (await create(client, email="Lucia@Example.com", active=False))["errors"] == []  # no invitation mail
    result = await create(client, email="LUCIA@example.com", active=False)
    assert result["errors"] == [
        {"code": "DUPLICATE", "field": ["input", "email"], "message": "Ya hay un contacto con ese email."}
    ]


async def test_invitation_accept_signs_in_once(client, other_client, factory, smtp_sink) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    await create(client, permissions=["MAIL"])
    token = link_token((await wait_for_mail(smtp_sink, "lucia@example.com"))[0].text)
    weak = (await other_client.data(ACCEPT, {"i": {"token": token, "password": "lucia1234567"}}))[
        "contactInvitationAccept"
    ]
    assert weak["errors"][0]["code"] == "PASSWORD_TOO_WEAK"
    accepted = (await other_client.data(ACCEPT, {"i": {"token": token, "password": NEW_PASSWORD}}))[
        "contactInvitationAccept"
    ]
    assert accepted == {"viewer": {"contact": {"email": "lucia@example.com"}, "permissions": ["MAIL"]}, "errors": []}
    again = (await other_client.data(ACCEPT, {"i": {"token": token, "password": NEW_PASSWORD}}))[
        "contactInvitationAccept"
    ]
    assert again["errors"][0]["code"] == "INVALID_CODE"
    listed = (await client.data(LIST))["viewer"]["account"]["contacts"]
    assert listed["totalCount"] == 1


async def test_invitations_expire_and_a_resend_voids_the_old_link(
    client, other_client, factory, smtp_sink, clock
) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    contact_id = (await create(client))["contact"]["id"]
    first = link_token((await wait_for_mail(smtp_sink, "lucia@example.com"))[0].text)
    assert (await client.data(RESEND, {"i": {"id": contact_id}}))["contactInvitationResend"]["errors"] == []
    second = link_token((await wait_for_mail(smtp_sink, "lucia@example.com", count=2))[1].text)
    old = (await other_client.data(ACCEPT, {"i": {"token": first, "password": NEW_PASSWORD}}))[
        "contactInvitationAccept"
    ]
    assert old["errors"][0]["code"] == "INVALID_CODE"
    clock.advance(timedelta(days=7))
    expired = (await other_client.data(ACCEPT, {"i": {"token": second, "password": NEW_PASSWORD}}))[
        "contactInvitationAccept"
    ]
    assert expired["errors"][0]["code"] == "CODE_EXPIRED"


async def test_partial_update_with_versions(client, factory) -> None:
    account = await factory.account()
    contact = await factory.contact(account, "ana@example.com", permissions=["MAIL"])
    await client.sign_in(account.client_number)
    gid = to_global_id("Contact", contact.id)
    updated = await update(client, gid, 1, lastName="Gómez Ruiz", emailCategories=["DOMAINS", "NOTES"])
    assert updated["errors"] == []
    assert updated["contact"]["version"] == 2
    assert updated["contact"]["permissions"] == ["MAIL"]
    assert updated["contact"]["emailCategories"] == [
        "DOMAINS",
        "NOTES",
    ]
    stale = await update(client, gid, 1, lastName="Otro")
    assert stale["errors"][0]["code"] == "STALE_VERSION"
    results = await asyncio.gather(*(update(client, gid, 2, firstName=f"Ana {n}") for n in range(5)))
    assert sum(1 for r in results if not r["errors"]) == 1


async def test_deactivation_ends_sessions_and_mail(client, other_client, factory, runtime) -> None:
    account = await factory.account()
    contact = await factory.contact(account, "ana@example.com", permissions=["MAIL"], email_categories=["GENERAL"])
    await client.sign_in(account.client_number)
    await other_client.sign_in("ana@example.com")
    assert (await update(client, to_global_id("Contact", contact.id), 1, active=False))["errors"] == []
    assert (await other_client.data("{ viewer { permissions } }"))["viewer"] is None
    body = await other_client.data(
        "mutation($i: SignInInput!) { signIn(input: $i) { errors { code } } }",
        {"i": {"login": "ana@example.com", "password": PASSWORD}},
    )
    assert body["signIn"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    recipients = await recipients_for(account.id, EmailCategory.GENERAL, contact_id=None, personal=False)
    assert "ana@example.com" not in [r.address for r in recipients]


async def test_removing_a_permission_applies_on_the_next_request(client, other_client, factory) -> None:
    account = await factory.account()
    contact = await factory.contact(account, "ana@example.com", permissions=["SERVICES", "MAIL"])
    await client.sign_in(account.client_number)
    await other_client.sign_in("ana@example.com")
    services = "{ viewer { account { services { totalCount } } } }"
    assert (await other_client.data(services))["viewer"]["account"]["services"]["totalCount"] == 0
    await update(client, to_global_id("Contact", contact.id), 1, permissions=["MAIL"])
    assert (await other_client(services))["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_delete_ends_sessions(client, other_client, factory) -> None:
    account = await factory.account()
    contact = await factory.contact(account, "ana@example.com")
    await client.sign_in(account.client_number)
    await other_client.sign_in("ana@example.com")
    gid = to_global_id("Contact", contact.id)
    assert (await client.data(DELETE, {"i": {"id": gid}}))["contactDelete"] == {"deletedContactId": gid, "errors": []}
    assert (await other_client.data("{ viewer { permissions } }"))["viewer"] is None
    assert await models.ActivityEvent.filter(account_id=account.id, action="contact.deleted").exists()


async def test_a_contact_cannot_grant_or_touch_what_it_does_not_hold(client, factory) -> None:
    account = await factory.account()
    me = await factory.contact(account, "gestor@example.com", permissions=["CONTACTS", "MAIL"])
    strong = await factory.contact(account, "seguridad@example.com", permissions=["SECURITY"])
    await client.sign_in("gestor@example.com")
    granted = await create(client, permissions=["MAIL", "SECURITY"])
    assert granted["errors"][0]["code"] == "PERMISSION_NOT_HELD"
    assert "SECURITY" in granted["errors"][0]["message"]
    raise_own = await update(client, to_global_id("Contact", me.id), 1, permissions=["CONTACTS", "MAIL", "PROFILE"])
    assert raise_own["errors"][0]["code"] == "PERMISSION_NOT_HELD"
    strip = await update(client, to_global_id("Contact", strong.id), 1, permissions=[])
    assert strip["errors"][0]["code"] == "PERMISSION_NOT_HELD"
    remove = (await client.data(DELETE, {"i": {"id": to_global_id("Contact", strong.id)}}))["contactDelete"]
    assert remove["errors"][0]["code"] == "PERMISSION_NOT_HELD"
    assert (await create(client, permissions=["MAIL"]))["errors"] == []
    changes = await models.ActivityEvent.filter(account_id=account.id, action="contact.created").first()
    assert changes.actor == "Ana Gómez"


async def test_another_accounts_contact_is_not_found(client, factory) -> None:
    mine = await factory.account()
    theirs = await factory.account()
    their_contact = await factory.contact(theirs, "ajeno@example.com")
    await client.sign_in(mine.client_number)
    gid = to_global_id("Contact", their_contact.id)
    assert (await update(client, gid, 1, firstName="X"))["errors"][0]["code"] == "NOT_FOUND"
    assert (await client.data(DELETE, {"i": {"id": gid}}))["contactDelete"]["errors"][0]["code"] == "NOT_FOUND"
    assert (await client.data(RESEND, {"i": {"id": gid}}))["contactInvitationResend"]["errors"][0][
        "code"
    ] == "NOT_FOUND"
    assert (await client.data("query($id: ID!) { node(id: $id) { id } }", {"id": gid}))["node"] is None
    assert (await models.Contact.get(id=their_contact.id)).first_name == "Ana"
