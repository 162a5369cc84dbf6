"""The archive of every email sent to the customer ("Emails Recibidos", seed 004 5.3).

Bodies here are redacted: one-time secrets never reach this table. The unredacted copy
waits in the outbox only until it is delivered.
"""

import enum

from tortoise import fields
from tortoise.models import Model

from models.account import Account
from models.contact import Contact
from models.enums import DeliveryStatus, EmailCategory
from models.service import Service


class MailKind(enum.Enum):
    """Which outbound-mail budget a message counts against (core/mail_limits)."""

    SECURITY = "SECURITY"  # codes, links, password notices: per recipient address
    INVITATION = "INVITATION"  # contact invitations: per address and day
    CUSTOMER = "CUSTOMER"  # anything else a customer's action triggers: only the account's budget


class MailMessage(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="mail", on_delete=fields.CASCADE
    )
    account_id: int
    service: fields.ForeignKeyNullableRelation[Service] = fields.ForeignKeyField(
        "models.Service", related_name="mail", null=True, on_delete=fields.SET_NULL
    )
    service_id: int | None
    # A re-send points at the original message, never at another re-send.
    resent_from: fields.ForeignKeyNullableRelation["MailMessage"] = fields.ForeignKeyField(
        "models.MailMessage", related_name="resends", null=True, on_delete=fields.SET_NULL
    )
    resent_from_id: int | None
    category = fields.CharEnumField(EmailCategory, max_length=16)
    template = fields.CharField(max_length=60)
    kind = fields.CharEnumField(MailKind, max_length=12, default=MailKind.CUSTOMER)
    # Addressed to particular people (codes, notices to one person): resent only to them.
    personal = fields.BooleanField(default=False)
    message_id = fields.CharField(max_length=200, unique=True)
    subject = fields.CharField(max_length=300)
    text_body = fields.TextField()
    html_body = fields.TextField(null=True)
    search_text = fields.TextField()
    delivery_status = fields.CharEnumField(DeliveryStatus, max_length=8, default=DeliveryStatus.QUEUED)
    queued_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "mail_message"
        # An account's archive newest first, page by page, in the index's order: never all of its rows and a sort
        # (what a plan from stale statistics did, bodies and all, as the archive grew); its size an index count.
        indexes = (("account_id", "id"),)


class MailRecipient(Model):
    """One actual recipient of a message; `contact` is set when it was a contact's address."""

    id = fields.IntField(primary_key=True)
    message: fields.ForeignKeyRelation[MailMessage] = fields.ForeignKeyField(
        "models.MailMessage", related_name="recipients", on_delete=fields.CASCADE, db_index=True
    )
    message_id: int
    address = fields.CharField(max_length=254)
    contact: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="mail_received", null=True, on_delete=fields.SET_NULL
    )
    contact_id: int | None
    # The receiving server refused this address (the SMTP code and reply), though others may have been accepted.
    refused = fields.CharField(max_length=300, null=True)

    class Meta:
        table = "mail_recipient"
