"""What a behaviour answers: its result, or the expected failures, plus advice about a success.

A failure names a member of its domain's error enum: a StrEnum whose values are public error code names
(UserErrorCode or WarningCode in the schema; tests/test_outcomes.py checks that each one is), registered
with the domain's message table by `error_codes`. The schema turns every Outcome into payload `errors` and
`warnings` in one place (schema/common.py), in the caller's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, Self, TypeVar

from core.i18n import MESSAGES, Messages

T = TypeVar("T")
E = TypeVar("E", bound=type[StrEnum])

# Each domain error enum and the table its messages come from (keys missing there fall back to core/i18n).
MESSAGE_TABLES: dict[type[StrEnum], Messages] = {}


def error_codes(messages: Messages = MESSAGES) -> Callable[[E], E]:
    """Registers a domain's error enum with the table its messages come from."""

    def register(codes: E) -> E:
        MESSAGE_TABLES[codes] = messages
        return codes

    return register


@dataclass(frozen=True, slots=True)
class Failure:
    """One expected failure (or one warning): its code, the input path it concerns, what fills its message."""

    code: StrEnum
    path: tuple[str, ...] | None = None
    key: str | None = None  # the message key, when more precise than the code
    values: Mapping[str, object] = field(default_factory=dict)

    @property
    def messages(self) -> Messages:
        return MESSAGE_TABLES.get(type(self.code), MESSAGES)

    @property
    def message_key(self) -> str:
        return self.key or self.code.value


@dataclass(slots=True)
class Outcome(Generic[T]):
    """The value a behaviour produced (None when it failed), its failures and its warnings."""

    value: T | None = None
    failures: list[Failure] = field(default_factory=list)
    warnings: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def fail(
        self, code: StrEnum, path: Sequence[str] | None = None, *, key: str | None = None, **values: object
    ) -> Self:
        self.failures.append(Failure(code, tuple(path) if path is not None else None, key, values))
        return self

    def warn(
        self, code: StrEnum, path: Sequence[str] | None = None, *, key: str | None = None, **values: object
    ) -> Self:
        self.warnings.append(Failure(code, tuple(path) if path is not None else None, key, values))
        return self

    def extend(self, failures: Sequence[Failure]) -> Self:
        self.failures.extend(failures)
        return self


def succeeded(value: T, warnings: Sequence[Failure] = ()) -> Outcome[T]:
    return Outcome(value=value, warnings=list(warnings))


def failed(code: StrEnum, path: Sequence[str] | None = None, *, key: str | None = None, **values: object) -> Outcome[T]:
    outcome: Outcome[T] = Outcome()
    return outcome.fail(code, path, key=key, **values)
