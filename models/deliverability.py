"""Whether mail reaches an address, as SMTP servers told us: a refused recipient (5xx) marks it undeliverable
until a later message to it is accepted. Seed 000 warns that notices are lost to dead addresses."""

from tortoise import fields
from tortoise.models import Model


class AddressDeliverability(Model):
    id = fields.IntField(primary_key=True)
    address = fields.CharField(max_length=254, unique=True)
    deliverable = fields.BooleanField(default=True)
    refusals = fields.IntField(default=0)
    last_refusal = fields.CharField(max_length=300, null=True)  # the server's code and reply, never our input
    refused_at = fields.DatetimeField(null=True)
    accepted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "address_deliverability"
