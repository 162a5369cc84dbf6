"""Seed 000 "Actualizar datos personales" walked in the panel, in Spanish, in Chromium at 1366x768 and 375x812:
the notice to keep the data current, the identity fields labelled by their kind (DNI, CUIT, RFC, CURP) and locked
with why and where to change the holder (the provider's "Cambiar titularidad"), the country chosen by its name and
saved as its code, each error next to its field; for the holder and for a contact with PROFILE."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect

import models
from models.enums import NationalIdType
from tests.panel import VIEWPORTS, assert_accessible, assert_settled, in_viewport_with_role, open_panel, shot
from tests.panel import sign_in as panel_sign_in

HOLDER = "titular.datos@example.net"
CONTACT = "perfil@example.com"


@pytest.fixture(params=sorted(VIEWPORTS))
async def page(request, app, browser: Browser) -> AsyncIterator[Page]:
    async with open_panel(app, browser, VIEWPORTS[request.param]) as page:
        yield page


async def open_holder_screen(page: Page, login: str) -> None:
    """Signed in, on "Datos del titular"."""
    await panel_sign_in(page, login)
    await expect(page.locator("#signin-button")).to_have_count(0)
    await page.goto("/#holder")
    await expect(page.locator("#holder-form")).to_be_visible()


def width(page: Page) -> int:
    """The window's width, to tell the screenshots apart."""
    return (page.viewport_size or {"width": 0})["width"]


async def test_the_holder_updates_their_data_as_seed_000_says(page, factory, runtime) -> None:
    brand = runtime.settings.branding
    account = await factory.account(
        email=HOLDER,
        national_id_type=NationalIdType.AR_DNI,
        national_id="12345678",
        tax_id_type=NationalIdType.AR_CUIT,
        tax_id="20123456786",
    )
    await open_holder_screen(page, account.client_number)

    await expect(page.locator("#holder-name")).to_have_text("Juan Pérez")
    notice = page.locator("#holder-keep-current")
    await expect(notice).to_contain_text("mantener sus datos actualizados")
    await expect(notice).to_contain_text(f"{brand.name} no se responsabiliza")
    for caption, value in (("Nombre", "Juan"), ("Apellido", "Pérez"), ("DNI", "12.345.678"), ("CUIT", "20-12345678-6")):
        locked = page.get_by_label(caption, exact=True)
        await expect(locked).to_have_value(value)
        await expect(locked).not_to_be_editable()
    why = page.locator("#holder-locked-why")
    await expect(why).to_contain_text("no se pueden modificar aquí")
    change = why.get_by_role("link", name="Cambiar titularidad")
    await expect(change).to_have_attribute("href", brand.links.change_holder or "")
    await expect(page.get_by_label("Email", exact=True)).to_be_editable()
    await expect(page.locator("#holder-email-hint")).to_contain_text("proveedor externo")
    await assert_settled(page)
    await shot(page, f"holder-{width(page)}")

    # A Mexican address: the country by its name, its states suggested; a postal code Mexico does not use.
    await page.fill("[name=street]", "Av. Juárez 100")
    await page.fill("[name=city]", "Guadalajara")
    await page.select_option("[name=countryCode]", label="México")
    await expect(page.locator("#holder-states option[value='Jalisco']")).to_have_count(1)
    await page.fill("[name=state]", "Jalisco")
    await page.fill("[name=postalCode]", "C1043AAZ")
    await page.click("#holder-save")
    summary = page.locator("#holder-save + [role=alert]")
    await in_viewport_with_role(summary, "alert")
    await expect(summary).to_contain_text("Código postal")
    await expect(page.locator("#holder-postalCode-error")).to_have_attribute("role", "alert")
    await expect(page.locator("#holder-postalCode")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#holder-street")).not_to_have_attribute("aria-invalid", "true")
    await assert_accessible(page)
    await shot(page, f"holder-error-{width(page)}")

    await page.fill("[name=postalCode]", "44100")
    await page.click("#holder-save")
    saved = page.locator("#holder-save + [role=status]")
    await in_viewport_with_role(saved, "status")
    await expect(saved).to_have_text("Datos guardados.")
    await expect(page.locator("[name=countryCode] option:checked")).to_have_text("México")
    await assert_settled(page)
    holder = await models.Holder.get(account_id=account.id)
    assert (holder.country_code, holder.state, holder.postal_code) == ("MX", "Jalisco", "44100")


async def test_a_contact_with_profile_updates_the_holder_but_not_the_primary_email(page, factory) -> None:
    account = await factory.account(
        email=HOLDER,
        national_id_type=NationalIdType.MX_CURP,
        national_id="BOXW310820HNERXN09",
        tax_id_type=NationalIdType.MX_RFC,
        tax_id="GODE561231GR8",
        street="Av. Reforma 222",
        city="Ciudad de México",
        postal_code="06600",
        country_code="MX",
    )
    await factory.contact(account, CONTACT, permissions=["PROFILE"])
    await open_holder_screen(page, CONTACT)

    await expect(page.get_by_label("CURP", exact=True)).to_have_value("BOXW310820HNERXN09")
    await expect(page.get_by_label("RFC", exact=True)).not_to_be_editable()
    await expect(page.get_by_label("Email", exact=True)).not_to_be_editable()
    await expect(page.locator("#holder-email-hint")).to_have_text("Solo el titular puede cambiar el email principal.")
    await expect(page.locator("[name=countryCode] option:checked")).to_have_text("México")
    await assert_settled(page)

    await page.fill("[name=phone]", "55 1234 5678")
    await page.click("#holder-save")
    saved = page.locator("#holder-save + [role=status]")
    await in_viewport_with_role(saved, "status")
    await expect(saved).to_have_text("Datos guardados.")
    await assert_settled(page)
    holder = await models.Holder.get(account_id=account.id)
    assert (holder.phone, holder.email, holder.country_code) == ("+525512345678", HOLDER, "MX")
