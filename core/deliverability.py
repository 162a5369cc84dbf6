"""Whether mail reaches an address, as the SMTP servers told us (seed 000: notices are lost to dead addresses).

An address nobody refused yet is deliverable: a new address starts unknown, hence deliverable, and a later
accepted delivery makes a refused one deliverable again.
"""

from __future__ import annotations

from models import AddressDeliverability


async def deliverability_of(addresses: list[str]) -> dict[str, bool]:
    """Each of `addresses` (as given) -> whether mail reaches it; one query, case-insensitive."""
    wanted = {address.lower() for address in addresses}
    refused = set(
        await AddressDeliverability.filter(address__in=wanted, deliverable=False).values_list("address", flat=True)
    )
    return {address: address.lower() not in refused for address in addresses}
