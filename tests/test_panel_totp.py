"""Two-step verification in the panel (issue 23), in Chromium at 1366x768 and 375x812 against a real uvicorn
server: turning it on with the QR code's key and a code, the recovery codes shown once, the sign-in's second step
with a code or a recovery code, the step-up dialog asking for the code, turning it off; in Spanish and English.
Codes are computed with pyotp from the key the screen shows, at the server's (frozen) time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pyotp
import pytest
from playwright.async_api import Browser, Page, expect

import models
from domain.recovery_worker import process_due
from tests.helpers import PASSWORD, emailed_token
from tests.panel import VIEWPORTS, assert_settled, in_viewport_with_role, open_panel, shot, sign_in

HOLDER = "dospasos@example.net"
STEP = timedelta(seconds=30)


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request) -> str:
    return request.param


@pytest.fixture
async def page(app, browser: Browser, viewport: str) -> AsyncIterator[Page]:
    async with open_panel(app, browser, VIEWPORTS[viewport]) as page:
        yield page


def code(secret: str, clock) -> str:
    return pyotp.TOTP(secret).at(clock.now())


async def open_security(page: Page) -> None:
    await expect(page.locator("#signin-button")).to_have_count(0)
    await page.goto("/#security")
    await expect(page.locator("#two-step-title")).to_be_visible()


async def turn_on(page: Page, clock) -> tuple[str, list[str]]:
    """From the security screen: the key shown, and the recovery codes shown once."""
    await page.click(".totp-start")
    await expect(page.locator(".qr svg")).to_be_visible()
    secret = await page.locator("#totp-secret").input_value()
    await page.fill(".totp-enrolment [name=code]", code(secret, clock))
    await page.click("#totp-confirm")
    await expect(page.locator("#recovery-codes li")).to_have_count(10)
    return secret, [text.strip() for text in await page.locator("#recovery-codes li").all_inner_texts()]


async def test_the_holder_turns_it_on_and_signs_in_with_a_code_then_a_recovery_code(
    app, browser, page, viewport, factory, clock
) -> None:
    account = await factory.account(email=HOLDER)
    await sign_in(page, account.client_number)
    await open_security(page)
    await expect(page.locator("#two-step-state")).to_contain_text("aplicación de autenticación")
    await assert_settled(page)

    await page.click(".totp-start")  # just signed in: no password asked
    await expect(page.locator(".qr svg")).to_be_visible()
    await expect(page.locator(".qr")).to_have_attribute("aria-label", "Código QR para su aplicación de autenticación")
    await assert_settled(page)
    secret = await page.locator("#totp-secret").input_value()
    await page.fill(".totp-enrolment [name=code]", pyotp.TOTP(secret).at(clock.now() + 5 * STEP))
    await page.click("#totp-confirm")
    await in_viewport_with_role(page.locator("#totp-confirm + .msg"), "alert")
    await expect(page.locator("#totp-confirm + .msg")).to_have_text("El código no es correcto o ya fue usado.")
    await page.fill(".totp-enrolment [name=code]", code(secret, clock))
    await page.click("#totp-confirm")
    codes = page.locator("#recovery-codes li")
    await expect(codes).to_have_count(10)
    await expect(page.locator("#recovery-codes")).to_contain_text("no los volveremos a mostrar")
    await in_viewport_with_role(page.locator("#two-step-state + .msg"), "status")
    await assert_settled(page)
    await shot(page, f"two-step-codes-{viewport}")
    recovery = [text.strip() for text in await codes.all_inner_texts()]
    await page.click(".codes-saved")
    await expect(page.locator("#recovery-codes")).to_have_count(0)  # once only
    await expect(page.locator("#codes-left")).to_have_text("Códigos de recuperación sin usar: 10.")
    assert await models.TotpFactor.filter(account_id=account.id, confirmed_at__isnull=False).exists()

    await page.context.clear_cookies()
    clock.advance(timedelta(minutes=1))
    await sign_in(page, account.client_number)
    await expect(page.locator("[name=factor]")).to_be_focused()
    await expect(page.locator("#two-step-intro")).to_contain_text("6 dígitos")
    await assert_settled(page)
    await page.fill("[name=factor]", "000000")
    await page.click("#second-step-button")
    await in_viewport_with_role(page.locator("#second-step-button + .msg"), "alert")
    await page.fill("[name=factor]", code(secret, clock))
    await page.click("#second-step-button")
    await expect(page.locator("#second-step-button")).to_have_count(0)
    await open_security(page)

    await page.context.clear_cookies()
    await sign_in(page, account.client_number)
    await page.click("#second-step-switch")
    await expect(page.locator("#two-step-intro")).to_contain_text("códigos de recuperación")
    await assert_settled(page)
    await page.fill("[name=factor]", recovery[0])
    await page.click("#second-step-button")
    await open_security(page)
    await expect(page.locator("#codes-left")).to_have_text("Códigos de recuperación sin usar: 9.")
    await expect(page.locator(".codes-used li")).to_have_count(1)
    await assert_settled(page)


async def test_step_up_asks_for_the_code_and_turning_it_off_in_english(app, browser, factory, clock) -> None:
    account = await factory.account(email=HOLDER)
    async with open_panel(app, browser) as page:
        await page.add_init_script("localStorage.setItem('lang', 'en')")
        await sign_in(page, account.client_number)
        await open_security(page)
        await expect(page.locator("#two-step-title")).to_have_text("Two-step verification")
        secret, _ = await turn_on(page, clock)
        await expect(page.locator("#two-step-state + .msg")).to_have_text(
            "Two-step verification turned on. We ended your other sessions."
        )
        await page.click(".codes-saved")

        clock.advance(timedelta(minutes=6))  # step-up is over: the dialog asks for the password, then the code
        await page.click(".totp-disable")
        await page.fill("#step-up [name=password]", PASSWORD)
        await page.click("#step-up-confirm")
        await expect(page.locator("#step-up-code")).to_be_visible()
        await expect(page.locator("#step-up [name=code]")).to_be_focused()
        await assert_settled(page)
        await page.fill("#step-up [name=code]", "000000")
        await page.click("#step-up-confirm")
        await expect(page.locator("#step-up .msg")).to_have_text("The code is wrong or was already used.")
        await page.fill("#step-up [name=code]", code(secret, clock))
        await page.click("#step-up-confirm")
        await expect(page.locator("#step-up")).to_have_count(0)
        await expect(page.locator("#two-step-state + .msg")).to_have_text("Two-step verification turned off.")
        await expect(page.locator(".totp-start")).to_have_text("Turn on")
        await assert_settled(page)
        assert not await models.TotpFactor.exists(account_id=account.id)


async def test_a_contact_signs_in_with_the_second_step_in_english(app, browser, factory, clock) -> None:
    account = await factory.account(email=HOLDER)
    await factory.contact(account, "ana@example.net", permissions=["SECURITY"])
    async with open_panel(app, browser, VIEWPORTS["phone"]) as page:
        await page.add_init_script("localStorage.setItem('lang', 'en')")
        await sign_in(page, "ana@example.net")
        await open_security(page)
        secret, _ = await turn_on(page, clock)
        await page.context.clear_cookies()
        clock.advance(timedelta(minutes=1))
        await sign_in(page, "ana@example.net")
        await expect(page.locator("#two-step-intro")).to_have_text(
            "Type the 6-digit code your authenticator app shows."
        )
        await assert_settled(page)
        await page.fill("[name=factor]", code(secret, clock))
        await page.click("#second-step-button")
        await open_security(page)
        await expect(page.locator("#two-step-state")).to_contain_text("On since")


async def test_the_recovery_link_asks_for_the_second_factor_first(
    app, browser, client, factory, clock, runtime, smtp_sink
) -> None:
    account = await factory.account(email=HOLDER)
    async with open_panel(app, browser) as page:
        await sign_in(page, account.client_number)
        await open_security(page)
        _, recovery = await turn_on(page, clock)
        await page.context.clear_cookies()
        clock.advance(timedelta(minutes=1))
        request = "mutation($i: AccessRecoveryRequestInput!) { accessRecoveryRequest(input: $i) { errors { code } } }"
        await client.data(request, {"i": {"method": "CLIENT_NUMBER", "value": account.client_number}})
        await process_due(runtime)
        token = await emailed_token(smtp_sink, HOLDER, "/recuperar")
        await page.goto(f"/recuperar?token={token}")
        await expect(page.locator("#two-step-intro")).to_have_text(
            "Para confirmar la recuperación, verifique su identidad con su segundo factor."
        )
        await assert_settled(page)
        assert not await models.RecoveryRequest.filter(account_id=account.id, used_at__isnull=False).exists()
        await page.click("#second-step-switch")
        await page.fill("[name=factor]", recovery[1])
        await page.click("#second-step-button")
        await expect(page.locator("#flash")).to_contain_text(
            "le enviamos por email su número de cliente y una clave nueva"
        )
        await expect(page.locator("#signin-button")).to_be_visible()
        assert await models.RecoveryRequest.filter(account_id=account.id, used_at__isnull=False).exists()
