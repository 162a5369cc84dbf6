"""The transactional outbox: written in the same transaction as the change that causes a mail.

It holds the unredacted message until the delivery worker has sent it, then forgets the
bodies. Workers claim rows with a lease, so several worker processes never send one twice.
"""

from tortoise import fields
from tortoise.models import Model

from models.enums import DeliveryStatus
from models.mail import MailMessage


class OutboxMessage(Model):
    id = fields.IntField(primary_key=True)
    message: fields.OneToOneRelation[MailMessage] = fields.OneToOneField(
        "models.MailMessage", related_name="outbox", on_delete=fields.CASCADE
    )
    message_id: int
    status = fields.CharEnumField(DeliveryStatus, max_length=8, default=DeliveryStatus.QUEUED)
    text_body = fields.TextField(null=True)
    html_body = fields.TextField(null=True)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    lease_until = fields.DatetimeField(null=True)
    # Who holds the lease: a worker only touches a row it claimed with its own token.
    claim_token = fields.CharField(max_length=32, null=True)
    last_error = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "outbox_message"
        # The delivery worker's claim, every poll, reads the queued rows only (not the history of sent ones).
        indexes = (("status", "next_attempt_at"),)
