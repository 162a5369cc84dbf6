"""The recovery worker: matches queued recovery requests (seed 001) and mails the links.

Requests are claimed with a lease and a claim token (conditional UPDATEs), so several
processes never handle one twice and a request whose worker died is taken over when the
lease runs out; a restart loses nothing. Only live services count for a domain. An email
may be the primary email or a contact's email in several accounts: that address gets one
message listing each client number with its own link. Each person gets at most
REQUESTS_PER_PERSON links an hour, and each address no more than its security-mail budget
(core.mail_limits), silently: the request's answer was given long ago.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import timedelta
from itertools import groupby

from tortoise.expressions import Q
from tortoise.models import Model

from core import activity
from core.mail import Recipient, queue_mail
from core.mail_limits import MailKind, mail_wait
from core.runtime import Runtime
from core.workers import beat
from domain.recovery import Method, domain_forms
from models import Account, Contact, Holder, RecoveryRequest, Service
from models.columns import column_length
from models.enums import EmailCategory, Language, ServiceStatus
from models.recovery import void_links

LEASE = timedelta(minutes=5)
BATCH = 20
LINK_VALIDITY = timedelta(hours=1)
REQUESTS_PER_PERSON = "3/hour"
FRONTEND_PATH = "/recuperar"
ACTOR = "Recuperación de acceso"


@dataclass(frozen=True, slots=True)
class Person:
    """Someone a request matched, and the address that receives their recovery mail."""

    account_id: int
    contact_id: int | None
    client_number: str
    address: str
    language: Language

    @property
    def key(self) -> str:
        return f"{self.account_id}:{self.contact_id}"


def _fits(model: type[Model], field: str, value: str) -> bool:
    """Longer values cannot be stored, so cannot match (and the ORM refuses to filter on them)."""
    return len(value) <= column_length(model, field)


async def _holders(account_ids: list[int]) -> list[Person]:
    holders = await Holder.filter(account_id__in=account_ids).select_related("account").order_by("account_id")
    return [Person(h.account_id, None, h.account.client_number, h.email, Language(h.language)) for h in holders]


async def find_people(method: Method, value: str) -> list[Person]:
    """Who a request is for: the holder of a live service's domain or of a client number, or
    every holder and active contact with that email."""
    if method is Method.DOMAIN:
        forms = [form for form in domain_forms(value) if _fits(Service, "domain", form)] if value else []
        live = Service.filter(domain__in=forms).exclude(status=ServiceStatus.CANCELLED)
        service = await live.order_by("id").first() if forms else None
        return await _holders([service.account_id]) if service else []
    if method is Method.CLIENT_NUMBER:
        fits = value and _fits(Account, "client_number", value)
        account = await Account.get_or_none(client_number=value) if fits else None
        return await _holders([account.id]) if account else []
    if not value:
        return []
    holders = await _holders([row["account_id"] for row in await Holder.filter(email=value).values("account_id")])
    contacts = await Contact.filter(email=value, active=True).select_related("account").order_by("account_id", "id")
    return holders + [
        Person(c.account_id, c.id, c.account.client_number, c.email, Language(c.language)) for c in contacts
    ]


async def claim(runtime: Runtime, token: str) -> list[int]:
    """Unprocessed requests whose lease is free, now leased to the worker known by `token`."""
    now = runtime.clock.now()
    free = Q(Q(lease_until__isnull=True) | Q(lease_until__lt=now), processed_at__isnull=True, method__isnull=False)
    waiting = [row["id"] for row in await RecoveryRequest.filter(free).order_by("id").limit(BATCH).values("id")]
    # Conditional on the lease still being free: of several workers, exactly one wins each request.
    lease = {"lease_until": now + LEASE, "claim_token": token}
    return [pk for pk in waiting if await RecoveryRequest.filter(free, id=pk).update(**lease)]


async def _issue_link(runtime: Runtime, person: Person, method: str, actor: str) -> str:
    """A new link for `person`; their older pending links stop working."""
    now = runtime.clock.now()
    token = runtime.secrets.new_token()
    await void_links(person.account_id, person.contact_id, now)
    await RecoveryRequest.create(
        account_id=person.account_id,
        contact_id=person.contact_id,
        token_hash=runtime.secrets.digest(token),
        created_at=now,
        expires_at=now + LINK_VALIDITY,
    )
    summary = f"Recuperación de acceso pedida ({method})"
    await activity.record_system(runtime, person.account_id, "recovery.requested", summary, actor)
    return f"{runtime.settings.public_base_url}{FRONTEND_PATH}?token={token}"


async def process(runtime: Runtime, request_id: int, token: str) -> bool:
    """Match one claimed request and mail its links; False when another worker holds it now."""
    job = await RecoveryRequest.filter(id=request_id, claim_token=token).first()
    if job is None or job.method is None:
        return False
    people = [
        person
        for person in await find_people(Method(job.method), job.value or "")
        if not await runtime.limiter.hit(REQUESTS_PER_PERSON, "recovery-person", person.key)
    ]
    async with runtime.events.transaction():
        done = await RecoveryRequest.filter(id=job.id, claim_token=token).update(
            value=None, processed_at=runtime.clock.now(), lease_until=None, claim_token=None
        )
        if not done:
            return False
        for address, group in groupby(sorted(people, key=lambda p: p.address), key=lambda p: p.address):
            await mail_links(runtime, address, list(group), job.method)
    return True


async def mail_links(
    runtime: Runtime, address: str, people: list[Person], method: str, actor: str = ACTOR
) -> int | None:
    """One message to `address` listing each client number with its own link; call inside a transaction.

    Nothing is sent beyond the address's security-mail budget: then the seconds until it allows one more."""
    first = people[0]
    if wait := await mail_wait(
        runtime, account_id=first.account_id, kind=MailKind.SECURITY, addresses=[address], anonymous=True
    ):
        return wait
    links = [{"client_number": p.client_number, "link": await _issue_link(runtime, p, method, actor)} for p in people]
    await queue_mail(
        runtime,
        account_id=first.account_id,
        template="recovery_link",
        category=EmailCategory.GENERAL,
        values={"links": links},
        contact_id=first.contact_id,
        personal=True,
        to=[Recipient(address, first.language, first.contact_id)],
    )
    return None


async def process_due(runtime: Runtime) -> int:
    """One pass: claim and process what is waiting; how many were processed."""
    token = uuid.uuid4().hex
    return sum([await process(runtime, request_id, token) for request_id in await claim(runtime, token)])


async def recover_forever(runtime: Runtime) -> None:
    """The worker: a pass every WORKER_POLL_SECONDS."""
    while True:
        await process_due(runtime)
        beat(runtime)
        await asyncio.sleep(runtime.settings.worker_poll_seconds)
