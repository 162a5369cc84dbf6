"""The welcome link: how a holder whose account the billing system created chooses a first password.

Seed 001 says the password "is sent by email"; we send a one-time link instead (7 days, one use),
so no password ever sits in a mailbox. The link's token is stored as a keyed hash on the account
(`welcome_token_hash`); a new link replaces it, which voids the previous one.
"""

from __future__ import annotations

from datetime import timedelta

from core.mail import queue_mail
from core.runtime import Runtime
from models import Account, Holder
from models.enums import EmailCategory

WELCOME_VALIDITY = timedelta(days=7)
FRONTEND_PATH = "/bienvenida"


async def queue_welcome(runtime: Runtime, account_id: int) -> None:
    """A new welcome link for the holder (voiding any earlier one), mailed in the holder's language.

    Call inside the transaction that creates the account (or resends the link): a rolled-back
    change then leaves neither a token nor a mail behind."""
    token = runtime.secrets.new_token()
    await Account.filter(id=account_id).update(
        welcome_token_hash=runtime.secrets.digest(token),
        welcome_expires_at=runtime.clock.now() + WELCOME_VALIDITY,
    )
    holder = await Holder.get(account_id=account_id).only("first_name")
    await queue_mail(
        runtime,
        account_id=account_id,
        template="welcome",
        category=EmailCategory.GENERAL,
        values={
            "name": holder.first_name,
            "link": f"{runtime.settings.public_base_url}{FRONTEND_PATH}?token={token}",
        },
        personal=True,
    )
