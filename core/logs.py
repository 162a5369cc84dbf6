"""Structured JSON logs: one line per GraphQL operation, never variables, input values or secrets.

Input reaches log records in three places that this module closes: exception messages (a
coercion error quotes the whole variable), request paths (GET carries the variables in the
query string, and uvicorn logs paths), and database drivers (they log statements with their
parameters at DEBUG).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from typing import Any

from core import metrics
from core.http import request_id

_OPERATION_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
operations = logging.getLogger("clientpanel.operations")
# They log every statement with its parameters (customer input) at DEBUG: never below INFO.
DATABASE_LOGGERS = ("tortoise", "aiosqlite", "asyncpg")
# They log request paths with the query string: access lines, and WebSocket handshakes.
SERVER_LOGGERS = ("uvicorn.access", "uvicorn.error")


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


class WithoutQueryString(logging.Filter):
    """Cuts the query string off every path in a record's arguments (uvicorn passes paths as arguments)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_without_query(arg) for arg in record.args)
        return True


def _without_query(value: object) -> object:
    return value.split("?", 1)[0] if isinstance(value, str) and value.startswith("/") else value


def scrubbed_trace(exc: BaseException) -> str:
    """The exception's stack and type, and those of its causes, without any message: messages may quote input."""
    chain: list[BaseException] = []
    link: BaseException | None = exc
    while link is not None and link not in chain:
        chain.append(link)
        link = link.__cause__ or (None if link.__suppress_context__ else link.__context__)
    lines = ["Traceback (most recent call last), messages withheld:\n"]
    for link in reversed(chain):
        lines += traceback.format_tb(link.__traceback__)
        lines.append(f"{type(link).__module__}.{type(link).__qualname__}\n")
    return "".join(lines)


def configure(level: str) -> None:
    """JSON lines on stderr for our loggers; the filters that keep input out of everyone's (idempotent)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("clientpanel")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
    for name in DATABASE_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLogger(name).level))
    for name in SERVER_LOGGERS:
        server = logging.getLogger(name)
        if not any(isinstance(existing, WithoutQueryString) for existing in server.filters):
            server.addFilter(WithoutQueryString())


def log_operation(context: Any, seconds: float, operation: tuple[str | None, str] | None = None) -> None:
    """Logs an operation's name, type, duration, account and outcome (error codes only), and counts it in the
    metrics (core/metrics). `context`: Strawberry's execution context, once the result is final; `operation`: the
    operation's name and type when the caller knows them (else they are found in the context's document)."""
    result = context.result
    errors = getattr(result, "errors", None) or context.pre_execution_errors or []
    codes = sorted({str((e.extensions or {}).get("code", "ERROR")) for e in errors})
    principal = getattr(context.context, "principal", None)
    name, operation_type = operation or (context.operation_name, _operation_type(context))
    metrics.observe_operation(name, context.context.runtime.settings, operation_type, seconds, codes)
    if not operations.isEnabledFor(logging.INFO):  # the line's fields are not worth making
        return
    operations.info(
        "graphql operation",
        extra={
            "fields": {
                "operation": operation_label(name),
                "type": operation_type,
                "duration_ms": round(seconds * 1000, 2),
                "account_id": principal.account_id if principal else None,
                "outcome": "error" if codes else "ok",
                "error_codes": codes,
            }
        },
    )


def operation_label(name: str | None) -> str:
    """The operation's name as logged: client text, so only a well-formed GraphQL name of sane length."""
    if not name:
        return "anonymous"
    return name if _OPERATION_NAME.fullmatch(name) else "invalid"


def _operation_type(context: Any) -> str | None:
    """None when the request has no document, or no operation of the name it gave (Strawberry's RuntimeError)."""
    try:
        return str(context.operation_type.value)
    except RuntimeError:
        return None
