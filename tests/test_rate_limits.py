"""Rate limits work on Redis too, so several processes share them."""

from __future__ import annotations

import uuid

from core.ratelimit import RateLimiter


async def test_redis_storage_is_shared_between_limiters() -> None:
    key = uuid.uuid4().hex
    first, second = RateLimiter("redis://127.0.0.1:6379/0"), RateLimiter("redis://127.0.0.1:6379/0")
    assert await first.hit("2/minute", "test", key) is None
    assert await second.hit("2/minute", "test", key) is None
    wait = await first.hit("2/minute", "test", key)
    assert wait is not None
    assert 0 < wait <= 60
