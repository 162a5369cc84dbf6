"""Tortoise models, one concept per module; this package is the `models` app."""

from models.account import Account
from models.activity import ActivityEvent
from models.api_token import ApiToken
from models.cancellation import Cancellation
from models.contact import Contact
from models.email_change import EmailChange
from models.holder import Holder
from models.mail import MailMessage, MailRecipient
from models.outbox import OutboxMessage
from models.recovery import RecoveryRequest
from models.service import Service
from models.session import Session
from models.webhook_delivery import WebhookDelivery
from models.webhook_endpoint import WebhookEndpoint
from models.webhook_event import WebhookEvent

__all__ = [
    "Account",
    "ActivityEvent",
    "ApiToken",
    "Cancellation",
    "Contact",
    "EmailChange",
    "Holder",
    "MailMessage",
    "MailRecipient",
    "OutboxMessage",
    "RecoveryRequest",
    "Service",
    "Session",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
