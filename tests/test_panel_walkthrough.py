"""Every screen the menus offer, for the holder and for contacts with no permission, each single one and all six,
at 1366x768 and 375x812: clean (no refusal or raw code), accessible (axe-core), no sideways scrolling, and every
visible link and button of the menus reachable with the Tab key (opening collapsed menus with Enter).

The walk reads the screens from the menus in the page, not from a list here, so it follows the panel as it grows.
"""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Locator, Page, expect
from tortoise.transactions import in_transaction

from core.mail import queue_mail
from models.enums import EmailCategory, Permission
from tests.panel import VIEWPORTS, assert_accessible, assert_clean, assert_fits, open_panel, sign_in

HOLDER = "recorrido@example.net"
CONTACT = "recorre@example.com"
PEOPLE = {
    "holder": None,
    "contact-none": [],
    **{f"contact-{p.value.lower()}": [p.value] for p in Permission},
    "contact-all": [p.value for p in Permission],
}
MENUS = "header, nav, aside"
# Counts GraphQL requests in flight, so the walk knows when a screen has finished loading; notes each focused mark.
WATCH = """() => {
  document.addEventListener("focusin", (event) => { (window.focusedMarks ??= []).push(event.target.dataset?.walk); });
  window.pendingRequests = 0;
  const original = window.fetch;
  window.fetch = (...args) => {
    window.pendingRequests += 1;
    return original(...args).finally(() => { window.pendingRequests -= 1; });
  };
}"""
# The visible links and buttons of the menus, each marked so the Tab walk can tell which it reached.
MENU_CONTROLS = f"""() => [...document.querySelectorAll(`:is({MENUS}) :is(a[href], button:not([disabled]))`)]
  .filter((element) => element.checkVisibility() && !element.closest("#view"))
  .map((element) => {{
    window.walkCount = (window.walkCount ?? 0) + 1;
    element.dataset.walk ??= `${{window.walkCount}} ${{element.textContent.trim()}}`;
    return element.dataset.walk;
  }})"""
FOCUSED = "() => (window.focusedMarks ?? []).splice(0)"


async def settled(page: Page) -> None:
    """The screen replaced the marker it was given and no GraphQL request is in flight."""
    await page.wait_for_function(
        "() => !document.querySelector('#walk-marker') && window.pendingRequests === 0 && "
        "document.querySelector('#view')?.children.length > 0"
    )


async def go(page: Page, href: str) -> None:
    await page.evaluate(
        """(href) => { const marker = document.createElement("span"); marker.id = "walk-marker";
        document.querySelector("#view").append(marker); location.hash = href; }""",
        href,
    )
    await settled(page)


async def offered_screens(page: Page) -> list[str]:
    """The screens the menus link to, opening each collapsed menu (the account menu, the phone's sections)."""
    visible_links = f"""() => [...document.querySelectorAll(`:is({MENUS}) a[href^='#']`)]
      .filter((a) => a.checkVisibility() && a.getAttribute("href").length > 1).map((a) => a.getAttribute("href"))"""
    hrefs = await page.evaluate(visible_links)
    for toggle in await collapsed_menus(page):
        if await toggle.is_visible():
            await toggle.click()
            hrefs += await page.evaluate(visible_links)
    return list(dict.fromkeys(hrefs))


async def collapsed_menus(page: Page) -> list[Locator]:
    """The buttons that open a collapsed menu, each found by its mark (it stays the same once opened)."""
    await page.evaluate(MENU_CONTROLS)
    marks = await page.eval_on_selector_all(
        f":is({MENUS}) [aria-expanded='false'][data-walk]", "toggles => toggles.map((toggle) => toggle.dataset.walk)"
    )
    return [page.locator(f"[data-walk='{mark}']") for mark in marks]


async def tab_reaches(page: Page, wanted: set[str]) -> set[str]:
    """Press Tab (a bounded number of times, round the page) until every control in `wanted` had the focus;
    the ones never reached."""
    missing = set(wanted)
    await page.evaluate(FOCUSED)
    budget = 3 * await page.evaluate(
        "() => document.querySelectorAll('a[href], button, input, select, textarea').length"
    )
    while missing and budget > 0:
        presses = min(len(missing), budget)  # at least this many before all can have been reached
        for _ in range(presses):
            await page.keyboard.press("Tab")
        budget -= presses
        missing -= set(await page.evaluate(FOCUSED))
    return missing


async def assert_menus_reachable_by_keyboard(page: Page) -> None:
    """Tab reaches every visible menu control; each collapsed menu opens with Enter and Tab reaches what it shows."""
    shown = set(await page.evaluate(MENU_CONTROLS))
    missing = await tab_reaches(page, shown)
    for toggle in await collapsed_menus(page):
        if missing or not await toggle.is_visible():
            continue
        await toggle.focus()  # the first walk reached it
        await page.keyboard.press("Enter")
        await expect(toggle).to_have_attribute("aria-expanded", "true")
        missing |= await tab_reaches(page, set(await page.evaluate(MENU_CONTROLS)) - shown)
        if await toggle.get_attribute("aria-expanded") == "true":  # closed again, for the next one
            await toggle.focus()
            await page.keyboard.press("Enter")
    assert not missing, f"not reachable with Tab: {sorted(missing)}"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("person", list(PEOPLE))
async def test_every_offered_screen_is_clean_accessible_fits_and_keyboard_reachable(
    app, browser: Browser, factory, runtime, person: str, viewport: str
) -> None:
    account = await factory.account(email=HOLDER)
    await factory.service(account, "Hosting Pyme", domain="recorrido.com.ar")
    await factory.contact(account, "otra@example.com", permissions=["SERVICES"], email_categories=["GENERAL"])
    granted = PEOPLE[person]
    if granted is not None:
        await factory.contact(account, CONTACT, permissions=granted, email_categories=["GENERAL"])
    async with in_transaction():
        values = {"old_email": "vieja@example.com", "new_email": HOLDER}
        await queue_mail(
            runtime, account_id=account.id, template="email_changed", category=EmailCategory.GENERAL, values=values
        )

    async with open_panel(app, browser, VIEWPORTS[viewport]) as page:
        await page.add_init_script(f"({WATCH})()")
        await sign_in(page, account.client_number if granted is None else CONTACT)
        await expect(page.locator("[name=login]")).to_have_count(0)
        await settled(page)
        screens = await offered_screens(page)
        assert screens, "the menus offer no screen"
        failures = []
        for href in screens:  # every screen is walked, and the failures are told together, each with its screen
            await go(page, href)
            for check in (assert_clean, assert_accessible, assert_fits, assert_menus_reachable_by_keyboard):
                try:
                    await check(page)
                except AssertionError as failure:
                    failures.append(f"{href} {check.__name__}: {failure}")
        assert not failures, "\n".join(failures)
