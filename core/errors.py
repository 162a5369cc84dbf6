"""Top-level API errors: each carries a stable extensions.code and is never masked.

Their message is in the language the request asks for (Accept-Language: Spanish or English), else English: they
are meant for developers first (partners branch on the code), but a customer's panel may show one, such as a
session that ended ("Sign in first.") or a rate limit."""

from __future__ import annotations

from graphql import GraphQLError

from core.i18n import Localized, requested_language
from models.enums import Language

SIGN_IN_FIRST = Localized("Primero ingrese al panel: su sesión no está abierta.", "Sign in first.")
NOT_ALLOWED = Localized("Su acceso no incluye esta acción.", "You are not allowed to do this.")
TEMPORARY_PASSWORD = Localized(
    "Antes de continuar, reemplace su clave temporal por una nueva.",
    "Forbidden: change your temporary password first.",
)
ENROL_FIRST = Localized(
    "Esta cuenta exige la verificación en dos pasos: actívela antes de continuar.",
    "This account requires two-step verification: turn it on before anything else.",
)


def message_language(accept_language: str | None) -> Language:
    """The language of top-level messages: the one Accept-Language names, else English."""
    return requested_language(accept_language) or Language.EN


class ApiError(GraphQLError):
    """An expected refusal (not signed in, forbidden, bad argument): shown to the client as is, in English until
    `localize` puts a Localized message in the request's language."""

    def __init__(self, code: str, message: str | Localized) -> None:
        self.localized = message if isinstance(message, Localized) else None
        super().__init__(message.english if isinstance(message, Localized) else message, extensions={"code": code})
        self.code = code


def localize(errors: list[GraphQLError], language: Language) -> None:
    """Each ApiError with a Localized message (as the GraphQL error that carries it) in `language`."""
    for error in errors:
        original = error.original_error if isinstance(error.original_error, ApiError) else error
        if isinstance(original, ApiError) and original.localized is not None:
            error.message = original.localized.in_language(language)


def unauthenticated() -> ApiError:
    return ApiError("UNAUTHENTICATED", SIGN_IN_FIRST)


def forbidden(message: str | Localized = NOT_ALLOWED) -> ApiError:
    return ApiError("FORBIDDEN", message)


def password_change_required() -> ApiError:
    """FORBIDDEN until the temporary password from access recovery is replaced."""
    return ApiError("PASSWORD_CHANGE_REQUIRED", TEMPORARY_PASSWORD)


def second_factor_enrolment_required() -> ApiError:
    """Refused to a contact without a second factor while the holder requires one (issue 23): their session
    may only enrol, their API tokens nothing at all."""
    return ApiError("SECOND_FACTOR_ENROLMENT_REQUIRED", ENROL_FIRST)


def bad_input(message: str) -> ApiError:
    return ApiError("BAD_USER_INPUT", message)
