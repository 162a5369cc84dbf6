"""The dashboard query costs the same number of SQL queries for 5 services as for 50."""

from __future__ import annotations

import asyncio

from tortoise.transactions import in_transaction

from core.mail import queue_mail
from models import OutboxMessage
from models.enums import DeliveryStatus, EmailCategory
from tests.helpers import counting_queries

DASHBOARD = """{ viewer { permissions mustChangePassword session { id } account { clientNumber
  holder { firstName email emailAtOwnDomain hasSecurityPin address { city } }
  services(first: 50) { totalCount edges { node { id name status nextDueDate recurringAmount { amount }
    cancellation { id status effectiveBy } } } }
  contacts(first: 20) { totalCount edges { node { id email permissions } } }
  mail(first: 20) { totalCount edges { node { id subject category recipients queuedAt service { id name } } } } } } }"""


async def delivered() -> None:
    for _ in range(250):
        if not await OutboxMessage.filter(status=DeliveryStatus.QUEUED).exists():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("mail was not delivered")


async def dashboard_queries(client, factory, runtime, services: int) -> int:
    account = await factory.account()
    for n in range(services):
        service = await factory.service(account, f"Servicio {n}")
        if n % 2 == 0:
            async with in_transaction():
                await queue_mail(
                    runtime,
                    account_id=account.id,
                    template="pin_set",
                    category=EmailCategory.PRODUCTS,
                    service_id=service.id,
                )
    for n in range(3):
        await factory.contact(account, f"c{account.id}-{n}@example.com", email_categories=["PRODUCTS"])
    await client.sign_in(account.client_number)
    await client.data(DASHBOARD)  # warm caches: parse and validation
    await delivered()  # the delivery worker's own queries must not be counted
    with counting_queries() as seen:
        await client.data(DASHBOARD)
    return len(seen)


async def test_dashboard_sql_is_constant(client, other_client, factory, runtime) -> None:
    few = await dashboard_queries(client, factory, runtime, 5)
    many = await dashboard_queries(other_client, factory, runtime, 50)
    assert few == many, (few, many)
    assert many <= 20
