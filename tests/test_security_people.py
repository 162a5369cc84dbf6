"""Authority over people and the addresses that receive secrets: the takeover paths of the security review.

A person may act on a contact only while holding every permission that contact holds (before
and after the change); the holder's primary email changes only by the holder, after step-up,
through a link to the new address; a contact's email changed by someone else puts it back in the
invited state; granting permissions needs step-up.
"""

from __future__ import annotations

from datetime import timedelta

import models
from core.ids import to_global_id
from tests.helpers import PASSWORD, emailed_token, wait_for_mail

ALL = ["PROFILE", "CONTACTS", "SERVICES", "MANAGE_SERVICES", "MAIL", "SECURITY"]
UPDATE = """mutation($i: ContactUpdateInput!) { contactUpdate(input: $i) {
  contact { email active permissions invitationPending version } errors { code field message } } }"""
CREATE = """mutation($i: ContactCreateInput!) { contactCreate(input: $i) { contact { id } errors { code field } } }"""
DELETE = "mutation($i: ContactDeleteInput!) { contactDelete(input: $i) { deletedContactId errors { code field } } }"
RESEND = (
    "mutation($i: ContactInvitationResendInput!) { contactInvitationResend(input: $i) {"
    " contact { id } errors { code } } }"
)
ACCEPT = """mutation($i: ContactInvitationAcceptInput!) { contactInvitationAccept(input: $i) {
  viewer { contact { email } } errors { code } } }"""
HOLDER_UPDATE = """mutation($i: HolderUpdateInput!) { holderUpdate(input: $i) {
  holder { email pendingEmail version } errors { code field message } warnings { code } } }"""
EMAIL_REQUEST = """mutation($i: EmailChangeRequestInput!) { emailChangeRequest(input: $i) {
  pendingEmail errors { code field message } } }"""
EMAIL_CONFIRM = "mutation($i: EmailChangeConfirmInput!) { emailChangeConfirm(input: $i) { confirmed errors { code } } }"
SIGN_IN = "mutation($i: SignInInput!) { signIn(input: $i) { errors { code } } }"
VIEWER = "{ viewer { permissions } }"
NEW_PASSWORD = "Tereré-Helado-Misiones-404"


def gid(contact: models.Contact) -> str:
    return to_global_id("Contact", contact.id)


async def contact_update(client, contact: models.Contact, **fields) -> dict:
    version = (await models.Contact.get(id=contact.id)).version
    data = await client.data(UPDATE, {"i": {"id": gid(contact), "expectedVersion": version, **fields}})
    return data["contactUpdate"]


async def sign_in_errors(client, login: str, password: str = PASSWORD) -> list[dict]:
    return (await client.data(SIGN_IN, {"i": {"login": login, "password": password}}))["signIn"]["errors"]


async def test_a_contact_cannot_act_on_a_stronger_contact_at_all(client, factory) -> None:
    account = await factory.account()
    await factory.contact(account, "gestor@example.com", permissions=["CONTACTS"])
    strong = await factory.contact(account, "fuerte@example.com", permissions=ALL)
    asleep = await factory.contact(account, "dormido@example.com", permissions=["SERVICES"], active=False)
    invited = await factory.contact(account, "invitado@example.com", permissions=["MAIL"], password=None)
    equal = await factory.contact(account, "igual@example.com", permissions=["CONTACTS"])
    await client.sign_in("gestor@example.com")

    for target, fields in (
        (strong, {"email": "gestor+robo@example.com"}),  # the takeover: then recover the contact by that email
        (strong, {"firstName": "Otro"}),
        (asleep, {"active": True}),  # re-activating a stronger inactive contact
    ):
        result = await contact_update(client, target, **fields)
        assert [e["code"] for e in result["errors"]] == ["PERMISSION_NOT_HELD"], result
    for document in (DELETE, RESEND):
        payload = next(iter((await client.data(document, {"i": {"id": gid(invited)}})).values()))
        assert [e["code"] for e in payload["errors"]] == ["PERMISSION_NOT_HELD"]
    for row in (strong, asleep, invited):
        fresh = await models.Contact.get(id=row.id)
        assert (fresh.email, fresh.first_name, fresh.active, fresh.version) == (
            row.email,
            row.first_name,
            row.active,
            1,
        )

    # Someone whose permissions are all held stays manageable.
    assert (await contact_update(client, equal, firstName="Igualada"))["errors"] == []


