"""What every panel test shares: a page on a real uvicorn server, signing in, and the checks a screen must pass.

- `open_panel(app, browser, viewport, timezone_id, host)`: a page at 1366x768 (DESKTOP) or 375x812 (PHONE), in the
  browser time zone `timezone_id` (the machine's when None), at http://127.0.0.1 (or `host`: passkeys need the name
  localhost, as an IP address cannot be their relying party); a script error on any screen fails the test.
- `assert_clean`: no refusal meant for developers, raw API code or error alert on screen.
- `assert_accessible`: axe-core (test-tools/, pinned) finds no serious or critical violation.
- `assert_fits`: nothing overflows sideways (the phone layout).
- `assert_settled`: the three above, for every settled state of a screen.
- `in_viewport_with_role`: a message is visible without scrolling, has its role, and its colour.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator

from playwright.async_api import Browser, Locator, Page, expect
from starlette.applications import Starlette

from settings import PROJECT_DIR
from tests.conftest import BROWSER_PORT
from tests.helpers import PASSWORD
from tests.live_server import uvicorn_server

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 812}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
AXE = PROJECT_DIR / "test-tools" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT_DIR / "screenshots"

# Text that must never reach the screen: refusals meant for developers and the API's raw codes.
RAW = re.compile(
    r"FORBIDDEN|UNAUTHENTICATED|PASSWORD_CHANGE_REQUIRED|STEP_UP_REQUIRED|not allowed|no tiene permiso|"
    r"\b(PROFILE|CONTACTS|SERVICES|MANAGE_SERVICES|MAIL|SECURITY|GENERAL|SUPPORT|PRODUCTS|DOMAINS|NOTES|"
    r"AWAITING_CONFIRMATION|SCHEDULED|AUTOMATIC_DEBIT|CANCELLATION_PENDING)\b"
)


@contextlib.asynccontextmanager
async def open_panel(
    app: Starlette,
    browser: Browser,
    viewport: dict[str, int] = DESKTOP,
    timezone_id: str | None = None,
    host: str = "127.0.0.1",
) -> AsyncIterator[Page]:
    async with uvicorn_server(app, BROWSER_PORT):
        context = await browser.new_context(
            base_url=f"http://{host}:{BROWSER_PORT}", viewport=viewport, timezone_id=timezone_id
        )
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
        try:
            yield page
        finally:
            await context.close()
        assert not errors, errors  # no script error, and nothing the Content-Security-Policy blocked


async def sign_in(page: Page, login: str, password: str = PASSWORD) -> None:
    await page.goto("/")
    await page.fill("[name=login]", login)
    await page.fill("[name=password]", password)
    await page.click("#signin-button")


async def assert_clean(page: Page) -> None:
    text = await page.locator("body").inner_text()
    assert not RAW.search(text), RAW.search(text)
    await expect(page.get_by_role("alert")).to_have_count(0)


async def assert_accessible(page: Page) -> None:
    """axe-core's WCAG 2.x A/AA rules on the page as it is now: no serious or critical violation."""
    if not await page.evaluate("() => Boolean(window.axe)"):
        await page.evaluate(AXE.read_text(encoding="utf-8"))  # through DevTools: the page's CSP does not apply
    results = await page.evaluate(
        # No preload: axe would copy the stylesheets into <style> elements, which the panel's CSP blocks.
        "() => axe.run(document, { preload: false,"
        " runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] })"
    )
    serious = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, json.dumps(serious, indent=1)


async def assert_fits(page: Page) -> None:
    """Nothing makes the page scroll sideways."""
    overflow = await page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the window"


async def assert_settled(page: Page) -> None:
    """What every settled state of a screen must be: free of raw codes and errors, accessible, window-wide."""
    await assert_clean(page)
    await assert_accessible(page)
    await assert_fits(page)


async def in_viewport_with_role(locator: Locator, role: str) -> str:
    """The message is on screen (not below the fold), has its role, and its computed colour."""
    await expect(locator).to_be_visible()
    await expect(locator).to_be_in_viewport()
    assert await locator.get_attribute("role") == role
    return await locator.evaluate("element => getComputedStyle(element).color")


async def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
