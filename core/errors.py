"""Top-level API errors: each carries a stable extensions.code and is never masked."""

from __future__ import annotations

from graphql import GraphQLError


class ApiError(GraphQLError):
    """An expected refusal (not signed in, forbidden, bad argument): shown to the client as is."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, extensions={"code": code})
        self.code = code


def unauthenticated() -> ApiError:
    return ApiError("UNAUTHENTICATED", "Sign in first.")


def forbidden(message: str = "You are not allowed to do this.") -> ApiError:
    return ApiError("FORBIDDEN", message)


def password_change_required() -> ApiError:
    """FORBIDDEN until the temporary password from access recovery is replaced."""
    return ApiError("PASSWORD_CHANGE_REQUIRED", "Forbidden: change your temporary password first.")


def bad_input(message: str) -> ApiError:
    return ApiError("BAD_USER_INPUT", message)
