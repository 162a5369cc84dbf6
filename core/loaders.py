"""Per-request DataLoaders, typed: one query for the many objects a page of results asks for.

A Context (one request, or one subscription event) owns one Loaders; each loader is made on first use.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property

from strawberry.dataloader import DataLoader
from tortoise.expressions import Subquery
from tortoise.functions import Max
from tortoise.queryset import QuerySet

from core.deliverability import refused_since
from core.factors import contacts_with_second_factor
from core.prepared import PreparedSelect
from models import Account, Cancellation, Holder, MailMessage, MailRecipient, Service, Session


async def _services(service_ids: list[int]) -> list[Service | None]:
    found = {service.id: service for service in await Service.filter(id__in=service_ids)}
    return [found.get(service_id) for service_id in service_ids]


async def latest_cancellations(service_ids: list[int]) -> list[Cancellation | None]:
    """For each service, its open or else most recent cancellation: its most recent one, since a cancellation is
    only ever created open and never while another is open (the unique `open_service_id`). One statement reading
    one row a service through the indexes, however many cancellations its history holds."""
    found = {row.service_id: row for row in await _LATEST_CANCELLATIONS.fetch(service_ids)}
    return [found.get(service_id) for service_id in service_ids]


def _latest_cancellations(service_ids: list[int]) -> QuerySet[Cancellation]:
    most_recent = (
        Cancellation.filter(service_id__in=service_ids).group_by("service_id").annotate(last=Max("id")).values("last")
    )
    return Cancellation.filter(id__in=Subquery(most_recent))


_LATEST_CANCELLATIONS = PreparedSelect(Cancellation, _latest_cancellations)


async def latest_cancellations_of(services: list[Service]) -> dict[int, Cancellation | None]:
    """By service id: the open or else most recent cancellation of each (no query for none)."""
    ids = [service.id for service in services]
    return dict(zip(ids, await latest_cancellations(ids), strict=True)) if ids else {}


async def recipients_of(messages: list[MailMessage]) -> dict[int, list[str]]:
    """By message id: each message's recipient addresses (no query for none)."""
    ids = [message.id for message in messages]
    return dict(zip(ids, await _mail_recipients(ids), strict=True)) if ids else {}


async def _mail_recipients(message_ids: list[int]) -> list[list[str]]:
    found: dict[int, list[str]] = {}
    for row in await _RECIPIENTS.fetch(message_ids):
        found.setdefault(row.message_id, []).append(row.address)
    return [found.get(message_id, []) for message_id in message_ids]


_RECIPIENTS = PreparedSelect(
    MailRecipient, lambda message_ids: MailRecipient.filter(message_id__in=message_ids).order_by("id")
)


async def _email_refused_at(addresses: list[str]) -> list[datetime | None]:
    found = await refused_since(addresses)
    return [found[address] for address in addresses]


async def _has_second_factor(contact_ids: list[int]) -> list[bool]:
    found = await contacts_with_second_factor(contact_ids)
    return [contact_id in found for contact_id in contact_ids]


class Loaders:
    """The loaders of one request, and the rows its authentication read."""

    def __init__(
        self, account: Account | None = None, holder: Holder | None = None, session: Session | None = None
    ) -> None:
        self._account, self._holder, self._session = account, holder, session

    def authenticated_account(self, account_id: int) -> Account | None:
        """The account row authentication read, if it is this one."""
        return self._account if self._account is not None and self._account.id == account_id else None

    async def account(self, account_id: int, *, reuse: bool) -> Account:
        """The account; with `reuse` (an operation that only reads), the row authentication read."""
        return (reuse and self.authenticated_account(account_id)) or await Account.get(id=account_id)

    async def holder(self, account_id: int, *, reuse: bool) -> Holder:
        """The account's holder; with `reuse`, the row authentication read (with the account, whoever acts)."""
        if reuse and self._holder is not None and self._holder.account_id == account_id:
            return self._holder
        return await Holder.get(account_id=account_id)

    async def session(self, session_id: int, *, reuse: bool) -> Session:
        """A session; with `reuse`, the row authentication read (its last use included)."""
        if reuse and self._session is not None and self._session.id == session_id:
            return self._session
        return await Session.get(id=session_id)

    @cached_property
    def service(self) -> DataLoader[int, Service | None]:
        return DataLoader(load_fn=_services)

    @cached_property
    def latest_cancellation(self) -> DataLoader[int, Cancellation | None]:
        return DataLoader(load_fn=latest_cancellations)

    @cached_property
    def mail_recipients(self) -> DataLoader[int, list[str]]:
        return DataLoader(load_fn=_mail_recipients)

    @cached_property
    def email_refused_at(self) -> DataLoader[str, datetime | None]:
        """When mail to each address was last refused, while it is undeliverable (core/deliverability)."""
        return DataLoader(load_fn=_email_refused_at)

    @cached_property
    def has_second_factor(self) -> DataLoader[int, bool]:
        """Whether each contact has a second factor (core/factors)."""
        return DataLoader(load_fn=_has_second_factor)
