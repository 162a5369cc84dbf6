"""Seed 002 in the panel, the invitation page and the integration tokens, in Chromium at 1366x768 and 375x812
against a real uvicorn server, real GraphQL and the real SMTP sink; and the API they rest on.

- The password: the policy stated before typing (from the API), the meter red, amber, green as computed by the
  browser, Spanish advice, a paused meter when rate-limited, the confirmation checked before sending, the date of
  the last change shown and updated; for the holder and for a contact.
- The invitation page judges the password with the invitee's own words; an unknown, used or expired link changes
  nothing in the answer.
- The holder's PIN states its rule; ending another session; a token created with its permissions, its secret
  shown once, revoked after confirming.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from playwright.async_api import Browser, Page, expect

import models
from domain.auth import STRENGTH_CHECKS_PER_IP
from domain.recovery_worker import process_due
from tests.helpers import PASSWORD, emailed_token
from tests.panel import (
    VIEWPORTS,
    assert_accessible,
    assert_fits,
    assert_settled,
    in_viewport_with_role,
    open_panel,
    shot,
    sign_in,
)

HOLDER = "seguridad@example.net"
CONTACT = "eulalia@example.com"
NEW = "Yerba-Guayaba-Cordillera-88"
RED, AMBER, GREEN = "rgb(176, 0, 32)", "rgb(176, 116, 0)", "rgb(29, 107, 46)"
STRENGTH = (
    "query($p: String!, $t: String)"
    " { passwordStrength(password: $p, invitationToken: $t) { score acceptable warning suggestions } }"
)
CHANGED_AT = "{ viewer { passwordChangedAt } }"
CHANGE = "mutation($i: PasswordChangeInput!) { passwordChange(input: $i) { errors { code } } }"
CREATE_CONTACT = "mutation($i: ContactCreateInput!) { contactCreate(input: $i) { errors { code } } }"
ACCEPT = "mutation($i: ContactInvitationAcceptInput!) { contactInvitationAccept(input: $i) { errors { code } } }"
# The invitee's surname and names make up this password: strong for a stranger, weak for her.
OWN_WORDS = "Zubizarreta-Goñi-Eulalia"


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request) -> str:
    return request.param


@pytest.fixture
async def page(app, browser: Browser, viewport: str) -> AsyncIterator[Page]:
    async with open_panel(app, browser, VIEWPORTS[viewport]) as page:
        yield page


async def invitation_token(client, factory, smtp_sink, email: str = CONTACT) -> str:
    """The holder (signed in on `client`) invites Eulalia Zubizarreta Goñi; the token of the link she received."""
    account = await factory.account(email=HOLDER)
    await client.sign_in(account.client_number)
    names = {"firstName": "Eulalia", "lastName": "Zubizarreta Goñi", "email": email, "permissions": ["SERVICES"]}
    assert (await client.data(CREATE_CONTACT, {"i": names}))["contactCreate"]["errors"] == []
    return await emailed_token(smtp_sink, email, "/invitacion")


# --- the API ---------------------------------------------------------------------------------------------------


async def test_the_policy_is_public_and_is_the_one_enforced(client) -> None:
    policy = (await client.data("{ passwordPolicy { minLength maxLength minScore } }"))["passwordPolicy"]
    assert policy == {"minLength": 12, "maxLength": 128, "minScore": 3}


async def test_the_invitation_meter_judges_with_the_invitees_own_words(client, other_client, factory, smtp_sink):
    token = await invitation_token(client, factory, smtp_sink)
    stranger = (await other_client.data(STRENGTH, {"p": OWN_WORDS}))["passwordStrength"]
    assert stranger["acceptable"]
    hers = (await other_client.data(STRENGTH, {"p": OWN_WORDS, "t": token}))["passwordStrength"]
    assert hers["score"] <= 1
    assert not hers["acceptable"]
    assert hers["warning"] == "Evite sus propios nombres, su email o su número de cliente."
    # What the meter said is what accepting says.
    refused = (await other_client.data(ACCEPT, {"i": {"token": token, "password": OWN_WORDS}}))[
        "contactInvitationAccept"
    ]
    assert refused["errors"] == [{"code": "PASSWORD_TOO_WEAK"}]


async def test_a_link_that_is_not_a_pending_invitation_reveals_nothing(client, other_client, factory, smtp_sink, clock):
    token = await invitation_token(client, factory, smtp_sink)
    without = await other_client(STRENGTH, {"p": OWN_WORDS})
    for other in ("", "   ", "no-such-token", token[:-2] + "xx", token + "x" * 5000):
        assert await other_client(STRENGTH, {"p": OWN_WORDS, "t": other}) == without
    contact = await models.Contact.get(email=CONTACT)
    clock.advance(timedelta(days=8))  # expired
    assert await other_client(STRENGTH, {"p": OWN_WORDS, "t": token}) == without
    clock.advance(timedelta(days=-8))
    await models.Contact.filter(id=contact.id).update(active=False)  # deactivated meanwhile
    assert await other_client(STRENGTH, {"p": OWN_WORDS, "t": token}) == without
    await models.Contact.filter(id=contact.id).update(active=True)
    accepted = await other_client.data(ACCEPT, {"i": {"token": token, "password": NEW}})
    assert accepted["contactInvitationAccept"]["errors"] == []
    assert await client(STRENGTH, {"p": OWN_WORDS, "t": token}) == without  # used


async def test_the_invitation_meter_is_rate_limited_like_the_meter(client, factory, smtp_sink, runtime) -> None:
    token = await invitation_token(client, factory, smtp_sink)
    for _ in range(120):
        await runtime.limiter.hit("120/minute", "strength", "127.0.0.1")
    body = await client(STRENGTH, {"p": OWN_WORDS, "t": token})
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert body["errors"][0]["message"].startswith("Demasiados intentos.")


async def test_password_changed_at_follows_every_change_of_holder_and_contact(
    client, other_client, factory, smtp_sink, clock, runtime
) -> None:
    token = await invitation_token(client, factory, smtp_sink)
    holder = await models.Account.get(holder__email=HOLDER)
    assert (await client.data(CHANGED_AT))["viewer"]["passwordChangedAt"] is None  # created by staff
    clock.advance(timedelta(minutes=1))
    assert (await client.data(CHANGE, {"i": {"currentPassword": PASSWORD, "newPassword": NEW}}))["passwordChange"] == {
        "errors": []
    }
    assert (await client.data(CHANGED_AT))["viewer"]["passwordChangedAt"] == "2026-03-10T15:01:00+00:00"

    clock.advance(timedelta(minutes=1))
    await other_client.data(ACCEPT, {"i": {"token": token, "password": NEW}})
    assert (await other_client.data(CHANGED_AT))["viewer"]["passwordChangedAt"] == "2026-03-10T15:02:00+00:00"

    clock.advance(timedelta(minutes=1))
    changed = await other_client.data(
        CHANGE, {"i": {"currentPassword": NEW, "newPassword": "Tereré-Helado-Misiones-404"}}
    )
    assert changed["passwordChange"] == {"errors": []}
    assert (await other_client.data(CHANGED_AT))["viewer"]["passwordChangedAt"] == "2026-03-10T15:03:00+00:00"

    clock.advance(timedelta(minutes=1))  # access recovery gives the contact a temporary password
    recovery = "mutation($i: AccessRecoveryRequestInput!) { accessRecoveryRequest(input: $i) { errors { code } } }"
    await other_client.data(recovery, {"i": {"method": "PRIMARY_EMAIL", "value": CONTACT}})
    await process_due(runtime)
    link = await emailed_token(smtp_sink, CONTACT, "/recuperar")
    confirm = "mutation($i: AccessRecoveryConfirmInput!) { accessRecoveryConfirm(input: $i) { errors { code } } }"
    assert (await other_client.data(confirm, {"i": {"token": link}}))["accessRecoveryConfirm"]["errors"] == []
    contact = await models.Contact.get(email=CONTACT)
    assert contact.password_changed_at.isoformat() == "2026-03-10T15:04:00+00:00"
    assert (await models.Account.get(id=holder.id)).password_changed_at.isoformat() == "2026-03-10T15:01:00+00:00"


async def test_an_api_token_reads_no_password_date(client, other_client, factory) -> None:
    account = await factory.account(email=HOLDER)
    await client.sign_in(account.client_number)
    create = "mutation($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) { token } }"
    token = (await client.data(create, {"i": {"name": "ERP", "permissions": ["SERVICES"]}}))["apiTokenCreate"]["token"]
    await client.data(CHANGE, {"i": {"currentPassword": PASSWORD, "newPassword": NEW}})
    seen = await other_client.data(CHANGED_AT, headers={"Authorization": f"Bearer {token}"})
    assert seen == {"viewer": {"passwordChangedAt": None}}


# --- the panel -------------------------------------------------------------------------------------------------


async def open_screen(page: Page, screen: str) -> None:
    """Once signed in, straight to a screen by its address (the menus are the shell's tests' business)."""
    await expect(page.locator("#signin-button")).to_have_count(0)
    await page.goto(f"/#{screen}")


async def meter(page: Page, password: str, says: str) -> str:
    """Types `password` and waits for the meter to say `says`; the bar's colour as the browser computed it."""
    await page.fill("[name=newPassword]", password)
    await expect(page.locator("#strength-text")).to_contain_text(says)
    return await page.locator(".strength-bar").evaluate("bar => getComputedStyle(bar).backgroundColor")


