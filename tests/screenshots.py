"""`make screenshots`: the README's pictures of the panel, taken from the demo data (`cli.py demo`) in Chromium.

Not part of the suite (its name does not start with test_): run it on purpose, look at the pictures, commit them.
The demo holder asks for a cancellation first, so the services screen shows one waiting for its code and the
archive holds the email that brought the code (redacted). Each screen is saved at 1366x768 and 375x812 as
docs/panel-<screen>-<desktop|phone>.png, the window as a person sees it (not the whole page).
"""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from cli import DEMO_CLIENT_NUMBER, DEMO_PASSWORD, seed_demo
from settings import PROJECT_DIR
from tests.panel import VIEWPORTS, open_panel, sign_in

DOCS = PROJECT_DIR / "docs"
# Each screen and what shows it has loaded.
SCREENS = {
    "home": "#may-list",
    "holder": "#holder-name",
    "services": "[data-service]",
    "contacts": ".contact",
    "mail": "#mail-reader",
}
SERVICES = "{ viewer { account { services(first: 5) { edges { node { id name } } } } } }"
REQUEST = "mutation($i: ServiceCancellationRequestInput!) { serviceCancellationRequest(input: $i) { errors { code } } }"


async def show(page: Page, screen: str) -> None:
    await page.evaluate("(hash) => { location.hash = hash; }", f"#{screen}")
    if screen == "mail":  # the open message, beside the list (under it on a phone)
        await page.locator("[data-open='0']").click()
    await expect(page.locator(SCREENS[screen]).first).to_be_visible()
    await page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
async def test_readme_screenshots(app, browser: Browser, runtime, client, viewport: str) -> None:
    await seed_demo(runtime)
    await client.sign_in(DEMO_CLIENT_NUMBER, DEMO_PASSWORD)
    services = (await client.data(SERVICES))["viewer"]["account"]["services"]["edges"]
    hosting = next(edge["node"] for edge in services if edge["node"]["name"] == "Hosting Plan Pyme")
    request = {
        "serviceId": hosting["id"],
        "reason": "Pasamos el sitio a otro proveedor",
        "acknowledgeDataDeletion": True,
    }
    assert (await client.data(REQUEST, {"i": request}))["serviceCancellationRequest"]["errors"] == []

    async with open_panel(app, browser, VIEWPORTS[viewport]) as page:
        await sign_in(page, DEMO_CLIENT_NUMBER, DEMO_PASSWORD)
        for screen in SCREENS:
            await show(page, screen)
            await page.screenshot(path=str(DOCS / f"panel-{screen}-{viewport}.png"))