async def test_a_profile_contact_cannot_change_the_primary_email(client, factory, smtp_sink) -> None:
    account = await factory.account(email="titular@example.com")
    await factory.contact(account, "perfil@example.com", permissions=["PROFILE"])
    await client.sign_in("perfil@example.com")
    result = (await client.data(HOLDER_UPDATE, {"i": {"expectedVersion": 1, "email": "perfil@example.com"}}))[
        "holderUpdate"
    ]
    assert [(e["code"], e["field"]) for e in result["errors"]] == [("PERMISSION_NOT_HELD", ["input", "email"])]
    holder = await models.Holder.get(account_id=account.id)
    assert holder.email == "titular@example.com"
    assert holder.version == 1
    assert await models.EmailChange.all().count() == 0
    # Other fields stay theirs to change.
    ok = (await client.data(HOLDER_UPDATE, {"i": {"expectedVersion": 1, "companyName": "Pérez SA"}}))["holderUpdate"]
    assert ok["errors"] == []


async def test_primary_email_changes_only_through_the_link_after_step_up(
    client, other_client, factory, smtp_sink, clock
) -> None:
    account = await factory.account(email="titular@example.com")
    await client.sign_in(account.client_number)
    clock.advance(timedelta(minutes=6))
    late = (await client.data(HOLDER_UPDATE, {"i": {"expectedVersion": 1, "email": "nueva@example.com"}}))[
        "holderUpdate"
    ]
    assert [e["code"] for e in late["errors"]] == ["STEP_UP_REQUIRED"]
    assert await models.EmailChange.all().count() == 0

    await client.sign_in(account.client_number)  # a fresh sign-in is a proof of identity too
    asked = (await client.data(HOLDER_UPDATE, {"i": {"expectedVersion": 1, "email": "nueva@example.com"}}))[
        "holderUpdate"
    ]
    assert asked["errors"] == []
    assert asked["holder"]["email"] == "titular@example.com"
    assert asked["holder"]["pendingEmail"] == "nueva@example.com"
    [notice] = await wait_for_mail(smtp_sink, "titular@example.com")
    assert "nueva@example.com" in notice.text
    first_token = await emailed_token(smtp_sink, "nueva@example.com", "/confirmar-email")
    stored = await models.EmailChange.get(account_id=account.id)
    assert first_token not in stored.token_hash

    # A newer request voids the older link; the old address still holds everything meanwhile.
    again = await client.data(EMAIL_REQUEST, {"i": {"email": "otra@example.com"}})
    assert again["emailChangeRequest"] == {"pendingEmail": "otra@example.com", "errors": []}
    stale = await other_client.data(EMAIL_CONFIRM, {"i": {"token": first_token}})
    assert stale["emailChangeConfirm"] == {"confirmed": False, "errors": [{"code": "INVALID_CODE"}]}
    assert (await models.Holder.get(account_id=account.id)).email == "titular@example.com"

    token = await emailed_token(smtp_sink, "otra@example.com", "/confirmar-email")
    version = (await models.Holder.get(account_id=account.id)).version
    clock.advance(timedelta(hours=23))
    done = await other_client.data(EMAIL_CONFIRM, {"i": {"token": token}})  # no session needed: the link is the proof
    assert done["emailChangeConfirm"] == {"confirmed": True, "errors": []}
    holder = await models.Holder.get(account_id=account.id)
    assert holder.email == "otra@example.com"
    assert holder.version == version + 1
    changed = await models.MailMessage.get(account_id=account.id, template="email_changed")
    addresses = sorted(await models.MailRecipient.filter(message_id=changed.id).values_list("address", flat=True))
    assert addresses == ["otra@example.com", "titular@example.com"]
    reused = await other_client.data(EMAIL_CONFIRM, {"i": {"token": token}})
    assert reused["emailChangeConfirm"]["errors"] == [{"code": "INVALID_CODE"}]


