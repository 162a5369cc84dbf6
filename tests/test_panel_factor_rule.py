"""The contacts' two-step rule and support's reset links in the panel (issue 23), in Chromium against a real uvicorn
server: the holder's toggle and the contacts' column, a contact taken straight to enrolment, the holder resetting a
contact's factors, the pages of the reset's confirm and cancel links (opening one changes nothing), and support's
reset under way on the security screen with its cancel button."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from playwright.async_api import expect

import models
from domain import factor_reset
from models.enums import StaffScope
from tests.helpers import emailed_token
from tests.panel import VIEWPORTS, assert_settled, in_viewport_with_role, open_panel, sign_in
from tests.test_factor_reset import CONFIRM, PIN, start
from tests.test_staff_support import set_pin

HOLDER = "regla@example.net"
CONTACT = "ana@example.net"


async def test_the_holder_requires_it_the_contact_is_taken_to_enrolment_and_the_holder_resets_it(
    app, browser, factory, clock
) -> None:
    account = await factory.account(email=HOLDER)
    contact = await factory.contact(account, CONTACT, permissions=["SERVICES"])
    async with open_panel(app, browser) as page:
        await sign_in(page, account.client_number)
        await expect(page.locator("#signin-button")).to_have_count(0)
        await page.goto("/#contacts")
        row = page.locator("tr.contact", has_text=CONTACT)
        await expect(row.locator(".contact-two-step")).to_have_text("No activa")
        await expect(row.locator(".contact-factor-reset")).to_have_count(0)
        await expect(page.locator("#contacts-rule")).not_to_be_checked()
        await assert_settled(page)
        await page.check("#contacts-rule")
        message = page.locator(".contacts-rule + .msg")
        await in_viewport_with_role(message, "status")
        await expect(message).to_have_text("Ahora todos los contactos deben usar la verificación en dos pasos.")
        assert (await models.Account.get(id=account.id)).contacts_need_second_factor

        # The contact signs in with the password alone and can only turn two-step verification on.
        await page.context.clear_cookies()
        await sign_in(page, CONTACT)
        await expect(page.locator("#enrolment-title")).to_have_text("Active la verificación en dos pasos")
        await expect(page.locator("#sections a")).to_have_count(0)
        await assert_settled(page)
        await page.goto("/#services")  # another screen is not reachable
        await page.wait_for_load_state("networkidle")  # the hash's route has answered
        await expect(page.locator("#enrolment-title")).to_be_visible()
        await page.click(".totp-start")
        secret = await page.locator("#totp-secret").input_value()
        await page.fill(".totp-enrolment [name=code]", pyotp.TOTP(secret).at(clock.now()))
        await page.click("#totp-confirm")
        await expect(page.locator("#recovery-codes li")).to_have_count(10)
        await assert_settled(page)
        await page.click(".enrolment-done")
        await expect(page.locator("#enrolment-title")).to_have_count(0)
        await expect(page.locator("#sections a", has_text="Servicios")).to_be_visible()

        # The holder sees it, and resets it when the contact lost their phone.
        await page.context.clear_cookies()
        clock.advance(timedelta(minutes=1))
        await sign_in(page, account.client_number)
        await expect(page.locator("#signin-button")).to_have_count(0)
        await page.goto("/#contacts")
        await expect(row.locator(".contact-two-step")).to_have_text("Activa")
        await row.locator(".contact-factor-reset").click()
        await expect(page.locator(".contact-factor-reset-yes")).to_be_focused()
        await assert_settled(page)
        await page.click(".contact-factor-reset-yes")
        done = page.locator("#contacts-title + .msg")
        await in_viewport_with_role(done, "status")
        await expect(done).to_contain_text("Se restableció la verificación en dos pasos de Ana Gómez")
        await expect(row.locator(".contact-two-step")).to_have_text("No activa")
        await assert_settled(page)
        assert not await models.TotpFactor.exists(contact_id=contact.id)


async def test_a_contact_taken_to_enrolment_in_english_on_a_phone(app, browser, factory) -> None:
    account = await factory.account(email=HOLDER)
    await factory.contact(account, CONTACT, permissions=["SERVICES", "CONTACTS"])
    await models.Account.filter(id=account.id).update(contacts_need_second_factor=True)
    async with open_panel(app, browser, VIEWPORTS["phone"]) as page:
        await page.add_init_script("localStorage.setItem('lang', 'en')")
        await sign_in(page, CONTACT)
        await expect(page.locator("#enrolment-title")).to_have_text("Turn on two-step verification")
        await expect(page.locator(".enrolment-why")).to_contain_text("The account holder requires")
        await expect(page.locator(".totp-start")).to_have_text("Turn on")
        await expect(page.locator("#passkey-add")).to_have_text("Add a passkey")  # or a passkey
        await assert_settled(page)
        await page.click("#account-button")
        await page.click("#signout")
        await expect(page.locator("#signin-button")).to_be_visible()


async def test_the_reset_links_pages_confirm_and_cancel_with_a_button(
    app, browser, client, holder, staff, runtime, clock, smtp_sink
) -> None:
    await set_pin(runtime, holder, PIN)
    await models.TotpFactor.create(
        account_id=holder.id,
        person=f"holder:{holder.id}",
        secret="x",
        created_at=clock.now(),
        confirmed_at=clock.now(),
    )
    assert (await start(await staff(StaffScope.SUPPORT), holder))["errors"] == []
    confirm = await emailed_token(smtp_sink, holder_email := "titular@example.net", factor_reset.CONFIRM_PATH)
    async with open_panel(app, browser) as page:
        await page.goto(f"{factor_reset.CONFIRM_PATH}?token={confirm}")
        await expect(page.locator("#factor-reset h2")).to_have_text("Restablecer la verificación en dos pasos")
        await assert_settled(page)
        assert (await models.FactorReset.get(account_id=holder.id)).confirmed_at is None  # opening changed nothing
        await page.click(".factor-reset-submit")
        await in_viewport_with_role(page.locator("#factor-reset .msg"), "status")
        await expect(page.locator("#factor-reset .msg")).to_contain_text("Confirmado.")
        assert page.url.endswith(factor_reset.CONFIRM_PATH)  # the token left the address bar
        assert (await models.FactorReset.get(account_id=holder.id)).confirmed_at is not None

        cancel = await emailed_token(smtp_sink, holder_email, factor_reset.CANCEL_PATH)
        await page.add_init_script("localStorage.setItem('lang', 'en')")
        await page.goto(f"{factor_reset.CANCEL_PATH}?token={cancel}")
        await expect(page.locator("#factor-reset h2")).to_have_text("Cancel the reset of two-step verification")
        await assert_settled(page)
        assert (await models.FactorReset.get(account_id=holder.id)).cancelled_at is None
        await page.click(".factor-reset-submit")
        await expect(page.locator("#factor-reset .msg")).to_contain_text("Cancelled:")
        assert (await models.FactorReset.get(account_id=holder.id)).cancelled_at is not None
        await page.goto(f"{factor_reset.CANCEL_PATH}?token={cancel}")  # used: the button says why, nothing raw
        await page.click(".factor-reset-submit")
        await in_viewport_with_role(page.locator(".factor-reset-submit + .msg"), "alert")
        await expect(page.locator(".factor-reset-submit + .msg")).to_have_text(
            "The link is not valid or was already used."
        )


async def test_the_holders_toggle_and_column_fit_a_phone_in_english(app, browser, factory) -> None:
    account = await factory.account(email=HOLDER)
    await factory.contact(account, CONTACT, permissions=["SERVICES"])
    async with open_panel(app, browser, VIEWPORTS["phone"]) as page:
        await page.add_init_script("localStorage.setItem('lang', 'en')")
        await sign_in(page, account.client_number)
        await expect(page.locator("#signin-button")).to_have_count(0)
        await page.goto("/#contacts")
        await expect(page.locator("label[for=contacts-rule]")).to_have_text(
            "Require two-step verification of every contact"
        )
        await expect(page.locator(".contact-two-step")).to_have_text("Off")
        await assert_settled(page)
        await page.check("#contacts-rule")
        await expect(page.locator(".contacts-rule + .msg")).to_have_text(
            "Every contact must now use two-step verification."
        )
        await page.uncheck("#contacts-rule")
        await expect(page.locator(".contacts-rule + .msg")).to_have_text(
            "Two-step verification is no longer required of contacts."
        )
        await assert_settled(page)
        assert not (await models.Account.get(id=account.id)).contacts_need_second_factor


async def with_totp(account: models.Account, clock) -> None:
    """An authenticator app straight in the database: the panel's session of the holder stays open."""
    now = clock.now()
    person = f"holder:{account.id}"
    await models.TotpFactor.create(account_id=account.id, person=person, secret="x", created_at=now, confirmed_at=now)


