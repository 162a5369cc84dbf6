"""An access-recovery request (seed 001): the emailed link's token, stored hashed."""

from tortoise import fields
from tortoise.models import Model


class RecoveryRequest(Model):
    id = fields.IntField(primary_key=True)
    account = fields.ForeignKeyField("models.Account", related_name="recoveries", on_delete=fields.CASCADE)
    contact = fields.ForeignKeyField("models.Contact", related_name="recoveries", null=True, on_delete=fields.CASCADE)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    voided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "recovery_request"
