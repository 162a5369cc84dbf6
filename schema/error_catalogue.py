"""Every code a client can meet, in one table: where it appears, what it means, whether to retry (docs/errors.md).

The schema's descriptions of UserErrorCode and WarningCode are written from this table (schema/common.py), and
`python -m schema.error_catalogue > docs/errors.md` writes the catalogue. Which mutations can return a payload
code is derived, never written per code: MUTATION_ERRORS and MUTATION_WARNINGS declare the domain error enums each
mutation's payload draws on. tests/test_error_catalogue.py checks the table against the enums, the mutations and
every code literal in the production code, and that docs/errors.md is current.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from core.validation import InputError
from domain.api_tokens import ApiTokenError
from domain.auth import AuthError
from domain.cancellation import CancellationError
from domain.contacts import ContactError
from domain.email_changes import EmailChangeError
from domain.factor_reset import FactorResetError
from domain.factor_rule import FactorRuleError
from domain.holder import HolderError, HolderWarning
from domain.mail import MailError
from domain.mail_preferences import MailPreferencesError
from domain.passkeys import PasskeyError
from domain.recovery import RecoveryError
from domain.renewal import RenewalError
from domain.second_factor import SecondFactorError
from domain.welcome import WelcomeError


class Kind(StrEnum):
    """Where a code appears, in the order the catalogue lists them."""

    HTTP = "HTTP status"
    TOP_LEVEL = "Top-level errors (`errors[].extensions.code`)"
    PAYLOAD = "Payload errors (`errors[].code` in a mutation's payload)"
    WARNING = "Payload warnings (`warnings[].code`: the change succeeded)"
    CLOSE = "WebSocket close codes (graphql-transport-ws)"


class Retry(StrEnum):
    """Whether, and when, the same request may succeed."""

    NO = "no (the same request fails the same way)"
    FIX = "after correcting the request"
    WAIT = "after `retryAfter` seconds"
    SIGN_IN = "after signing in again (or with a valid token)"
    STEP_UP = "after `reauthenticate`"
    RELOAD = "after reloading the object (its current `version`)"
    NEW_CODE = "after asking for a new code or link"
    CHOOSE = "after choosing the account (`clientNumber`)"
    SECOND_STEP = "with the second factor (`signInSecondStep`, or `code` / `recoveryCode` in the same input)"
    TEMPORARY_REPLACED = "after `passwordChange`"
    ENROLLED = (
        "after enrolling a second factor: an authenticator app (`secondFactorTotpStart`, then "
        "`secondFactorTotpConfirm`) or a passkey (`passkeyRegistrationStart`, then `passkeyRegistrationFinish`)"
    )
    BACKOFF = "yes, with exponential backoff"
    WITH_QUERY = "at once, sending the query with its hash"
    AS_ERRORS_SAY = "as the codes in `errors` say"
    NOT_NEEDED = "nothing to retry: the change succeeded"
    RECONNECT = "reconnect with backoff, then subscribe again and reload"
    RECONNECT_SIGNED_IN = "reconnect after signing in again (or with a valid token)"


@dataclass(frozen=True, slots=True)
class Entry:
    kind: Kind
    code: str
    meaning: str
    retry: Retry


def _entries(kind: Kind, rows: Iterable[tuple[str, str, Retry]]) -> list[Entry]:
    return [Entry(kind, code, meaning, retry) for code, meaning, retry in rows]


HTTP_STATUSES = _entries(
    Kind.HTTP,
    [
        (
            "200",
            "The request reached GraphQL: read `data` and `errors`. Payload errors and top-level errors come with "
            "200; with `Accept: application/json` so does a request that never ran (parse, validation, variable, "
            "limit or persisted-query errors).",
            Retry.AS_ERRORS_SAY,
        ),
        (
            "400",
            "`BAD_REQUEST`: the body or GET parameters are not a JSON object in UTF-8 (invalid UTF-8, lone "
            "surrogates, nesting over 1,024, a scalar or null body, an unsupported content type, `query` not a "
            "string, `variables` not an object), or a subscription sent over HTTP (use the WebSocket). With "
            "`Accept: application/graphql-response+json`, also a request that never ran (no `data`).",
            Retry.FIX,
        ),
        (
            "401",
            "A Bearer token that is malformed, unknown, revoked or expired: `WWW-Authenticate: Bearer "
            'error="invalid_token"` (RFC 6750) and the JSON error body with `UNAUTHENTICATED`. A request without a '
            "Bearer token (none, an empty header or another scheme) is not refused: it runs on its session cookie or "
            "signed out (`viewer: null`).",
            Retry.SIGN_IN,
        ),
        (
            "403",
            "`FORBIDDEN`: a cookie-session POST whose `Origin` is neither `PUBLIC_BASE_URL`'s nor in "
            "`ALLOWED_ORIGINS` (or whose `Sec-Fetch-Site` is cross-site); also a WebSocket handshake from an origin "
            "that is not allowed.",
            Retry.NO,
        ),
        (
            "404",
            "`NOT_FOUND`: a browser's `GET /graphql` (no query) where GraphiQL is off, or a path the app does not "
            "serve.",
            Retry.NO,
        ),
        ("405", "`METHOD_NOT_ALLOWED`: a mutation sent by GET, or a method other than GET and POST.", Retry.FIX),
        ("413", "`REQUEST_TOO_LARGE`: the body is over `MAX_BODY_BYTES`.", Retry.FIX),
        (
            "429",
            "`RATE_LIMITED`: an API token is over its request limit; `Retry-After` and `extensions.retryAfter` "
            "say how many seconds to wait, `RateLimit-Policy`/`RateLimit` the budget (docs/limits.md).",
            Retry.WAIT,
        ),
        (
            "500",
            "`INTERNAL_SERVER_ERROR`: a failure before GraphQL ran (e.g. the database while authenticating). The "
            "body carries `extensions.errorId`, the same id the server log has with the details.",
            Retry.BACKOFF,
        ),
        (
            "503",
            "`/readyz`: the database, or the Redis of `RATE_LIMIT_URL`, does not answer (take the process out of "
            "rotation); also `SERVICE_UNAVAILABLE` from a route outside GraphQL whose limit could not be checked "
            "(one-click unsubscribe), with `Retry-After`.",
            Retry.BACKOFF,
        ),
    ],
)

TOP_LEVEL_CODES = _entries(
    Kind.TOP_LEVEL,
    [
        (
            "UNAUTHENTICATED",
            "A field that needs a signed-in person or a token was asked for without one (or the session ended); "
            "also the body of a 401.",
            Retry.SIGN_IN,
        ),
        (
            "FORBIDDEN",
            "The caller lacks the permission the field needs (docs/permissions.md), or an API token tried to manage "
            "tokens; also the body of a 403. On a non-null field it nulls the parent, up to `viewer`.",
            Retry.NO,
        ),
        (
            "PASSWORD_CHANGE_REQUIRED",
            "Signed in with a temporary password from access recovery: only `viewer`, `reauthenticate`, "
            "`passwordChange` and `signOut` answer until the password is changed.",
            Retry.TEMPORARY_REPLACED,
        ),
        (
            "SECOND_FACTOR_ENROLMENT_REQUIRED",
            "A contact without a second factor while the holder requires one of every contact "
            "(`accountSecondFactorRuleSet`): a session gets only `viewer`, `reauthenticate`, `signOut`, "
            "`passwordChange`, `passkeyStepUpStart` and the enrolment (`secondFactorTotpStart`, "
            "`secondFactorTotpConfirm`, `passkeyRegistrationStart`, `passkeyRegistrationFinish`); the contact's "
            "API tokens get nothing at all.",
            Retry.ENROLLED,
        ),
        (
            "BAD_USER_INPUT",
            "A variable's value does not fit its type (e.g. a DateTime without offset), text contains NUL, a "
            "cursor is malformed, `first`/`last` is out of range or both are given, or `nodes(ids:)` has too many ids.",
            Retry.FIX,
        ),
        (
            "GRAPHQL_PARSE_FAILED",
            "The document is not valid GraphQL syntax, or has more tokens than `MAX_QUERY_TOKENS`.",
            Retry.FIX,
        ),
        (
            "GRAPHQL_VALIDATION_FAILED",
            "The document does not fit the schema (an unknown field or argument, a wrong type, introspection in "
            "production...).",
            Retry.FIX,
        ),
        ("QUERY_TOO_DEEP", "The document nests deeper than `MAX_QUERY_DEPTH`.", Retry.FIX),
        ("TOO_MANY_ALIASES", "The document has more aliases than `MAX_QUERY_ALIASES`.", Retry.FIX),
        (
            "QUERY_TOO_COMPLEX",
            "The document could cost more than `MAX_QUERY_COST` (ask for fewer items with `first`/`last`, or split "
            "it).",
            Retry.FIX,
        ),
        (
            "NOT_FOUND",
            "A subscription to a service that does not exist or is not the caller's; also the body of a 404.",
            Retry.NO,
        ),
        (
            "RATE_LIMITED",
            "Too many requests: `passwordStrength` per client address, an API token's request limit (HTTP 429, "
            "or an operation on its socket). `extensions.retryAfter` is the number of seconds to wait.",
            Retry.WAIT,
        ),
        (
            "PERSISTED_QUERY_NOT_FOUND",
            "This process does not know the persisted query's hash (automatic persisted queries).",
            Retry.WITH_QUERY,
        ),
        (
            "PERSISTED_QUERY_NOT_SUPPORTED",
            "`extensions.persistedQuery.version` is not 1, the only version there is.",
            Retry.FIX,
        ),
        ("PERSISTED_QUERY_HASH_MISMATCH", "The query sent does not have the sha256 hash sent with it.", Retry.FIX),
        (
            "PERSISTED_QUERY_NOT_ALLOWED",
            "With `PERSISTED_QUERIES_ONLY`, the operation is not in the manifest (over HTTP and WebSocket).",
            Retry.NO,
        ),
        (
            "SERVICE_UNAVAILABLE",
            "The rate limits' storage (Redis) does not answer, and the operation has a limit that fails closed: "
            "sign-in and its second step, access recovery, PIN checks, passkey ceremonies, password checks, "
            "invitations, welcome and email-change links, resends (docs/operations.md, Failure modes). Nothing "
            "was changed.",
            Retry.BACKOFF,
        ),
        (
            "INTERNAL_SERVER_ERROR",
            "An unexpected failure, masked as `Unexpected error. (id …)`; `extensions.errorId` is the id in the "
            "server log (quote it to support). The message never carries details.",
            Retry.BACKOFF,
        ),
        (
            "BAD_REQUEST",
            "The request is not a GraphQL request this server accepts (HTTP 400), or a subscription over HTTP.",
            Retry.FIX,
        ),
        ("METHOD_NOT_ALLOWED", "The body of a 405: a mutation by GET, or a method other than GET and POST.", Retry.FIX),
        ("REQUEST_TOO_LARGE", "The body of a 413: the request body is over `MAX_BODY_BYTES`.", Retry.FIX),
    ],
)

PAYLOAD_CODES = _entries(
    Kind.PAYLOAD,
    [
        (
            "INVALID",
            "A value is not acceptable (its format, a PIN that is not 4 to 8 digits, an expiry in the past...); "
            "`field` names it and the message says why.",
            Retry.FIX,
        ),
        ("REQUIRED", "A required value is missing or blank; `field` names it.", Retry.FIX),
        ("TOO_LONG", "A value is longer than its field allows; the message gives the maximum.", Retry.FIX),
        (
            "NOT_FOUND",
            "The id does not exist or belongs to another account (the two answer alike).",
            Retry.NO,
        ),
        (
            "INVALID_CREDENTIALS",
            "Wrong login or password (`signIn`; which part is never said), or a wrong current password. Repeated "
            "failures lead to RATE_LIMITED.",
            Retry.FIX,
        ),
        (
            "PASSWORD_TOO_WEAK",
            "The new password is too short, too long or too easy to guess; the message carries hints.",
            Retry.FIX,
        ),
        ("PASSWORD_REUSED", "The new password is the current one.", Retry.FIX),
        (
            "STALE_VERSION",
            "The object changed since it was read: `expectedVersion` is not its current `version`. Nothing was "
            "saved: reload it, reapply the edit and send the new version.",
            Retry.RELOAD,
        ),
        (
            "IDENTITY_FIELD_LOCKED",
            "An identity field (name, document) cannot be changed through the API: staff correct it. No mutation "
            "returns it today (identity fields are not in any input).",
            Retry.NO,
        ),
        (
            "RATE_LIMITED",
            "Too many attempts, requests or emails for now; `retryAfter` is the number of seconds to wait (the "
            "message says it too).",
            Retry.WAIT,
        ),
        (
            "INVALID_CODE",
            "A code or link is wrong, already used or replaced by a newer one (a cancellation code's message says "
            "how many attempts are left).",
            Retry.FIX,
        ),
        ("CODE_EXPIRED", "The code or link is past its validity: ask for a new one.", Retry.NEW_CODE),
        (
            "TOO_MANY_ATTEMPTS",
            "Too many wrong codes: this code no longer works (a cancellation code: "
            "`serviceCancellationCodeResend`; a sign-in's challenge: sign in with the password again).",
            Retry.NEW_CODE,
        ),
        (
            "ALREADY_PENDING",
            "The service already has an open cancellation: confirm or withdraw that one.",
            Retry.NO,
        ),
        (
            "INVALID_STATE",
            "Not possible in the object's current state (a cancellation no longer pending, a contact inactive or "
            "already set up, a personal message whose recipient no longer uses that address).",
            Retry.NO,
        ),
        (
            "DEADLINE_PASSED",
            "Too late: a cancellation must be requested, and renewal switched, before the service's due date.",
            Retry.NO,
        ),
        (
            "ACKNOWLEDGEMENT_REQUIRED",
            "The request must acknowledge what it implies (`acknowledgeDataDeletion: true`).",
            Retry.FIX,
        ),
        ("DUPLICATE", "Another contact of the account already uses that email.", Retry.FIX),
        (
            "PERMISSION_NOT_HELD",
            "Nobody can grant (or give a token) permissions they do not hold; the primary email is the holder's alone.",
            Retry.NO,
        ),
        (
            "STEP_UP_REQUIRED",
            "A protected change needs a recent proof of identity: call `reauthenticate(input: {password})` and "
            "repeat within `STEP_UP_MINUTES`. API tokens cannot step up.",
            Retry.STEP_UP,
        ),
        (
            "ACCOUNT_CHOICE_REQUIRED",
            "The email and password open several accounts: sign in again with `clientNumber`, one of the payload's "
            "`accounts`.",
            Retry.CHOOSE,
        ),
        (
            "SECOND_FACTOR_REQUIRED",
            "The person has two-step verification on. `signIn`: the password was right but no session started; "
            "send the payload's `challenge.token` with a code (or a recovery code) to `signInSecondStep` within 5 "
            "minutes. `reauthenticate` and `accessRecoveryConfirm`: repeat with `code` or `recoveryCode`.",
            Retry.SECOND_STEP,
        ),
    ],
)

WARNING_CODES = _entries(
    Kind.WARNING,
    [
        (
            "EMAIL_AT_OWN_DOMAIN",
            "The email saved is at a domain hosted on the account's own services: while a service is down, mail "
            "may not arrive. Suggest an address at an external provider.",
            Retry.NOT_NEEDED,
        ),
        (
            "AUTOMATIC_DEBIT_WILL_BE_CHARGED",
            "The cancellation (or turning renewal off) came after the automatic-debit cutoff: the coming debit is "
            "charged and not refunded.",
            Retry.NOT_NEEDED,
        ),
    ],
)

CLOSE_CODES = _entries(
    Kind.CLOSE,
    [
        (
            "1011",
            "The server failed the connection (an internal error, or a keep-alive ping not answered).",
            Retry.RECONNECT,
        ),
        ("1012", "The server is restarting (a deploy or a shutdown).", Retry.RECONNECT),
        (
            "4400",
            "Invalid message: an unknown message type, a message that does not parse, a `connection_init` payload "
            "that is not an object, or a subscription document that is not valid GraphQL.",
            Retry.FIX,
        ),
        (
            "4401",
            "Unauthorized: `connection_init` without a valid session or token, `subscribe` before "
            "`connection_ack`, or access ended while connected (session expired or ended, token revoked or "
            "expired, contact deactivated or deleted).",
            Retry.RECONNECT_SIGNED_IN,
        ),
        (
            "4403",
            "Forbidden: the caller lacks SERVICES or must change a temporary password first, or lost a permission "
            "while connected.",
            Retry.NO,
        ),
        ("4406", "Subprotocol not acceptable: use `graphql-transport-ws`.", Retry.FIX),
        ("4408", "No `connection_init` within 10 seconds of opening the socket.", Retry.RECONNECT),
        ("4409", "An operation id that is already running was sent again: ids must be unique per socket.", Retry.FIX),
        (
            "4429",
            "Too many sockets (`WS_MAX_PER_SESSION`, `WS_MAX_PER_TOKEN`, `WS_MAX_PER_IP`), or a second "
            "`connection_init` on one socket: close sockets you do not need.",
            Retry.RECONNECT,
        ),
    ],
)

CATALOGUE: list[Entry] = [*HTTP_STATUSES, *TOP_LEVEL_CODES, *PAYLOAD_CODES, *WARNING_CODES, *CLOSE_CODES]

# The domain error enums each mutation's payload `errors` come from (InputError: core/validation's field checks).
MUTATION_ERRORS: dict[str, tuple[type[StrEnum], ...]] = {
    "signIn": (AuthError, SecondFactorError),
    "signInSecondStep": (AuthError, SecondFactorError),
    "reauthenticate": (AuthError, SecondFactorError),
    "signOut": (),
    "sessionRevoke": (AuthError,),
    "passwordChange": (AuthError,),
    "securityPinSet": (AuthError,),
    "holderUpdate": (HolderError, EmailChangeError, InputError),
    "serviceCancellationRequest": (CancellationError,),
    "serviceCancellationConfirm": (CancellationError,),
    "serviceCancellationWithdraw": (CancellationError,),
    "serviceCancellationCodeResend": (CancellationError,),
    "serviceRenewalSet": (RenewalError,),
    "contactCreate": (ContactError, InputError),
    "contactUpdate": (ContactError, InputError),
    "contactDelete": (ContactError,),
    "contactInvitationResend": (ContactError,),
    "contactInvitationAccept": (ContactError,),
    "welcomeAccept": (WelcomeError,),
    "mailResend": (MailError,),
    "mailPreferencesSet": (MailPreferencesError,),
    "mailUnsubscribe": (MailPreferencesError,),
    "accessRecoveryRequest": (RecoveryError,),
    "accessRecoveryConfirm": (RecoveryError, SecondFactorError),
    "apiTokenCreate": (ApiTokenError,),
    "apiTokenRevoke": (ApiTokenError,),
    "emailChangeRequest": (EmailChangeError, InputError),
    "emailChangeCancel": (),
    "emailChangeConfirm": (EmailChangeError,),
    "viewerLanguageSet": (),
    "secondFactorTotpStart": (SecondFactorError,),
    "secondFactorTotpConfirm": (SecondFactorError,),
    "secondFactorRecoveryCodesRegenerate": (SecondFactorError,),
    "secondFactorTotpDisable": (SecondFactorError,),
    "passkeyRegistrationStart": (PasskeyError,),
    "passkeyRegistrationFinish": (PasskeyError, InputError),
    "passkeyRename": (PasskeyError, InputError),
    "passkeyRemove": (PasskeyError,),
    "passkeyStepUpStart": (SecondFactorError,),
    "passkeySignInStart": (AuthError,),
    "passkeySignInFinish": (AuthError,),
    "passkeySecondStepStart": (SecondFactorError,),
    "passkeyRecoveryStart": (RecoveryError, SecondFactorError),
    "accountSecondFactorRuleSet": (FactorRuleError,),
    "contactSecondFactorReset": (FactorRuleError,),
    "secondFactorResetConfirm": (FactorResetError,),
    "secondFactorResetCancel": (FactorResetError,),
    "accountSecondFactorResetCancel": (FactorResetError,),
}

# The enums each mutation's payload `warnings` come from.
MUTATION_WARNINGS: dict[str, tuple[type[StrEnum], ...]] = {
    "holderUpdate": (HolderWarning,),
    "serviceCancellationRequest": (CancellationError,),
    "serviceRenewalSet": (RenewalError,),
}


def entries(kind: Kind) -> list[Entry]:
    return [entry for entry in CATALOGUE if entry.kind is kind]


def entry(kind: Kind, code: str) -> Entry:
    found = [entry for entry in entries(kind) if entry.code == code]
    if len(found) != 1:
        raise LookupError(f"{code} is not in the error catalogue as a {kind.name} code")
    return found[0]


def schema_description(kind: Kind, code: str) -> str:
    """The enum value's description in the schema: what it means and whether to retry."""
    found = entry(kind, code)
    return f"{found.meaning} Retry: {found.retry}."


