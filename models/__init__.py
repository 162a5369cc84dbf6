"""Tortoise models, one concept per module; this package is the `models` app."""

from models.account import Account
from models.activity import ActivityEvent
from models.api_token import ApiToken
from models.cancellation import Cancellation
from models.contact import Contact
from models.deliverability import AddressDeliverability
from models.email_change import EmailChange
from models.factor_reset import FactorReset
from models.holder import Holder
from models.mail import MailMessage, MailRecipient
from models.notice import Notice
from models.outbox import OutboxMessage
from models.passkey import Passkey, WebAuthnChallenge
from models.recovery import RecoveryRequest
from models.second_factor import RecoveryCode, SignInChallenge, TotpFactor
from models.service import Service
from models.session import Session
from models.staff_key import StaffAudit, StaffKey
from models.webhook_delivery import WebhookDelivery
from models.webhook_endpoint import WebhookEndpoint
from models.webhook_event import WebhookEvent

__all__ = [
    "Account",
    "ActivityEvent",
    "AddressDeliverability",
    "ApiToken",
    "Cancellation",
    "Contact",
    "EmailChange",
    "FactorReset",
    "Holder",
    "MailMessage",
    "MailRecipient",
    "Notice",
    "OutboxMessage",
    "Passkey",
    "RecoveryCode",
    "RecoveryRequest",
    "Service",
    "Session",
    "SignInChallenge",
    "StaffAudit",
    "StaffKey",
    "TotpFactor",
    "WebAuthnChallenge",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
