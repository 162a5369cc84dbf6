"""The provider's brand comes from one file (BRANDING_FILE) and nowhere else.

- The API shows it to anyone (`provider`), its prose in the caller's language, with the countries by name.
- Start-up refuses a file with an unknown key, a bad or unreadable colour, a link that is not http(s), and says
  what to fix.
- Another provider's file changes the panel (Chromium) and a real email (SMTP sink); the demo provider's name,
  contacts, links and legal text are written nowhere in web/, templates/ or the Python sources.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect
from tortoise.transactions import in_transaction

import models
from core.branding import load_branding
from core.mail import queue_mail
from core.runtime import Runtime
from models.enums import EmailCategory, Language
from settings import PROJECT_DIR, Settings, SettingsError
from tests.helpers import wait_for_mail
from tests.panel import DESKTOP, assert_accessible, assert_clean, open_panel, sign_in

PROVIDER = """{ provider { name timeZone logoUrl colours { primary onPrimary accent }
  supportEmail supportPhone supportHours legalFooter
  links { changeHolderUrl billingUrl paymentsUrl couponsUrl ticketsUrl plansUrl } } }"""

OTHER = """
name = "Proveedor Prueba SRL"

[legal_footer]
es = "Proveedor Prueba SRL · RFC PPR010101AB1 · Monterrey, México"
en = "Proveedor Prueba SRL · RFC PPR010101AB1 · Monterrey, Mexico"

[colours]
primary = "#5a1f6b"
on_primary = "#ffffff"
accent = "#7a2a8f"

[support]
email = "ayuda@proveedor-prueba.example"
phone = "+52 81 5555 0101"

[links]
billing = "https://cuentas.proveedor-prueba.example/facturas"
tickets = "https://ayuda.proveedor-prueba.example/tickets"
"""


def written(tmp_path: Path, text: str, name: str = "branding.toml") -> str:
    """A branding file (each name is read once per process, as at start-up)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def other_provider(runtime: Runtime, tmp_path: Path) -> Iterator[None]:
    """The test app with another provider's branding file (the settings are otherwise the same)."""
    settings = runtime.settings
    runtime.settings = settings.with_(branding_file=written(tmp_path, OTHER))
    yield
    runtime.settings = settings


# The API.


async def test_the_provider_is_public_and_comes_from_the_branding_file(client) -> None:
    provider = (await client.data(PROVIDER))["provider"]
    assert provider == {
        "name": "Hosting Demo",
        "timeZone": "America/Argentina/Buenos_Aires",
        "logoUrl": "/static/brand/logo.svg",
        "colours": {"primary": "#1f4e79", "onPrimary": "#ffffff", "accent": "#0b5cad"},
        "supportEmail": "soporte@hosting-demo.example",
        "supportPhone": "+54 11 4000-0000",
        "supportHours": "Lunes a viernes de 9 a 18 (hora de Argentina)",
        "legalFooter": "Hosting Demo S.R.L. (empresa ficticia de demostración) · CUIT 30-00000000-0 · Av. Ejemplo 1234,"
        " Buenos Aires, Argentina",
        "links": {
            "changeHolderUrl": "https://www.hosting-demo.example/ayuda/cambiar-titularidad",
            "billingUrl": "https://facturacion.hosting-demo.example/facturas",
            "paymentsUrl": "https://facturacion.hosting-demo.example/pagos",
            "couponsUrl": "https://facturacion.hosting-demo.example/cupones",
            "ticketsUrl": "https://soporte.hosting-demo.example/tickets",
            "plansUrl": "https://www.hosting-demo.example/planes",
        },
    }
    english = await client.data("{ provider { legalFooter supportHours } }", headers={"accept-language": "en"})
    assert english["provider"]["legalFooter"].startswith("Hosting Demo S.R.L. (a fictional demo company)")
    assert english["provider"]["supportHours"] == "Monday to Friday, 9:00 to 18:00 (Argentina time)"


async def test_unset_links_are_null(client, other_provider) -> None:
    provider = (await client.data(PROVIDER))["provider"]
    assert provider["name"] == "Proveedor Prueba SRL"
    assert provider["links"]["changeHolderUrl"] is None
    assert provider["links"]["ticketsUrl"] == "https://ayuda.proveedor-prueba.example/tickets"
    assert (provider["logoUrl"], provider["supportHours"]) == (None, None)


