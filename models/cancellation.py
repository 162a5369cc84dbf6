"""A request to cancel a service, from the emailed code to completion (seed 003)."""

from tortoise import fields
from tortoise.models import Model

from models.account import Account
from models.enums import CancellationStatus
from models.service import Service


class Cancellation(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="cancellations", on_delete=fields.CASCADE
    )
    account_id: int
    service: fields.ForeignKeyRelation[Service] = fields.ForeignKeyField(
        "models.Service", related_name="cancellations", on_delete=fields.CASCADE, db_index=True
    )
    service_id: int
    # Equal to service_id while the cancellation is open, NULL once closed: the unique index
    # makes "one open cancellation per service" hold under concurrent requests on any database.
    open_service_id = fields.IntField(null=True, unique=True)
    status = fields.CharEnumField(CancellationStatus, max_length=24)
    reason = fields.CharField(max_length=500)
    requested_at = fields.DatetimeField()
    requested_by = fields.CharField(max_length=200)
    code_hash = fields.CharField(max_length=64, null=True)
    code_expires_at = fields.DatetimeField(null=True)
    attempts_left = fields.IntField(default=5)
    confirmed_at = fields.DatetimeField(null=True)
    effective_by = fields.DatetimeField(null=True)
    complete_after = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)
    withdrawn_at = fields.DatetimeField(null=True)
    # Deprovisioning handed to the provider (service.deprovision_requested): when it was asked, when the
    # provider said it was done (serviceDeprovisioned), and when effective_by passed without that.
    deprovision_requested_at = fields.DatetimeField(null=True)
    deprovisioned_at = fields.DatetimeField(null=True)
    overdue_at = fields.DatetimeField(null=True)
    expired_at = fields.DatetimeField(null=True)

    class Meta:
        table = "cancellation"
        # The completion worker's passes look for the open ones by status: never through the withdrawn history.
        indexes = (("status",),)
