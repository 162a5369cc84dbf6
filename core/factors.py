"""Whether people have a second factor: asked on every request of a contact under the account's rule for contacts
(core/authn) and for a page of contacts (core/loaders), so it sits below both."""

from __future__ import annotations

from models import Passkey, TotpFactor


async def contacts_with_second_factor(contact_ids: list[int]) -> set[int]:
    """Which of these contacts have a second factor: a confirmed authenticator app or a passkey (the factors
    the account's rule for contacts accepts; two queries for any number of contacts)."""
    if not contact_ids:
        return set()
    confirmed = TotpFactor.filter(contact_id__in=contact_ids, confirmed_at__isnull=False)
    with_totp = await confirmed.values("contact_id")
    with_passkey = await Passkey.filter(contact_id__in=contact_ids).values("contact_id")
    return {int(row["contact_id"]) for row in [*with_totp, *with_passkey]}
