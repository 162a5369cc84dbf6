"""Retention: what is no longer needed is deleted after the periods of the RETENTION_* settings, and the activity
history's IP addresses and user agents are pseudonymised after ACTIVITY_PSEUDONYMISE_DAYS (the history itself is
kept for the life of the account: seed 004). The mail archive (MailMessage) is kept.

Clock-driven and safe in any number of processes: each delete is a short statement over a bounded batch whose
condition is checked again by the delete itself, and pseudonymising is idempotent and conditional on the value
still being the original.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.functions import Max
from tortoise.models import Model

from core.runtime import Runtime
from core.workers import beat, progress
from models import (
    ActivityEvent,
    Contact,
    EmailChange,
    OutboxMessage,
    RecoveryRequest,
    Session,
    SignInChallenge,
    StaffAudit,
    WebAuthnChallenge,
)
from models.enums import DeliveryStatus

log = logging.getLogger("clientpanel.retention")
SWEEP_EVERY = timedelta(hours=1)
BATCH = 500
# A pseudonymised value: this prefix and the start of the value's keyed hash (the same value, the same pseudonym).
PSEUDONYM = "anon:"
PSEUDONYM_HEX = 16


async def delete_in_batches(runtime: Runtime, model: type[Model], condition: Q) -> int:
    """The rows that meet `condition`, deleted a batch at a time (short statements, short locks); the condition
    is checked again by each delete, so a row that changed meanwhile stays. Each batch is a heartbeat: a long
    first pass over a large backlog is progress, not a stuck worker."""
    deleted = 0
    while ids := await model.filter(condition).limit(BATCH).values_list("id", flat=True):
        deleted += await model.filter(condition, id__in=ids).delete()
        progress(runtime)
    return deleted


def _ended_before(cutoff: datetime, *columns: str) -> Q:
    """Any of the timestamp `columns` before `cutoff`."""
    before: list[dict[str, Any]] = [{f"{column}__lt": cutoff} for column in columns]
    return Q(*(Q(**condition) for condition in before), join_type="OR")


def _last_sign_ins() -> Subquery:
    """Each holder's newest session, kept: the staff API's `lastSignInAt` is read from it (domain/support)."""
    newest = Session.filter(contact_id__isnull=True).annotate(newest=Max("id")).group_by("account_id")
    return Subquery(newest.values("newest"))


async def sweep(runtime: Runtime) -> dict[str, int]:
    """One retention pass; how many rows each kind lost (or, for the activity, had pseudonymised)."""
    now = runtime.clock.now()
    settings = runtime.settings
    sessions = now - timedelta(days=settings.retention_sessions_days)
    links = now - timedelta(days=settings.retention_links_days)
    done = {
        "sessions": await delete_in_batches(
            runtime,
            Session,
            Q(_ended_before(sessions, "ended_at", "expires_at", "last_seen_at"), ~Q(id__in=_last_sign_ins())),
        ),
        # Request rows once matched; link rows once used, voided or expired, and past a temporary password's life.
        "recovery": await delete_in_batches(
            runtime,
            RecoveryRequest,
            Q(processed_at__lt=links)
            | Q(
                _ended_before(links, "used_at", "voided_at", "expires_at"),
                Q(temporary_password_until__isnull=True) | Q(temporary_password_until__lt=links),
            ),
        ),
        "sign_in_challenges": await delete_in_batches(
            runtime, SignInChallenge, _ended_before(links, "used_at", "expires_at")
        ),
        "passkey_challenges": await delete_in_batches(
            runtime, WebAuthnChallenge, _ended_before(links, "used_at", "expires_at")
        ),
        "email_changes": await delete_in_batches(
            runtime, EmailChange, _ended_before(links, "confirmed_at", "voided_at", "expires_at")
        ),
        # The contact stays, its invitation shown as expired; only the token that can no longer be used goes.
        "invitations": await Contact.filter(
            invitation_token_hash__isnull=False, invitation_expires_at__lt=links
        ).update(invitation_token_hash=None),
        # The archived MailMessage stays (the panel's "Emails Recibidos"); the outbox row's last attempt was due
        # at its next_attempt_at.
        "outbox": await delete_in_batches(
            runtime,
            OutboxMessage,
            Q(
                status__in=[DeliveryStatus.SENT, DeliveryStatus.FAILED],
                next_attempt_at__lt=now - timedelta(days=settings.retention_outbox_days),
            ),
        ),
        "staff_audit": await delete_in_batches(
            runtime, StaffAudit, Q(at__lt=now - timedelta(days=settings.retention_staff_audit_days))
        ),
        "activity_pseudonymised": await pseudonymise_activity(
            runtime, now - timedelta(days=settings.activity_pseudonymise_days)
        ),
    }
    if any(done.values()):
        log.info("retention pass", extra={"fields": {key: value for key, value in done.items() if value}})
    return done


def pseudonym(runtime: Runtime, value: str | None) -> str | None:
    """A keyed hash prefix in place of `value` (stable, so one address's events still read as one address)."""
    if value is None or value.startswith(PSEUDONYM):
        return value
    return PSEUDONYM + runtime.secrets.digest(value)[:PSEUDONYM_HEX]


async def pseudonymise_activity(runtime: Runtime, cutoff: datetime) -> int:
    """The IP addresses and user agents of activity events from before `cutoff`, pseudonymised; how many events."""
    raw = Q(Q(ip_address__isnull=False), ~Q(ip_address__startswith=PSEUDONYM)) | Q(
        Q(user_agent__isnull=False), ~Q(user_agent__startswith=PSEUDONYM)
    )
    due = Q(raw, at__lt=cutoff)
    changed = 0
    while (
        rows := await ActivityEvent.filter(due)
        .order_by("id")
        .limit(BATCH)
        .values_list("id", "ip_address", "user_agent")
    ):
        for event_id, ip_address, user_agent in rows:
            # Conditional on the values read: a concurrent pass that got there first leaves nothing to do.
            changed += await ActivityEvent.filter(id=event_id, ip_address=ip_address, user_agent=user_agent).update(
                ip_address=pseudonym(runtime, ip_address), user_agent=pseudonym(runtime, user_agent)
            )
        progress(runtime)
    return changed


async def retain_forever(runtime: Runtime) -> None:
    """The worker: a retention pass every hour (at its start too), a heartbeat every WORKER_POLL_SECONDS."""
    swept_at: datetime | None = None
    while True:
        now = runtime.clock.now()
        if swept_at is None or now - swept_at >= SWEEP_EVERY:
            await sweep(runtime)
            swept_at = now
        beat(runtime)
        await asyncio.sleep(runtime.settings.worker_poll_seconds)
