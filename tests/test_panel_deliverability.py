"""The panel warns when mail to the person's address is refused (seed 000: notices lost to dead addresses): on
the home screen, with a link to the holder's data, and on the holder screen; a later accepted delivery clears it.
Chromium at 1366x768 and 375x812, against the real SMTP sink made to refuse the address."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect

from models.enums import DeliveryStatus
from tests.helpers import wait_for_mail
from tests.panel import VIEWPORTS, assert_settled, open_panel, sign_in
from tests.test_bounces import notice, settled

DEAD = "titular.muerto@example.org"
HOLDER = "titular.vivo@example.net"
CONTACT = "contacto.muerto@example.org"


@pytest.fixture(params=sorted(VIEWPORTS))
async def page(request, app, browser: Browser) -> AsyncIterator[Page]:
    async with open_panel(app, browser, VIEWPORTS[request.param]) as page:
        yield page


async def test_the_holder_is_warned_until_a_message_reaches_the_address(page, factory, runtime, smtp_sink) -> None:
    account = await factory.account(email=DEAD)
    with smtp_sink.refusing(DEAD):
        await settled(await notice(runtime, account, personal=True), DeliveryStatus.FAILED)
    await sign_in(page, account.client_number)  # the holder lands on their data
    holder_warning = page.locator("#holder-undeliverable")
    await expect(holder_warning).to_contain_text(f"No podemos entregarle correos a {DEAD}")
    await expect(holder_warning).to_contain_text("Actualice su email aquí abajo.")
    await assert_settled(page)
    await page.goto("/#home")
    warning = page.locator("#home-undeliverable")
    await expect(warning).to_contain_text(f"No podemos entregarle correos a {DEAD}")
    await assert_settled(page)
    await warning.get_by_role("link", name="Actualizar el email en Datos del titular").click()
    await expect(holder_warning).to_be_visible()

    await settled(await notice(runtime, account, personal=True), DeliveryStatus.SENT)
    await wait_for_mail(smtp_sink, DEAD)
    await page.reload()
    await expect(page.locator("#holder-form")).to_be_visible()
    await expect(page.locator("#holder-undeliverable")).to_have_count(0)
    await page.goto("/#home")
    await expect(page.locator("#may-list")).to_be_visible()
    await expect(page.locator("#home-undeliverable")).to_have_count(0)


async def test_a_contact_is_told_to_ask_the_holder_and_a_deliverable_holder_sees_nothing(
    page, factory, runtime, smtp_sink
) -> None:
    account = await factory.account(email=HOLDER)
    await factory.contact(account, CONTACT, email_categories=["GENERAL"])
    with smtp_sink.refusing(CONTACT):
        await settled(await notice(runtime, account), DeliveryStatus.SENT)
    await sign_in(page, CONTACT)
    warning = page.locator("#home-undeliverable")
    await expect(warning).to_contain_text(f"No podemos entregarle correos a {CONTACT}")
    await expect(warning).to_contain_text("Pida al titular de la cuenta que actualice su email")
    await expect(warning.get_by_role("link")).to_have_count(0)
    await assert_settled(page)

    await page.context.clear_cookies()
    await sign_in(page, account.client_number)
    await expect(page.locator("#holder-form")).to_be_visible()
    await expect(page.locator("#holder-undeliverable")).to_have_count(0)
    await page.goto("/#home")
    await expect(page.locator("#may-list")).to_be_visible()
    await expect(page.locator("#home-undeliverable")).to_have_count(0)
