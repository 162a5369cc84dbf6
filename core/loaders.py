"""Per-request DataLoaders, typed: one query for the many objects a page of results asks for.

A Context (one request, or one subscription event) owns one Loaders; each loader is made on first use.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property

from strawberry.dataloader import DataLoader

from core.deliverability import refused_since
from core.factors import contacts_with_second_factor
from models import Cancellation, MailRecipient, Service
from models.enums import OPEN_CANCELLATION


async def _services(service_ids: list[int]) -> list[Service | None]:
    found = {service.id: service for service in await Service.filter(id__in=service_ids)}
    return [found.get(service_id) for service_id in service_ids]


async def latest_cancellations(service_ids: list[int]) -> list[Cancellation | None]:
    """For each service, its open or else most recent cancellation."""
    latest: dict[int, Cancellation] = {}
    for row in await Cancellation.filter(service_id__in=service_ids).order_by("id"):
        current = latest.get(row.service_id)
        if current is None or current.status not in OPEN_CANCELLATION:
            latest[row.service_id] = row
    return [latest.get(service_id) for service_id in service_ids]


async def _mail_recipients(message_ids: list[int]) -> list[list[str]]:
    rows = await MailRecipient.filter(message_id__in=message_ids).order_by("id").values_list("message_id", "address")
    found: dict[int, list[str]] = {}
    for message_id, address in rows:
        found.setdefault(message_id, []).append(address)
    return [found.get(message_id, []) for message_id in message_ids]


async def _email_refused_at(addresses: list[str]) -> list[datetime | None]:
    found = await refused_since(addresses)
    return [found[address] for address in addresses]


async def _has_second_factor(contact_ids: list[int]) -> list[bool]:
    found = await contacts_with_second_factor(contact_ids)
    return [contact_id in found for contact_id in contact_ids]


class Loaders:
    """The loaders of one request."""

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
