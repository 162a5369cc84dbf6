"""Handing one message to the SMTP server of SMTP_URL (smtp:// with STARTTLS when offered, smtps:// with implicit
TLS, credentials in the URL): the delivery worker's transport, and the staff alerts'."""

from __future__ import annotations

from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import aiosmtplib

from core.deliverability import Refusal
from core.runtime import Runtime

TIMEOUT = 15  # seconds for each step of the SMTP conversation


async def send(runtime: Runtime, email: EmailMessage, recipients: list[str] | None = None) -> dict[str, Refusal]:
    """Hand `email` to SMTP_URL for `recipients` (default: its headers'); the recipients the server refused while
    accepting others. Raises when it accepted nobody (SMTPRecipientsRefused: it refused every one)."""
    url = urlsplit(runtime.settings.smtp_url)
    implicit_tls = url.scheme == "smtps"
    refused, _reply = await aiosmtplib.send(
        email,
        recipients=recipients,
        hostname=url.hostname,
        port=url.port or (465 if implicit_tls else 25),
        username=unquote(url.username) if url.username else None,
        password=unquote(url.password) if url.password else None,
        use_tls=implicit_tls,
        start_tls=None if not implicit_tls else False,
        timeout=TIMEOUT,
    )
    return {address: Refusal(response.code, response.message) for address, response in refused.items()}