async def test_an_email_link_expires_after_24_hours(client, factory, smtp_sink, clock) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    await client.data(EMAIL_REQUEST, {"i": {"email": "tarde@example.com"}})
    token = await emailed_token(smtp_sink, "tarde@example.com", "/confirmar-email")
    clock.advance(timedelta(hours=24))
    late = await client.data(EMAIL_CONFIRM, {"i": {"token": token}})
    assert late["emailChangeConfirm"]["errors"] == [{"code": "CODE_EXPIRED"}]
    assert (await models.Holder.get(account_id=account.id)).email != "tarde@example.com"


async def test_changing_a_contacts_email_puts_it_back_in_the_invited_state(
    client, other_client, factory, smtp_sink
) -> None:
    account = await factory.account()
    contact = await factory.contact(account, "error@example.com", permissions=["SERVICES"])
    await other_client.sign_in("error@example.com")
    token_row = await models.ApiToken.create(
        account_id=account.id,
        created_by_contact_id=contact.id,
        name="ERP",
        permissions=["SERVICES"],
        token_hash="x" * 64,
        created_at=contact.created_at,
    )
    await models.RecoveryRequest.create(
        account_id=account.id,
        contact_id=contact.id,
        token_hash="r" * 64,
        created_at=contact.created_at,
        expires_at=contact.created_at + timedelta(hours=1),
    )
    await client.sign_in(account.client_number)

    result = await contact_update(client, contact, email="correcto@example.com")
    assert result["errors"] == []
    assert result["contact"]["email"] == "correcto@example.com"
    assert result["contact"]["invitationPending"] is True
    fresh = await models.Contact.get(id=contact.id)
    assert fresh.password_hash is None
    assert (await other_client.data(VIEWER))["viewer"] is None  # the session ended
    assert (await models.ApiToken.get(id=token_row.id)).revoked_at is not None
    assert (await models.RecoveryRequest.get(contact_id=contact.id)).voided_at is not None
    assert await sign_in_errors(other_client, "error@example.com") == [{"code": "INVALID_CREDENTIALS"}]
    [notice] = await wait_for_mail(smtp_sink, "error@example.com")
    assert "correcto@example.com" in notice.text

    token = await emailed_token(smtp_sink, "correcto@example.com", "/invitacion")
    accepted = await other_client.data(ACCEPT, {"i": {"token": token, "password": NEW_PASSWORD}})
    assert accepted["contactInvitationAccept"] == {
        "viewer": {"contact": {"email": "correcto@example.com"}},
        "errors": [],
    }


async def test_correcting_a_typo_voids_the_old_invitation(client, other_client, factory, smtp_sink) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    created = await client.data(CREATE, {"i": {"firstName": "Eva", "lastName": "Ruiz", "email": "eva@exampel.com"}})
    assert created["contactCreate"]["errors"] == []
    contact = await models.Contact.get(email="eva@exampel.com")
    old_token = await emailed_token(smtp_sink, "eva@exampel.com", "/invitacion")
    assert (await contact_update(client, contact, email="eva@example.com"))["errors"] == []
    refused = await other_client.data(ACCEPT, {"i": {"token": old_token, "password": NEW_PASSWORD}})
    assert refused["contactInvitationAccept"]["errors"] == [{"code": "INVALID_CODE"}]
    new_token = await emailed_token(smtp_sink, "eva@example.com", "/invitacion")
    accepted = await other_client.data(ACCEPT, {"i": {"token": new_token, "password": NEW_PASSWORD}})
    assert accepted["contactInvitationAccept"]["errors"] == []


