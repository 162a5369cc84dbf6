"""Throttles built on `limits`: memory storage in one process, Redis when several share them."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string


class RateLimiter:
    def __init__(self, url: str) -> None:
        self.storage: Storage = storage_from_string(f"async+{url}")
        self._limiter = MovingWindowRateLimiter(self.storage)

    async def hit(self, rule: str, *key: str) -> int | None:
        """Count one attempt; None when allowed, else the seconds to wait."""
        item = parse(rule)
        if await self._limiter.hit(item, *key):
            return None
        return await self._wait(item, *key)

    async def peek(self, rule: str, *key: str) -> int | None:
        """Like `hit` without counting: for rules that count only failures, checked before the work."""
        item = parse(rule)
        if await self._limiter.test(item, *key):
            return None
        return await self._wait(item, *key)

    async def clear(self, rule: str, *key: str) -> None:
        """Forget the attempts counted for `key` (e.g. consecutive failures, once someone succeeded)."""
        await self._limiter.clear(parse(rule), *key)

    async def _wait(self, item: RateLimitItem, *key: str) -> int:
        reset_at, _remaining = await self._limiter.get_window_stats(item, *key)
        return max(1, math.ceil(reset_at - time.time()))

    async def reset(self) -> None:
        await self.storage.reset()
