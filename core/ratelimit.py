"""Throttles built on `limits`: memory storage in one process, Redis when several share them."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from core.errors import ApiError


class _MemoryStorage(MemoryStorage):
    """limits' memory storage, whose expiry task reads `events[key]` across awaits: popping a key
    meanwhile (clear, reset) raised KeyError in that background task. Emptying the key's events
    instead leaves the removal to the expiry task itself."""

    async def clear(self, key: str) -> None:
        self.storage.pop(key, None)
        self.expirations.pop(key, None)
        if key in self.events:
            self.events[key] = []

    async def reset(self) -> int | None:
        count = max(len(self.storage), len(self.events))
        self.storage.clear()
        self.expirations.clear()
        for key in self.events:
            self.events[key] = []
        return count


def _storage(url: str) -> Storage:
    """Our memory storage for memory://, else limits' asyncio storage for the URL (Redis when processes share it)."""
    if url.startswith("memory://"):
        return _MemoryStorage()
    storage = storage_from_string(f"async+{url}")
    if not isinstance(storage, Storage):
        raise TypeError(f"RATE_LIMIT_STORAGE {url!r} has no asyncio storage")
    return storage


@dataclass(frozen=True, slots=True)
class Quota:
    """One limit's state once a request was counted against it: what the IETF RateLimit fields
    (draft-ietf-httpapi-ratelimit-headers) and Retry-After report.

    `reset` is the number of seconds until the oldest request still counted leaves the moving window (at
    `remaining` 0: until one more request is allowed)."""

    policy: str
    limit: int
    window: int
    remaining: int
    reset: int
    allowed: bool

    @property
    def retry_after(self) -> int | None:
        """None when the request was allowed, else the seconds to wait (at least 1)."""
        return None if self.allowed else max(1, self.reset)


def rate_limited(wait: int, message: str) -> ApiError:
    """A top-level RATE_LIMITED error whose `extensions.retryAfter` says how many seconds to wait."""
    error = ApiError("RATE_LIMITED", message)
    error.extensions = {**(error.extensions or {}), "retryAfter": wait}
    return error


class RateLimiter:
    def __init__(self, url: str) -> None:
        self.storage = _storage(url)
        # Public for callers that count several limits all or none (core/mail_limits).
        self.strategy = MovingWindowRateLimiter(self.storage)

    async def hit(self, rule: str, *key: str) -> int | None:
        """Count one attempt; None when allowed, else the seconds to wait."""
        item = parse(rule)
        if await self.strategy.hit(item, *key):
            return None
        return await self.wait(item, *key)

    async def count(self, rule: str, policy: str, *key: str) -> Quota:
        """Count one attempt like `hit`, and report the limit's remaining budget and reset (one more storage
        round trip: limits' `get_window_stats`, on the memory and the Redis storage alike)."""
        item = parse(rule)
        allowed = await self.strategy.hit(item, *key)
        reset_at, remaining = await self.strategy.get_window_stats(item, *key)
        return Quota(
            policy=policy,
            limit=item.amount,
            window=item.get_expiry(),
            remaining=max(0, remaining),
            reset=max(0, math.ceil(reset_at - time.time())),
            allowed=allowed,
        )

    async def peek(self, rule: str, *key: str) -> int | None:
        """Like `hit` without counting: for rules that count only failures, checked before the work."""
        item = parse(rule)
        if await self.strategy.test(item, *key):
            return None
        return await self.wait(item, *key)

    async def clear(self, rule: str, *key: str) -> None:
        """Forget the attempts counted for `key` (e.g. consecutive failures, once someone succeeded)."""
        await self.strategy.clear(parse(rule), *key)

    async def wait(self, item: RateLimitItem, *key: str) -> int:
        """Seconds until `key` has room again under `item`."""
        reset_at, _remaining = await self.strategy.get_window_stats(item, *key)
        return max(1, math.ceil(reset_at - time.time()))

    async def reset(self) -> None:
        await self.storage.reset()
