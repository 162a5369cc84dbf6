"""The dashboard every bench target serves, and the account it reads: one query text and one seed, so the
full app, the bare-driver floor, the ORM baseline and the profiler all measure the same work."""

from __future__ import annotations

from decimal import Decimal

from tortoise.transactions import in_transaction

from core.db import close_database, open_database
from core.mail import queue_mail
from core.migrations import upgrade
from core.runtime import Runtime
from domain import staff
from models import Cancellation
from models.enums import CancellationStatus, EmailCategory, ServiceKind
from settings import Settings

PASSWORD = "Bench-Colibri-Patagonia-77"
SIGN_IN = "mutation($l: String!, $p: String!) { signIn(input: {login: $l, password: $p}) { errors { code } } }"
DASHBOARD = """{ viewer { account { clientNumber holder { firstName lastName email }
  services(first: 50) { totalCount edges { node { id name status nextDueDate recurringAmount { amount currency }
    cancellation { id status effectiveBy } } } }
  contacts(first: 20) { totalCount edges { node { id email permissions } } }
  mail(first: 20) { totalCount edges { node { id subject category recipients queuedAt service { id name } } } } } } }"""
TYPENAME = "{ __typename }"


async def seed(settings: Settings) -> str:
    """An account with 50 services (each with a cancellation), 20 contacts and 40 archived mails."""
    await upgrade(settings)
    await open_database(settings)
    try:
        runtime = Runtime.build(settings)
        account = await staff.create_account(
            runtime, "9000", PASSWORD, staff.NewHolder(first_name="Juan", last_name="Pérez", email="juan@example.com")
        )
        for n in range(50):
            service = await staff.create_service(
                runtime,
                account,
                f"Hosting {n}",
                ServiceKind.HOSTING,
                domain=f"sitio{n}.com.ar",
                recurring_amount=Decimal("1500"),
            )
            await Cancellation.create(
                account=account,
                service=service,
                status=CancellationStatus.WITHDRAWN,
                reason="bench",
                requested_at=runtime.clock.now(),
                requested_by="Juan Pérez",
                attempts_left=5,
            )
            if n < 40:
                async with in_transaction():
                    await queue_mail(
                        runtime,
                        account_id=account.id,
                        template="pin_set",
                        category=EmailCategory.PRODUCTS,
                        service_id=service.id,
                    )
        for n in range(20):
            await staff.create_contact(
                runtime,
                account,
                "Ana",
                f"Gómez {n}",
                f"ana{n}@example.com",
                permissions=["SERVICES"],
                email_categories=["PRODUCTS"],
            )
        return account.client_number
    finally:
        await close_database()
