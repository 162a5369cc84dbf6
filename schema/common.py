"""Types every domain uses: Node, PageInfo, UserError and the shared enums."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, TypeVar, cast

import strawberry
from graphql import OperationType

from core.context import Context
from core.i18n import translate
from core.outcome import Failure, Outcome
from core.pagination import Page
from models import enums
from schema.error_catalogue import Kind, schema_description

# The models' enums, exposed as they are (strawberry.enum registers the class itself and returns it).
Permission = enums.Permission
EmailCategory = enums.EmailCategory
Language = enums.Language
strawberry.enum(Permission, description="Access that a contact can be granted. The holder has all of them.")
strawberry.enum(
    EmailCategory, description="What kinds of email a person receives; also the category of every archived message."
)
strawberry.enum(Language)


T = TypeVar("T")


class NotLoaded(Enum):
    """A related value a list did not load up front (the object was built on its own)."""

    NOT_LOADED = "NOT_LOADED"


NOT_LOADED = NotLoaded.NOT_LOADED


def loaded_or(value: T | NotLoaded, load: Callable[[], Awaitable[T]]) -> T:
    """A field's value as its list loaded it (one query for the page, and the field stays synchronous: no task per
    object), else the awaitable that loads it, which graphql-core awaits like an async resolver's result. Typed as
    the value, which is what the field declares to the schema."""
    if value is NOT_LOADED:
        return cast(T, load())
    return value


def only_reads(info: strawberry.Info[Context, None]) -> bool:
    """A query changes nothing: it may reuse the rows its authentication read (a mutation's payload may not)."""
    return info.operation.operation is OperationType.QUERY


@strawberry.interface
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None

    @classmethod
    def of(cls, page: Page, cursors: list[str] | None = None) -> PageInfo:
        """`cursors`: the page's, when the caller has them already."""
        cursors = page.cursors if cursors is None else cursors
        return cls(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        )


def connection_fields(page: Page, edge: Callable[..., Any], node: Callable[[Any], Any]) -> dict[str, Any]:
    """edges, pageInfo and totalCount of a Relay connection over a page of rows."""
    cursors = page.cursors
    return {
        "edges": [edge(cursor=cursor, node=node(row)) for cursor, row in zip(cursors, page.items, strict=True)],
        "page_info": PageInfo.of(page, cursors),
        "total_count": page.total_count,
    }


def _payload_code(code: str) -> Any:
    """A UserErrorCode value described from the error catalogue (schema/error_catalogue.py)."""
    return strawberry.enum_value(code, description=schema_description(Kind.PAYLOAD, code))


def _warning_code(code: str) -> Any:
    """A WarningCode value described from the error catalogue."""
    return strawberry.enum_value(code, description=schema_description(Kind.WARNING, code))


@strawberry.enum(
    description="Why a mutation refused a change (payload `errors`); nothing was changed. docs/errors.md lists "
    "the mutations that return each code."
)
class UserErrorCode(Enum):
    INVALID = _payload_code("INVALID")
    REQUIRED = _payload_code("REQUIRED")
    TOO_LONG = _payload_code("TOO_LONG")
    NOT_FOUND = _payload_code("NOT_FOUND")
    INVALID_CREDENTIALS = _payload_code("INVALID_CREDENTIALS")
    PASSWORD_TOO_WEAK = _payload_code("PASSWORD_TOO_WEAK")
    PASSWORD_REUSED = _payload_code("PASSWORD_REUSED")
    STALE_VERSION = _payload_code("STALE_VERSION")
    IDENTITY_FIELD_LOCKED = _payload_code("IDENTITY_FIELD_LOCKED")
    RATE_LIMITED = _payload_code("RATE_LIMITED")
    INVALID_CODE = _payload_code("INVALID_CODE")
    CODE_EXPIRED = _payload_code("CODE_EXPIRED")
    TOO_MANY_ATTEMPTS = _payload_code("TOO_MANY_ATTEMPTS")
    ALREADY_PENDING = _payload_code("ALREADY_PENDING")
    INVALID_STATE = _payload_code("INVALID_STATE")
    DEADLINE_PASSED = _payload_code("DEADLINE_PASSED")
    ACKNOWLEDGEMENT_REQUIRED = _payload_code("ACKNOWLEDGEMENT_REQUIRED")
    DUPLICATE = _payload_code("DUPLICATE")
    PERMISSION_NOT_HELD = _payload_code("PERMISSION_NOT_HELD")
    STEP_UP_REQUIRED = _payload_code("STEP_UP_REQUIRED")
    ACCOUNT_CHOICE_REQUIRED = _payload_code("ACCOUNT_CHOICE_REQUIRED")
    SECOND_FACTOR_REQUIRED = _payload_code("SECOND_FACTOR_REQUIRED")


@strawberry.type
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the input field concerned, e.g. ["input", "email"]; '
        "null when the error concerns the whole request."
    )
    code: UserErrorCode
    message: str
    retry_after: int | None = strawberry.field(
        default=None,
        description="Seconds to wait before trying again; set on RATE_LIMITED, null otherwise.",
    )


@strawberry.enum(description="Advice about a change that succeeded (payload `warnings`).")
class WarningCode(Enum):
    EMAIL_AT_OWN_DOMAIN = _warning_code("EMAIL_AT_OWN_DOMAIN")
    AUTOMATIC_DEBIT_WILL_BE_CHARGED = _warning_code("AUTOMATIC_DEBIT_WILL_BE_CHARGED")


@strawberry.type(name="Warning", description="Something the caller should know about a change that succeeded.")
class PayloadWarning:
    field: list[str] | None
    code: WarningCode
    message: str


def _message(ctx: Context, failure: Failure) -> str:
    return translate(failure.message_key, ctx.language, failure.messages, **failure.values)


def _retry_after(failure: Failure) -> int | None:
    """RATE_LIMITED's wait, in seconds (every such failure carries `seconds`); None for other codes."""
    seconds = failure.values.get("seconds")
    if failure.code.value != UserErrorCode.RATE_LIMITED.value or not isinstance(seconds, int):
        return None
    return seconds


def payload_errors(ctx: Context, outcome: Outcome[Any]) -> list[UserError]:
    """The one translator of a behaviour's failures into payload errors, in the caller's language."""
    return [
        UserError(
            field=list(failure.path) if failure.path is not None else None,
            code=UserErrorCode(failure.code.value),
            message=_message(ctx, failure),
            retry_after=_retry_after(failure),
        )
        for failure in outcome.failures
    ]


def payload_warnings(ctx: Context, outcome: Outcome[Any]) -> list[PayloadWarning]:
    """A behaviour's advice about a change that succeeded, in the caller's language."""
    return [
        PayloadWarning(
            field=list(failure.path) if failure.path is not None else None,
            code=WarningCode(failure.code.value),
            message=_message(ctx, failure),
        )
        for failure in outcome.warnings
    ]
