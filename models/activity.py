"""The account's history of movements (seed 004): append-only, never editable through the API."""

from tortoise import fields
from tortoise.models import Model

from models.account import Account


class ActivityEvent(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="activity", on_delete=fields.CASCADE, db_index=True
    )
    account_id: int
    at = fields.DatetimeField()
    actor = fields.CharField(max_length=200)
    action = fields.CharField(max_length=60)
    summary = fields.CharField(max_length=500)
    ip_address = fields.CharField(max_length=45, null=True)
    user_agent = fields.CharField(max_length=300, null=True)

    class Meta:
        table = "activity_event"
