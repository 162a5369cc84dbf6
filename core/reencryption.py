"""Re-encrypting what older ENCRYPTION_KEYS keys encrypted, under the first key (`cli.py rotate-encryption`).

Every column stored with the keyring is listed here, so a rotation never forgets one: the webhook endpoints'
signing secrets and the TOTP seeds. Each table is rewritten in one transaction, its rows locked.
"""

from __future__ import annotations

from tortoise.models import Model
from tortoise.transactions import in_transaction

from core.keyring import Keyring
from models import TotpFactor, WebhookEndpoint

ENCRYPTED_COLUMNS: tuple[tuple[type[Model], tuple[str, ...]], ...] = (
    (WebhookEndpoint, ("secret", "previous_secret")),
    (TotpFactor, ("secret",)),
)


async def reencrypt_all(keyring: Keyring) -> int:
    """How many values were re-encrypted."""
    count = 0
    for model, columns in ENCRYPTED_COLUMNS:
        async with in_transaction():
            for row in await model.all().select_for_update():
                changed = [name for name in columns if (value := getattr(row, name)) and keyring.needs_rotation(value)]
                for name in changed:
                    setattr(row, name, keyring.rotate(getattr(row, name)))
                if changed:
                    await row.save(update_fields=changed)
                    count += len(changed)
    return count
