"""Passkeys in the panel (issue 23), in Chromium against a real uvicorn server with the DevTools virtual authenticator
(a CTAP2 platform authenticator with resident keys and user verification): adding one on the security screen,
signing in with it without typing the client number, using it as the second step after the password and in the
step-up dialog and for a recovery link, renaming and removing it, and as the enrolment a contact under the holder's
rule must make; in Spanish (both viewports) and English."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from playwright.async_api import Browser, Page, expect

import models
from domain.recovery_worker import process_due
from tests.helpers import PASSWORD, emailed_token
from tests.panel import VIEWPORTS, assert_settled, in_viewport_with_role, open_panel, shot, sign_in

HOLDER = "llaves@example.net"


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request) -> str:
    return request.param


async def with_authenticator(page: Page) -> str:
    """A virtual platform authenticator on the page's browser, that verifies the user at once; its id."""
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    added = await cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return added["authenticatorId"]


@pytest.fixture
async def page(app, browser: Browser, viewport: str) -> AsyncIterator[Page]:
    async with open_panel(app, browser, VIEWPORTS[viewport], host="localhost") as page:
        await with_authenticator(page)
        yield page


async def open_security(page: Page) -> None:
    await expect(page.locator("#signin-button")).to_have_count(0)
    await page.goto("/#security")
    await expect(page.locator("#passkeys-title")).to_be_visible()


async def add_passkey(page: Page, name: str) -> None:
    await page.fill(".passkey-add [name=name]", name)
    await page.click("#passkey-add")
    await expect(page.locator(".passkey-name", has_text=name)).to_be_visible()


async def test_the_holder_adds_a_passkey_signs_in_with_it_and_removes_it(
    app, browser, page, viewport, factory, clock
) -> None:
    account = await factory.account(email=HOLDER)
    await sign_in(page, account.client_number)
    await open_security(page)
    await expect(page.locator("#passkeys-title")).to_have_text("Llaves de acceso (passkeys)")
    await expect(page.locator("#no-passkeys")).to_be_visible()
    await assert_settled(page)

    await page.click("#passkey-add")  # no name: nothing is created on the device
    await in_viewport_with_role(page.locator("#passkey-add + .msg"), "alert")
    await expect(page.locator("#passkey-add + .msg")).to_have_text("Escriba un nombre para la llave.")
    await add_passkey(page, "Notebook")
    await in_viewport_with_role(page.locator("#passkeys-title + .msg"), "status")
    await expect(page.locator("#passkeys-title + .msg")).to_have_text(
        "Llave de acceso agregada. Cerramos sus otras sesiones."
    )
    await expect(page.locator(".passkey")).to_contain_text("todavía no se usó")
    await assert_settled(page)
    await shot(page, f"passkeys-{viewport}")
    stored = await models.Passkey.get(account_id=account.id)
    assert stored.name == "Notebook"

    # Without typing the client number.
    await page.context.clear_cookies()
    clock.advance(timedelta(minutes=1))
    await page.goto("/")
    await expect(page.locator(".passkey-signin")).to_have_text("Ingresar con una llave de acceso")
    await assert_settled(page)
    await page.click(".passkey-signin")
    await open_security(page)
    await expect(page.locator(".passkey")).not_to_contain_text("todavía no se usó")
    assert (await models.Passkey.get(id=stored.id)).last_used_at is not None

    # As the second step after the password.
    await page.context.clear_cookies()
    await sign_in(page, account.client_number)
    await expect(page.locator(".second-step-passkey")).to_be_focused()
    await expect(page.locator("#two-step-intro")).to_contain_text("llaves de acceso")
    await assert_settled(page)
    await page.click(".second-step-passkey")
    await open_security(page)

    await page.click(".passkey-rename")
    await page.fill(".passkey-rename-form [name=name]", "Notebook del trabajo")
    await page.click(".passkey-rename-save")
    await expect(page.locator("#passkeys-title + .msg")).to_have_text("Nombre cambiado.")
    await expect(page.locator(".passkey-name")).to_have_text("Notebook del trabajo")

    clock.advance(timedelta(minutes=6))  # step-up is over: the password, then the passkey
    await page.click(".passkey-remove")
    await page.fill("#step-up [name=password]", PASSWORD)
    await page.click("#step-up-confirm")
    await expect(page.locator("#step-up-passkey")).to_be_focused()
    await assert_settled(page)
    await page.click("#step-up-passkey")
    await expect(page.locator("#step-up")).to_have_count(0)
    await expect(page.locator("#passkeys-title + .msg")).to_have_text("Llave de acceso eliminada.")
    await expect(page.locator("#no-passkeys")).to_be_visible()
    assert not await models.Passkey.exists(account_id=account.id)

    await page.context.clear_cookies()  # the device keeps the passkey, but the panel no longer accepts it
    await page.goto("/")
    await page.click(".passkey-signin")
    await in_viewport_with_role(page.locator(".passkey-signin + .msg"), "alert")
    await expect(page.locator(".passkey-signin + .msg")).to_have_text("Número de cliente, email o clave incorrectos.")


