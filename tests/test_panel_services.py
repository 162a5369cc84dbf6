"""The services screen walked as seed 003 describes it, in Chromium, in Spanish, at 1366x768 and 375x812, against a
real uvicorn server with the codes from the real SMTP sink.

- Before acting, each service shows its due date, amount, payment method and status in words; the request deadline
  "hasta el 9/12/2026 inclusive" in the provider's time zone, though the browser is in Tokyo's; with automatic
  debit, the cutoff and whether the next debit is still charged; what a cancellation deletes; and, for a service
  that cannot be cancelled, no button and why.
- The holder and a contact with SERVICES and MANAGE_SERVICES request, confirm with the emailed code and withdraw;
  request again and, after five wrong codes (the fourth says "Le queda 1 intento"), ask for a new code and confirm
  with it; turn renewal off and back on, its consequences stated before they confirm. A contact with SERVICES only
  sees all of it and no button.
- The live status comes back after the socket drops: one socket at a time, subscribed again (to cancellations and
  to services changed without one), the list read again (what changed meanwhile shows), and no socket after
  signing out.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from playwright.async_api import Browser, Locator, Page, WebSocketRoute, expect

import models
from core.ids import to_global_id
from models.enums import PaymentMethod, ServiceStatus
from tests.helpers import emailed_code
from tests.panel import (
    DESKTOP,
    VIEWPORTS,
    assert_accessible,
    assert_clean,
    assert_settled,
    in_viewport_with_role,
    open_panel,
    shot,
    sign_in,
)

HOLDER = "servicios@example.net"
MANAGER = "gestora@example.com"  # SERVICES and MANAGE_SERVICES
READER = "lectora@example.com"  # SERVICES only
TOKYO = "Asia/Tokyo"  # the browser's zone: the provider's (Buenos Aires) must still decide the days shown
DUE = date(2026, 12, 10)  # requests until 9/12/2026 inclusive; automatic debit cut off on 1/12/2026
REQUEST = "mutation($i: ServiceCancellationRequestInput!) { serviceCancellationRequest(input: $i) { errors { code } } }"
RENEWAL = "mutation($i: ServiceRenewalSetInput!) { serviceRenewalSet(input: $i) { errors { code } } }"


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
async def page(request, app, browser: Browser) -> AsyncIterator[Page]:
    async with open_panel(app, browser, VIEWPORTS[request.param], timezone_id=TOKYO) as page:
        yield page


async def seed_003_account(factory) -> models.Account:
    """A hosting plan paid by hand, one by automatic debit, one past its due date and one cancelled; two contacts."""
    account = await factory.account(email=HOLDER)
    await factory.service(
        account, "Hosting Pyme", domain="pyme.com.ar", next_due_date=DUE, recurring_amount=Decimal("15000")
    )
    await factory.service(
        account,
        "Hosting Plus",
        domain="plus.com.ar",
        next_due_date=DUE,
        recurring_amount=Decimal("21500.50"),
        payment_method=PaymentMethod.AUTOMATIC_DEBIT,
    )
    await factory.service(account, "Correo Corporativo", domain="vencido.com.ar", next_due_date=date(2026, 3, 10))
    await factory.service(account, "Hosting Viejo", domain="viejo.com.ar", status=ServiceStatus.CANCELLED)
    await factory.contact(account, MANAGER, permissions=["SERVICES", "MANAGE_SERVICES"])
    await factory.contact(account, READER, permissions=["SERVICES"])
    return account


async def open_services(page: Page, login: str) -> None:
    await sign_in(page, login)
    await expect(page.locator("#signin-button")).to_have_count(0)
    await show_screen(page, "#services")
    await expect(page.locator("[data-service]").first).to_be_visible()


async def show_screen(page: Page, href: str) -> None:
    """Another screen, once the shell has drawn it (its menu item current, so the menus are settled)."""
    await page.evaluate(f"location.hash = '{href}'")
    await expect(page.locator(f"#sections a[href='{href}']")).to_have_attribute("aria-current", "page")


def card(page: Page, domain: str) -> Locator:
    return page.locator("[data-service]", has_text=domain)


async def assert_rules_before_acting(page: Page) -> None:
    """What seed 003's rules mean for each service, before any button is pressed."""
    pyme = card(page, "pyme.com.ar")
    await expect(pyme).to_contain_text("10/12/2026")
    await expect(pyme).to_contain_text("15.000,00")
    await expect(pyme).to_contain_text("Pago manual")
    await expect(pyme.locator(".status")).to_have_text("Activo")
    await expect(pyme.locator(".deadline")).to_contain_text("hasta el 9/12/2026 inclusive (hora")
    await expect(pyme.locator(".deadline")).to_contain_text("Argentina")
    await expect(pyme).to_contain_text("Todo el contenido del sitio")

    plus = card(page, "plus.com.ar")
    await expect(plus).to_contain_text("Débito automático")
    await expect(plus).to_contain_text("21.500,50")
    await expect(plus.locator(".debit")).to_contain_text("antes del 1/12/2026")

    past = card(page, "vencido.com.ar")
    await expect(past.locator("button")).to_have_count(0)
    await expect(past.locator(".blockers")).to_contain_text("el plazo terminó el 9/3/2026 inclusive")

    old = card(page, "viejo.com.ar")
    await expect(old.locator("button")).to_have_count(0)
    await expect(old.locator(".status")).to_have_text("Dado de baja")
    await expect(old.locator(".blockers")).to_contain_text("ya está dado de baja")


