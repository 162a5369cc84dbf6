"""The "access changed" event: what ends or narrows someone's access publishes it in its transaction.

Every process re-checks the live sockets it holds for that person (core/sockets). It lives apart
from both sides so that the code ending sessions (core/authn) and the sockets that react to the
event need not import each other.
"""

from __future__ import annotations

from core import events

ACCESS = "access"


def access_changed(
    account_id: int,
    *,
    contact_id: int | None = None,
    holder: bool = False,
    force: bool = False,
    api_token_id: int | None = None,
) -> None:
    """Publish (inside an events.transaction) that access changed for the holder, a contact, one API token,
    or the whole account.

    force: close the sockets even if they would still be allowed (e.g. after a password change)."""
    events.publish(ACCESS, account_id, contact_id=contact_id, holder=holder, force=force, api_token_id=api_token_id)
