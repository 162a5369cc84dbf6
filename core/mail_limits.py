"""Outbound mail budgets, one module for every sender.

Each message counts against the account's hourly budget of customer-triggered mail; security
mail (codes, links, password notices) also against its recipient's hourly budget, invitations
against their address's daily budget. A refused send counts nothing, so waiting is enough.
The counters live in the shared limiter storage (memory, or Redis across processes).

Per-address budgets are kept per account: an address that one account writes to (an unverified
new email, an invitation) must never exhaust another account's budget for the same address.
Mail that anonymous callers cause (access recovery) has a budget of its own per address, across
accounts, so that it can use up neither an account's budget nor the person's own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from limits import RateLimitItem, parse

from core.runtime import Runtime
from models.mail import MailKind

__all__ = ["MailKind", "Outgoing", "mail_wait", "mail_wait_all"]


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message of `kind` to each of `addresses`."""

    kind: MailKind
    addresses: Sequence[str]


async def mail_wait(
    runtime: Runtime, *, account_id: int, kind: MailKind, addresses: Sequence[str], anonymous: bool = False
) -> int | None:
    """Count one message of `kind` to each of `addresses` and one against the account's hourly
    customer budget; None when allowed, else the seconds to wait (and then nothing is counted).

    anonymous: caused by someone not signed in (access recovery): counted on budgets of its own."""
    return await mail_wait_all(
        runtime, account_id=account_id, outgoing=[Outgoing(kind, addresses)], anonymous=anonymous
    )


async def mail_wait_all(
    runtime: Runtime, *, account_id: int, outgoing: Sequence[Outgoing], anonymous: bool = False
) -> int | None:
    """Like `mail_wait` for several messages that one action sends together: all or none are counted."""
    settings = runtime.settings
    per_address = {
        MailKind.SECURITY: parse(f"{settings.security_mail_per_recipient_hour}/hour"),
        MailKind.INVITATION: parse(f"{settings.invitations_per_address_day}/day"),
    }
    # Anonymous mail is bounded per address across accounts; the rest per account and address.
    origin = ("anonymous",) if anonymous else ("customer", str(account_id))
    costs: Counter[tuple[RateLimitItem, tuple[str, ...]]] = Counter()
    if not anonymous:
        account_budget = parse(f"{settings.customer_mail_per_account_hour}/hour")
        costs[account_budget, ("mail-account", str(account_id))] += len(outgoing)
    for message in outgoing:
        if (item := per_address.get(message.kind)) is not None:
            for address in message.addresses:
                key = ("mail-" + message.kind.value.lower(), *origin, address.strip().casefold())
                costs[item, key] += 1
    limiter, strategy = runtime.limiter, runtime.limiter.strategy
    waits = [
        await limiter.wait(item, *key)
        for (item, key), cost in costs.items()
        if not await strategy.test(item, *key, cost=cost)
    ]
    if waits:
        return max(waits)
    for (item, key), cost in costs.items():
        if not await strategy.hit(item, *key, cost=cost):
            # Another process took the room meanwhile: refused (what was counted so far errs on the safe side).
            return await limiter.wait(item, *key)
    return None
