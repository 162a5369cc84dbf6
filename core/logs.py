"""Structured JSON logs: one line per GraphQL operation, never variables or secrets."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterator
from typing import Any

from strawberry.extensions import SchemaExtension

from core.http import request_id

operations = logging.getLogger("clientpanel.operations")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id.get(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("clientpanel")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


class OperationLog(SchemaExtension):
    """Logs each operation's name, type, duration, account and outcome (error codes only)."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        result = context.result
        errors = getattr(result, "errors", None) or context.pre_execution_errors or []
        codes = sorted({str((e.extensions or {}).get("code", "ERROR")) for e in errors})
        principal = getattr(context.context, "principal", None)
        operations.info(
            "graphql operation",
            extra={"fields": {
                "operation": context.operation_name or "anonymous",
                "type": context.operation_type.value if _has_type(context) else None,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "account_id": principal.account_id if principal else None,
                "outcome": "error" if codes else "ok",
                "error_codes": codes,
            }},
        )


def _has_type(context: Any) -> bool:
    try:
        return context.operation_type is not None
    except RuntimeError:
        return False