async def test_countries_by_name_in_the_callers_language_and_their_provinces(client) -> None:
    query = """{ provider { countries { code name }
      ar: subdivisions(countryCode: "ar") none: subdivisions(countryCode: "ZZ") } }"""
    spanish = (await client.data(query))["provider"]
    names = {c["code"]: c["name"] for c in spanish["countries"]}
    assert (names["MX"], names["DE"], names["VE"], len(names)) == ("México", "Alemania", "Venezuela", 249)
    ordered = [c["name"] for c in spanish["countries"]]
    assert ordered.index("Alemania") < ordered.index("Ecuador") < ordered.index("Egipto")  # É sorts with E
    assert {"Córdoba", "Ciudad Autónoma de Buenos Aires"} < set(spanish["ar"])
    assert len(spanish["ar"]) == 24
    assert spanish["none"] == []
    english = (await client.data(query, headers={"accept-language": "en"}))["provider"]
    assert {c["code"]: c["name"] for c in english["countries"]}["DE"] == "Germany"


# Start-up checks.


# Each: what to replace in OTHER, with what, and what the refusal says.
BAD = {
    "colour": ('"#7a2a8f"', '"purple"', "colours.accent must be a colour written #rrggbb, e.g. #1f5fa8, not 'purple'"),
    "faint text": ('"#ffffff"', '"#6a3a7b"', "colours.on_primary is too faint on #5a1f6b"),
    "faint links": ('"#7a2a8f"', '"#dddddd"', "colours.accent is too faint on #ffffff"),
    "script link": ('"https://cuentas', '"javascript:alert(1)//', "links.billing must be an http(s) URL"),
    "unknown key": ("[links]", '[links]\nbilling_url = "https://x.example"', "links.billing_url is not a known key"),
    "email": ('"ayuda@proveedor-prueba.example"', '"ayuda"', "support.email must be an email address"),
    "logo": ('SRL"\n', 'SRL"\nlogo = "javascript:x"\n', "logo must be a path on this site"),
    "one language": ('en = "Proveedor', 'fr = "Proveedor', "legal_footer must be a table with the two languages"),
    "missing": ('email = "ayuda@proveedor-prueba.example"', "", "support.email is missing"),
    "not toml": ("[colours]", "[colours", "cannot be read as TOML"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_branding_file_stops_start_up_saying_what_to_fix(tmp_path, case) -> None:
    old, new, problem = BAD[case]
    assert old in OTHER
    path = written(tmp_path, OTHER.replace(old, new, 1))
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"BRANDING_FILE": path})
    assert str(refused.value).startswith(f"BRANDING_FILE ({path}): ")
    assert problem in str(refused.value)


def test_optional_keys_may_be_left_out_and_the_logo_may_live_elsewhere(tmp_path) -> None:
    elsewhere = OTHER.replace('SRL"\n', 'SRL"\nlogo = "https://cdn.proveedor-prueba.example/logo.png"\n', 1)
    path = written(tmp_path, elsewhere)
    assert load_branding(path).logo == "https://cdn.proveedor-prueba.example/logo.png"
    smallest = OTHER.split("[links]")[0].replace('phone = "+52 81 5555 0101"', "")
    brand = Settings.from_env({"BRANDING_FILE": written(tmp_path, smallest, "smallest.toml")}).branding
    assert (brand.logo, brand.support.phone, brand.support.hours, brand.links.billing) == (None, None, None, None)


def test_every_problem_is_listed_at_once_and_a_missing_file_is_named(tmp_path) -> None:
    path = written(tmp_path, 'name = ""\n[colours]\nprimary = "blue"\n[support]\nemail = "a@b.example"\n')
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"BRANDING_FILE": path})
    message = str(refused.value)
    for part in ("name must be a non-empty text", "legal_footer is missing", "colours.primary must be a colour"):
        assert part in message
    with pytest.raises(SettingsError, match="BRANDING_FILE: no such file"):
        Settings.from_env({"BRANDING_FILE": str(tmp_path / "missing.toml")})


# Another provider, end to end.


