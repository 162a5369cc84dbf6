"""The panel's shell (issue 21 items 4, 9 and 10; seeds 000, 001 and 004), in Chromium against a real uvicorn server
with real GraphQL and the real SMTP sink, in Spanish:

- the person's name top right with the account menu hanging from it, by mouse and by keyboard, its items only when
  permitted; the sections in the left menu, collapsed behind "Menú" on a phone; nothing overflows sideways at 375 px;
- the Content-Security-Policy on the panel and its files (and no violation while it is used);
- the step-up password asked in an in-page dialog (cancel, a wrong password said inside it, then the change);
- the language switch saved as the person's preference, which a later sign-in on a fresh browser follows; top-level
  API messages in the language the request asks for;
- access recovery by a domain typed as customers type it ("www.", a URL, a trailing dot), answered in neutral words.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from playwright.async_api import Browser, Page, expect

import models
import schema.account
from core.http import panel_policy
from domain.recovery_worker import process_due
from tests.helpers import PASSWORD, emailed_token, wait_for_mail
from tests.panel import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_clean,
    assert_settled,
    in_viewport_with_role,
    open_panel,
    sign_in,
)

HOLDER = "titular.shell@example.net"
CONTACT = "contacto.shell@example.com"
RECOVERY = "mutation($i: AccessRecoveryRequestInput!) { accessRecoveryRequest(input: $i) { errors { code message } } }"


@pytest.fixture
async def desktop(app, browser: Browser) -> AsyncIterator[Page]:
    async with open_panel(app, browser, DESKTOP) as page:
        yield page


@pytest.fixture
async def phone(app, browser: Browser) -> AsyncIterator[Page]:
    async with open_panel(app, browser, PHONE) as page:
        yield page


async def signed_in(page: Page, login: str) -> None:
    await sign_in(page, login)
    await expect(page.locator("#account-button")).to_be_visible()


# The account menu and the left menu


async def test_the_account_menu_hangs_from_the_name_by_mouse_and_keyboard(desktop, factory) -> None:
    page = desktop
    account = await factory.account(email=HOLDER)
    await factory.contact(account, CONTACT, first_name="Lucía", last_name="Sosa", permissions=[])
    await signed_in(page, account.client_number)
    button = page.locator("#account-button")
    await expect(button).to_have_text("Juan Pérez")
    await expect(button).to_have_attribute("aria-expanded", "false")
    await expect(page.locator("#account-menu")).to_be_hidden()
    # The sections are in the left menu, always shown on a wide screen.
    menu = page.locator("#menu")
    await expect(menu.get_by_role("link")).to_have_text(
        [
            "Inicio",
            "Datos del titular",
            "Servicios",
            "Contactos",
            "Emails Recibidos",
            "Seguridad",
            "Acceso para integraciones",
        ]
    )
    menu_box, view_box = await menu.bounding_box(), await page.locator("#view").bounding_box()
    assert menu_box is not None
    assert view_box is not None
    assert menu_box["x"] < view_box["x"]  # on the left of the screen

    await button.click()
    await expect(button).to_have_attribute("aria-expanded", "true")
    items = page.locator("#account-menu li")
    await expect(items).to_have_text(
        ["Editar detalles de la cuenta", "Contactos/Sub-cuentas", "Cambiar Contraseña", "Emails Recibidos", "Salir"]
    )
    await assert_settled(page)
    await page.locator("#account-menu").get_by_role("link", name="Contactos/Sub-cuentas").click()
    await expect(page.locator("#account-menu")).to_be_hidden()  # a choice closes it
    await expect(button).to_have_attribute("aria-expanded", "false")
    await expect(page.locator("#menu a[href='#contacts']")).to_have_attribute("aria-current", "page")

    # By keyboard: Enter opens, Tab walks the items, Escape closes and gives the focus back; Enter follows an item.
    await button.focus()
    await page.keyboard.press("Enter")
    await expect(button).to_have_attribute("aria-expanded", "true")
    await page.keyboard.press("Tab")
    await expect(page.locator("#account-menu a").first).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(page.locator("#account-menu")).to_be_hidden()
    await expect(button).to_be_focused()
    await page.keyboard.press("Enter")
    for _ in range(3):
        await page.keyboard.press("Tab")
    await expect(page.locator("#account-menu a[href='#security']")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.locator("#password-submit")).to_be_visible()
    await expect(page.locator("#account-menu")).to_be_hidden()
    # A click elsewhere closes it too.
    await button.click()
    await page.locator("#view").click(position={"x": 5, "y": 5})
    await expect(page.locator("#account-menu")).to_be_hidden()

    await button.click()
    await page.click("#signout")
    await expect(page.locator("#signin-button")).to_be_visible()
    await expect(page.locator("#account")).to_be_hidden()
    await expect(page.locator("#sidebar")).to_be_hidden()

    # A contact with no permission: their own name, and only what they may open.
    await signed_in(page, CONTACT)
    await expect(button).to_have_text("Lucía Sosa")
    await button.click()
    await expect(items).to_have_text(["Cambiar Contraseña", "Emails Recibidos", "Salir"])
    await expect(page.locator("#menu").get_by_role("link")).to_have_text(["Inicio", "Emails Recibidos", "Seguridad"])
    await assert_settled(page)


async def test_on_a_phone_the_left_menu_opens_behind_a_button_and_nothing_overflows(phone, factory) -> None:
    page = phone
    account = await factory.account(email=HOLDER)
    await page.goto("/")
    await expect(page.locator("#signin-button")).to_be_visible()
    await expect(page.locator("#menu-toggle")).to_be_hidden()  # no menu while signed out
    await page.keyboard.press("Tab")  # the keyboard's first stop skips to the content
    await expect(page.locator("#skip")).to_be_focused()
    await expect(page.locator("#skip")).to_be_in_viewport()
    await page.keyboard.press("Enter")
    await expect(page.locator("#content")).to_be_focused()
    await assert_settled(page)
    await page.click("#forgot")
    await expect(page.locator("#recover-button")).to_be_visible()
    await assert_settled(page)

    await signed_in(page, account.client_number)
    toggle = page.locator("#menu-toggle")
    await expect(toggle).to_have_text("Menú")
    await expect(toggle).to_have_attribute("aria-expanded", "false")
    await expect(page.locator("#menu")).to_be_hidden()
    await assert_settled(page)
    await toggle.click()
    await expect(toggle).to_have_attribute("aria-expanded", "true")
    await expect(page.locator("#menu")).to_be_visible()
    await assert_settled(page)
    await page.click("#menu a[href='#home']")
    await expect(page.locator("#may-list")).to_be_visible()
    await expect(page.locator("#menu")).to_be_hidden()  # a choice closes it
    await expect(toggle).to_have_attribute("aria-expanded", "false")
    await expect(page.locator("#keep-current")).to_contain_text("no se responsabiliza")
    await assert_settled(page)
    # Escape closes it and the focus goes back to "Menú".
    await toggle.click()
    await page.locator("#menu a").first.focus()
    await page.keyboard.press("Escape")
    await expect(page.locator("#menu")).to_be_hidden()
    await expect(toggle).to_be_focused()
    await page.click("#account-button")
    await expect(page.locator("#account-menu")).to_be_visible()
    await assert_settled(page)


# Content-Security-Policy


async def test_the_panel_and_its_files_carry_the_content_security_policy(client) -> None:
    policy = panel_policy()
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    for path in ("/", "/recuperar", "/invitacion", "/static/panel.js", "/static/panel.css", "/static/lib/api.js"):
        response = await client.http.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-security-policy"] == policy, path
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
    graphiql = await client.http.get("/graphql", headers={"accept": "text/html"})
    assert "'nonce-" in graphiql.headers["content-security-policy"]  # GraphiQL keeps its own


def test_a_logo_on_another_host_is_allowed_as_an_image_and_nothing_else() -> None:
    from app import logo_origins

    assert logo_origins("/static/brand/logo.svg") == []
    assert logo_origins(None) == []
    policy = panel_policy(logo_origins("https://cdn.proveedor.example/logo.png?v=2"))
    assert "img-src 'self' data: https://cdn.proveedor.example;" in policy
    assert policy.count("cdn.proveedor.example") == 1


# The step-up dialog, and a session that ends while the page is open


async def test_a_sensitive_change_long_after_sign_in_asks_for_the_password_in_a_dialog(
    desktop, factory, clock, smtp_sink
) -> None:
    page = desktop
    account = await factory.account(email=HOLDER)
    await signed_in(page, account.client_number)
    await expect(page.locator("#holder-save")).to_be_visible()
    clock.advance(timedelta(minutes=6))  # the sign-in no longer proves who is there (STEP_UP_MINUTES is 5)
    await page.fill("[name=email]", "nuevo.shell@example.net")
    await page.click("#holder-save")
    dialog = page.get_by_role("dialog", name="Confirme su clave")
    await expect(dialog).to_be_visible()
    password = dialog.get_by_label("Clave actual")
    await expect(password).to_be_focused()
    await assert_accessible(page)
    await page.keyboard.press("Escape")  # cancels: nothing changes, and the screen says so next to the button
    await expect(dialog).to_have_count(0)
    await expect(page.locator("#holder-save")).to_be_focused()
    cancelled = page.locator("#holder-save + .msg")
    await in_viewport_with_role(cancelled, "alert")
    await expect(cancelled).to_contain_text("No se hizo el cambio")

    await page.click("#holder-save")
    await dialog.get_by_label("Clave actual").fill("no-es-la-clave")
    await dialog.get_by_role("button", name="Confirmar").click()
    wrong = dialog.get_by_role("alert")
    await expect(wrong).to_contain_text("La clave actual no es correcta")
    await expect(dialog).to_be_visible()
    await assert_accessible(page)
    await dialog.get_by_label("Clave actual").fill(PASSWORD)
    await page.keyboard.press("Enter")
    await expect(dialog).to_have_count(0)
    saved = page.locator("#holder-save + .msg")
    await in_viewport_with_role(saved, "status")
    await expect(saved).to_contain_text("nuevo.shell@example.net")
    await wait_for_mail(smtp_sink, "nuevo.shell@example.net")
    await assert_clean(page)

    # The session ends while the page is open: the next action leads to the sign-in form, which says why.
    clock.advance(timedelta(minutes=61))  # SESSION_IDLE_MINUTES is 60
    await page.click("#holder-save")
    await expect(page.locator("#signin-button")).to_be_visible()
    ended = page.locator("#flash .msg")
    await in_viewport_with_role(ended, "status")
    await expect(ended).to_have_text("Su sesión terminó. Ingrese de nuevo para continuar.")
    await expect(page.locator("#account")).to_be_hidden()


# Language


async def test_the_language_switch_is_saved_and_a_later_sign_in_follows_it(desktop, factory) -> None:
    page = desktop
    account = await factory.account(email=HOLDER)
    await factory.contact(account, CONTACT, permissions=[])
    await signed_in(page, account.client_number)
    await page.click("#lang")
    await expect(page.locator("#menu a[href='#home']")).to_have_text("Home")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.locator("#lang")).to_have_text("Español")
    assert (await models.Holder.get(account_id=account.id)).language == "EN"

    # Another browser (no choice stored on it): the holder's preference sets the language at sign-in.
    await page.context.clear_cookies()
    await page.evaluate("localStorage.clear()")
    await page.goto("/")
    await expect(page.locator("#signin-button")).to_have_text("Ingresar")
    await signed_in(page, account.client_number)
    await expect(page.locator("#menu a[href='#home']")).to_have_text("Home")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await page.click("#account-button")
    await page.click("#signout")
    await expect(page.locator("#signin-button")).to_have_text("Ingresar")  # signed out: Spanish again

    # A contact's own preference, which is theirs alone.
    await signed_in(page, CONTACT)
    await expect(page.locator("#menu a[href='#home']")).to_have_text("Inicio")
    await page.click("#lang")
    await expect(page.locator("#menu a[href='#home']")).to_have_text("Home")
    assert (await models.Contact.get(email=CONTACT)).language == "EN"
    await assert_accessible(page)


SIGN_OUT = "mutation { signOut { errors { code } } }"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ({"accept-language": "es-AR,es;q=0.9"}, "Primero ingrese al panel: su sesión no está abierta."),
        ({"accept-language": "en-US,en;q=0.9"}, "Sign in first."),
        ({}, "Sign in first."),
    ],
)
async def test_top_level_messages_follow_the_language_the_request_asks_for(client, header, expected) -> None:
    body = await client(SIGN_OUT, headers=header)
    [error] = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["message"] == expected


async def test_masked_and_refused_requests_speak_the_request_language_too(client, factory, monkeypatch) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("SELECT secret FROM somewhere")

    monkeypatch.setattr(schema.account.Account, "of", broken)  # a query reuses the row authentication read
    spanish = {"accept-language": "es"}
    [error] = (await client("{ viewer { account { clientNumber } } }", headers=spanish))["errors"]
    assert error["message"] == f"Error inesperado. (id {error['extensions']['errorId']})"
    monkeypatch.undo()
    too_large = await client.http.post("/graphql", content=b" " * 200_000, headers=spanish)
    assert too_large.status_code == 413
    assert too_large.json()["errors"][0]["message"].startswith("El pedido supera")


# Access recovery (seed 001)


@pytest.mark.parametrize("typed", ["www.dominio-shell.com.ar", "http://dominio-shell.com.ar/", "DOMINIO-SHELL.COM.AR."])
async def test_recovery_finds_the_domain_as_customers_type_it(client, factory, runtime, smtp_sink, typed) -> None:
    account = await factory.account(email=HOLDER)
    await factory.service(account, domain="dominio-shell.com.ar")
    answer = await client.data(RECOVERY, {"i": {"method": "DOMAIN", "value": typed}})
    assert answer == {"accessRecoveryRequest": {"errors": []}}
    await process_due(runtime)
    assert await emailed_token(smtp_sink, HOLDER, "/recuperar")


async def test_an_unknown_domain_gets_the_same_answer_and_no_mail(client, factory, runtime) -> None:
    account = await factory.account(email=HOLDER)
    await factory.service(account, domain="dominio-shell.com.ar")
    answer = await client.data(RECOVERY, {"i": {"method": "DOMAIN", "value": "www.dominio-shell"}})
    assert answer == {"accessRecoveryRequest": {"errors": []}}
    await process_due(runtime)
    assert await models.OutboxMessage.all().count() == 0


async def test_recovery_by_www_domain_in_the_panel_mails_the_link_and_says_so_neutrally(
    phone, factory, runtime, smtp_sink
) -> None:
    page = phone
    account = await factory.account(email=HOLDER)
    await factory.service(account, domain="dominio-shell.com.ar")
    await page.goto("/")
    await page.get_by_role("link", name="¿Olvidó su número de cliente o clave? Haga clic aquí").click()
    methods = page.get_by_label("Dato de validación")
    await expect(methods.locator("option")).to_have_text(
        ["Nombre de dominio", "Número de cliente", "Dirección de email primaria"]
    )
    await page.get_by_role("textbox", name="Nombre de dominio").fill("www.dominio-shell.com.ar")
    await page.click("#recover-button")
    answer = page.locator("#recover-button + .msg")
    await in_viewport_with_role(answer, "status")
    await expect(answer).to_contain_text("Si el dato corresponde a una cuenta")
    await expect(answer).not_to_contain_text("le enviamos")
    await assert_settled(page)
    await process_due(runtime)
    [mail] = await wait_for_mail(smtp_sink, HOLDER)
    assert "/recuperar?token=" in mail.text
