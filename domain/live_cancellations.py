"""Live status (the subscriptions' behaviour): current state first, then each committed change, of cancellations
and of services (a service also changes without a cancellation: its renewal switched, or ended at its due date).

Events carry ids only; each process loads the rows once per event (core/events.prepare).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

from core import events
from core.context import Context
from core.errors import ApiError
from core.events import RESYNC, Frame
from core.i18n import Localized
from core.ids import pk_of
from core.loaders import Loaders
from core.sockets import live_socket
from domain.service_ending import RUNNING
from models import Cancellation, Service
from models.enums import OPEN_CANCELLATION

CANCELLATION_CHANGED = "cancellation"
SERVICE_CHANGED = "service"
# What a subscriber receives: a cancellation and its service, as committed.
LiveChange = tuple[Cancellation, Service]
T = TypeVar("T")
NO_SUCH_SERVICE = Localized("El servicio no existe o no le pertenece.", "The service does not exist or is not yours.")


def publish_cancellation(cancellation: Cancellation, service: Service) -> None:
    """Inside the transaction of a cancellation's change: its committed state goes to subscribers."""
    events.publish(
        CANCELLATION_CHANGED,
        service.account_id,
        cancellation_id=cancellation.id,
        service_id=service.id,
    )


def publish_service(service: Service) -> None:
    """Inside the transaction of a service's change made without a cancellation: subscribers see it as committed."""
    events.publish(SERVICE_CHANGED, service.account_id, service_id=service.id)


async def current_state(account_id: int, service_pk: int | None) -> list[LiveChange]:
    """Every open cancellation of the account, or of one service (as the subscription's description promises)."""
    rows = Cancellation.filter(account_id=account_id, status__in=OPEN_CANCELLATION)
    if service_pk is not None:
        rows = rows.filter(service_id=service_pk)
    return [(row, row.service) for row in await rows.order_by("id").select_related("service")]


async def cancellation_changes(ctx: Context, service_id: str | None) -> AsyncIterator[LiveChange]:
    """The cancellation subscription (the field declares SERVICES): current state, then each change in scope."""
    async for pair in _watch(ctx, service_id, current_state, _delivered):
        yield pair


async def service_changes(ctx: Context, service_id: str | None) -> AsyncIterator[Service]:
    """The service subscription (the field declares SERVICES): the services in scope whose renewal is off and that
    have not ended yet, then each service changed without a cancellation."""
    async for service in _watch(ctx, service_id, _ending_services, _delivered_service):
        yield service


async def _watch(
    ctx: Context,
    service_id: str | None,
    current: Callable[[int, int | None], Awaitable[list[T]]],
    delivered: Callable[[Frame, int, int | None], Awaitable[list[T]]],
) -> AsyncIterator[T]:
    """Current state, then what each event brings this socket, checked against its access at that moment."""
    account_id = ctx.acting.account_id
    live = live_socket(ctx)
    if live is None:
        raise ApiError("BAD_REQUEST", "Subscriptions are served over WebSocket (graphql-transport-ws) only.")
    service_pk = await _service_in_scope(ctx, service_id)
    # Subscribe before reading the current state, so a change committed in between is not lost.
    async with ctx.runtime.events.subscribe(account_id) as queue:
        for item in await current(account_id, service_pk):
            yield item
        while True:
            frame = await queue.get()
            # The socket's current access, not the one it subscribed with (no query while nothing changed).
            if live.allows(ctx.runtime.clock.now()) or await live.allowed_after_recheck():
                # Resolved as the socket's principal is now (narrowed in place by core/sockets), read afresh.
                ctx.principal, ctx.loaders = live.principal, Loaders()
                for item in await delivered(frame, account_id, service_pk):
                    yield item


async def _service_in_scope(ctx: Context, service_id: str | None) -> int | None:
    """The one service a subscription narrows to (None: all), refused NOT_FOUND unless it is the account's. The
    message is put in the socket's language here (Accept-Language, else the person's): the masking extension
    does not localize a subscription's errors."""
    if service_id is None:
        return None
    service_pk = pk_of(service_id, "Service")
    if service_pk is None or not await Service.exists(id=service_pk, account_id=ctx.acting.account_id):
        raise ApiError("NOT_FOUND", NO_SUCH_SERVICE.in_language(ctx.language))
    return service_pk


async def _delivered(frame: Frame, account_id: int, service_pk: int | None) -> list[LiveChange]:
    """What one frame brings a subscriber: the whole current state after a resync, else the change in scope."""
    if frame.kind == RESYNC:
        return await current_state(account_id, service_pk)
    if frame.kind != CANCELLATION_CHANGED or not frame.prepared:
        return []
    if service_pk is not None and frame.event["service_id"] != service_pk:
        return []
    return [frame.prepared]


async def _ending_services(account_id: int, service_pk: int | None) -> list[Service]:
    rows = Service.filter(account_id=account_id, renews=False, status__in=RUNNING)
    if service_pk is not None:
        rows = rows.filter(id=service_pk)
    return list(await rows.order_by("id"))


async def _delivered_service(frame: Frame, account_id: int, service_pk: int | None) -> list[Service]:
    """After a resync the current state again; else the service changed, if in scope."""
    if frame.kind == RESYNC:
        return await _ending_services(account_id, service_pk)
    if frame.kind != SERVICE_CHANGED or not frame.prepared:
        return []
    if service_pk is not None and frame.event["service_id"] != service_pk:
        return []
    return [frame.prepared]


async def _service(event: dict[str, Any]) -> Service | None:
    """The service as it is now (None if it no longer exists), within the event's own account."""
    return await Service.get_or_none(id=event["service_id"], account_id=event["account_id"])


async def _changed(event: dict[str, Any]) -> LiveChange | None:
    """The cancellation and its service as they are now (None if they no longer exist)."""
    # The event's own account bounds what it may carry, whoever published it.
    row = await Cancellation.get_or_none(id=event["cancellation_id"], account_id=event["account_id"]).select_related(
        "service"
    )
    return (row, row.service) if row else None


events.prepare(CANCELLATION_CHANGED, _changed)
events.prepare(SERVICE_CHANGED, _service)
