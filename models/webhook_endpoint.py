"""Where the provider's systems receive webhooks (Standard Webhooks): a URL, the event types it wants and the
secret(s) that sign them.

Secrets must be recoverable to sign, so they are stored encrypted with the keyring (core/keyring), never
hashed and never logged. A rotation keeps the previous secret valid until `previous_secret_until`: meanwhile
every delivery carries a signature by each.
"""

from tortoise import fields
from tortoise.models import Model


class WebhookEndpoint(Model):
    id = fields.IntField(primary_key=True)
    url = fields.CharField(max_length=2000)
    event_types: list[str] = fields.JSONField(default=list)
    secret = fields.CharField(max_length=300)
    previous_secret = fields.CharField(max_length=300, null=True)
    previous_secret_until = fields.DatetimeField(null=True)
    enabled = fields.BooleanField(default=True)
    # Since when every delivery to it has failed (None after a success); too long and it is disabled.
    failing_since = fields.DatetimeField(null=True)
    disabled_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "webhook_endpoint"
