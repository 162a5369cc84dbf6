"""The customer account: what the holder signs in with (client number and password)."""

from tortoise import fields
from tortoise.models import Model


class Account(Model):
    id = fields.IntField(primary_key=True)
    client_number = fields.CharField(max_length=20, unique=True)
    # Empty until the holder chooses one through the welcome link (an account the billing system created).
    password_hash = fields.CharField(max_length=255)
    must_change_password = fields.BooleanField(default=False)
    pin_hash = fields.CharField(max_length=255, null=True)
    created_at = fields.DatetimeField()
    password_changed_at = fields.DatetimeField(null=True)
    # The last webhook event's number (core/webhook_events): raised in the transaction of each event, so the
    # account's events are numbered in commit order, without gaps or repeats.
    webhook_sequence = fields.IntField(default=0)
    # The billing system's own reference for the account (staff upserts find it by this).
    external_id = fields.CharField(max_length=100, unique=True, null=True)
    # The welcome link (7 days, one use) to choose the first password; stored hashed, voided by a new one.
    welcome_token_hash = fields.CharField(max_length=64, unique=True, null=True)
    welcome_expires_at = fields.DatetimeField(null=True)
    # The holder's rule (issue 23): every contact must sign in with a second factor (enrolment first).
    contacts_need_second_factor = fields.BooleanField(default=False)

    class Meta:
        table = "account"