async def test_a_contact_changes_its_own_email_through_the_link(
    client, other_client, factory, smtp_sink, clock
) -> None:
    account = await factory.account()
    contact = await factory.contact(account, "propia@example.com", permissions=["MAIL"])
    await client.sign_in("propia@example.com")
    clock.advance(timedelta(minutes=6))
    late = await client.data(EMAIL_REQUEST, {"i": {"email": "nueva.propia@example.com"}})
    assert [e["code"] for e in late["emailChangeRequest"]["errors"]] == ["STEP_UP_REQUIRED"]
    await client.sign_in("propia@example.com")
    asked = await client.data(EMAIL_REQUEST, {"i": {"email": "Nueva.Propia@Example.com"}})
    assert asked["emailChangeRequest"] == {"pendingEmail": "nueva.propia@example.com", "errors": []}
    assert (await models.Contact.get(id=contact.id)).email == "propia@example.com"
    token = await emailed_token(smtp_sink, "nueva.propia@example.com", "/confirmar-email")
    assert (await other_client.data(EMAIL_CONFIRM, {"i": {"token": token}}))["emailChangeConfirm"]["confirmed"] is True
    assert (await models.Contact.get(id=contact.id)).email == "nueva.propia@example.com"
    assert await sign_in_errors(other_client, "nueva.propia@example.com") == []


async def test_a_contact_editing_itself_with_contacts_changes_its_email_only_through_the_link(
    client, factory, smtp_sink
) -> None:
    account = await factory.account()
    me = await factory.contact(account, "yo@example.com", permissions=["CONTACTS"])
    await client.sign_in("yo@example.com")
    result = await contact_update(client, me, email="yo.nuevo@example.com", firstName="Yo")
    assert result["errors"] == []
    assert result["contact"]["email"] == "yo@example.com"
    fresh = await models.Contact.get(id=me.id)
    assert fresh.password_hash is not None
    assert fresh.first_name == "Yo"
    await emailed_token(smtp_sink, "yo.nuevo@example.com", "/confirmar-email")


async def test_granting_permissions_needs_step_up_and_removing_does_not(client, factory, clock) -> None:
    account = await factory.account()
    contact = await factory.contact(account, "ayudante@example.com", permissions=["SERVICES", "MAIL"])
    await client.sign_in(account.client_number)
    clock.advance(timedelta(minutes=5))
    assert (await contact_update(client, contact, permissions=["SERVICES", "MAIL", "PROFILE"]))[
        "errors"
    ] == []  # boundary
    clock.advance(timedelta(seconds=1))
    refused = await contact_update(client, contact, permissions=["SERVICES", "MAIL", "PROFILE", "SECURITY"])
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("STEP_UP_REQUIRED", ["input", "permissions"])]
    created = await client.data(
        CREATE, {"i": {"firstName": "A", "lastName": "B", "email": "b@example.com", "permissions": ["MAIL"]}}
    )
    assert [e["code"] for e in created["contactCreate"]["errors"]] == ["STEP_UP_REQUIRED"]
    assert (await contact_update(client, contact, permissions=["SERVICES"]))["errors"] == []
    assert (await models.Contact.get(id=contact.id)).permissions == ["SERVICES"]


async def test_removing_a_permission_applies_to_the_next_request(client, other_client, factory) -> None:
    account = await factory.account()
    contact = await factory.contact(account, "quitado@example.com", permissions=["SERVICES", "PROFILE"])
    await other_client.sign_in("quitado@example.com")
    await client.sign_in(account.client_number)
    assert (await contact_update(client, contact, permissions=["SERVICES"]))["errors"] == []
    denied = await other_client("{ viewer { account { holder { email } } } }")
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_another_accounts_contact_is_not_found(client, factory) -> None:
    mine, theirs = await factory.account(), await factory.account()
    foreign = await factory.contact(theirs, "ajeno@example.com", permissions=[])
    await client.sign_in(mine.client_number)
    result = await client.data(UPDATE, {"i": {"id": gid(foreign), "expectedVersion": 1, "email": "mio@example.com"}})
    assert [e["code"] for e in result["contactUpdate"]["errors"]] == ["NOT_FOUND"]
    assert (await models.Contact.get(id=foreign.id)).email == "ajeno@example.com"


# ---- the second review: a pending change must not outlive the owner's reaction ----