async def test_a_real_email_is_signed_by_the_provider_of_the_branding_file(
    factory, runtime, smtp_sink, other_provider
) -> None:
    account = await factory.account(email="firma@example.net")
    contact = await factory.contact(account, "english@example.com", permissions=[], email_categories=["GENERAL"])
    await models.Contact.filter(id=contact.id).update(language=Language.EN)
    async with in_transaction():
        await queue_mail(
            runtime,
            account_id=account.id,
            template="email_changed",
            category=EmailCategory.GENERAL,
            values={"old_email": "viejo@example.net", "new_email": "firma@example.net", "when": "hoy"},
        )
    spanish = (await wait_for_mail(smtp_sink, "firma@example.net"))[0]
    english = (await wait_for_mail(smtp_sink, "english@example.com"))[0]
    for received, footer in ((spanish, "Monterrey, México"), (english, "Monterrey, Mexico")):
        for body in (received.text, received.html):
            for text in ("Proveedor Prueba SRL", "ayuda@proveedor-prueba.example", "+52 81 5555 0101", footer):
                assert text in body
            assert "hosting-demo" not in body.lower().replace(" ", "-")
    assert "Soporte: ayuda@proveedor-prueba.example" in spanish.text
    assert "Support: ayuda@proveedor-prueba.example" in english.text


async def test_the_panel_wears_the_brand_of_the_branding_file(app, browser: Browser, factory, other_provider) -> None:
    account = await factory.account(email="marca@example.net")
    async with open_panel(app, browser, DESKTOP) as page:
        await page.goto("/")
        await expect(page.locator("#brand-name")).to_have_text("Proveedor Prueba SRL")
        await expect(page).to_have_title("Proveedor Prueba SRL · Panel de Clientes")
        colour = await page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--brand-primary')")
        assert colour.strip() == "#5a1f6b"
        legal = page.locator("#legal")
        await expect(legal).to_contain_text("RFC PPR010101AB1 · Monterrey, México")
        await expect(legal.get_by_role("link", name="ayuda@proveedor-prueba.example")).to_have_attribute(
            "href", "mailto:ayuda@proveedor-prueba.example"
        )

        await sign_in(page, account.client_number)
        links = page.locator("#provider-links a")
        await expect(links).to_have_count(2)
        await expect(page.locator("#provider-links").get_by_role("link", name="Facturas")).to_have_attribute(
            "href", "https://cuentas.proveedor-prueba.example/facturas"
        )
        assert await links.evaluate_all("links => links.every(link => !link.target)")  # the same tab
        await page.goto("/#holder")
        await expect(page.locator("#holder-keep-current")).to_contain_text("Proveedor Prueba SRL no se responsabiliza")
        # No change-of-holder link: where to go is the provider's support.
        why = page.locator("#holder-locked-why")
        await expect(why).to_contain_text("comuníquese con Proveedor Prueba SRL")
        await expect(why.get_by_role("link", name="ayuda@proveedor-prueba.example")).to_be_visible()
        await assert_accessible(page)
        await assert_clean(page)
        assert "Hosting Demo" not in await page.locator("body").inner_text()

        await page.click("#lang")
        await expect(legal).to_contain_text("Monterrey, Mexico")
        await expect(why).to_contain_text("contact Proveedor Prueba SRL")


def demo_texts() -> list[str]:
    """What the shipped demo brand says: none of it may be written anywhere but its file."""
    brand = load_branding(str(PROJECT_DIR / "branding.demo.toml"))
    prose = [brand.legal_footer, *([brand.support.hours] if brand.support.hours else [])]
    links = [url for each in fields(brand.links) if (url := getattr(brand.links, each.name))]
    hosts = {url.split("/")[2].split(".", 1)[1] for url in links}  # hosting-demo.example
    return [
        brand.name,
        brand.support.email,
        *([brand.support.phone] if brand.support.phone else []),
        *(text.in_language(language) for text in prose for language in Language),
        *links,
        *hosts,
    ]


def test_no_provider_text_is_written_in_the_panel_the_emails_or_the_code() -> None:
    sources = [
        *(PROJECT_DIR / "web").rglob("*.*"),
        *(PROJECT_DIR / "templates").rglob("*.j2"),
        *(path for folder in ("core", "domain", "schema", "models") for path in (PROJECT_DIR / folder).rglob("*.py")),
        PROJECT_DIR / "app.py",
        PROJECT_DIR / "cli.py",
    ]
    texts = demo_texts()
    assert {"Hosting Demo", "hosting-demo.example"} < set(texts)
    found = [
        f"{path.relative_to(PROJECT_DIR)}: {text}"
        for path in sources
        if path.suffix in (".js", ".html", ".css", ".svg", ".j2", ".py", ".json", ".md")
        for text in texts
        if text.lower() in path.read_text(encoding="utf-8", errors="replace").lower()
    ]
    assert not found, found