async def test_a_contact_adds_one_and_signs_in_with_it_in_english(app, browser, factory, clock) -> None:
    account = await factory.account(email=HOLDER)
    await factory.contact(account, "ana@example.net", permissions=["SECURITY"])
    async with open_panel(app, browser, host="localhost") as page:
        await with_authenticator(page)
        await page.add_init_script("localStorage.setItem('lang', 'en')")
        await sign_in(page, "ana@example.net")
        await open_security(page)
        await expect(page.locator("#passkeys-title")).to_have_text("Passkeys")
        await add_passkey(page, "Phone")
        await expect(page.locator("#passkeys-title + .msg")).to_have_text(
            "Passkey added. We ended your other sessions."
        )
        await assert_settled(page)

        await page.context.clear_cookies()
        clock.advance(timedelta(minutes=1))
        await page.goto("/")
        await page.click(".passkey-signin")
        await open_security(page)
        assert await models.Passkey.filter(contact__email="ana@example.net", last_used_at__isnull=False).exists()

        await page.context.clear_cookies()
        await sign_in(page, "ana@example.net")
        await expect(page.locator("#two-step-intro")).to_have_text(
            "Use one of your passkeys, or type the 6-digit code from your authenticator app if you have one."
        )
        await expect(page.locator(".second-step-passkey")).to_have_text("Use a passkey")
        await assert_settled(page)
        await page.click(".second-step-passkey")
        await open_security(page)


async def test_the_recovery_link_takes_the_passkey(app, browser, client, factory, clock, runtime, smtp_sink) -> None:
    account = await factory.account(email=HOLDER)
    async with open_panel(app, browser, host="localhost") as page:
        await with_authenticator(page)
        await sign_in(page, account.client_number)
        await open_security(page)
        await add_passkey(page, "Notebook")
        await page.context.clear_cookies()
        request = "mutation($i: AccessRecoveryRequestInput!) { accessRecoveryRequest(input: $i) { errors { code } } }"
        await client.data(request, {"i": {"method": "CLIENT_NUMBER", "value": account.client_number}})
        await process_due(runtime)
        token = await emailed_token(smtp_sink, HOLDER, "/recuperar")
        await page.goto(f"/recuperar?token={token}")
        await expect(page.locator(".second-step-passkey")).to_be_focused()
        await assert_settled(page)
        assert not await models.RecoveryRequest.filter(account_id=account.id, used_at__isnull=False).exists()
        await page.click(".second-step-passkey")
        await expect(page.locator("#flash")).to_contain_text(
            "le enviamos por email su número de cliente y una clave nueva"
        )
        assert await models.RecoveryRequest.filter(account_id=account.id, used_at__isnull=False).exists()


async def test_a_contact_under_the_holders_rule_enrols_with_a_passkey_and_reaches_the_panel(
    app, browser, page, viewport, factory
) -> None:
    account = await factory.account(email=HOLDER)
    await factory.contact(account, "ana@example.net", permissions=["SERVICES"])
    await models.Account.filter(id=account.id).update(contacts_need_second_factor=True)
    await sign_in(page, "ana@example.net")
    await expect(page.locator("#enrolment-title")).to_have_text("Active la verificación en dos pasos")
    await expect(page.locator(".enrolment-why")).to_contain_text("o agregue una llave de acceso")
    await expect(page.locator(".totp-start")).to_be_visible()  # either factor will do
    await expect(page.locator("#no-passkeys")).to_be_visible()
    await assert_settled(page)
    await add_passkey(page, "Teléfono")
    await expect(page.locator("#passkeys-title + .msg")).to_have_text(
        "Llave de acceso agregada. Cerramos sus otras sesiones."
    )
    await assert_settled(page)
    assert await models.Passkey.filter(contact__email="ana@example.net").exists()
    await page.click(".enrolment-done")
    await expect(page.locator("#enrolment-title")).to_have_count(0)
    await page.goto("/#services")
    await expect(page.locator("#view h2")).to_have_text("Servicios")  # another screen, now reachable
