"""A contracted service (hosting, domain, ...) and its billing terms."""

from tortoise import fields
from tortoise.models import Model

from models.account import Account
from models.enums import PaymentMethod, ServiceKind, ServiceStatus


class Service(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="services", on_delete=fields.CASCADE, db_index=True
    )
    account_id: int
    name = fields.CharField(max_length=200)
    kind = fields.CharEnumField(ServiceKind, max_length=16)
    domain = fields.CharField(max_length=253, null=True)
    status = fields.CharEnumField(ServiceStatus, max_length=24, default=ServiceStatus.ACTIVE)
    status_before_cancellation = fields.CharEnumField(ServiceStatus, max_length=24, null=True)
    payment_method = fields.CharEnumField(PaymentMethod, max_length=16, default=PaymentMethod.MANUAL)
    recurring_amount = fields.DecimalField(max_digits=12, decimal_places=2, null=True)
    currency = fields.CharField(max_length=3, default="ARS")
    started_at = fields.DatetimeField()
    next_due_date = fields.DateField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    # Renewal (seed 003 "no renovar"): off, the service ends at its due date; when it was last switched
    # (the automatic-debit cutoff is judged at that moment); the ending worker's claim (a lease).
    renews = fields.BooleanField(default=True)
    renewal_changed_at = fields.DatetimeField(null=True)
    renewal_ending_started_at = fields.DatetimeField(null=True)
    # The billing system's own reference (staff upserts find it by this); raised on every change.
    external_id = fields.CharField(max_length=100, unique=True, null=True)
    version = fields.IntField(default=1)

    class Meta:
        table = "service"
