"""Which errors reach the client as they are, and which are masked as "Unexpected error"."""

from __future__ import annotations

import logging
import uuid

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import MaskErrors

from core.errors import ApiError

log = logging.getLogger("clientpanel.errors")


def is_expected(error: GraphQLError) -> bool:
    """A deliberate ApiError, or a GraphQL syntax/validation error (no exception behind it)."""
    original = error.original_error
    return original is None or isinstance(original, ApiError)


def add_codes(errors: list[GraphQLError]) -> None:
    """Syntax and validation errors get a code like every other refusal (Apollo's names)."""
    for error in errors:
        if error.original_error is None and not (error.extensions or {}).get("code"):
            code = "GRAPHQL_PARSE_FAILED" if isinstance(error, GraphQLSyntaxError) else "GRAPHQL_VALIDATION_FAILED"
            error.extensions = {**(error.extensions or {}), "code": code}


class MaskUnexpectedErrors(MaskErrors):
    """Replaces unexpected exceptions with "Unexpected error." plus an id that is also logged."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda error: not is_expected(error))

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        error_id = uuid.uuid4().hex[:16]
        log.error("unexpected error %s at %s", error_id, error.path, exc_info=error.original_error)
        return GraphQLError(
            message=f"{self.error_message} (id {error_id})",
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "errorId": error_id},
        )
