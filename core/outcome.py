"""What a mutation's behaviour reports back: the expected failures, each with its input path."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Self


@dataclass
class Failures:
    """Collects (code, field path, message values); the schema turns them into UserErrors."""

    errors: list[tuple[str, list[str] | None, dict[str, Any]]] = field(default_factory=list)

    def fail(self, code: str, path: list[str] | None = None, **values: Any) -> Self:
        self.errors.append((code, path, values))
        return self
