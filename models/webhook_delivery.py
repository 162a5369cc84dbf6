"""One event's delivery to one endpoint: its state, attempts and schedule, and the worker holding it.

Workers claim rows with a lease (`claim_token`, `lease_until`), as the mail outbox does. What is kept of a
failed attempt is its status code or the error's kind: never a body, a header or a secret.
"""

from tortoise import fields
from tortoise.models import Model

from models.enums import WebhookDeliveryStatus
from models.webhook_endpoint import WebhookEndpoint
from models.webhook_event import WebhookEvent


class WebhookDelivery(Model):
    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[WebhookEvent] = fields.ForeignKeyField(
        "models.WebhookEvent", related_name="deliveries", on_delete=fields.CASCADE
    )
    event_id: int
    endpoint: fields.ForeignKeyRelation[WebhookEndpoint] = fields.ForeignKeyField(
        "models.WebhookEndpoint", related_name="deliveries", on_delete=fields.CASCADE
    )
    endpoint_id: int
    status = fields.CharEnumField(WebhookDeliveryStatus, max_length=10, default=WebhookDeliveryStatus.PENDING)
    attempts = fields.IntField(default=0)
    # When it was (re)scheduled: it is retried until WEBHOOK_RETRY_HOURS after, then it has failed.
    scheduled_at = fields.DatetimeField()
    next_attempt_at = fields.DatetimeField()
    lease_until = fields.DatetimeField(null=True)
    claim_token = fields.CharField(max_length=32, null=True)
    last_status_code = fields.IntField(null=True)
    last_error = fields.CharField(max_length=200, null=True)
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_delivery"
        unique_together = (("event", "endpoint"),)
        indexes = (("status", "next_attempt_at"),)
