"""The services screen once a cancellation is overdue (effectiveBy passed, the provider still deleting): it says the
cancellation is being processed instead of showing a moment gone by, and offers no withdrawal, in Chromium."""

from __future__ import annotations

from datetime import timedelta

from playwright.async_api import expect

import models
from domain.cancellation_completion import complete_due
from tests.panel import DESKTOP, assert_settled, open_panel, sign_in
from tests.test_deprovisioning import due_service, webhook_mode  # noqa: F401 (a fixture)
from tests.test_service_status import scheduled


async def test_an_overdue_cancellation_shows_as_being_processed(
    webhook_mode,  # noqa: F811
    app,
    browser,
    runtime,
    client,
    factory,
    holder,
    smtp_sink,
    clock,
) -> None:
    late, _ = await due_service(client, factory, holder, smtp_sink)
    clock.advance(timedelta(hours=20))
    in_time = await factory.service(holder, "Hosting Dos", domain="dos.com.ar")
    smtp_sink.clear()
    await client.sign_in(holder.client_number)
    await scheduled(client, in_time, smtp_sink)
    clock.set((await models.Cancellation.get(service_id=late.id)).effective_by)
    await complete_due(runtime)
    assert await models.Cancellation.filter(overdue_at__isnull=False).values_list("service_id", flat=True) == [late.id]

    async with open_panel(app, browser, DESKTOP) as page:
        await sign_in(page, holder.client_number)
        await page.evaluate("location.hash = '#services'")
        overdue = page.locator("[data-service]", has_text=late.domain)
        await expect(overdue.locator(".processing")).to_have_text("En proceso: el proveedor está completando la baja.")
        await expect(overdue.locator(".withdraw-cancel")).to_have_count(0)
        pending = page.locator("[data-service]", has_text="dos.com.ar")
        await expect(pending).to_contain_text("Se dará de baja a más tardar el")
        await expect(pending.locator(".processing")).to_have_count(0)
        await expect(pending.locator(".withdraw-cancel")).to_have_count(1)
        await assert_settled(page)
