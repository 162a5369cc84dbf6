"""Alerting the provider's staff: a WARNING log line (ids only) always, and a plain email to STAFF_ALERT_EMAIL if set.

The email is sent directly (core/smtp.send), not through the outbox: outbox rows belong to a customer's
account and its archive ("Emails Recibidos"), and a staff alert is neither. It is best effort, sent after the
change that raised it committed: a failed send is logged and not retried, so what raised an alert must stay
visible elsewhere too (the staff API reports it).
"""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import format_datetime

import aiosmtplib

from core.mail import new_message_id
from core.runtime import Runtime
from core.smtp import send

log = logging.getLogger("clientpanel.staff_alerts")


async def alert_staff(runtime: Runtime, subject: str, text: str) -> bool:
    """Email `subject`/`text` to STAFF_ALERT_EMAIL, if set (True when sent). Call it after the commit; the caller
    logs its own WARNING line (with ids only)."""
    address = runtime.settings.staff_alert_email
    if not address:
        return False
    email = EmailMessage()
    email["From"] = runtime.settings.mail_from
    email["To"] = address
    email["Subject"] = " ".join(subject.split())  # one line, whatever the values in it
    email["Date"] = format_datetime(runtime.clock.now())
    email["Message-ID"] = new_message_id(runtime)
    email.set_content(text)
    try:
        await send(runtime, email)
    except (aiosmtplib.SMTPException, OSError, TimeoutError):
        log.warning("the staff alert could not be sent", exc_info=True)
        return False
    return True