async def shown_date(page: Page, iso: str) -> str:
    return await page.evaluate("iso => new Date(iso).toLocaleString('es')", iso)


async def test_the_holder_changes_the_password_as_seed_002_says(page, viewport, factory, clock) -> None:
    account = await factory.account(email=HOLDER)
    await sign_in(page, account.client_number)
    await open_screen(page, "security")
    form = page.locator(".password-form")
    await expect(page.locator("#password-policy")).to_contain_text("al menos 12 caracteres")
    await expect(page.locator("#password-policy")).to_contain_text("«fuerte»")
    await expect(page.locator("#password-changed-at")).to_have_text("todavía no la cambió")
    await expect(form).to_contain_text("Cámbiela en cuanto sospeche")
    await expect(page.locator("#strength-text")).to_have_attribute("aria-live", "polite")
    await assert_settled(page)

    assert await meter(page, "abc", "muy débil (0 de 4)") == RED
    await expect(page.locator("#strength-text")).to_contain_text('Las secuencias como "abc"')
    assert await meter(page, "password", "Es una de las 10 claves más usadas.") == RED
    assert await meter(page, "perrito22", "regular (2 de 4)") == AMBER
    assert await meter(page, "clave2024!", "Le faltan 2 caracteres") == AMBER  # strong, but too short
    assert await meter(page, NEW, "Cumple lo pedido.") == GREEN
    await assert_settled(page)

    await form.locator("[name=currentPassword]").fill(PASSWORD)
    await page.fill("[name=confirmPassword]", NEW + "!")
    await page.click("#password-submit")
    mismatch = page.locator("label:has([name=confirmPassword]) + .msg")
    await in_viewport_with_role(mismatch, "alert")
    await expect(mismatch).to_have_text("Las dos claves no coinciden: escríbala igual en ambos campos.")
    await expect(page.locator("[name=confirmPassword]")).to_be_focused()
    await assert_accessible(page)
    assert (await models.Account.get(id=account.id)).password_changed_at is None  # nothing was sent

    clock.advance(timedelta(minutes=2))
    await page.fill("[name=confirmPassword]", NEW)
    await page.click("#password-submit")
    changed = page.locator("#password-submit + .msg")
    await in_viewport_with_role(changed, "status")
    await expect(changed).to_have_text("Clave cambiada.")
    await expect(page.locator("#password-changed-at")).to_have_text(await shown_date(page, "2026-03-10T15:02:00+00:00"))
    await assert_settled(page)
    await shot(page, f"security-password-{viewport}")
    assert (await models.Account.get(id=account.id)).password_changed_at is not None


