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
    # The last webhook event's number (core/webhook_events): raised in the transaction of each event, so the
    # account's events are numbered in commit order, without gaps or repeats.
    webhook_sequence = fields.IntField(default=0)

    class Meta:
        table = "account"
