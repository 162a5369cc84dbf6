"""What every staff module shares: the scope enum, and payload errors typed by each domain's own error enum."""

from __future__ import annotations

from enum import Enum
from typing import Any, Protocol, TypeVar

import strawberry

from core.i18n import translate
from core.outcome import Outcome
from core.staff_context import StaffContext
from models.enums import StaffScope

strawberry.enum(StaffScope, description="What a staff key may do; each operation names the scope it needs.")


class StaffErrorType(Protocol):
    """A staff payload's error type: `field`, `code` (the domain's own enum) and `message`."""

    def __init__(self, *, field: list[str] | None, code: Any, message: str) -> None: ...


E = TypeVar("E", bound=StaffErrorType)


def staff_errors(ctx: StaffContext, outcome: Outcome[Any], error_type: type[E], codes: type[Enum]) -> list[E]:
    """A behaviour's failures as `error_type` rows, codes from the domain's enum `codes`, in the caller's language."""
    return [
        error_type(
            field=list(failure.path) if failure.path is not None else None,
            code=codes(failure.code.value),
            message=translate(failure.message_key, ctx.language, failure.messages, **failure.values),
        )
        for failure in outcome.failures
    ]
