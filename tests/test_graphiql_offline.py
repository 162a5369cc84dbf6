"""GraphiQL with the network closed, in headless Chromium against a real uvicorn server.

Every request to a host other than this machine is aborted. GraphiQL must still load from the panel's own
vendored assets (web/graphiql/) under a Content-Security-Policy that allows only them and its nonce'd
bootstrap, show the schema in the docs explorer, and run operations with the session cookie.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Page, Route, expect

from app import graphiql_policy
from models import Account
from tests.conftest import BROWSER_PORT
from tests.helpers import PASSWORD, Factory, GraphQLClient
from tests.live_server import uvicorn_server
from tests.test_real_clients import request_cancellation

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SIGN_IN = 'mutation { signIn(input: {login: "%s", password: "%s"}) { errors { code } } }'
WHO = "{ viewer { account { clientNumber } } }"
LIVE = "subscription { cancellationStatusChanged { cancellation { status } } }"


class ClosedNetwork:
    """Aborts every request to another host and keeps what the page tried and what the browser refused."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.blocked: list[str] = []
        self.refused: list[str] = []  # console errors: CSP violations, failed scripts
        page.on("console", lambda message: self.refused.append(message.text) if message.type == "error" else None)

    async def close(self) -> None:
        await self.page.route("**/*", self.only_local)

    async def only_local(self, route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            await route.continue_()
        else:
            self.blocked.append(route.request.url)
            await route.abort()


@pytest.fixture
async def offline_page(browser: Browser) -> AsyncIterator[tuple[Page, ClosedNetwork]]:
    context = await browser.new_context(base_url=f"http://127.0.0.1:{BROWSER_PORT}")
    page = await context.new_page()
    network = ClosedNetwork(page)
    await network.close()
    yield page, network
    await context.close()


async def open_cancellation(client: GraphQLClient, factory: Factory) -> Account:
    """An account whose service has a cancellation awaiting confirmation."""
    account = await factory.account()
    service = await factory.service(account)
    await client.sign_in(account.client_number)
    await request_cancellation(client, service)
    return account


async def run(page: Page, document: str) -> None:
    """Put `document` in GraphiQL's query editor (CodeMirror) and press the run button once GraphiQL has
    parsed it (its debounced change handler stores the query, then reads the operation: which transport)."""
    editor = page.locator(".graphiql-query-editor .CodeMirror")
    await editor.evaluate("(element, text) => element.CodeMirror.setValue(text)", document)
    await page.wait_for_function("text => localStorage.getItem('graphiql:query') === text", arg=document)
    await page.click(".graphiql-execute-button")


async def explore_and_run(page: Page, client_number: str) -> None:
    """The schema in the docs explorer; then, from the page itself, sign in, ask who is signed in, and
    subscribe (the account has an open cancellation: its current state comes first)."""
    await page.click("button[aria-label='Show Documentation Explorer']")
    explorer = page.locator(".graphiql-doc-explorer")
    await expect(explorer).to_contain_text("Subscription")
    await explorer.get_by_text("Query", exact=True).first.click()
    await expect(explorer).to_contain_text("viewer")
    await run(page, SIGN_IN % (client_number, PASSWORD))
    await expect(page.locator(".graphiql-response")).to_contain_text('"errors": []')
    await run(page, WHO)
    await expect(page.locator(".graphiql-response")).to_contain_text(f'"clientNumber": "{client_number}"')
    await run(page, LIVE)
    await expect(page.locator(".graphiql-response")).to_contain_text('"status": "AWAITING_CONFIRMATION"')


async def test_graphiql_at_graphql_works_offline(app, offline_page, client, factory) -> None:
    page, network = offline_page
    account = await open_cancellation(client, factory)
    async with uvicorn_server(app, BROWSER_PORT):
        response = await page.goto("/graphql")
        assert response is not None
        nonce = re.search(r'<script nonce="([^"]+)">', await response.text())
        assert nonce is not None
        assert response.headers["content-security-policy"] == graphiql_policy(nonce[1])
        await explore_and_run(page, account.client_number)
    assert network.blocked == []
    assert network.refused == []