RECOVERY_REQUEST = "mutation($i: AccessRecoveryRequestInput!) { accessRecoveryRequest(input: $i) { errors { code } } }"
RECOVERY_CONFIRM = "mutation($i: AccessRecoveryConfirmInput!) { accessRecoveryConfirm(input: $i) { errors { code } } }"
PASSWORD_CHANGE = "mutation($i: PasswordChangeInput!) { passwordChange(input: $i) { errors { code } } }"
SESSIONS = "{ viewer { account { sessions { id current } } } }"
REVOKE = "mutation($i: SessionRevokeInput!) { sessionRevoke(input: $i) { errors { code } } }"
CANCEL = "mutation { emailChangeCancel { pendingEmail errors { code } } }"
REAUTH = "mutation($i: ReauthenticateInput!) { reauthenticate(input: $i) { errors { code } } }"
ATTACKER = "atacante@example.org"


async def attacker_asks_for_a_change(attacker, account, smtp_sink) -> str:
    await attacker.sign_in(account.client_number)
    asked = await attacker.data(EMAIL_REQUEST, {"i": {"email": ATTACKER}})
    assert asked["emailChangeRequest"]["errors"] == []
    return await emailed_token(smtp_sink, ATTACKER, "/confirmar-email")


async def confirm_refused(client, token: str) -> None:
    answer = await client.data(EMAIL_CONFIRM, {"i": {"token": token}})
    assert answer["emailChangeConfirm"] == {"confirmed": False, "errors": [{"code": "INVALID_CODE"}]}


async def test_recovery_voids_a_pending_email_change(client, other_client, factory, smtp_sink, runtime) -> None:
    from domain.recovery_worker import process_due

    account = await factory.account(email="duenio@example.com")
    token = await attacker_asks_for_a_change(other_client, account, smtp_sink)
    await client.data(RECOVERY_REQUEST, {"i": {"method": "CLIENT_NUMBER", "value": account.client_number}})
    await process_due(runtime)
    link = await emailed_token(smtp_sink, "duenio@example.com", "/recuperar")
    assert (await client.data(RECOVERY_CONFIRM, {"i": {"token": link}}))["accessRecoveryConfirm"]["errors"] == []
    await confirm_refused(client, token)
    assert (await models.Holder.get(account_id=account.id)).email == "duenio@example.com"


async def test_a_password_change_voids_a_pending_email_change(client, other_client, factory, smtp_sink) -> None:
    account = await factory.account()
    token = await attacker_asks_for_a_change(other_client, account, smtp_sink)
    await client.sign_in(account.client_number)
    changed = await client.data(PASSWORD_CHANGE, {"i": {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}})
    assert changed["passwordChange"]["errors"] == []
    await confirm_refused(client, token)


async def test_revoking_the_requesting_session_voids_its_pending_change(
    client, other_client, factory, smtp_sink
) -> None:
    account = await factory.account()
    token = await attacker_asks_for_a_change(other_client, account, smtp_sink)
    await client.sign_in(account.client_number)
    sessions = (await client.data(SESSIONS))["viewer"]["account"]["sessions"]
    [stranger] = [s["id"] for s in sessions if not s["current"]]
    assert (await client.data(REVOKE, {"i": {"sessionId": stranger}}))["sessionRevoke"]["errors"] == []
    await confirm_refused(client, token)


async def test_the_owner_cancels_a_change_or_asks_for_the_current_address(
    client, other_client, factory, smtp_sink
) -> None:
    account = await factory.account(email="propio@example.com")
    token = await attacker_asks_for_a_change(other_client, account, smtp_sink)
    await client.sign_in(account.client_number)
    assert (await client.data(CANCEL))["emailChangeCancel"] == {"pendingEmail": None, "errors": []}
    await confirm_refused(client, token)
    await client.data(EMAIL_REQUEST, {"i": {"email": "otra.mas@example.com"}})
    second = await emailed_token(smtp_sink, "otra.mas@example.com", "/confirmar-email")
    same = await client.data(EMAIL_REQUEST, {"i": {"email": "propio@example.com"}})
    assert same["emailChangeRequest"] == {"pendingEmail": None, "errors": []}
    await confirm_refused(client, second)


