"""Who is making a request: a session cookie (browsers) or a bearer API token (partners)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from starlette.requests import HTTPConnection
from starlette.responses import Response
from tortoise.queryset import QuerySet

from core.access import access_changed
from core.context import Principal
from core.factors import contacts_with_second_factor
from core.http import request_header
from core.prepared import PreparedSelect
from core.ratelimit import Quota
from core.runtime import Runtime
from models import Account, ApiToken, Contact, Holder, Session
from models.enums import ALL_PERMISSIONS, Language, Permission

# Per API token, HTTP requests and socket operations together.
REQUESTS_PER_TOKEN = "600/minute"  # noqa: S105  a rate limit, not a secret (ruff reads "TOKEN" as a password)
# Its name in the RateLimit-Policy and RateLimit response fields.
TOKEN_POLICY = "token"  # noqa: S105  a policy's name, not a secret

SESSION_COOKIE = "cp_session"
# last_seen_at is written at most this often, so reads do not all become writes.
LAST_SEEN_GRANULARITY = timedelta(minutes=1)


def session_cookie_name(runtime: Runtime) -> str:
    return f"__Host-{SESSION_COOKIE}" if runtime.settings.secure_cookies else SESSION_COOKIE


def bearer_token(connection: HTTPConnection) -> str | None:
    """The one reading of the Authorization header: the Bearer token ("" when the scheme names none), or None
    when there is no Bearer credential (no header, an empty one, or another scheme such as a staging proxy's
    Basic: not this API's credential, so it is ignored and the request stands on its cookie, if any)."""
    scheme, _, token = (request_header(connection.scope, b"authorization") or "").strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


# RFC 6750 section 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
_B64TOKEN = re.compile(r"[A-Za-z0-9._~+/-]+=*")


@dataclass(frozen=True, slots=True)
class InvalidCredentials:
    """A Bearer token that does not authenticate: malformed, unknown, revoked or expired (RFC 6750 section 3.1),
    with one description for all, so the answer does not tell them apart."""

    description: str

    @property
    def challenge(self) -> str:
        """The `WWW-Authenticate` value."""
        return f'Bearer error="invalid_token", error_description="{self.description}"'


INVALID_TOKEN = InvalidCredentials("The access token is malformed, unknown, revoked or expired")


async def authenticate_request(runtime: Runtime, connection: HTTPConnection) -> Access | InvalidCredentials | None:
    """Like `access_for`, telling "no credentials" (None: no Bearer token, and no valid session cookie) from a
    Bearer token that is not valid. A malformed token is refused without a lookup; unknown, revoked and expired
    tokens cost the same lookups (`access_for`) before they are refused alike."""
    token = bearer_token(connection)
    if token is None:
        return await _cookie_access(runtime, connection, touch=True)
    if not _B64TOKEN.fullmatch(token):
        return INVALID_TOKEN
    return await access_for(runtime, connection, token) or INVALID_TOKEN


@dataclass(frozen=True, slots=True)
class Access:
    """A principal and when it must be checked again by time alone (session idle/absolute expiry, token expiry)."""

    principal: Principal
    valid_until: datetime | None
    # The rows read to authenticate, for the request to reuse.
    account: Account | None = None
    holder: Holder | None = None
    session: Session | None = None


async def authenticate(runtime: Runtime, connection: HTTPConnection, token: str | None = None) -> Principal | None:
    """The principal behind the request's bearer token or session cookie; None if neither is valid.

    `token` overrides both (a WebSocket's connection_init payload)."""
    access = await access_for(runtime, connection, token)
    return access.principal if access else None


async def access_for(
    runtime: Runtime, connection: HTTPConnection, token: str | None = None, *, touch: bool = True
) -> Access | None:
    """Like `authenticate`, with the time the answer holds until. touch=False: a re-check that is not a use
    (it neither moves the session's idle deadline nor the token's last use)."""
    token = token or bearer_token(connection)
    if token is not None:  # a Bearer header never falls back to the cookie, even an empty one
        if not token:
            return None
        return await _api_token_access(runtime, token, touch) or await _session_access(runtime, token, touch)
    return await _cookie_access(runtime, connection, touch=touch)


async def _cookie_access(runtime: Runtime, connection: HTTPConnection, *, touch: bool) -> Access | None:
    """The session cookie's access; a request without a Cookie header is anonymous without parsing any."""
    if request_header(connection.scope, b"cookie") is None:
        return None
    cookie = connection.cookies.get(session_cookie_name(runtime))
    return await _session_access(runtime, cookie, touch) if cookie else None


# A credential's row with its account, the account's holder and the acting contact: one statement, its SQL built once.
_SESSIONS = PreparedSelect(
    Session,
    lambda digests: (
        Session.filter(token_hash__in=digests, ended_at=None).select_related("contact", "account__holder").limit(1)
    ),
)
_API_TOKENS = PreparedSelect(
    ApiToken,
    lambda digests: (
        ApiToken.filter(token_hash__in=digests, revoked_at=None)
        .select_related("created_by_contact", "account__holder")
        .limit(1)
    ),
)


async def principal_for_session(runtime: Runtime, token: str) -> Principal | None:
    access = await _session_access(runtime, token, touch=True)
    return access.principal if access else None


async def _session_access(runtime: Runtime, token: str, touch: bool) -> Access | None:
    now = runtime.clock.now()
    idle = timedelta(minutes=runtime.settings.session_idle_minutes)
    found = await _SESSIONS.fetch(runtime.secrets.digests(token))
    session = found[0] if found else None
    if session is None or session.expires_at <= now or session.last_seen_at + idle <= now:
        return None
    contact = session.contact
    if contact is not None and not contact.active:
        return None
    last_seen = session.last_seen_at
    if touch and now - last_seen >= LAST_SEEN_GRANULARITY:
        await Session.filter(id=session.id).update(last_seen_at=now)
        session.last_seen_at = last_seen = now
    holder = holder_of(session.account)
    principal = await _principal(session.account, contact or holder, session_id=session.id, api_token=None)
    principal = replace(principal, authenticated_at=session.authenticated_at)
    return Access(principal, min(session.expires_at, last_seen + idle), session.account, holder, session)


async def _api_token_access(runtime: Runtime, token: str, touch: bool) -> Access | None:
    now = runtime.clock.now()
    found = await _API_TOKENS.fetch(runtime.secrets.digests(token))
    api_token = found[0] if found else None
    if api_token is None or (api_token.expires_at is not None and api_token.expires_at <= now):
        return None
    creator = api_token.created_by_contact
    if creator is not None and not creator.active:
        return None
    if touch and (api_token.last_used_at is None or now - api_token.last_used_at >= LAST_SEEN_GRANULARITY):
        await ApiToken.filter(id=api_token.id).update(last_used_at=now)
    holder = holder_of(api_token.account)
    principal = await _principal(api_token.account, creator or holder, session_id=None, api_token=api_token)
    return Access(principal, api_token.expires_at, api_token.account, holder)


def holder_of(account: Account) -> Holder:
    """The holder read with the account (select_related "account__holder")."""
    holder = getattr(account, "holder", None)  # the reverse one-to-one, fetched
    if not isinstance(holder, Holder):
        raise TypeError("the account's holder was not read with it")
    return holder


async def must_enrol(account: Account, contact: Contact | None) -> bool:
    """A contact without a second factor while the holder requires one: their session may only enrol, their
    API tokens do nothing (SECOND_FACTOR_ENROLMENT_REQUIRED)."""
    if contact is None or not account.contacts_need_second_factor:
        return False
    return not await contacts_with_second_factor([contact.id])


def permissions_of(contact: Contact | None) -> frozenset[Permission]:
    if contact is None:
        return ALL_PERMISSIONS
    return frozenset(Permission(p) for p in contact.permissions)


async def _principal(
    account: Account, person: Contact | Holder, *, session_id: int | None, api_token: ApiToken | None
) -> Principal:
    """`person`: the acting contact, or the account's holder."""
    contact = person if isinstance(person, Contact) else None
    permissions = permissions_of(contact)
    if api_token is not None:
        # A token can do no more than its own scope and no more than its creator can do today.
        permissions &= frozenset(Permission(p) for p in api_token.permissions)
    language, actor = person.language, f"{person.first_name} {person.last_name}"
    must_change = contact.must_change_password if contact is not None else account.must_change_password
    if api_token is not None:
        actor = f"{actor} (API: {api_token.name})"
    return Principal(
        account_id=account.id,
        contact_id=contact.id if contact else None,
        session_id=session_id,
        api_token_id=api_token.id if api_token else None,
        permissions=permissions,
        must_change_password=must_change and api_token is None,
        language=Language(language),
        actor=actor,
        must_enrol_second_factor=await must_enrol(account, contact),
    )


def set_session_cookie(runtime: Runtime, response: Response, token: str) -> None:
    response.set_cookie(
        session_cookie_name(runtime),
        token,
        max_age=runtime.settings.session_lifetime_hours * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=runtime.settings.secure_cookies,
    )


def clear_session_cookie(runtime: Runtime, response: Response) -> None:
    response.delete_cookie(
        session_cookie_name(runtime), path="/", httponly=True, samesite="lax", secure=runtime.settings.secure_cookies
    )


async def end_sessions(runtime: Runtime, sessions: QuerySet[Session]) -> int:
    """End the open sessions among `sessions` and close their live sockets (in every process).

    Call inside `runtime.events.transaction()`; returns how many ended."""
    open_sessions = await sessions.filter(ended_at=None).values_list("id", "account_id", "contact_id")
    if not open_sessions:
        return 0
    await Session.filter(id__in=[row[0] for row in open_sessions]).update(ended_at=runtime.clock.now())
    for account_id, contact_id in {(row[1], row[2]) for row in open_sessions}:
        access_changed(account_id, contact_id=contact_id, holder=contact_id is None)
    return len(open_sessions)


def token_limit_message(wait: int) -> str:
    """The refusal of a request over its token's limit, over HTTP (429) and on a socket alike."""
    return f"Too many requests for this API token: retry in {wait} seconds."


async def count_token_request(runtime: Runtime, principal: Principal) -> Quota | None:
    """Count one request (HTTP or socket operation) against the principal's token: None for a session, else the
    token's budget after it (`allowed` False: over the limit, retry after `retry_after` seconds)."""
    if principal.api_token_id is None:
        return None
    return await runtime.limiter.count(REQUESTS_PER_TOKEN, TOKEN_POLICY, "api-token", str(principal.api_token_id))
