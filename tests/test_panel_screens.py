"""The panel never dead-ends and answers where the person acted: Chromium at 1366x768 against a real uvicorn
server, real GraphQL and the real SMTP sink.

- A contact with no permission, or with any single one, signs in and lands on a screen saying what they may
  do; every screen the menu offers works, with no FORBIDDEN, English refusal or raw code on it.
- A forced password change continues into the panel.
- A success (role status) and an error (role alert) appear next to the form or button, in the viewport, in
  different colours; a new action clears the old message; confirming and withdrawing a cancellation say so.
- "Ver Mensaje" shows the message in the viewport, beside the list (seed 004).
- Signed out, the menu is hidden.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest
from playwright.async_api import Browser, Page, expect
from tortoise.transactions import in_transaction

import models
from core.mail import queue_mail
from models.enums import EmailCategory, Permission
from tests.helpers import PASSWORD, emailed_code
from tests.panel import DESKTOP, assert_clean, in_viewport_with_role, open_panel, sign_in

HOLDER = "pantallas@example.net"
CONTACT = "colaboradora@example.com"
# Each menu link and an element its screen always shows once loaded.
SCREENS = {
    "#home": "#may-list",
    "#holder": "#holder-name",
    "#services": "[data-service]",
    "#contacts": ".contact",
    "#mail": "#mail-search",
    "#security": "#sessions-title",
    "#tokens": "#tokens",
}
NEEDS = {"#holder": "PROFILE", "#services": "SERVICES", "#contacts": "CONTACTS", "#tokens": "SECURITY"}


@pytest.fixture
async def page(app, browser: Browser) -> AsyncIterator[Page]:
    async with open_panel(app, browser, DESKTOP) as page:
        yield page


async def mail_to(runtime, account: models.Account, **values: str) -> None:
    async with in_transaction():
        await queue_mail(
            runtime, account_id=account.id, template="email_changed", category=EmailCategory.GENERAL, values=values
        )


@pytest.mark.parametrize("permission", [None, *Permission], ids=lambda p: p or "none")
async def test_a_contact_with_no_or_one_permission_lands_on_a_working_screen(page, factory, permission) -> None:
    account = await factory.account(email=HOLDER)
    await factory.service(account, "Hosting Pyme", domain="pantallas.com.ar")
    await factory.contact(
        account, "otro@example.com", permissions=["SERVICES"], email_categories=["GENERAL", "SUPPORT"]
    )
    granted = [permission] if permission else []
    await factory.contact(account, CONTACT, permissions=granted, email_categories=["GENERAL"])

    await sign_in(page, CONTACT)
    landing = "#holder-name" if permission == "PROFILE" else "#may-list"
    await expect(page.locator(landing)).to_be_visible()
    await expect(page.locator("#signin-button")).to_have_count(0)
    await expect(page.locator("#menu")).to_be_visible()
    if permission != "PROFILE":
        # What they may do, always including their password and sessions; what the holder could grant them.
        await expect(page.locator("#may-list")).to_contain_text("Cambiar su clave")
    await assert_clean(page)

    offered = [href for href in SCREENS if NEEDS.get(href) in (None, permission)]
    for href in SCREENS:
        await expect(page.locator(f"#menu a[href='{href}']")).to_be_visible(visible=href in offered)
    for href in offered:
        await page.click(f"#menu a[href='{href}']")
        await expect(page.locator(SCREENS[href]).first).to_be_visible()
        await expect(page.locator(f"#menu a[href='{href}']")).to_have_attribute("aria-current", "page")
        await assert_clean(page)
    if permission == "SERVICES":  # seeing is not acting: no cancellation button, and why
        await page.click("#menu a[href='#services']")
        await expect(page.locator("#manage-needed")).to_be_visible()
        await expect(page.locator(".request-cancel")).to_have_count(0)


async def test_a_forced_password_change_continues_into_the_panel(page, factory) -> None:
    account = await factory.account(email=HOLDER)
    contact = await factory.contact(account, CONTACT, permissions=["MAIL"])
    await models.Contact.filter(id=contact.id).update(must_change_password=True)
    await sign_in(page, CONTACT)
    await expect(page.locator("#flash [role=status]")).to_contain_text("Debe elegir una clave nueva")
    await expect(page.locator("#menu")).to_be_hidden()
    await page.fill("[name=currentPassword]", PASSWORD)
    await page.fill("[name=newPassword]", "Yerba-Guayaba-Cordillera-88")
    await page.fill("[name=confirmPassword]", "Yerba-Guayaba-Cordillera-88")
    await page.click("#password-submit")
    await expect(page.locator("#may-list")).to_be_visible()
    await in_viewport_with_role(page.locator("#flash .msg"), "status")
    await expect(page.locator("#flash")).to_have_text("Clave cambiada.")
    await assert_clean(page)


async def test_password_and_pin_answer_next_to_the_form_errors_look_different(page, factory) -> None:
    account = await factory.account(email=HOLDER)
    await sign_in(page, account.client_number)
    await page.click("#menu a[href='#security']")

    await page.fill("#password-submit >> xpath=.. >> [name=currentPassword]", "no-es-la-clave")
    await page.fill("[name=newPassword]", "Yerba-Guayaba-Cordillera-88")
    await page.fill("[name=confirmPassword]", "Yerba-Guayaba-Cordillera-88")
    await page.click("#password-submit")
    error = page.locator("#password-submit + .msg")
    error_colour = await in_viewport_with_role(error, "alert")

    await page.fill("#pin-submit >> xpath=.. >> [name=currentPassword]", PASSWORD)
    await page.fill("[name=pin]", "2580")
    await page.click("#pin-submit")
    success = page.locator("#pin-submit + .msg")
    success_colour = await in_viewport_with_role(success, "status")
    await expect(success).to_have_text("PIN guardado.")
    assert error_colour != success_colour
    await expect(page.get_by_role("alert")).to_have_count(0)  # the new action cleared the old error

    await page.fill("#password-submit >> xpath=.. >> [name=currentPassword]", PASSWORD)
    await page.fill("[name=newPassword]", "Yerba-Guayaba-Cordillera-88")
    await page.fill("[name=confirmPassword]", "Yerba-Guayaba-Cordillera-88")
    await page.click("#password-submit")
    changed = page.locator("#password-submit + .msg")
    await in_viewport_with_role(changed, "status")
    await expect(changed).to_have_text("Clave cambiada.")
    await expect(page.locator(".msg")).to_have_count(1)


async def test_cancellation_answers_in_the_service_row_and_confirming_and_withdrawing_say_so(
    page, factory, smtp_sink
) -> None:
    account = await factory.account(email=HOLDER)
    for n in range(11):
        await factory.service(account, f"Hosting {n}", domain=f"sitio{n}.com.ar", next_due_date=date(2026, 5, 25))
    last = await factory.service(account, "Hosting Final", domain="ultimo.com.ar", next_due_date=date(2026, 5, 25))
    await sign_in(page, account.client_number)
    await page.click("#menu a[href='#services']")
    row = page.locator("[data-service]", has_text="ultimo.com.ar")
    await row.locator(".request-cancel").click()
    await page.fill("[name=reason]", "Cerramos el local")
    await page.check("[name=ack]")
    await page.click("#request-submit")
    requested = row.locator(".msg")
    await in_viewport_with_role(requested, "status")
    await expect(requested).to_contain_text("Le enviamos un código por email.")

    await row.locator(".confirm-cancel").click()
    await page.fill("[name=code]", "000000")
    await page.click("#confirm-submit")
    wrong = page.locator("#confirm-submit + .msg")
    await in_viewport_with_role(wrong, "alert")

    await page.fill("[name=code]", await emailed_code(smtp_sink, HOLDER))
    await page.click("#confirm-submit")
    await expect(row.locator(".status")).to_contain_text("Baja programada")
    confirmed = row.locator(".msg")
    await in_viewport_with_role(confirmed, "status")
    await expect(confirmed).to_contain_text("Baja confirmada")
    await expect(page.get_by_role("alert")).to_have_count(0)  # no "wrong code" left contradicting the screen

    await row.locator(".withdraw-cancel").click()
    withdrawn = row.locator(".msg")
    await in_viewport_with_role(withdrawn, "status")
    await expect(withdrawn).to_contain_text("Solicitud de baja retirada")
    await expect(row.locator(".status")).to_contain_text("Solicitud retirada")
    await expect(page.locator(".msg")).to_have_count(1)
    assert (await models.Cancellation.get(service_id=last.id)).status == "WITHDRAWN"

    await page.click("#menu a[href='#home']")  # another screen: the messages go
    await expect(page.locator(".msg")).to_have_count(0)


async def test_ver_mensaje_shows_the_message_in_view_beside_the_list(page, factory, runtime) -> None:
    account = await factory.account(email=HOLDER)
    for n in range(25):
        await mail_to(runtime, account, old_email=f"vieja{n}@example.com", new_email=f"nueva{n}@example.com")
    await sign_in(page, account.client_number)
    await page.click("#menu a[href='#mail']")
    last = page.locator("tr.mail").last
    await last.locator("button").scroll_into_view_if_needed()
    await last.locator("button").click()
    reader = page.locator("#mail-reader")
    await expect(reader).to_contain_text("vieja0@example.com")
    await expect(reader).to_be_in_viewport()
    await expect(page.locator("#mail-subject")).to_be_in_viewport()
    panel_box = await page.locator("#mail-panel").bounding_box()
    list_box = await page.locator("tr.mail").first.bounding_box()
    assert panel_box is not None
    assert list_box is not None
    assert panel_box["x"] > list_box["x"]  # beside the list, not below it


async def test_the_menu_is_hidden_while_signed_out(page) -> None:
    await page.goto("/")
    await expect(page.locator("#signin-button")).to_be_visible()
    await expect(page.locator("#menu")).to_be_hidden()
    await expect(page.locator("#signout")).to_be_hidden()
    await page.click("#forgot")
    await expect(page.locator("#recover-button")).to_be_visible()
    await expect(page.locator("#menu")).to_be_hidden()
