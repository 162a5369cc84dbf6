"""Everything a request or a worker needs that lives as long as the app: built once in the lifespan."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from core.clock import Clock
from core.events import EventBus
from core.ratelimit import RateLimiter
from core.security import Secrets
from settings import Settings


@dataclass
class Runtime:
    settings: Settings
    clock: Clock
    secrets: Secrets
    limiter: RateLimiter
    events: EventBus
    # Set after a commit that queued mail, so the delivery worker need not wait for its next poll.
    mail_wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    # Each background worker's last finished pass in this process (core/workers.beat).
    heartbeats: dict[str, datetime] = field(default_factory=dict)
    # Set when the process drains (`cli.py worker` on SIGTERM): each worker ends with its pass (core/workers.beat).
    draining: bool = False

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> Runtime:
        return cls(
            settings=settings,
            clock=clock or Clock(),
            secrets=Secrets(settings),
            limiter=RateLimiter(settings.rate_limit_url),
            events=EventBus(settings),
        )
