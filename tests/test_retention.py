"""Retention with the controllable clock: what has ended is deleted after its period, the activity history is
kept with its addresses and user agents pseudonymised, the mail archive is kept; passes run side by side."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from tortoise.transactions import in_transaction

import models
from core import retention
from core.mail import queue_mail
from core.retention import retain_forever, sweep
from domain.workers import WORKERS
from models.enums import DeliveryStatus, EmailCategory

DAY = timedelta(days=1)


def kept(done: dict[str, int]) -> dict[str, int]:
    """The kinds a pass touched."""
    return {kind: count for kind, count in done.items() if count}


async def session(account: models.Account, token: str, now, **times) -> models.Session:
    values = {"created_at": now, "last_seen_at": now, "expires_at": now + DAY, **times}
    return await models.Session.create(account_id=account.id, token_hash=token, **values)


async def test_sessions_go_a_period_after_they_ended_or_expired_and_never_while_used(runtime, factory, clock) -> None:
    account = await factory.account()
    now = clock.now()
    ended = await session(account, "ended", now, ended_at=now)
    expired = await session(account, "expired", now, expires_at=now)
    live = await session(account, "live", now, expires_at=now + 400 * DAY)
    period = timedelta(days=runtime.settings.retention_sessions_days)
    clock.advance(period - timedelta(minutes=1))
    await models.Session.filter(id=live.id).update(last_seen_at=clock.now())
    assert kept(await sweep(runtime)) == {}
    clock.advance(timedelta(minutes=2))
    assert kept(await sweep(runtime)) == {"sessions": 2}
    assert not await models.Session.filter(id__in=[ended.id, expired.id]).exists()
    assert await models.Session.filter(id=live.id).exists()


async def test_a_holder_s_last_sign_in_stays_known_to_staff(runtime, factory, clock, staff) -> None:
    """The staff lookup's lastSignInAt is the holder's newest session: that one is kept, ended or not."""
    account = await factory.account()
    other = await factory.account()
    now = clock.now()
    await session(account, "older", now - DAY, ended_at=now - DAY)
    newest = await session(account, "newest", now, ended_at=now)
    contact = await factory.contact(account, "contacto@example.net")
    await session(account, "contact", now + DAY, ended_at=now + DAY, contact_id=contact.id)
    other_newest = await session(other, "other", now, ended_at=now)
    clock.advance(timedelta(days=400))
    assert kept(await sweep(runtime)) == {"sessions": 2}
    assert set(await models.Session.all().values_list("id", flat=True)) == {newest.id, other_newest.id}
    lookup = "query($by: AccountLookupBy!) { accountLookup(by: $by) { lastSignInAt } }"
    found = await (await staff()).data(lookup, {"by": {"clientNumber": account.client_number}})
    assert found["accountLookup"][0]["lastSignInAt"].startswith(now.isoformat()[:19])


async def test_recovery_links_challenges_email_changes_and_invitations(runtime, factory, clock) -> None:
    account = await factory.account()
    now = clock.now()
    request = await models.RecoveryRequest.create(created_at=now, processed_at=now)
    pending = await models.RecoveryRequest.create(created_at=now, method="EMAIL", value="x@example.net")
    used = await models.RecoveryRequest.create(
        account_id=account.id, token_hash="used", created_at=now, expires_at=now + DAY, used_at=now
    )
    unused = await models.RecoveryRequest.create(
        account_id=account.id, token_hash="unused", created_at=now, expires_at=now + 90 * DAY
    )
    await models.SignInChallenge.create(account_id=account.id, token_hash="c1", created_at=now, expires_at=now)
    await models.WebAuthnChallenge.create(purpose="sign_in", challenge_hash="w1", created_at=now, expires_at=now)
    fresh = await models.WebAuthnChallenge.create(
        purpose="sign_in", challenge_hash="w2", created_at=now, expires_at=now + 90 * DAY
    )
    await models.EmailChange.create(
        account_id=account.id, new_email="n@example.net", token_hash="e1", created_at=now, expires_at=now
    )
    expired_invitation = await factory.contact(account, "invitada@example.net")
    open_invitation = await factory.contact(account, "abierta@example.net")
    await models.Contact.filter(id=expired_invitation.id).update(invitation_token_hash="i1", invitation_expires_at=now)
    await models.Contact.filter(id=open_invitation.id).update(
        invitation_token_hash="i2", invitation_expires_at=now + 90 * DAY
    )
    clock.advance(timedelta(days=runtime.settings.retention_links_days) + timedelta(minutes=1))
    assert kept(await sweep(runtime)) == {
        "recovery": 2,
        "sign_in_challenges": 1,
        "passkey_challenges": 1,
        "email_changes": 1,
        "invitations": 1,
    }
    remaining = set(await models.RecoveryRequest.all().values_list("id", flat=True))
    assert remaining == {pending.id, unused.id}, f"{request.id} (matched) and {used.id} (used) are gone"
    assert await models.WebAuthnChallenge.all().values_list("id", flat=True) == [fresh.id]
    invited = await models.Contact.get(id=expired_invitation.id)
    assert (invited.invitation_token_hash, invited.invitation_expires_at) == (None, now), "shown as expired still"
    assert (await models.Contact.get(id=open_invitation.id)).invitation_token_hash == "i2"


async def test_a_confirmed_link_stays_while_its_temporary_password_lives(runtime, factory, clock) -> None:
    account = await factory.account()
    now = clock.now()
    links = timedelta(days=runtime.settings.retention_links_days)
    await models.RecoveryRequest.create(
        account_id=account.id,
        token_hash="confirmed",
        created_at=now,
        expires_at=now + DAY,
        used_at=now,
        temporary_password_until=now + links + 5 * DAY,
    )
    clock.advance(links + DAY)
    assert kept(await sweep(runtime)) == {}, "used long ago, but its temporary password still lives"
    clock.advance(links + 5 * DAY)
    assert kept(await sweep(runtime)) == {"recovery": 1}, "a period after the temporary password ended"


async def test_delivered_outbox_rows_go_and_the_archive_stays(runtime, factory, clock, smtp_sink) -> None:
    account = await factory.account()
    async with in_transaction():
        [sent] = await queue_mail(
            runtime, account_id=account.id, template="pin_set", category=EmailCategory.GENERAL, personal=True
        )
        [queued] = await queue_mail(
            runtime, account_id=account.id, template="pin_set", category=EmailCategory.GENERAL, personal=True
        )
        # Settled before the app's worker can claim them: one sent, one waiting far ahead.
        await models.OutboxMessage.filter(message_id=sent.id).update(status=DeliveryStatus.SENT, text_body=None)
        await models.OutboxMessage.filter(message_id=queued.id).update(next_attempt_at=clock.now() + 400 * DAY)
    clock.advance(timedelta(days=runtime.settings.retention_outbox_days) + timedelta(minutes=1))
    assert kept(await sweep(runtime)) == {"outbox": 1}
    assert await models.OutboxMessage.all().values_list("message_id", flat=True) == [queued.id]
    assert await models.MailMessage.filter(id__in=[sent.id, queued.id]).count() == 2, "the archive is kept"


async def test_staff_audit_goes_after_its_period(runtime, clock) -> None:
    now = clock.now()
    old = await models.StaffAudit.create(at=now, fields_called="accountLookup", outcome="OK")
    clock.advance(timedelta(days=runtime.settings.retention_staff_audit_days) - DAY)
    recent = await models.StaffAudit.create(at=clock.now(), fields_called="accountLookup", outcome="OK")
    clock.advance(2 * DAY)
    assert kept(await sweep(runtime)) == {"staff_audit": 1}
    assert await models.StaffAudit.all().values_list("id", flat=True) == [recent.id]
    assert old.id != recent.id


async def test_activity_is_kept_with_addresses_and_user_agents_pseudonymised(runtime, factory, clock) -> None:
    account = await factory.account()
    now = clock.now()
    event = {"account_id": account.id, "actor": "Titular", "action": "sign_in", "summary": "Ingreso al panel"}
    first = await models.ActivityEvent.create(at=now, ip_address="203.0.113.7", user_agent="Firefox/128", **event)
    second = await models.ActivityEvent.create(at=now, ip_address="203.0.113.7", user_agent=None, **event)
    period = timedelta(days=runtime.settings.activity_pseudonymise_days)
    clock.advance(period - DAY)
    recent = await models.ActivityEvent.create(
        at=clock.now(), ip_address="198.51.100.9", user_agent="Chrome/126", **event
    )
    assert kept(await sweep(runtime)) == {}
    clock.advance(2 * DAY)
    assert kept(await sweep(runtime)) == {"activity_pseudonymised": 2}
    rows = {row.id: row for row in await models.ActivityEvent.filter(id__in=[first.id, second.id, recent.id])}
    assert len(rows) == 3, "the history itself is kept"
    ip = rows[first.id].ip_address
    assert ip is not None
    assert ip.startswith("anon:")
    assert len(ip) == len("anon:") + 16
    assert "203.0.113" not in ip
    assert rows[second.id].ip_address == ip, "one address, one pseudonym: the history still reads"
    assert rows[first.id].user_agent == "anon:" + runtime.secrets.digest("Firefox/128")[:16]
    assert rows[second.id].user_agent is None
    assert (rows[recent.id].ip_address, rows[recent.id].user_agent) == ("198.51.100.9", "Chrome/126")
    assert kept(await sweep(runtime)) == {}, "a second pass finds nothing left to do"


async def test_passes_in_bounded_batches_side_by_side(runtime, factory, clock, monkeypatch: pytest.MonkeyPatch) -> None:
    """Several worker processes sweep at once: every row goes once, none twice, no pass fails."""
    monkeypatch.setattr(retention, "BATCH", 3)
    account = await factory.account()
    now = clock.now()
    for number in range(10):
        await session(account, f"s{number}", now, ended_at=now)
        await models.ActivityEvent.create(
            account_id=account.id, at=now, actor="Titular", action="sign_in", summary="-", ip_address=f"10.0.0.{number}"
        )
    clock.advance(timedelta(days=400))
    passes = await asyncio.gather(*(sweep(runtime) for _ in range(3)))
    assert sum(done["sessions"] for done in passes) == 9, "the holder's newest session (last sign-in) stays"
    assert sum(done["activity_pseudonymised"] for done in passes) == 10
    assert await models.Session.all().values_list("token_hash", flat=True) == ["s9"]
    assert await models.ActivityEvent.filter(ip_address__startswith="anon:").count() == 10


def test_the_retention_worker_runs_with_the_others() -> None:
    assert retain_forever in WORKERS
