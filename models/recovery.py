"""Access recovery (seed 001): what a customer asked for, and each matched person's link.

A request row keeps what was typed (method and value) until the recovery worker has matched
it, then forgets the value. The worker gives every matched person a link row: the emailed
token, stored hashed, and after confirmation the 24-hour life of the temporary password.
"""

from datetime import datetime

from tortoise import fields
from tortoise.models import Model

from models.account import Account
from models.contact import Contact


class RecoveryRequest(Model):
    id = fields.IntField(primary_key=True)
    # None on request rows; the matched person on link rows.
    account: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="recoveries", null=True, on_delete=fields.CASCADE
    )
    account_id: int | None
    contact: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="recoveries", null=True, on_delete=fields.CASCADE
    )
    contact_id: int | None
    # Request rows: what was typed (normalised), cleared once the worker processed it.
    method = fields.CharField(max_length=16, null=True)
    value = fields.CharField(max_length=254, null=True)
    lease_until = fields.DatetimeField(null=True)
    claim_token = fields.CharField(max_length=32, null=True)
    processed_at = fields.DatetimeField(null=True)
    # Link rows.
    token_hash = fields.CharField(max_length=64, unique=True, null=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(null=True)
    used_at = fields.DatetimeField(null=True)
    voided_at = fields.DatetimeField(null=True)
    # Set when the link was confirmed: the temporary password signs in once, until then.
    temporary_password_until = fields.DatetimeField(null=True)
    temporary_password_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "recovery_request"


async def void_links(account_id: int, contact_id: int | None, now: datetime) -> None:
    """The person's unused links stop working: a newer link, or their address or access changed.

    Request rows (not yet matched) have no account, so they are never touched here."""
    await RecoveryRequest.filter(account_id=account_id, contact_id=contact_id, used_at=None, voided_at=None).update(
        voided_at=now
    )
