"""The welcome link's page (/bienvenida) in Chromium at 1366x768 and 375x812, against a real server and the real
SMTP sink: the holder of an account the billing system created follows the emailed link, is told where the client
number is, chooses a password twice with the meter, and lands signed in; the link then no longer works, and the
page says where to go instead. Every settled state passes axe-core, shows no raw code and fits a phone.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect

import models
from tests.helpers import emailed_token
from tests.panel import VIEWPORTS, assert_accessible, assert_fits, assert_settled, in_viewport_with_role, open_panel
from tests.test_welcome import EMAIL, pending_account

NEW_PASSWORD = "Mburucuya-Tereré-Ushuaia-57"


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
async def page(request, app, browser: Browser) -> AsyncIterator[Page]:
    async with open_panel(app, browser, VIEWPORTS[request.param]) as page:
        yield page


async def choose(page: Page, password: str, confirmation: str | None = None) -> None:
    await page.fill("[name=newPassword]", password)
    await page.fill("[name=confirmPassword]", password if confirmation is None else confirmation)
    await page.click("#welcome-submit")


async def test_the_holder_chooses_a_password_and_lands_signed_in(page, factory, runtime, smtp_sink) -> None:
    account = await pending_account(factory, runtime, first_name="Gumersindo", last_name="Quiroga")
    token = await emailed_token(smtp_sink, EMAIL, "/bienvenida")
    await page.goto(f"/bienvenida?token={token}")
    await expect(page.locator("#view h2")).to_have_text("Bienvenido al Panel de Clientes")
    await expect(page.locator("#view")).to_contain_text("Su número de cliente está en el email de bienvenida")
    await expect(page.locator("#password-policy")).to_contain_text("al menos")
    await assert_settled(page)

    await choose(page, NEW_PASSWORD, "Otra-Cosa-Distinta-88")
    mismatch = page.locator(".mismatch")
    await in_viewport_with_role(mismatch, "alert")
    await expect(mismatch).to_contain_text("Las dos claves no coinciden")
    await expect(page.locator("[name=confirmPassword]")).to_be_focused()
    assert (await models.Account.get(id=account.id)).password_hash == ""

    # The meter judges with the holder's own words, which the server finds from the link.
    personal = f"Quiroga-Gumersindo-{account.client_number}"
    await page.fill("[name=newPassword]", personal)
    await expect(page.locator("#strength-text")).to_contain_text("Fortaleza: ")
    await expect(page.locator("#strength-text")).not_to_contain_text("Cumple lo pedido.")
    await choose(page, personal)
    refused = page.locator("#welcome-submit + .msg")
    await in_viewport_with_role(refused, "alert")
    await expect(refused).to_contain_text("clave")
    await assert_accessible(page)
    await assert_fits(page)
    assert (await models.Account.get(id=account.id)).password_hash == ""

    await choose(page, NEW_PASSWORD)
    await expect(page).to_have_url(re.compile(r"^[^?]*/(#.*)?$"))
    await expect(page.locator("#signin-button")).to_have_count(0)
    done = page.locator("#flash .msg")
    await in_viewport_with_role(done, "status")
    await expect(done).to_contain_text(f"Su número de cliente es {account.client_number}")
    await assert_settled(page)
    assert await runtime.secrets.verify_password((await models.Account.get(id=account.id)).password_hash, NEW_PASSWORD)

    # The link worked once: followed again (signed out), it says so and where to go instead.
    await page.context.clear_cookies()
    await page.goto(f"/bienvenida?token={token}")
    await choose(page, "Segunda-Clave-Larga-2214")
    spent = page.locator("#welcome-submit + .msg")
    await in_viewport_with_role(spent, "alert")
    await expect(spent).to_contain_text("ya fue usado o venció")
    await expect(page.locator("#welcome-recover")).to_be_visible()
    await assert_accessible(page)
    await page.click("#welcome-recover")
    await expect(page.locator("#view")).to_contain_text("Recuperar datos de acceso")


async def test_the_page_speaks_english_when_asked(page, factory, runtime, smtp_sink) -> None:
    await pending_account(factory, runtime)
    token = await emailed_token(smtp_sink, EMAIL, "/bienvenida")
    await page.goto(f"/bienvenida?token={token}")
    await expect(page.locator("#view h2")).to_have_text("Bienvenido al Panel de Clientes")
    await page.click("#lang")
    await expect(page.locator("#view h2")).to_have_text("Welcome to the Client Panel")
    await expect(page.locator("#welcome-submit")).to_have_text("Save the password and go in")
    await assert_settled(page)
    await choose(page, NEW_PASSWORD)
    await expect(page.locator("#flash .msg")).to_contain_text("Your client number is")
    await assert_settled(page)
