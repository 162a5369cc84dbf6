"""The welcome link: how a holder whose account the billing system created chooses a first password.

Seed 001 says the password "is sent by email"; we send a one-time link instead (7 days, one use),
so no password ever sits in a mailbox. The link's token is stored as a keyed hash on the account
(`welcome_token_hash`); a new link replaces it, which voids the previous one. An account without a
password (`password_hash == ""`) signs in with nothing: signIn answers as for a wrong password.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from core import activity
from core.context import Context
from core.mail import queue_mail
from core.outcome import Outcome, error_codes, failed, succeeded
from core.passwords import REFUSAL_MESSAGES, context_words, refusal, strength
from core.runtime import Runtime
from domain import webhook_reports
from domain.auth import start_session
from models import Account, Holder
from models.columns import find_by
from models.enums import EmailCategory

WELCOME_VALIDITY = timedelta(days=7)
FRONTEND_PATH = "/bienvenida"
ACCEPTS_PER_IP = "20/hour"
# Staff resends per account: a billing system that loops must not flood the customer's mailbox.
RESENDS_PER_ACCOUNT = "5/day"
TOKEN_PATH = ("input", "token")
PASSWORD_PATH = ("input", "password")

MESSAGES: dict[str, tuple[str, str]] = {
    **REFUSAL_MESSAGES,
    # One answer for an unknown, used or expired link: the answer tells nothing about the token.
    "INVALID_CODE": (
        "El enlace de bienvenida no es válido, ya fue usado o venció. Pida uno nuevo a soporte o recupere "
        "su acceso desde la página de ingreso.",
        "The welcome link is not valid, was already used or has expired. Ask support for a new one or recover "
        "your access from the sign-in page.",
    ),
    "RATE_LIMITED": (
        "Demasiados intentos. Vuelva a intentarlo en {seconds} segundos.",
        "Too many attempts. Try again in {seconds} seconds.",
    ),
    "INVALID": (
        "Indique la cuenta por externalId o por clientNumber (uno de los dos).",
        "Name the account by externalId or by clientNumber (exactly one of them).",
    ),
    "NOT_FOUND": ("No hay una cuenta con esa referencia.", "No account has that reference."),
    "INVALID_STATE": (
        "El titular ya eligió su clave: el enlace de bienvenida no hace falta.",
        "The holder has already chosen a password: a welcome link is not needed.",
    ),
}


@error_codes(MESSAGES)
class WelcomeError(StrEnum):
    INVALID_CODE = "INVALID_CODE"
    TOO_WEAK = "PASSWORD_TOO_WEAK"
    RATE_LIMITED = "RATE_LIMITED"
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    INVALID_STATE = "INVALID_STATE"


async def queue_welcome(runtime: Runtime, account_id: int) -> bool:
    """A new welcome link for the holder (voiding any earlier one), mailed in the holder's language; False (and
    nothing done) when the holder has a password already, even one set a moment ago by a concurrent request.

    Call inside the transaction that creates the account (or resends the link): a rolled-back
    change then leaves neither a token nor a mail behind."""
    token = runtime.secrets.new_token()
    replaced = await Account.filter(id=account_id, password_hash="").update(
        welcome_token_hash=runtime.secrets.digest(token),
        welcome_expires_at=runtime.clock.now() + WELCOME_VALIDITY,
    )
    if not replaced:
        return False
    holder = await Holder.get(account_id=account_id).only("first_name")
    await queue_mail(
        runtime,
        account_id=account_id,
        template="welcome",
        category=EmailCategory.GENERAL,
        values={
            "name": holder.first_name,
            "link": f"{runtime.settings.public_base_url}{FRONTEND_PATH}?token={token}",
        },
        personal=True,
    )
    return True


async def accept(ctx: Context, token: str, password: str) -> Outcome[Account]:
    """The holder chooses the first password with the welcome link (the policy of a password change, the holder's
    own words counting against it) and is signed in. The link works once: a conditional UPDATE claims it."""
    runtime = ctx.runtime
    if wait := await runtime.limiter.hit(ACCEPTS_PER_IP, "welcome", ctx.ip_address or "?"):
        return failed(WelcomeError.RATE_LIMITED, None, seconds=wait)
    account = await Account.get_or_none(welcome_token_hash__in=runtime.secrets.digests(token.strip()))
    now = runtime.clock.now()
    expires_at = account.welcome_expires_at if account else None
    if account is None or account.password_hash or expires_at is None or now >= expires_at:
        return failed(WelcomeError.INVALID_CODE, TOKEN_PATH)
    holder = await Holder.get(account_id=account.id)
    verdict = strength(
        password, context_words(holder.first_name, holder.last_name, holder.email, account.client_number)
    )
    if verdict.problem:
        return Outcome(failures=[refusal(WelcomeError.TOO_WEAK, PASSWORD_PATH, verdict)])
    password_hash = await runtime.secrets.hash_password(password)
    async with runtime.events.transaction():
        claimed = await Account.filter(
            id=account.id, welcome_token_hash=account.welcome_token_hash, password_hash=""
        ).update(
            password_hash=password_hash,
            password_changed_at=now,
            must_change_password=False,
            welcome_token_hash=None,
            welcome_expires_at=None,
        )
        if not claimed:
            return failed(WelcomeError.INVALID_CODE, TOKEN_PATH)
        await start_session(ctx, account, None)
        await activity.record(ctx, "welcome.accepted", "Clave elegida con el enlace de bienvenida")
        await webhook_reports.password_changed(runtime, account.id, None)
    return succeeded(account)


async def resend(
    runtime: Runtime, actor: str, *, external_id: str | None, client_number: str | None
) -> Outcome[Account]:
    """Staff (billing, support) send a new welcome link; the previous one stops working. Only while the holder has
    not chosen a password: afterwards access recovery is the way back in."""
    if (external_id is None) == (client_number is None):
        return failed(WelcomeError.INVALID, ("input",))
    column, value, path = (
        ("external_id", external_id, ("input", "externalId"))
        if external_id is not None
        else ("client_number", client_number or "", ("input", "clientNumber"))
    )
    account = await find_by(Account, column, value)
    if account is None:
        return failed(WelcomeError.NOT_FOUND, path)
    if account.password_hash:
        return failed(WelcomeError.INVALID_STATE, path)
    if wait := await runtime.limiter.hit(RESENDS_PER_ACCOUNT, "welcome-resend", str(account.id)):
        return failed(WelcomeError.RATE_LIMITED, None, seconds=wait)
    async with runtime.events.transaction():
        if not await queue_welcome(runtime, account.id):
            return failed(WelcomeError.INVALID_STATE, path)
        await activity.record_system(runtime, account.id, "welcome.resent", "Enlace de bienvenida reenviado", actor)
    return succeeded(await Account.get(id=account.id))