@pytest.mark.parametrize("login", ["holder", MANAGER])
async def test_request_confirm_withdraw_and_a_new_code_after_five_wrong_ones(page, factory, smtp_sink, login) -> None:
    account = await seed_003_account(factory)
    address = HOLDER if login == "holder" else MANAGER
    await open_services(page, account.client_number if login == "holder" else MANAGER)
    await assert_rules_before_acting(page)
    await assert_settled(page)
    await shot(page, f"services-{login}-{page.viewport_size['width']}")
    pyme = card(page, "pyme.com.ar")

    await request_cancellation(page, pyme)
    await pyme.locator(".confirm-cancel").click()
    await confirm_and_withdraw(page, pyme, await emailed_code(smtp_sink, address, count=1))

    await request_cancellation(page, pyme)
    await pyme.locator(".confirm-cancel").click()
    for left in (4, 3, 2):
        await page.fill("[name=code]", "000000")
        await page.click("#confirm-submit")
        await expect(page.locator("#confirm-submit + .msg")).to_have_text(
            f"El código de confirmación no es correcto. Le quedan {left} intentos."
        )
    await page.fill("[name=code]", "000000")
    await page.click("#confirm-submit")
    wrong = page.locator("#confirm-submit + .msg")
    await expect(wrong).to_have_text("El código de confirmación no es correcto. Le queda 1 intento.")
    await in_viewport_with_role(wrong, "alert")
    await expect(pyme.locator(".code-rule")).to_contain_text("Le queda 1 intento.")
    await assert_accessible(page)

    await page.fill("[name=code]", "000000")
    await page.click("#confirm-submit")
    spent = pyme.locator(".msg")
    await expect(spent).to_contain_text("Pida un código nuevo")
    await in_viewport_with_role(spent, "alert")
    await expect(pyme.locator(".confirm-cancel")).to_have_count(0)
    await expect(pyme.locator(".code-rule")).to_have_text("Se agotaron los intentos con este código: pida uno nuevo.")
    await assert_accessible(page)

    await pyme.locator(".resend-code").click()
    sent = pyme.locator(".msg")
    await in_viewport_with_role(sent, "status")
    await expect(sent).to_have_text("Le enviamos un código nuevo por email; el anterior ya no sirve.")
    await expect(pyme.locator(".code-rule")).to_contain_text("Le quedan 5 intentos.")
    await assert_settled(page)
    await pyme.locator(".confirm-cancel").click()
    await confirm_and_withdraw(page, pyme, await emailed_code(smtp_sink, address, count=3))

    await switch_renewal_off_and_on(page)