async def test_a_contact_changes_the_password_and_is_warned_off_their_own_name(page, factory, clock) -> None:
    account = await factory.account(email=HOLDER)
    await factory.contact(account, CONTACT, first_name="Eulalia", last_name="Zubizarreta Goñi", permissions=[])
    await sign_in(page, CONTACT)
    await open_screen(page, "security")
    await expect(page.locator("#sessions-title")).to_be_visible()
    await expect(page.locator("#pin-submit")).to_have_count(0)  # the PIN is the holder's
    await expect(page.locator("#activity-title")).to_have_count(0)  # the history needs SECURITY
    assert await meter(page, OWN_WORDS, "Evite sus propios nombres, su email o su número de cliente.") == RED
    await assert_settled(page)

    clock.advance(timedelta(minutes=3))
    await page.fill(".password-form [name=currentPassword]", PASSWORD)
    await page.fill("[name=newPassword]", NEW)
    await page.fill("[name=confirmPassword]", NEW)
    await page.click("#password-submit")
    await in_viewport_with_role(page.locator("#password-submit + .msg"), "status")
    await expect(page.locator("#password-changed-at")).to_have_text(await shown_date(page, "2026-03-10T15:03:00+00:00"))
    await assert_settled(page)


async def test_a_rate_limited_meter_says_so(page, factory, runtime) -> None:
    account = await factory.account(email=HOLDER)
    await sign_in(page, account.client_number)
    await open_screen(page, "security")
    assert await meter(page, "perrito22", "regular") == AMBER
    while not await runtime.limiter.hit(STRENGTH_CHECKS_PER_IP, "strength", "127.0.0.1"):
        pass
    await page.fill("[name=newPassword]", NEW)
    paused = page.locator("#strength-text")
    await expect(paused).to_contain_text("El medidor está en pausa: Demasiados intentos.")
    await expect(paused).to_contain_text("Al guardar, la clave se revisa igual.")
    assert await page.locator(".strength-bar").evaluate("bar => bar.style.width") == "0px"
    await assert_settled(page)