def operations(declaration: Mapping[str, tuple[type[StrEnum], ...]], code: str) -> list[str]:
    """The mutations whose declared enums have a member with this public code."""
    return sorted(name for name, enums in declaration.items() if any(code in {m.value for m in e} for e in enums))


def operations_of(found: Entry) -> list[str] | None:
    """For payload codes and warnings, the mutations that can return it; None for the other kinds."""
    if found.kind is Kind.PAYLOAD:
        return operations(MUTATION_ERRORS, found.code)
    if found.kind is Kind.WARNING:
        return operations(MUTATION_WARNINGS, found.code)
    return None


HEADER = """# Errors

Every code a client can meet: what it means and whether to retry. Generated from the table in
`schema/error_catalogue.py` (`python -m schema.error_catalogue > docs/errors.md`); a test fails when this file
is out of date, when a code has no description, or when the server can answer a code the table does not list.
The same meanings are the descriptions of `UserErrorCode` and `WarningCode` in `schema.graphql`.

## Where errors appear

- **HTTP status.** Almost every answer is 200, errors included. Refusals before GraphQL runs (a malformed
  body, a method, a body limit, an invalid Bearer token, a token over its rate limit, a cross-site cookie
  request) have their own status and the same JSON shape: `{"errors":[{"message","extensions":{"code"}}]}`.
- **Top-level `errors[]`**, each with `extensions.code`: the request or a field was refused (not signed
  in, not allowed, bad input, limits, persisted queries) or failed unexpectedly (`INTERNAL_SERVER_ERROR`
  with `extensions.errorId`). `RATE_LIMITED` carries `extensions.retryAfter` (seconds).
- **Payload `errors[]`** of a mutation (`field`, `code`, `message` in the caller's language,
  `retryAfter` on `RATE_LIMITED`): the expected failures of that change; nothing was changed. `field` is
  the path of the input concerned (`["input", "email"]`), null when it is the whole request. Branch on
  `code`, show `message`.
- **Payload `warnings[]`**: the change succeeded; something the person should know.
- **WebSocket close codes** (graphql-transport-ws at `/graphql`). An operation refused on an open socket
  gets an `error` message with top-level errors as above. The server never sends 4499 (the graphql-ws
  client's own "terminated") nor 4500.

A mutation listed for a payload code is one whose domain can return it (derived from the error enums
each mutation draws on); a mutation not listed never returns it.

## FORBIDDEN and a null `viewer`

A field that needs a permission the caller lacks answers a top-level `FORBIDDEN` error (see
[permissions.md](permissions.md) for what each field needs). When that field is non-null, GraphQL nulls
its parent, and the parent's parent while that is non-null too, up to the nearest nullable field, which
is `viewer`: one forbidden field can turn the whole `viewer` into `null`. Ask only for what
`viewer.permissions` allows (a contact or an API token holds only some permissions), or split the query.
`Account.mail` is narrowed instead of refused, and `Account.sessions` answers an empty list to a token
without SECURITY, so those never null `viewer`. (`tests/test_permission_matrix.py` shows it: a contact
without PROFILE asking for `viewer { account { holder { email } } }` gets `viewer: null` and one
`FORBIDDEN` at `["viewer", "account", "holder"]`; sibling root fields still answer.)
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _table(kind: Kind) -> str:
    rows = entries(kind)
    with_operations = kind in (Kind.PAYLOAD, Kind.WARNING)
    head = "| Code | Meaning | Retry |" + (" Mutations |" if with_operations else "")
    rule = "|---|---|---|" + ("---|" if with_operations else "")
    lines = [f"## {kind}", "", head, rule]
    for row in rows:
        line = f"| `{row.code}` | {_cell(row.meaning)} | {row.retry} |"
        if with_operations:
            line += " " + (", ".join(f"`{name}`" for name in operations_of(row) or []) or "none") + " |"
        lines.append(line)
    return "\n".join(lines) + "\n"


def markdown() -> str:
    return HEADER + "".join("\n" + _table(kind) for kind in Kind)


if __name__ == "__main__":
    print(markdown(), end="")
