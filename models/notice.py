"""A notice the billing system sent through the panel (payment notes, renewals, promotions, ticket replies).

The sender's reference is unique: sending the same notice again (a retry after a timeout) archives and sends
nothing new and answers with the first one.
"""

from tortoise import fields
from tortoise.models import Model

from models.account import Account
from models.enums import EmailCategory


class Notice(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="notices", on_delete=fields.CASCADE
    )
    account_id: int
    reference = fields.CharField(max_length=200, unique=True)
    category = fields.CharEnumField(EmailCategory, max_length=16)
    received_at = fields.DatetimeField()

    class Meta:
        table = "notice"