async def request_cancellation(page: Page, service: Locator) -> None:
    """ "Solicitar baja del servicio": the deadline repeated, the reason, the deletion acknowledged; a code is sent."""
    await service.locator(".request-cancel").click()
    await expect(service.locator(".service-form")).to_contain_text("hasta el 9/12/2026 inclusive")
    await page.fill("[name=reason]", "Cerramos el local")
    await page.check("[name=ack]")
    await assert_accessible(page)
    await page.click("#request-submit")
    await in_viewport_with_role(service.locator(".msg"), "status")
    await expect(service.locator(".msg")).to_have_text("Le enviamos un código por email.")
    await expect(service.locator(".status")).to_have_text(re.compile(r"^Activo · Esperando confirmación$"))
    await expect(service.locator(".code-rule")).to_contain_text("Le quedan 5 intentos.")
    await assert_settled(page)


async def confirm_and_withdraw(page: Page, service: Locator, code: str) -> None:
    """ "Confirmar baja del servicio" with the emailed code, then "Retirar solicitud": each says so in the card."""
    await page.fill("[name=code]", code)
    await page.click("#confirm-submit")
    confirmed = service.locator(".msg")
    await in_viewport_with_role(confirmed, "status")
    await expect(confirmed).to_contain_text("Baja confirmada")
    await expect(service.locator(".status")).to_have_text("Baja pendiente · Baja programada")
    await expect(service.locator(".request-cancel")).to_have_count(0)
    await assert_settled(page)

    await service.locator(".withdraw-cancel").click()
    withdrawn = service.locator(".msg")
    await in_viewport_with_role(withdrawn, "status")
    await expect(withdrawn).to_have_text("Solicitud de baja retirada: el servicio sigue activo.")
    await expect(service.locator(".status")).to_have_text("Activo · Solicitud retirada")
    await expect(service.locator(".request-cancel")).to_be_visible()
    await assert_settled(page)


async def switch_renewal_off_and_on(page: Page) -> None:
    """ "No renovar" with its consequences stated before confirming, then "Renovar nuevamente"."""
    plus = card(page, "plus.com.ar")
    await expect(plus.locator(".renewal")).to_have_text(
        re.compile(r"^Se renueva el 10/12/2026\. Se puede cambiar hasta el 9/12/2026 inclusive \(hora .*Argentina\)\.$")
    )
    await plus.locator(".renewal-off").click()
    consequences = plus.locator(".service-form")
    await expect(consequences).to_contain_text("terminará el 10/12/2026")
    await expect(consequences).to_contain_text("Cuando termine se eliminará: Todo el contenido del sitio")
    await expect(consequences).to_contain_text("como lo decide antes del 1/12/2026, no se debitará este vencimiento")
    await expect(consequences).to_contain_text("Podrá volver a renovarlo hasta el 9/12/2026 inclusive")
    await assert_accessible(page)
    await plus.locator("#renewal-submit").click()
    off = plus.locator(".msg")
    await in_viewport_with_role(off, "status")
    await expect(off).to_have_text("Listo: el servicio no se renovará y termina el 10/12/2026.")
    await expect(plus.locator(".renewal")).to_contain_text("No se renovará: termina el 10/12/2026.")
    await expect(plus.locator(".renewal-off")).to_have_count(0)
    await assert_settled(page)

    await plus.locator(".renewal-on").click()
    await expect(plus.locator(".service-form")).to_contain_text("El servicio se renovará el 10/12/2026")
    await expect(plus.locator(".service-form")).to_contain_text("21.500,50")
    await plus.locator("#renewal-submit").click()
    on = plus.locator(".msg")
    await in_viewport_with_role(on, "status")
    await expect(on).to_have_text("Listo: el servicio se renovará el 10/12/2026.")
    await expect(plus.locator(".renewal")).to_contain_text("Se renueva el 10/12/2026.")
    await assert_settled(page)


async def test_a_contact_with_services_only_sees_the_rules_and_no_button(page, factory) -> None:
    await seed_003_account(factory)
    await open_services(page, READER)
    await assert_rules_before_acting(page)
    await expect(page.locator("#manage-needed")).to_contain_text("Gestionar servicios")
    await expect(page.locator("[data-service] button")).to_have_count(0)
    await assert_settled(page)


