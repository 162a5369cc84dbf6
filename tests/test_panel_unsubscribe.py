"""The promotions' unsubscribe page (/baja-avisos) and "Avisos que recibo" in the mail screen, in Chromium at
1366x768 and 375x812 against a real server and the real SMTP sink: opening the emailed link changes nothing, the
button mutes promotions for that address, a forged link says so; the holder mutes and unmutes promotions, the
other categories shown fixed; a contact sees no such section. Every settled state passes axe-core, shows no raw
code and fits a phone.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect

import models
from domain.notices import NoticeRequest, send_notice
from models.enums import EmailCategory
from tests.helpers import wait_for_mail
from tests.panel import VIEWPORTS, assert_accessible, assert_fits, assert_settled, in_viewport_with_role, open_panel
from tests.panel import sign_in as panel_sign_in
from tests.test_mail_preferences import token_of

HOLDER = "titular@example.net"


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
async def page(request, app, browser: Browser) -> AsyncIterator[Page]:
    async with open_panel(app, browser, VIEWPORTS[request.param]) as page:
        yield page


async def promotion(runtime, account: models.Account) -> None:
    request = NoticeRequest(
        reference=f"promo-{account.id}",
        category=EmailCategory.NOTES,
        client_number=account.client_number,
        subject="Hosting al 50%",
        text="Solo este mes.",
    )
    assert (await send_notice(runtime, request)).ok


async def test_the_link_opens_a_page_and_only_its_button_unsubscribes(page, factory, runtime, smtp_sink) -> None:
    account = await factory.account(email=HOLDER)
    await promotion(runtime, account)
    token = token_of((await wait_for_mail(smtp_sink, HOLDER))[0])

    await page.goto(f"/baja-avisos?token={token}")
    await expect(page.locator("#view h2")).to_have_text("Dejar de recibir promociones")
    await expect(page.locator("#view")).to_contain_text("Las facturas, los vencimientos")
    await assert_settled(page)
    assert (await models.Holder.get(account_id=account.id)).muted_categories == [], "opening it changed nothing"

    await page.click(".unsubscribe-submit")
    done = page.locator("#unsubscribe .msg")
    await in_viewport_with_role(done, "status")
    await expect(done).to_contain_text("esa dirección ya no recibe promociones")
    await expect(page).to_have_url(re.compile(r"/baja-avisos$"))
    await assert_settled(page)
    assert (await models.Holder.get(account_id=account.id)).muted_categories == ["NOTES"]


async def test_a_forged_link_says_it_is_not_valid(page, factory, runtime, smtp_sink) -> None:
    account = await factory.account(email=HOLDER)
    await promotion(runtime, account)
    token = token_of((await wait_for_mail(smtp_sink, HOLDER))[0])
    await page.goto(f"/baja-avisos?token={token[:-1]}0")
    await page.click(".unsubscribe-submit")
    refused = page.locator(".unsubscribe-submit + .msg")
    await in_viewport_with_role(refused, "alert")
    await expect(refused).to_contain_text("no es válido")
    await assert_accessible(page)
    await assert_fits(page)
    assert (await models.Holder.get(account_id=account.id)).muted_categories == []


async def test_the_holder_chooses_the_notices_it_receives(page, factory) -> None:
    account = await factory.account(email=HOLDER)
    await panel_sign_in(page, account.client_number)
    await page.evaluate("location.hash = '#mail'")
    section = page.locator("#mail-preferences")
    await expect(section).to_contain_text("Avisos que recibo")
    await expect(section.locator("input[type=checkbox]")).to_have_count(5)
    await expect(section.locator("input:disabled:checked")).to_have_count(4)
    notes = page.get_by_label("Emails Notas")
    await expect(notes).to_be_checked()
    await expect(notes).to_be_enabled()
    await assert_settled(page)

    await notes.uncheck()
    await page.click("#mail-preferences-save")
    saved = page.locator("#mail-preferences-save + .msg")
    await in_viewport_with_role(saved, "status")
    await expect(saved).to_contain_text("se guardaron")
    await assert_settled(page)
    assert (await models.Holder.get(account_id=account.id)).muted_categories == ["NOTES"]

    await page.reload()
    await expect(page.get_by_label("Emails Notas")).not_to_be_checked()
    await page.get_by_label("Emails Notas").check()
    await page.click("#mail-preferences-save")
    await expect(page.locator("#mail-preferences-save + .msg")).to_contain_text("se guardaron")
    assert (await models.Holder.get(account_id=account.id)).muted_categories == []


async def test_a_contact_sees_no_holder_preferences(page, factory) -> None:
    account = await factory.account(email=HOLDER)
    await factory.contact(account, "lectora@example.com", permissions=["MAIL"])
    await panel_sign_in(page, "lectora@example.com")
    await page.evaluate("location.hash = '#mail'")
    await expect(page.locator("#mail-count")).to_be_visible()
    await expect(page.locator("#mail-preferences")).to_have_count(0)
    await assert_settled(page)
