"""Messages in the caller's language: Spanish by default, English on request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from models.enums import Language

Messages = Mapping[str, tuple[str, str]]  # key: (Spanish, English)

MESSAGES: Messages = {
    # key: (Spanish, English)
    "NOT_FOUND": ("No existe o no le pertenece.", "It does not exist or does not belong to you."),
    "INVALID_CREDENTIALS": ("Número de cliente, email o clave incorrectos.", "Wrong client number, email or password."),
    "WRONG_PASSWORD": ("La clave actual no es correcta.", "The current password is not correct."),
    "RATE_LIMITED": (
        "Demasiados intentos. Vuelva a intentarlo en {seconds} segundos.",
        "Too many attempts. Try again in {seconds} seconds.",
    ),
    "PASSWORD_TOO_SHORT": (
        "La clave debe tener al menos {min} caracteres.",
        "The password must be at least {min} characters long.",
    ),
    "PASSWORD_TOO_LONG": (
        "La clave admite como máximo {max} caracteres.",
        "The password must be at most {max} characters long.",
    ),
    "PASSWORD_TOO_WEAK": ("La clave es demasiado fácil de adivinar.", "The password is too easy to guess."),
    "PASSWORD_REUSED": (
        "La clave nueva debe ser distinta de la actual.",
        "The new password must differ from the current one.",
    ),
    "PIN_FORMAT": ("El PIN debe tener entre 4 y 8 dígitos.", "The PIN must have 4 to 8 digits."),
    "PIN_TRIVIAL": (
        "El PIN no puede ser una secuencia ni repetir un mismo dígito.",
        "The PIN cannot be a sequence or one digit repeated.",
    ),
    "SESSION_NOT_FOUND": ("La sesión no existe o ya terminó.", "The session does not exist or has already ended."),
    "STEP_UP_REQUIRED": (
        "Por seguridad, vuelva a ingresar su clave (reauthenticate) y repita la operación.",
        "For your security, confirm your password again (reauthenticate) and repeat the operation.",
    ),
    "STALE_VERSION": (
        "Los datos cambiaron mientras los editaba. Vuelva a cargarlos.",
        "The data changed while you were editing. Reload and try again.",
    ),
}


@dataclass(frozen=True, slots=True)
class Localized:
    """A value that reads differently in each language (a password's hints): `translate` picks one."""

    spanish: str
    english: str

    def in_language(self, language: Language) -> str:
        return self.english if language == Language.EN else self.spanish


def translate(key: str, language: Language, table: Messages = MESSAGES, **values: object) -> str:
    """`key` from `table` (a domain keeps its own), else from the shared MESSAGES, filled with `values`
    (a Localized value in `language`)."""
    spanish, english = table.get(key) or MESSAGES[key]
    filled = {name: v.in_language(language) if isinstance(v, Localized) else v for name, v in values.items()}
    return (english if language == Language.EN else spanish).format(**filled)


def requested_language(accept_language: str | None) -> Language | None:
    """The first of es/en named in an Accept-Language header, by weight; None when it names neither."""
    best: tuple[float, Language | None] = (0.0, None)
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in ("es", "en") and weight > best[0]:
            best = (weight, Language.EN if primary == "en" else Language.ES)
    return best[1]
