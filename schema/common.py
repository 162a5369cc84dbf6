"""Types every domain uses: Node, PageInfo, UserError and the shared enums."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

import strawberry

from core.context import Context
from core.i18n import translate
from core.outcome import Failure, Outcome
from core.pagination import Page
from models import enums

# The models' enums, exposed as they are (strawberry.enum registers the class itself and returns it).
Permission = enums.Permission
EmailCategory = enums.EmailCategory
Language = enums.Language
strawberry.enum(Permission, description="Access that a contact can be granted. The holder has all of them.")
strawberry.enum(
    EmailCategory, description="What kinds of email a person receives; also the category of every archived message."
)
strawberry.enum(Language)


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
    def of(cls, page: Page) -> PageInfo:
        cursors = page.cursors
        return cls(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        )


def connection_fields(page: Page, edge: Callable[..., Any], node: Callable[[Any], Any]) -> dict[str, Any]:
    """edges, pageInfo and totalCount of a Relay connection over a page of rows."""
    return {
        "edges": [edge(cursor=cursor, node=node(row)) for cursor, row in zip(page.cursors, page.items, strict=True)],
        "page_info": PageInfo.of(page),
        "total_count": page.total_count,
    }


@strawberry.enum
class UserErrorCode(Enum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    NOT_FOUND = "NOT_FOUND"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    PASSWORD_TOO_WEAK = "PASSWORD_TOO_WEAK"
    PASSWORD_REUSED = "PASSWORD_REUSED"
    STALE_VERSION = "STALE_VERSION"
    IDENTITY_FIELD_LOCKED = "IDENTITY_FIELD_LOCKED"
    RATE_LIMITED = "RATE_LIMITED"
    INVALID_CODE = "INVALID_CODE"
    CODE_EXPIRED = "CODE_EXPIRED"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    ALREADY_PENDING = "ALREADY_PENDING"
    INVALID_STATE = "INVALID_STATE"
    DEADLINE_PASSED = "DEADLINE_PASSED"
    ACKNOWLEDGEMENT_REQUIRED = "ACKNOWLEDGEMENT_REQUIRED"
    DUPLICATE = "DUPLICATE"
    PERMISSION_NOT_HELD = "PERMISSION_NOT_HELD"
    STEP_UP_REQUIRED = "STEP_UP_REQUIRED"
    ACCOUNT_CHOICE_REQUIRED = "ACCOUNT_CHOICE_REQUIRED"


@strawberry.type
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the input field concerned, e.g. ["input", "email"]; '
        "null when the error concerns the whole request."
    )
    code: UserErrorCode
    message: str


@strawberry.enum
class WarningCode(Enum):
    EMAIL_AT_OWN_DOMAIN = "EMAIL_AT_OWN_DOMAIN"
    AUTOMATIC_DEBIT_WILL_BE_CHARGED = "AUTOMATIC_DEBIT_WILL_BE_CHARGED"


@strawberry.type(name="Warning", description="Something the caller should know about a change that succeeded.")
class PayloadWarning:
    field: list[str] | None
    code: WarningCode
    message: str


def _message(ctx: Context, failure: Failure) -> str:
    return translate(failure.message_key, ctx.language, failure.messages, **failure.values)


def payload_errors(ctx: Context, outcome: Outcome[Any]) -> list[UserError]:
    """The one translator of a behaviour's failures into payload errors, in the caller's language."""
    return [
        UserError(
            field=list(failure.path) if failure.path is not None else None,
            code=UserErrorCode(failure.code.value),
            message=_message(ctx, failure),
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
