"""Throttles built on `limits`: memory storage in one process, Redis when several share them."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.util import WindowStats

from core import metrics
from core.errors import ApiError
from core.i18n import Localized

log = logging.getLogger("clientpanel.limits")
UNAVAILABLE = Localized(
    "El servicio no está disponible en este momento. Intente de nuevo en unos minutos.",
    "The service is unavailable right now. Try again in a few minutes.",
)


class LimitsUnavailable(ApiError):
    """The limits' storage (Redis) did not answer: a limited action is refused rather than let through
    unlimited (fail closed), as the top-level SERVICE_UNAVAILABLE (HTTP 503 outside GraphQL)."""

    def __init__(self) -> None:
        super().__init__("SERVICE_UNAVAILABLE", UNAVAILABLE)


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
    # Its errors (connection refused, timeouts, ...) as limits' StorageError, whatever the Redis client.
    storage = storage_from_string(f"async+{url}", wrap_exceptions=True)
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


class _FailClosed(MovingWindowRateLimiter):
    """The moving window, whose storage failures are LimitsUnavailable: every limit fails closed unless its
    caller decided otherwise (`RateLimiter.hit(fail_open=True)`, `RateLimiter.count`)."""

    async def hit(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        try:
            return await super().hit(item, *identifiers, cost=cost)
        except StorageError as exc:
            raise _unavailable(exc) from None

    async def test(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        try:
            return await super().test(item, *identifiers, cost=cost)
        except StorageError as exc:
            raise _unavailable(exc) from None

    async def get_window_stats(self, item: RateLimitItem, *identifiers: str) -> WindowStats:
        try:
            return await super().get_window_stats(item, *identifiers)
        except StorageError as exc:
            raise _unavailable(exc) from None

    async def clear(self, item: RateLimitItem, *identifiers: str) -> None:
        try:
            await super().clear(item, *identifiers)
        except StorageError as exc:
            raise _unavailable(exc) from None


def _unavailable(exc: StorageError) -> LimitsUnavailable:
    """Logged with the underlying error's type only (its text may name the storage's address)."""
    log.error("rate-limit storage unavailable: %s", type(exc.storage_error).__name__)
    return LimitsUnavailable()


class RateLimiter:
    def __init__(self, url: str) -> None:
        self.storage = _storage(url)
        # Public for callers that count several limits all or none (core/mail_limits).
        self.strategy = _FailClosed(self.storage)

    async def hit(self, rule: str, *key: str, fail_open: bool = False) -> int | None:
        """Count one attempt; None when allowed, else the seconds to wait. With the storage down this raises
        LimitsUnavailable, or allows the attempt when `fail_open` (limits that only spare resources)."""
        item = parse(rule)
        try:
            if await self.strategy.hit(item, *key):
                return None
        except LimitsUnavailable:
            if fail_open:
                return None
            raise
        return await self.wait(item, *key)

    async def reachable(self) -> bool:
        """Whether the storage answers (a PING on Redis): readiness."""
        try:
            return bool(await self.storage.check())
        except Exception:  # readiness reports it, whatever the client raised
            return False

    async def count(self, rule: str, policy: str, *key: str) -> Quota:
        """Count one attempt like `hit`, and report the limit's remaining budget and reset (one more storage
        round trip: limits' `get_window_stats`, on the memory and the Redis storage alike).

        Fails open: it counts the requests of credentials that already authenticated (API tokens, staff keys),
        whose sensitive actions have limits of their own that fail closed; with the storage down the request is
        let through, reported with its full budget."""
        item = parse(rule)
        try:
            allowed = await self.strategy.hit(item, *key)
            reset_at, remaining = await self.strategy.get_window_stats(item, *key)
        except LimitsUnavailable:
            return Quota(policy, item.amount, item.get_expiry(), item.amount, item.get_expiry(), allowed=True)
        if not allowed:
            metrics.rate_limit_refused(key[0])
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
        """Seconds until `key` has room again under `item`: asked of every refusal, so it counts them (per rule, the
        key's first part)."""
        metrics.rate_limit_refused(key[0])
        reset_at, _remaining = await self.strategy.get_window_stats(item, *key)
        return max(1, math.ceil(reset_at - time.time()))

    async def reset(self) -> None:
        await self.storage.reset()