async def test_the_holder_sees_supports_reset_under_way_and_cancels_it(
    app, browser, client, factory, staff, runtime, clock, smtp_sink
) -> None:
    account = await factory.account(email=HOLDER)
    async with open_panel(app, browser) as page:
        await sign_in(page, account.client_number)
        await expect(page.locator("#signin-button")).to_have_count(0)
        await page.goto("/#security")
        await expect(page.locator("#two-step-title")).to_be_visible()
        await expect(page.locator("#factor-reset-pending")).to_have_count(0)  # none under way

        await set_pin(runtime, account, PIN)
        await with_totp(account, clock)
        assert (await start(await staff(StaffScope.SUPPORT), account))["errors"] == []
        await page.reload()
        await expect(page.locator("#factor-reset-state")).to_have_text(
            "Soporte inició el restablecimiento de su verificación en dos pasos; todavía espera la confirmación "
            "desde el enlace enviado a su email principal."
        )
        await assert_settled(page)

        token = await emailed_token(smtp_sink, HOLDER, factor_reset.CONFIRM_PATH)
        assert (await client.data(CONFIRM, {"i": {"token": token}}))["secondFactorResetConfirm"]["errors"] == []
        await page.reload()
        reset = await models.FactorReset.get(account_id=account.id)
        assert reset.effective_at is not None
        when = await page.evaluate("at => new Date(at).toLocaleString('es')", reset.effective_at.isoformat())
        await expect(page.locator("#factor-reset-state")).to_have_text(
            f"Soporte inició el restablecimiento de su verificación en dos pasos; se hará efectivo el {when}: "
            "entonces se quitarán su aplicación de autenticación, sus códigos de recuperación y sus llaves de acceso."
        )
        await expect(page.locator("#factor-reset-title")).to_be_in_viewport()  # first on the screen
        await assert_settled(page)
        await page.click(".factor-reset-cancel")
        message = page.locator("section.security h2 + .msg")
        await in_viewport_with_role(message, "status")
        await expect(message).to_have_text("Restablecimiento anulado: la verificación en dos pasos sigue como estaba.")
        await expect(page.locator("#factor-reset-pending")).to_have_count(0)
        await assert_settled(page)
        assert (await models.FactorReset.get(id=reset.id)).cancelled_at is not None
        assert await models.TotpFactor.exists(account_id=account.id)
        await page.reload()
        await expect(page.locator("#two-step-title")).to_be_visible()
        await expect(page.locator("#factor-reset-pending")).to_have_count(0)


