"""The dashboard costs a fixed, small number of SQL statements: the same for 5 services as for 50."""

from __future__ import annotations

import asyncio

from core.ids import to_global_id
from models import Cancellation, OutboxMessage
from models.enums import CancellationStatus, DeliveryStatus
from tests.helpers import counting_queries

# The benchmark's dashboard (bench/): the session (with its account and holder), then one statement per list (its
# size comes with its rows), the page's cancellations and the mails' recipients (their services come with the mails).
DASHBOARD = """{ viewer { account { clientNumber holder { firstName lastName email }
  services(first: 50) { totalCount edges { node { id name status nextDueDate recurringAmount { amount currency }
    cancellation { id status effectiveBy } } } }
  contacts(first: 20) { totalCount edges { node { id email permissions } } }
  mail(first: 20) { totalCount edges { node { id subject category recipients queuedAt service { id name } } } } } } }"""
DASHBOARD_STATEMENTS = 6

# With more of the holder and the session: only emailAtOwnDomain costs a statement more (the session and the PIN come
# from the rows authentication read).
RICHER_DASHBOARD = """{ viewer { permissions mustChangePassword session { id lastSeenAt } account { clientNumber
  holder { firstName email emailAtOwnDomain hasSecurityPin address { city } }
  services(first: 50) { totalCount edges { node { id name status nextDueDate recurringAmount { amount }
    cancellation { id status effectiveBy } } } }
  contacts(first: 20) { totalCount edges { node { id email permissions } } }
  mail(first: 20) { totalCount edges { node { id subject category recipients queuedAt service { id name } } } } } } }"""
RICHER_DASHBOARD_STATEMENTS = 7


async def delivered() -> None:
    for _ in range(250):
        if not await OutboxMessage.filter(status=DeliveryStatus.QUEUED).exists():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("mail was not delivered")


async def dashboard_queries(client, factory, services: int) -> tuple[int, int]:
    account = await factory.account()
    for n in range(services):
        service = await factory.service(account, f"Servicio {n}")
        if n % 2 == 0:
            await factory.service_mail(account, service)
    for n in range(3 if services < 10 else 20):
        await factory.contact(account, f"c{account.id}-{n}@example.com", email_categories=["PRODUCTS"])
    await client.sign_in(account.client_number)
    for document in (DASHBOARD, RICHER_DASHBOARD):
        await client.data(document)  # warm caches: parse and validation
    await delivered()  # the delivery worker's own queries must not be counted
    counts = []
    for document in (DASHBOARD, RICHER_DASHBOARD):
        with counting_queries() as seen:
            data = await client.data(document)
        assert data["viewer"]["account"]["services"]["totalCount"] == services
        counts.append(len(seen))
    return counts[0], counts[1]


async def test_dashboard_sql_is_constant(client, other_client, factory) -> None:
    few = await dashboard_queries(client, factory, 5)
    many = await dashboard_queries(other_client, factory, 50)
    assert few == many == (DASHBOARD_STATEMENTS, RICHER_DASHBOARD_STATEMENTS), (few, many)


async def test_the_latest_cancellation_is_found_in_a_long_history(client, factory, runtime) -> None:
    """Each service shows its open cancellation, else its most recent one, whatever came before: the services list
    reads those (at most two rows a service), not the whole history."""
    account = await factory.account()
    quiet, busy = await factory.service(account, "Servicio quieto"), await factory.service(account, "Servicio activo")
    for service in (quiet, busy):
        for status in (CancellationStatus.WITHDRAWN, CancellationStatus.EXPIRED, CancellationStatus.WITHDRAWN):
            await Cancellation.create(
                account=account,
                service=service,
                status=status,
                reason="history",
                requested_at=runtime.clock.now(),
                requested_by="Juan Pérez",
                attempts_left=5,
            )
    latest_quiet = await Cancellation.filter(service=quiet).order_by("-id").first()
    open_one = await Cancellation.create(
        account=account,
        service=busy,
        status=CancellationStatus.SCHEDULED,
        reason="now",
        requested_at=runtime.clock.now(),
        requested_by="Juan Pérez",
        attempts_left=5,
        open_service_id=busy.id,
    )
    await client.sign_in(account.client_number)
    data = await client.data("{ viewer { account { services { edges { node { cancellation { id status } } } } } } }")
    shown = [edge["node"]["cancellation"] for edge in data["viewer"]["account"]["services"]["edges"]]
    assert latest_quiet is not None
    assert shown == [
        {"id": to_global_id("Cancellation", latest_quiet.id), "status": "WITHDRAWN"},
        {"id": to_global_id("Cancellation", open_one.id), "status": "SCHEDULED"},
    ]
