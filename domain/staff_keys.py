"""Staff API keys: created by an operator with the CLI, shown once, stored as a keyed hash, scoped, revocable.

A staff key is not a customer credential: the staff API (staff_app.py) accepts nothing else, and the public
API never looks keys up (their prefix tells them apart at a glance, and to secret scanners).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from core.runtime import Runtime
from models import StaffKey
from models.enums import StaffScope

STAFF_KEY_PREFIX = "csk_"
NAME_MAX = 100
LAST_USED_GRANULARITY = timedelta(minutes=1)  # last_used_at is written at most this often per key


class StaffKeyRefused(ValueError):
    """A key request the operator must correct (the CLI prints it and exits with code 2)."""


@dataclass(frozen=True, slots=True)
class CreatedKey:
    key: StaffKey
    secret: str  # shown once


def parse_scopes(text: str) -> list[StaffScope]:
    """`accounts,services` (any case) as scopes; `all` for every scope."""
    words = [word.strip().upper() for word in text.split(",") if word.strip()]
    if words == ["ALL"]:
        return list(StaffScope)
    unknown = [word for word in words if word not in StaffScope.__members__]
    if unknown or not words:
        choices = ", ".join(scope.value.lower() for scope in StaffScope)
        raise StaffKeyRefused(f"scopes must be `all` or some of {choices}; not {', '.join(unknown) or 'none'}")
    return [StaffScope(word) for word in dict.fromkeys(words)]


async def create_key(runtime: Runtime, name: str, scopes: list[StaffScope]) -> CreatedKey:
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise StaffKeyRefused(f"the key's name must have 1 to {NAME_MAX} characters")
    secret = STAFF_KEY_PREFIX + runtime.secrets.new_token()
    key = await StaffKey.create(
        name=name,
        scopes=[scope.value for scope in scopes],
        secret_hash=runtime.secrets.digest(secret),
        created_at=runtime.clock.now(),
    )
    return CreatedKey(key, secret)


async def revoke_key(runtime: Runtime, key_id: int) -> bool:
    """False when there is no such live key."""
    return bool(await StaffKey.filter(id=key_id, revoked_at=None).update(revoked_at=runtime.clock.now()))


async def live_key(runtime: Runtime, secret: str) -> StaffKey | None:
    """The live key `secret` belongs to (looked up by its hash under every SECRET_KEYS key), or None."""
    if not secret.startswith(STAFF_KEY_PREFIX):
        return None
    key = await StaffKey.filter(secret_hash__in=runtime.secrets.digests(secret), revoked_at=None).first()
    if key is None:
        return None
    now = runtime.clock.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_GRANULARITY:
        await StaffKey.filter(id=key.id).update(last_used_at=now)
    return key