async def test_a_contact_with_security_sees_the_holders_reset_in_english_on_a_phone(
    app, browser, factory, staff, runtime, clock
) -> None:
    account = await factory.account(email=HOLDER)
    await factory.contact(account, CONTACT, permissions=["SECURITY"])
    await set_pin(runtime, account, PIN)
    await with_totp(account, clock)
    assert (await start(await staff(StaffScope.SUPPORT), account))["errors"] == []
    async with open_panel(app, browser, VIEWPORTS["phone"]) as page:
        await page.add_init_script("localStorage.setItem('lang', 'en')")
        await sign_in(page, CONTACT)
        await expect(page.locator("#signin-button")).to_have_count(0)
        await page.goto("/#security")
        await expect(page.locator("#factor-reset-title")).to_have_text("Two-step verification reset under way")
        await expect(page.locator("#factor-reset-state")).to_have_text(
            "Support started the reset of the holder's two-step verification; it still awaits confirmation from "
            "the link sent to the holder's primary email."
        )
        await assert_settled(page)
        await page.click(".factor-reset-cancel")
        await expect(page.locator("section.security h2 + .msg")).to_have_text(
            "Reset cancelled: two-step verification stays as it was."
        )
        await assert_settled(page)
        assert (await models.FactorReset.get(account_id=account.id)).cancelled_at is not None
