"""The ORM baseline: one Starlette endpoint that reads the dashboard's rows with the same ORM and
database and returns the same JSON as the GraphQL dashboard query, with no GraphQL at all
(bench/floor_app.py is the same without the ORM)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import date

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.authn import authenticate
from core.db import close_database, open_database
from core.ids import to_global_id
from core.loaders import latest_cancellations
from core.runtime import Runtime
from models import Contact, Holder, MailMessage, MailRecipient, Service
from settings import Settings

settings = Settings.from_env()
runtime = Runtime.build(settings)


def iso(moment: date | None) -> str | None:
    return moment.isoformat() if moment is not None else None


async def dashboard(request: Request) -> Response:
    principal = await authenticate(runtime, request)
    if principal is None:
        return JSONResponse({"data": {"viewer": None}})
    account_id = principal.account_id
    holder = await Holder.get(account_id=account_id).select_related("account")
    services = await Service.filter(account_id=account_id).order_by("id").limit(50)
    cancellations = await latest_cancellations([s.id for s in services])
    contacts = await Contact.filter(account_id=account_id).order_by("id").limit(20)
    messages = await MailMessage.filter(account_id=account_id).order_by("-id").limit(20)
    recipients: dict[int, list[str]] = {}
    addressed = MailRecipient.filter(message_id__in=[m.id for m in messages]).order_by("id")
    for message_id, address in await addressed.values_list("message_id", "address"):
        recipients.setdefault(message_id, []).append(address)
    by_id = {s.id: s for s in await Service.filter(id__in=[m.service_id for m in messages if m.service_id])}
    data = {
        "viewer": {
            "account": {
                "clientNumber": holder.account.client_number,
                "holder": {"firstName": holder.first_name, "lastName": holder.last_name, "email": holder.email},
                "services": {
                    "totalCount": await Service.filter(account_id=account_id).count(),
                    "edges": [
                        {
                            "node": {
                                "id": to_global_id("Service", s.id),
                                "name": s.name,
                                "status": s.status.value,
                                "nextDueDate": iso(s.next_due_date),
                                "recurringAmount": {"amount": f"{s.recurring_amount:.2f}", "currency": s.currency}
                                if s.recurring_amount is not None
                                else None,
                                "cancellation": {
                                    "id": to_global_id("Cancellation", c.id),
                                    "status": c.status.value,
                                    "effectiveBy": iso(c.effective_by),
                                }
                                if c
                                else None,
                            }
                        }
                        for s, c in zip(services, cancellations, strict=True)
                    ],
                },
                "contacts": {
                    "totalCount": await Contact.filter(account_id=account_id).count(),
                    "edges": [
                        {"node": {"id": to_global_id("Contact", c.id), "email": c.email, "permissions": c.permissions}}
                        for c in contacts
                    ],
                },
                "mail": {
                    "totalCount": await MailMessage.filter(account_id=account_id).count(),
                    "edges": [
                        {
                            "node": {
                                "id": to_global_id("MailMessage", m.id),
                                "subject": m.subject,
                                "category": m.category.value,
                                "recipients": recipients.get(m.id, []),
                                "queuedAt": iso(m.queued_at),
                                "service": {
                                    "id": to_global_id("Service", m.service_id),
                                    "name": by_id[m.service_id].name,
                                }
                                if m.service_id in by_id
                                else None,
                            }
                        }
                        for m in messages
                    ],
                },
            }
        }
    }
    return JSONResponse({"data": data})


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    await open_database(settings)
    yield
    await close_database()


app = Starlette(routes=[Route("/dashboard", dashboard, methods=["POST"])], lifespan=lifespan)