async def test_the_holder_sets_a_pin_knowing_its_rule(page, factory) -> None:
    account = await factory.account(email=HOLDER)
    await sign_in(page, account.client_number)
    await open_screen(page, "security")
    await expect(page.locator("#pin-rule")).to_contain_text("de 4 a 8 dígitos")
    await expect(page.locator("#pin-rule")).to_contain_text("1234")
    pin_form = page.locator("form:has(#pin-submit)")
    await pin_form.locator("[name=currentPassword]").fill(PASSWORD)
    await page.fill("[name=pin]", "1234")
    await page.click("#pin-submit")
    refused = page.locator("#pin-submit + .msg")
    await in_viewport_with_role(refused, "alert")
    await expect(refused).to_have_text("El PIN no puede ser una secuencia ni repetir un mismo dígito.")
    await page.fill("[name=pin]", "2580")
    await page.click("#pin-submit")
    saved = page.locator("#pin-submit + .msg")
    await in_viewport_with_role(saved, "status")
    await expect(saved).to_have_text("PIN guardado.")
    await assert_settled(page)
    assert (await models.Account.get(id=account.id)).pin_hash is not None


async def test_ending_another_session(page, factory, client) -> None:
    account = await factory.account(email=HOLDER)
    await client.sign_in(account.client_number)  # another device
    await sign_in(page, account.client_number)
    await open_screen(page, "security")
    sessions = page.locator(".session")
    await expect(sessions).to_have_count(2)
    await expect(sessions.filter(has_text="Esta sesión")).to_contain_text("Chrome en Linux")
    other = sessions.filter(has=page.locator(".session-close"))
    await expect(other).to_contain_text("127.0.0.1")
    await assert_settled(page)
    await other.locator(".session-close").click()
    closed = page.locator("#sessions-title + .msg")
    await in_viewport_with_role(closed, "status")
    await expect(closed).to_have_text("Sesión cerrada.")
    await expect(sessions).to_have_count(1)
    assert (await client.data("{ viewer { permissions } }"))["viewer"] is None
    await assert_settled(page)


