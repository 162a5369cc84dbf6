"""The demo client panel in a real browser (headless Chromium) against a real uvicorn server."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest
from playwright.async_api import Browser, Page, expect

import models
from domain.cancellation_completion import complete_due
from domain.recovery_worker import process_due
from models.enums import PaymentMethod
from settings import PROJECT_DIR
from tests.helpers import PASSWORD, emailed_code, wait_for_mail
from tests.panel import DESKTOP, open_panel, shot, sign_in

HOLDER = "navegador@example.net"


@pytest.fixture
async def page(app, browser: Browser) -> AsyncIterator[Page]:
    async with open_panel(app, browser, DESKTOP) as page:
        yield page


async def test_sign_in_update_cancel_and_watch_live(page, factory, smtp_sink, clock, runtime) -> None:
    account = await factory.account(email=HOLDER)
    service = await factory.service(
        account,
        "Hosting Pyme",
        domain="panelvivo.com.ar",
        payment_method=PaymentMethod.AUTOMATIC_DEBIT,
        next_due_date=date(2026, 3, 25),
    )
    await factory.contact(account, "ana.browser@example.com", permissions=["SERVICES"], email_categories=["SUPPORT"])
    await sign_in(page, account.client_number)
    await expect(page.locator("#holder-name")).to_contain_text("Juan Pérez")
    await shot(page, "holder")

    await page.fill("[name=phone]", "011 4321-5678")
    await page.click("#holder-save")
    await expect(page.locator("#holder-save + [role=status]")).to_have_text("Datos guardados.")
    assert (await models.Holder.get(account_id=account.id)).phone == "+541143215678"

    await page.click("a[href='#services']")
    await page.click(".request-cancel")
    await expect(page.locator("#debit-warning")).to_be_visible()
    await page.fill("[name=reason]", "Mudamos el sitio")
    await page.check("[name=ack]")
    await page.click("#request-submit")
    await expect(page.locator("[data-service] .status")).to_contain_text("Esperando confirmación")
    await shot(page, "services")

    await page.click(".confirm-cancel")
    await page.fill("[name=code]", await emailed_code(smtp_sink, HOLDER))
    await page.click("#confirm-submit")
    await expect(page.locator("[data-service] .status")).to_contain_text("Baja pendiente · Baja programada")

    # Completion happens elsewhere (the worker): the open page learns it over the subscription.
    await models.Cancellation.filter(service_id=service.id).update(complete_after=clock.now())
    assert await complete_due(runtime) == 1
    await expect(page.locator("[data-service] .status")).to_have_text("Dado de baja · Baja completada")
    await expect(page.locator(".withdraw-cancel")).to_have_count(0)
    await shot(page, "services-live")

    await page.click("a[href='#contacts']")
    await expect(page.locator(".contact")).to_contain_text("ana.browser@example.com")
    await page.click("a[href='#mail']")
    await page.fill("[name=search]", "codigo confirmacion")
    await page.click("#mail-search")
    # The search redraws the list: open the first row only once it is a search result.
    await expect(page.locator("tr.mail").first).to_contain_text("Código de confirmación")
    await page.click("[data-open='0']")
    await expect(page.locator("#mail-reader")).to_contain_text("[oculto]")
    await shot(page, "mail")


async def test_security_page_meter_pin_and_sessions(page, factory) -> None:
    account = await factory.account(email=HOLDER)
    await sign_in(page, account.client_number)
    await page.click("a[href='#security']")
    await page.fill("[name=newPassword]", "abc")
    await expect(page.locator("#strength-text")).to_contain_text("(0 de 4)")
    await page.fill("[name=newPassword]", "Correcaminos-Pampa-Norte-4821")
    await expect(page.locator("#strength-text")).to_contain_text("(4 de 4)")
    await shot(page, "security")
    await page.click("#lang")
    await expect(page.locator("a[href='#security']")).to_have_text("Security")
    await page.click("#account-button")
    await page.click("#signout")
    await expect(page.locator("#signin-button")).to_be_visible()


async def test_recover_access_from_the_sign_in_page(page, factory, smtp_sink, runtime) -> None:
    account = await factory.account(email=HOLDER)
    await page.goto("/")
    await page.click("#forgot")
    await page.select_option("[name=method]", "CLIENT_NUMBER")
    await page.fill("[name=value]", account.client_number)
    await page.click("#recover-button")
    await expect(page.locator("#recover-button + [role=status]")).to_contain_text("llegará un email")
    await process_due(runtime)  # the recovery worker's pass: it matches the request and mails the link
    [link_mail] = await wait_for_mail(smtp_sink, HOLDER)
    token = re.search(r"/recuperar\?token=([\w-]+)", link_mail.text).group(1)
    await page.goto(f"/recuperar?token={token}")
    await expect(page.locator("#flash")).to_contain_text("clave nueva")
    new_mail = (await wait_for_mail(smtp_sink, HOLDER, count=2))[1]
    password = re.search(r"Clave temporal: (\S+)", new_mail.text).group(1)
    await sign_in(page, account.client_number, password)
    await expect(page.locator("#flash")).to_contain_text("Debe elegir una clave nueva")
    await page.fill("[name=currentPassword]", password)
    await page.fill("[name=newPassword]", "Yerba-Guayaba-Cordillera-88")
    await page.fill("[name=confirmPassword]", "Yerba-Guayaba-Cordillera-88")
    await page.click("#password-submit")
    await expect(page.locator("#holder-name")).to_contain_text("Juan Pérez")
    await shot(page, "recovered")


def test_the_readme_pictures_exist() -> None:
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r"(docs/panel-[\w-]+\.png)", readme)
    assert pictures
    assert [p for p in pictures if not (PROJECT_DIR / p).exists()] == []


async def test_sensitive_changes_long_after_sign_in_ask_for_the_password_again(page, factory, smtp_sink, clock) -> None:
    """Step-up in the panel: the PIN form re-proves identity with the password it already asks for;
    a new primary email asks for it in a dialog, then a link goes to the new address."""
    account = await factory.account(email=HOLDER)
    await sign_in(page, account.client_number)
    await expect(page.locator("#account-button")).to_be_visible()
    clock.advance(timedelta(minutes=10))
    await page.click("a[href='#security']")
    await page.fill("#pin-submit >> xpath=.. >> [name=currentPassword]", PASSWORD)
    await page.fill("[name=pin]", "2580")
    await page.click("#pin-submit")
    await expect(page.locator("#pin-submit + [role=status]")).to_have_text("PIN guardado.")
    assert (await models.Account.get(id=account.id)).pin_hash is not None

    clock.advance(timedelta(minutes=10))
    await page.click("a[href='#holder']")
    await page.fill("[name=email]", "nuevo.titular@example.net")
    await page.click("#holder-save")
    dialog = page.get_by_role("dialog")
    await expect(dialog).to_contain_text("confirme su clave actual")
    await dialog.get_by_label("Clave actual").fill(PASSWORD)
    await dialog.get_by_role("button", name="Confirmar").click()
    await expect(page.locator("#holder-save + [role=status]")).to_contain_text("nuevo.titular@example.net")
    assert (await models.Holder.get(account_id=account.id)).email == HOLDER
    await wait_for_mail(smtp_sink, "nuevo.titular@example.net")
