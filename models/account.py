"""The customer account: what the holder signs in with (client number and password)."""

from tortoise import fields
from tortoise.models import Model


class Account(Model):
    id = fields.IntField(primary_key=True)
    client_number = fields.CharField(max_length=20, unique=True)
    password_hash = fields.CharField(max_length=255)
    must_change_password = fields.BooleanField(default=False)
    pin_hash = fields.CharField(max_length=255, null=True)
    created_at = fields.DatetimeField()
    password_changed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "account"