@pytest.mark.parametrize("person", ["holder", "contact"])
async def test_a_token_is_created_shown_once_and_revoked(page, viewport, factory, clock, person) -> None:
    account = await factory.account(email=HOLDER)
    await factory.contact(account, CONTACT, permissions=["SECURITY", "SERVICES", "MAIL"])
    await page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    await sign_in(page, account.client_number if person == "holder" else CONTACT)
    await open_screen(page, "tokens")
    choices = page.locator("[name=permissions]")
    await expect(choices).to_have_count(6 if person == "holder" else 3)  # only what the person holds
    await expect(page.locator("#tokens")).to_contain_text("Servicios: ver los servicios y su estado")
    await assert_settled(page)

    clock.advance(timedelta(minutes=10))  # long after signing in: creating one asks for the password again
    await page.fill("[name=name]", "Facturación")
    await page.check("[name=permissions][value=SERVICES]")
    await page.check("[name=permissions][value=MAIL]")
    await page.fill("[name=expiresOn]", "2026-12-31")
    await page.click("#token-create")
    await page.fill("#step-up [name=password]", PASSWORD)
    await page.click("#step-up-confirm")
    secret_box = page.locator("#token-secret")
    await expect(secret_box).to_contain_text("es la única vez que se muestra")
    secret = await page.locator("#token-value").input_value()
    assert secret.startswith("cpk_")
    await in_viewport_with_role(page.locator("#token-create + .msg"), "status")
    token = await models.ApiToken.get(account_id=account.id)
    assert token.permissions == ["MAIL", "SERVICES"]
    assert token.expires_at is not None
    await expect(page.locator(".token").first).to_contain_text("Servicios, Emails")
    await page.click(".token-copy")
    await in_viewport_with_role(page.locator(".token-copy + .msg"), "status")
    assert await page.evaluate("navigator.clipboard.readText()") == secret
    await assert_settled(page)
    await shot(page, f"tokens-secret-{person}-{viewport}")

    await page.goto("/#home")
    await open_screen(page, "tokens")
    await expect(page.locator(".token")).to_have_count(1)
    await expect(page.locator("#token-secret")).to_have_count(0)  # once only
    assert secret not in await page.content()

    await page.click(".token-revoke")
    await expect(page.locator(".revoke-question")).to_contain_text("¿Revocar «Facturación»?")
    await expect(page.locator(".token-revoke-no")).to_be_focused()
    await assert_accessible(page)
    await page.keyboard.press("Enter")  # "No, conservarlo"
    await expect(page.locator(".token-revoke")).to_be_focused()
    await page.click(".token-revoke")
    await page.click(".token-revoke-yes")
    revoked = page.locator("#tokens-title + .msg")
    await in_viewport_with_role(revoked, "status")
    await expect(revoked).to_have_text("Token revocado: ya no da acceso.")
    await expect(page.locator(".token")).to_have_count(0)
    assert (await models.ApiToken.get(id=token.id)).revoked_at is not None
    await assert_settled(page)


async def test_the_invitation_page_judges_with_the_invitees_words_then_signs_in(page, client, factory, smtp_sink):
    token = await invitation_token(client, factory, smtp_sink)
    await page.goto(f"/invitacion?token={token}")
    await expect(page.locator("#password-policy")).to_contain_text("al menos 12 caracteres")
    await assert_settled(page)
    assert await meter(page, OWN_WORDS, "Evite sus propios nombres") == RED
    assert await meter(page, NEW, "Cumple lo pedido.") == GREEN
    await page.fill("[name=confirmPassword]", NEW[:-1])
    await page.click("#invitation-submit")
    await in_viewport_with_role(page.locator("label:has([name=confirmPassword]) + .msg"), "alert")
    await page.fill("[name=confirmPassword]", NEW)
    await page.click("#invitation-submit")
    await expect(page.locator("#signin-button")).to_have_count(0)
    await expect(page.locator("#invitation-submit")).to_have_count(0)
    await expect(page.locator("#menu")).to_be_attached()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/(#.*)?", page.url)
    assert (await models.Contact.get(email=CONTACT)).password_changed_at is not None
    await assert_settled(page)


async def test_an_unknown_invitation_link_says_so_in_spanish(page) -> None:
    await page.goto("/invitacion?token=no-existe")
    await page.fill("[name=newPassword]", NEW)
    await page.fill("[name=confirmPassword]", NEW)
    await page.click("#invitation-submit")
    refused = page.locator("#invitation-submit + .msg")
    await in_viewport_with_role(refused, "alert")
    await expect(refused).to_have_text("El enlace de invitación no es válido o ya fue usado.")
    await assert_accessible(page)
    await assert_fits(page)
