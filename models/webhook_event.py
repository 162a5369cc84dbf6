"""The webhook outbox: one row per event, written in the same transaction as the change it reports.

`webhook_id` is the Standard Webhooks `webhook-id` (the same on every attempt and redelivery, so receivers
process each once); `payload` is the exact JSON body that is signed and sent. Receivers order an account's
events by `sequence` and a resource's by `resource_version`: delivery order is not promised.
"""

from tortoise import fields
from tortoise.models import Model

from models.account import Account


class WebhookEvent(Model):
    id = fields.IntField(primary_key=True)
    webhook_id = fields.CharField(max_length=40, unique=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="webhook_events", on_delete=fields.CASCADE
    )
    account_id: int
    sequence = fields.IntField()
    type = fields.CharField(max_length=60)
    resource_id = fields.CharField(max_length=100)
    resource_version = fields.IntField(null=True)
    payload = fields.TextField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "webhook_event"
        unique_together = (("account", "sequence"),)
