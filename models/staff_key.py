"""The provider's staff API keys (the billing system, support tools) and the audit of every use.

A key is shown once and stored only as a keyed hash (like API tokens); its scopes say which staff
operations it may call. Revoked keys stay, so the audit keeps naming who did what.
"""

from tortoise import fields
from tortoise.models import Model


class StaffKey(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    scopes: list[str] = fields.JSONField(default=list)
    secret_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "staff_key"


class StaffAudit(Model):
    """One staff request: which key, from where, which operation and fields, and how it ended. Never the
    variables (they carry customers' data and PINs)."""

    id = fields.IntField(primary_key=True)
    key: fields.ForeignKeyNullableRelation[StaffKey] = fields.ForeignKeyField(
        "models.StaffKey", related_name="audit", null=True, on_delete=fields.SET_NULL
    )
    key_id: int | None
    at = fields.DatetimeField(db_index=True)
    address = fields.CharField(max_length=45, null=True)
    operation = fields.CharField(max_length=100, null=True)
    fields_called = fields.CharField(max_length=500)
    outcome = fields.CharField(max_length=200)

    class Meta:
        table = "staff_audit"
