"""Messages in the caller's language: Spanish by default, English on request."""

from __future__ import annotations

from models.enums import Language

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (Spanish, English)
    "REQUIRED": ("Este dato es obligatorio.", "This field is required."),
    "TOO_LONG": ("Admite como máximo {max} caracteres.", "At most {max} characters are allowed."),
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
    "PASSWORD_REUSED": ("La clave nueva debe ser distinta de la actual.", "The new password must differ from the current one."),
    "PIN_FORMAT": ("El PIN debe tener entre 4 y 8 dígitos.", "The PIN must have 4 to 8 digits."),
    "PIN_TRIVIAL": (
        "El PIN no puede ser una secuencia ni repetir un mismo dígito.",
        "The PIN cannot be a sequence or one digit repeated.",
    ),
    "SESSION_NOT_FOUND": ("La sesión no existe o ya terminó.", "The session does not exist or has already ended."),
    "STALE_VERSION": (
        "Los datos cambiaron mientras los editaba. Vuelva a cargarlos.",
        "The data changed while you were editing. Reload and try again.",
    ),
    "INVALID_EMAIL": ("La dirección de email no es válida: {detail}", "The email address is not valid: {detail}"),
    "INVALID_PHONE": ("El número de teléfono no es válido.", "The phone number is not valid."),
    "INVALID_COUNTRY": ("Código de país desconocido (use ISO 3166-1, p. ej. AR).", "Unknown country code (use ISO 3166-1, e.g. AR)."),
    "INVALID_POSTAL_CODE": ("El código postal no es válido para {country}.", "The postal code is not valid for {country}."),
    "EMAIL_AT_OWN_DOMAIN": (
        "El email está en un dominio de sus propios servicios: si el servicio se suspende o tiene problemas, "
        "no podremos contactarlo. Recomendamos una dirección de un proveedor externo (Gmail, Outlook, Yahoo...).",
        "This email is at a domain hosted on your own services: if a service is suspended or has problems, "
        "we cannot reach you. We recommend an address at an external provider (Gmail, Outlook, Yahoo...).",
    ),
}


def translate(
    key: str, language: Language, table: dict[str, tuple[str, str]] = MESSAGES, **values: object
) -> str:
    """`key` from `table` (a domain may keep its own), filled with `values`."""
    spanish, english = table[key]
    return (english if language == Language.EN else spanish).format(**values)


def language_from_header(accept_language: str | None) -> Language:
    """The first of es/en named in an Accept-Language header, by weight; Spanish when none is."""
    best: tuple[float, Language] = (0.0, Language.ES)
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
