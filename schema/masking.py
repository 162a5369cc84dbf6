"""Which errors reach the client as they are, and which are masked as "Unexpected error"."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator

from graphql import GraphQLError, GraphQLSyntaxError, VariableDefinitionNode
from strawberry.extensions import MaskErrors

from core.errors import ApiError, localize, message_language
from core.i18n import Localized
from core.logs import scrubbed_trace
from models.enums import Language

log = logging.getLogger("clientpanel.errors")
UNEXPECTED = Localized("Error inesperado.", "Unexpected error.")
SUGGESTION = re.compile(r" ?Did you mean [^?]*\?")  # up to its question mark: the names it lists have none


def is_request_error(error: GraphQLError) -> bool:
    """An error about the document or the variables: graphql-core locates it in the request and not in
    the result (no path), even when a scalar's parser raised it. The client's mistake, not an incident."""
    return error.path is None and bool(error.nodes)


def is_expected(error: GraphQLError) -> bool:
    """A deliberate ApiError, or a syntax, validation or variable error."""
    original = error.original_error
    return original is None or isinstance(original, ApiError) or is_request_error(error)


def is_variable_value_error(error: GraphQLError) -> bool:
    """A variable's value that did not coerce to its type (graphql-core keeps the coercion's error as the
    original; validation's errors about variable definitions, such as an unused one, have none)."""
    nodes = error.nodes or ()
    return error.original_error is not None and any(isinstance(node, VariableDefinitionNode) for node in nodes)


def add_codes(errors: list[GraphQLError]) -> None:
    """Syntax, validation and variable errors get a code like every other refusal (Apollo's names)."""
    for error in errors:
        if (error.extensions or {}).get("code") or not is_expected(error):
            continue
        if isinstance(error, GraphQLSyntaxError):
            code = "GRAPHQL_PARSE_FAILED"
        elif is_variable_value_error(error):
            code = "BAD_USER_INPUT"
        else:
            code = "GRAPHQL_VALIDATION_FAILED"
        error.extensions = {**(error.extensions or {}), "code": code}


def hide_suggestions(errors: list[GraphQLError]) -> None:
    """Production: no "Did you mean …?" (graphql-core suggests fields, arguments, types, enum values and
    input fields, each in its own place): it would describe the schema that introspection hides."""
    for error in errors:
        error.message = SUGGESTION.sub("", error.message)


def report_unexpected(exc: BaseException, where: object) -> str:
    """Logs an unexpected exception under a new error id, with its type and stack but not its message
    (messages may quote input values); the id, which the client is shown."""
    error_id = uuid.uuid4().hex[:16]
    log.error("unexpected error %s at %s", error_id, where, extra={"fields": {"exception": scrubbed_trace(exc)}})
    return error_id


def unexpected_message(error_id: str, language: Language = Language.EN) -> str:
    return f"{UNEXPECTED.in_language(language)} (id {error_id})"


class MaskUnexpectedErrors(MaskErrors):
    """Replaces unexpected exceptions with "Unexpected error." plus an id that is also logged; top-level messages
    leave in the request's language (core/errors)."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda error: not is_expected(error), error_message=UNEXPECTED.english)

    @property
    def language(self) -> Language:
        request = getattr(self.execution_context.context, "request", None)  # the public and the staff context
        asked = request.headers.get("accept-language") if request is not None else None
        return message_language(asked)

    def on_operation(self) -> Iterator[None]:
        yield from super().on_operation()
        errors = getattr(self.execution_context.result, "errors", None)
        if errors:  # most answers have none: no language to work out
            localize(list(errors), self.language)

    def _process_result(self, result: object) -> None:
        """Strawberry's, only for a result with errors: it first checks the result against a runtime Protocol,
        which costs more than the rest of a small operation's masking."""
        if getattr(result, "errors", None):
            super()._process_result(result)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        error_id = report_unexpected(error.original_error or error, error.path)
        return GraphQLError(
            message=unexpected_message(error_id, self.language),
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "errorId": error_id},
        )