async def test_after_the_automatic_debit_cutoff_the_debit_is_said_to_be_charged(page, factory, clock) -> None:
    clock.set(datetime(2026, 12, 3, 15, 0, tzinfo=UTC))  # past 1/12/2026, before the due date
    account = await seed_003_account(factory)
    await open_services(page, account.client_number)
    plus = card(page, "plus.com.ar")
    await expect(plus.locator(".debit")).to_contain_text(
        "Ya pasó el 1/12/2026: si pide la baja ahora, el débito de este vencimiento se procesará igual y no será "
        "reintegrado."
    )
    await plus.locator(".request-cancel").click()
    await expect(page.locator("#debit-warning")).to_be_visible()
    await plus.locator(".renewal-off").click()  # the other form replaces it
    await expect(page.locator(".service-form")).to_have_count(1)
    await expect(plus.locator(".service-form")).to_contain_text("no será reintegrado")
    await assert_accessible(page)
    await plus.locator("#renewal-submit").click()
    warned = plus.locator(".msg")
    await in_viewport_with_role(warned, "status")
    await expect(warned).to_have_class(re.compile(r"\bwarning\b"))
    await expect(warned).to_contain_text("el débito automático correspondiente será procesado")
    await assert_settled(page)


async def until(condition, seconds: float = 5.0) -> None:
    """Wait (bounded) for a condition the page cannot show, e.g. how many sockets it opened."""
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the condition did not hold in time")


async def test_the_live_status_comes_back_after_the_socket_drops(app, browser, factory, client) -> None:
    account = await seed_003_account(factory)
    pyme_id = to_global_id("Service", (await models.Service.get(domain="pyme.com.ar")).id)
    plus_id = to_global_id("Service", (await models.Service.get(domain="plus.com.ar")).id)
    opened: list[WebSocketRoute] = []  # the page's sockets, each passed on to the real server
    servers: list[WebSocketRoute] = []

    def pass_on(socket: WebSocketRoute) -> None:
        opened.append(socket)
        servers.append(socket.connect_to_server())

    async with open_panel(app, browser, DESKTOP) as page:
        await page.clock.install()
        await page.route_web_socket(re.compile(r"/graphql$"), pass_on)
        await open_services(page, account.client_number)
        pyme = card(page, "pyme.com.ar")
        await until(lambda: len(opened) == 1)

        # Changed while the socket is down (and with no event at all): only reading the list again shows it.
        await models.Service.filter(domain="pyme.com.ar").update(status=ServiceStatus.SUSPENDED)
        await opened[0].close(code=1012, reason="Service restart")
        await page.clock.run_for(1_000)  # the first wait before coming back is at most a second
        await expect(pyme.locator(".status")).to_have_text("Suspendido")
        assert len(opened) == 2

        # Subscribed again: an event published now reaches the page.
        await client.sign_in(account.client_number)
        request = {"serviceId": pyme_id, "reason": "Otro proveedor", "acknowledgeDataDeletion": True}
        await client.data(REQUEST, {"i": request})
        await expect(pyme.locator(".status")).to_have_text("Suspendido · Esperando confirmación")
        await client.data(RENEWAL, {"i": {"serviceId": plus_id, "renew": False}})  # a change without a cancellation
        await expect(card(page, "plus.com.ar").locator(".renewal")).to_contain_text("No se renovará")

        # Showing the screen again opens no second socket.
        for _ in range(2):
            await show_screen(page, "#home")
            await show_screen(page, "#services")
            await expect(pyme.locator(".status")).to_be_visible()
        assert len(opened) == 2
        await assert_clean(page)

        # Signed out: no socket, and none later.
        await page.click("#account-button")
        await expect(page.locator("#account-button")).to_have_attribute("aria-expanded", "true")
        await page.click("#signout")
        await expect(page.locator("#signin-button")).to_be_visible()
        await page.clock.run_for(120_000)
        await page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 0))")
        assert len(opened) == 2