async def test_deactivating_a_contact_voids_its_pending_links(client, other_client, factory, smtp_sink) -> None:
    account = await factory.account()
    contact = await factory.contact(account, "se.va@example.com", permissions=["MAIL"])
    await other_client.sign_in("se.va@example.com")
    await other_client.data(EMAIL_REQUEST, {"i": {"email": "se.va.nuevo@example.com"}})
    token = await emailed_token(smtp_sink, "se.va.nuevo@example.com", "/confirmar-email")
    await client.sign_in(account.client_number)
    assert (await contact_update(client, contact, active=False))["errors"] == []
    await confirm_refused(client, token)


async def test_another_account_cannot_use_up_an_address_budget(
    client, other_client, factory, smtp_sink, runtime
) -> None:
    from domain.recovery_worker import process_due

    victim = await factory.account(email="victima@example.net")
    service = await factory.service(victim)
    attacker = await factory.account()
    await other_client.sign_in(attacker.client_number)
    for _ in range(5):
        await other_client.data(EMAIL_REQUEST, {"i": {"email": "victima@example.net"}})
    for _ in range(3):  # anonymous recovery requests have their own budget
        await client.data(RECOVERY_REQUEST, {"i": {"method": "CLIENT_NUMBER", "value": victim.client_number}})
    await process_due(runtime)
    await client.sign_in(victim.client_number)
    request = (
        "mutation($i: ServiceCancellationRequestInput!) { serviceCancellationRequest(input: $i) { errors { code } } }"
    )
    variables = {
        "i": {"serviceId": to_global_id("Service", service.id), "reason": "x", "acknowledgeDataDeletion": True}
    }
    assert (await client.data(request, variables))["serviceCancellationRequest"]["errors"] == []


async def test_email_change_requests_are_limited_per_person(client, factory, smtp_sink) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    answers = [
        (await client.data(EMAIL_REQUEST, {"i": {"email": f"n{n}@example.com"}}))["emailChangeRequest"]
        for n in range(6)
    ]
    assert [a["errors"] for a in answers[:5]] == [[]] * 5
    assert [e["code"] for e in answers[5]["errors"]] == ["RATE_LIMITED"]


async def test_a_contact_update_is_judged_on_the_version_it_writes(client, factory) -> None:
    account = await factory.account()
    await factory.contact(account, "gestor@example.com", permissions=["CONTACTS"])
    target = await factory.contact(account, "objetivo@example.com", permissions=["MAIL"])
    await client.sign_in("gestor@example.com")
    # A guessed future version (a concurrent grant would produce it) is refused before anything happens.
    ahead = await client.data(UPDATE, {"i": {"id": gid(target), "expectedVersion": 2, "email": "mia@example.org"}})
    assert [e["code"] for e in ahead["contactUpdate"]["errors"]] == ["STALE_VERSION"]
    fresh = await models.Contact.get(id=target.id)
    assert (fresh.email, fresh.version) == ("objetivo@example.com", 1)


async def test_a_session_that_keeps_guessing_its_password_ends(client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    for _ in range(5):
        wrong = await client.data(REAUTH, {"i": {"password": "no-es-la-clave"}})
        assert [e["code"] for e in wrong["reauthenticate"]["errors"]] == ["INVALID_CREDENTIALS"]
    assert (await client.data(VIEWER))["viewer"] is None
    assert await models.Session.filter(account_id=account.id, ended_at=None).count() == 0


async def test_open_sessions_per_person_are_bounded(client, factory) -> None:
    from domain.auth import MAX_OPEN_SESSIONS_PER_PERSON

    account = await factory.account()
    for _ in range(MAX_OPEN_SESSIONS_PER_PERSON + 3):
        await client.sign_in(account.client_number)
    assert await models.Session.filter(account_id=account.id, ended_at=None).count() == MAX_OPEN_SESSIONS_PER_PERSON
    assert (await client.data(VIEWER))["viewer"] is not None  # the newest one is kept
