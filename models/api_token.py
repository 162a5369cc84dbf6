"""A partner integration's bearer token, scoped to permissions its creator held."""

from tortoise import fields
from tortoise.models import Model

from models.account import Account
from models.contact import Contact


class ApiToken(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="api_tokens", on_delete=fields.CASCADE
    )
    account_id: int
    created_by_contact: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="api_tokens", null=True, on_delete=fields.CASCADE
    )
    created_by_contact_id: int | None
    name = fields.CharField(max_length=100)
    permissions: list[str] = fields.JSONField(default=list)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"
