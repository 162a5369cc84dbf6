"""Live status of cancellations and services over graphql-transport-ws."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from core.context import Context
from domain.live_cancellations import cancellation_changes, service_changes
from models.enums import Permission
from schema.permissions import needs
from schema.services import Cancellation, Service


@strawberry.type
class CancellationEvent:
    cancellation: Cancellation
    service: Service


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="First the current state of every open cancellation in scope, then every change as it commits. "
        "serviceId narrows it to one service.",
        extensions=needs(Permission.SERVICES),
    )
    async def cancellation_status_changed(
        self, info: strawberry.Info[Context, None], service_id: strawberry.ID | None = None
    ) -> AsyncGenerator[CancellationEvent, None]:
        async for cancellation, service in cancellation_changes(info.context, service_id):
            yield CancellationEvent(cancellation=Cancellation.of(cancellation, service), service=Service.of(service))

    @strawberry.subscription(
        description="Services that change without a cancellation (renewal turned off or on, a service ended at its "
        "due date with renewal off): first those in scope whose renewal is off and that have not ended, then every "
        "such change as it commits. serviceId narrows it to one service.",
        extensions=needs(Permission.SERVICES),
    )
    async def service_status_changed(
        self, info: strawberry.Info[Context, None], service_id: strawberry.ID | None = None
    ) -> AsyncGenerator[Service, None]:
        async for service in service_changes(info.context, service_id):
            yield Service.of(service)
