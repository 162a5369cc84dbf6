"""'Contactos/Sub-cuentas' (seed 004 5.1) in Chromium, in Spanish, at 1366x768 and 375x812, against a real server
and the real SMTP sink.

- The holder adds a contact (a bad email is refused next to its field, with the summary next to "Guardar
  Cambios"), the invitation arrives, is resent, and the invitee follows the newest link and chooses a password;
  the holder changes permissions and email categories, turns the access off, and deletes the contact after
  confirming (Escape keeps it; the confirmation works from the keyboard).
- A contact with CONTACTS sees every contact but edits only those whose permissions they hold, can only give
  permissions they hold (the others disabled, saying why), and is offered nothing that would end or narrow their
  own access.
- Giving a permission long after signing in asks for the password in the page's dialog; taking one away does not.
- Every state passes axe-core, shows no raw code or refusal, and fits a phone without sideways scrolling.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from playwright.async_api import Browser, Locator, Page, expect
from tortoise.expressions import F

import models
from tests.conftest import BROWSER_PORT
from tests.helpers import PASSWORD, emailed_token
from tests.panel import (
    DESKTOP,
    VIEWPORTS,
    assert_accessible,
    assert_clean,
    assert_settled,
    in_viewport_with_role,
    open_panel,
    sign_in,
)

HOLDER = "agenda@example.net"
INVITEE = "lucia.fernandez@example.com"
NEW_PASSWORD = "Mburucuya-Tereré-Ushuaia-57"


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
async def page(request, app, browser: Browser) -> AsyncIterator[Page]:
    async with open_panel(app, browser, VIEWPORTS[request.param]) as page:
        yield page


async def open_contacts(page: Page, login: str) -> None:
    await sign_in(page, login)
    await expect(page.locator("#signin-button")).to_have_count(0)
    await page.evaluate("location.hash = '#contacts'")
    await expect(page.locator("#contacts-title")).to_be_visible()


def row(page: Page, email: str) -> Locator:
    return page.locator("tr.contact", has_text=email)


async def edit(page: Page, email: str) -> None:
    await row(page, email).locator(".contact-edit").click()
    await expect(page.locator("#contact-editor-title")).to_be_focused()
    await expect(page.locator("#contact-editor-title")).to_be_in_viewport()


async def save_says(page: Page, text: str) -> None:
    await page.click("#contact-save")
    message = page.locator("#contact-save + .msg")
    await in_viewport_with_role(message, "status")
    await expect(message).to_contain_text(text)


async def accept_invitation(browser: Browser, page: Page, token: str) -> None:
    """The invitee, in a window of their own, follows the link and chooses a password (another screen's page)."""
    context = await browser.new_context(base_url=f"http://127.0.0.1:{BROWSER_PORT}", viewport=page.viewport_size)
    try:
        invitee = await context.new_page()
        await invitee.goto(f"/invitacion?token={token}")
        passwords = invitee.locator("#view input[type=password]")
        await expect(passwords.first).to_be_visible()
        for index in range(await passwords.count()):
            await passwords.nth(index).fill(NEW_PASSWORD)
        await invitee.locator("#view form button:not([type=button])").first.click()
        await expect(invitee).to_have_url(re.compile(r"^[^?]*/(#.*)?$"))
        await expect(invitee.locator("#signin-button")).to_have_count(0)
    finally:
        await context.close()


async def test_the_holder_adds_invites_edits_deactivates_and_deletes_a_contact(
    page, browser, factory, smtp_sink
) -> None:
    account = await factory.account(email=HOLDER)
    await factory.contact(account, "ya.estaba@example.com", permissions=["SERVICES"], email_categories=["GENERAL"])
    await open_contacts(page, account.client_number)
    await expect(row(page, "ya.estaba@example.com")).to_contain_text("Servicios")
    await expect(row(page, "ya.estaba@example.com")).to_contain_text("Activo")
    await assert_settled(page)

    await page.click(".contact-add")
    await expect(page.locator("#contact-editor-title")).to_have_text("Agregar contacto")
    await expect(page.locator("#contact-editor-title")).to_be_in_viewport()
    await expect(page.locator("#contact-permissions input:disabled")).to_have_count(0)  # the holder holds them all
    await expect(page.locator("#contact-emailCategories")).to_contain_text("Recordatorios comerciales y promociones.")
    await assert_settled(page)
    await page.fill("#contact-firstName", "Lucía")
    await page.fill("#contact-lastName", "Fernández")
    await page.fill("#contact-companyName", "Fernández Diseño")
    await page.fill("#contact-email", "lucia.fernandez@")
    await page.fill("#contact-phone", "11 5555-1234")
    await page.fill("#contact-street", "Av. Corrientes 1234")
    await page.fill("#contact-neighborhood", "San Nicolás")
    await page.fill("#contact-city", "Buenos Aires")
    await page.fill("#contact-state", "CABA")
    await page.fill("#contact-postalCode", "C1043AAZ")
    await page.select_option("#contact-countryCode", label="Argentina")
    await page.check("#contact-permissions-SERVICES")
    await page.check("#contact-permissions-MAIL")
    await page.check("#contact-emailCategories-GENERAL")
    await page.check("#contact-emailCategories-SUPPORT")

    await page.click("#contact-save")
    summary = page.locator("#contact-save + .msg")
    await in_viewport_with_role(summary, "alert")
    await expect(summary).to_contain_text("Dirección Email")
    email = page.locator("#contact-email")
    await expect(email).to_have_attribute("aria-invalid", "true")
    await expect(email).to_have_attribute("aria-describedby", re.compile(r"\bcontact-email-error\b"))
    await expect(page.locator("#contact-email-error")).to_contain_text("email no es válida")
    await assert_accessible(page)
    assert await models.Contact.filter(account_id=account.id).count() == 1

    await page.fill("#contact-email", INVITEE)
    await save_says(page, "Contacto agregado. Le enviamos a lucia.fernandez@example.com una invitación")
    await expect(page.locator("#contact-email-error")).to_have_count(0)
    await expect(email).not_to_have_attribute("aria-invalid", "true")
    await expect(row(page, INVITEE)).to_contain_text("Invitación pendiente")
    await expect(page.locator("#contact-status")).to_contain_text("Invitación pendiente")
    await assert_settled(page)
    lucia = await models.Contact.get(account_id=account.id, email=INVITEE)
    assert (lucia.phone, lucia.country_code, lucia.postal_code) == ("+541155551234", "AR", "C1043AAZ")
    assert sorted(lucia.permissions) == ["MAIL", "SERVICES"]
    assert sorted(lucia.email_categories) == ["GENERAL", "SUPPORT"]
    first_link = await emailed_token(smtp_sink, INVITEE, "/invitacion")

    await page.click(".contact-resend")
    resent = page.locator(".contact-resend + .msg")
    await in_viewport_with_role(resent, "status")
    await expect(resent).to_contain_text("el enlace anterior ya no sirve")
    await assert_settled(page)
    newest_link = await emailed_token(smtp_sink, INVITEE, "/invitacion", count=2)
    assert newest_link != first_link
    await accept_invitation(browser, page, newest_link)
    assert (await models.Contact.get(id=lucia.id)).password_hash is not None

    await page.evaluate("location.hash = '#home'")
    await page.evaluate("location.hash = '#contacts'")
    await expect(row(page, INVITEE)).to_contain_text("Activo")
    await edit(page, INVITEE)
    await expect(page.locator(".contact-resend")).to_have_count(0)  # nothing pending any more
    await expect(page.locator("#contact-permissions-MAIL")).to_be_checked()
    await page.uncheck("#contact-permissions-MAIL")
    await page.check("#contact-permissions-MANAGE_SERVICES")
    await page.check("#contact-emailCategories-DOMAINS")
    await save_says(page, "Cambios guardados.")
    await expect(row(page, INVITEE)).to_contain_text("Gestionar servicios")
    await assert_settled(page)
    lucia = await models.Contact.get(id=lucia.id)
    assert sorted(lucia.permissions) == ["MANAGE_SERVICES", "SERVICES"]
    assert sorted(lucia.email_categories) == ["DOMAINS", "GENERAL", "SUPPORT"]
    assert lucia.phone == "+541155551234"  # a partial update: what was not touched stays

    await page.uncheck("#contact-active-on")
    await save_says(page, "Cambios guardados.")
    await expect(row(page, INVITEE)).to_contain_text("Inactivo")
    await expect(page.locator("#contact-status")).to_contain_text("Acceso desactivado")
    await assert_settled(page)
    assert not (await models.Contact.get(id=lucia.id)).active

    await page.click(".contact-remove")
    confirm = page.locator("#contact-remove-confirm")
    await expect(confirm).to_contain_text("¿Eliminar a Lucía Fernández?")
    await expect(confirm.locator(".contact-remove-no")).to_be_focused()
    await assert_settled(page)
    await page.keyboard.press("Escape")  # keeps the contact
    await expect(confirm).to_be_hidden()
    await expect(page.locator(".contact-remove")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(confirm.locator(".contact-remove-no")).to_be_focused()
    await page.keyboard.press("Shift+Tab")
    await expect(confirm.locator(".contact-remove-yes")).to_be_focused()
    await page.keyboard.press("Enter")
    removed = page.locator(".contact-add + .msg")
    await in_viewport_with_role(removed, "status")
    await expect(removed).to_have_text("Contacto Lucía Fernández eliminado.")
    await expect(row(page, INVITEE)).to_have_count(0)
    await expect(page.locator("#contact-editor")).to_have_count(0)
    await assert_settled(page)
    assert not await models.Contact.filter(id=lucia.id).exists()


async def test_a_contact_with_contacts_acts_only_within_their_own_permissions(page, factory, smtp_sink) -> None:
    account = await factory.account(email=HOLDER)
    await factory.contact(account, "gestora@example.com", first_name="Marta", permissions=["CONTACTS", "SERVICES"])
    await factory.contact(account, "fuerte@example.com", first_name="Raúl", permissions=["SECURITY", "SERVICES"])
    await factory.contact(account, "debil@example.com", first_name="Pedro", permissions=["SERVICES"])
    await open_contacts(page, "gestora@example.com")

    stronger = row(page, "fuerte@example.com")
    await expect(stronger).to_contain_text("Solo puede editarlo quien tenga también estos permisos: Seguridad")
    await expect(stronger.locator(".contact-edit")).to_have_count(0)
    await expect(row(page, "gestora@example.com")).to_contain_text("(usted)")
    await assert_settled(page)

    await edit(page, "debil@example.com")
    permissions = page.locator("#contact-permissions")
    for held in ("CONTACTS", "SERVICES"):
        await expect(permissions.locator(f"#contact-permissions-{held}")).to_be_enabled()
    for lacked in ("PROFILE", "MANAGE_SERVICES", "MAIL", "SECURITY"):
        await expect(permissions.locator(f"#contact-permissions-{lacked}")).to_be_disabled()
        await expect(page.locator(f"#contact-permissions-{lacked}-hint")).to_contain_text(
            "Solo puede dar los permisos que usted tiene."
        )
    await assert_settled(page)
    await page.check("#contact-permissions-CONTACTS")
    await page.check("#contact-emailCategories-SUPPORT")
    await save_says(page, "Cambios guardados.")
    await assert_settled(page)
    pedro = await models.Contact.get(account_id=account.id, email="debil@example.com")
    assert sorted(pedro.permissions) == ["CONTACTS", "SERVICES"]
    assert pedro.email_categories == ["SUPPORT"]

    await edit(page, "gestora@example.com")  # their own record: nothing that would end or narrow their access
    await expect(page.locator("#contact-active-on")).to_be_disabled()
    await expect(page.locator("#contact-permissions input:enabled")).to_have_count(0)
    await expect(page.locator(".contact-remove")).to_have_count(0)
    await page.fill("#contact-phone", "+52 55 1234 5678")
    await page.fill("#contact-email", "marta.nueva@example.com")
    await save_says(page, "Le enviamos un enlace a marta.nueva@example.com: su email cambiará cuando lo abra.")
    await expect(page.locator("#contact-email")).to_have_value("gestora@example.com")  # until the link is followed
    await assert_settled(page)
    assert (await models.Contact.get(account_id=account.id, email="gestora@example.com")).phone == "+525512345678"
    await emailed_token(smtp_sink, "marta.nueva@example.com", "/confirmar-email")

    await edit(page, "debil@example.com")
    await page.click(".contact-remove")
    await page.click(".contact-remove-yes")
    await expect(page.locator(".contact-add + .msg")).to_have_text("Contacto Pedro Gómez eliminado.")
    await assert_settled(page)
    assert not await models.Contact.filter(email="debil@example.com").exists()


async def test_giving_a_permission_long_after_sign_in_asks_for_the_password_in_the_page(
    app, browser, factory, clock
) -> None:
    account = await factory.account(email=HOLDER)
    pedro = await factory.contact(account, "pedro@example.com", first_name="Pedro", permissions=["SERVICES", "MAIL"])
    async with open_panel(app, browser, DESKTOP) as page:
        await open_contacts(page, account.client_number)
        clock.advance(timedelta(minutes=6))  # the sign-in no longer proves who is there (STEP_UP_MINUTES is 5)
        await edit(page, "pedro@example.com")
        await page.uncheck("#contact-permissions-MAIL")
        await save_says(page, "Cambios guardados.")  # taking a permission away needs no proof
        await expect(page.get_by_role("dialog")).to_have_count(0)

        await page.check("#contact-permissions-SECURITY")
        await page.click("#contact-save")
        dialog = page.get_by_role("dialog")
        await expect(dialog).to_be_visible()
        await assert_accessible(page)
        await dialog.locator("input[type=password]").fill(PASSWORD)
        await page.keyboard.press("Enter")
        await expect(dialog).to_have_count(0)
        saved = page.locator("#contact-save + .msg")
        await in_viewport_with_role(saved, "status")
        await expect(saved).to_have_text("Cambios guardados.")
        await assert_clean(page)
        assert sorted((await models.Contact.get(id=pedro.id)).permissions) == ["SECURITY", "SERVICES"]

        # Someone else saves Pedro meanwhile: this save is refused and "Editar" shows what is stored now.
        await models.Contact.filter(id=pedro.id).update(company_name="Otra Empresa", version=F("version") + 1)
        await page.fill("#contact-companyName", "Mi Empresa")
        await page.click("#contact-save")
        stale = page.locator("#contact-save + .msg")
        await in_viewport_with_role(stale, "alert")
        await expect(stale).to_contain_text("cambió mientras lo editaba")
        await edit(page, "pedro@example.com")
        await expect(page.locator("#contact-companyName")).to_have_value("Otra Empresa")
        await page.fill("#contact-companyName", "Mi Empresa")
        await save_says(page, "Cambios guardados.")
    assert (await models.Contact.get(id=pedro.id)).company_name == "Mi Empresa"
