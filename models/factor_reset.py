"""Resetting the holder's second factors after they lost every one (issue 23): support verified the security
PIN, the holder confirms by a link sent to the primary email, then a waiting period with notices to every
address and a one-click cancel; only then are the factors removed. Tokens are stored as keyed hashes."""

from tortoise import fields
from tortoise.models import Model

from models.account import Account


class FactorReset(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="factor_resets", on_delete=fields.CASCADE
    )
    account_id: int
    requested_by = fields.CharField(max_length=200)  # the staff key, as the activity names it
    requested_at = fields.DatetimeField()
    confirm_token_hash = fields.CharField(max_length=64, unique=True, null=True)
    confirm_expires_at = fields.DatetimeField(null=True)
    confirmed_at = fields.DatetimeField(null=True)
    cancel_token_hash = fields.CharField(max_length=64, unique=True, null=True)
    effective_at = fields.DatetimeField(null=True)  # the end of the waiting period
    cancelled_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)
    # The worker's claim (a lease), so that several processes complete a reset once.
    lease_until = fields.DatetimeField(null=True)

    class Meta:
        table = "factor_reset"
