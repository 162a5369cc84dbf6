"""The password policy (seed 002, seed 004 5.2), shared by password change, invitations and recovery.

At least 12 characters, at most 128, any Unicode, no composition rules; zxcvbn must score
it 3 or more with the person's own words (names, email local part, client number) counted
against it, and those words may not make up most of it: "info" for info@dominio.com.ar
is rejected, and so is "juanperez9000!" for Juan Pérez, client 9000.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from zxcvbn import zxcvbn

from core import i18n
from core.outcome import Failure
from models.enums import Language

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_SCORE = 3
# zxcvbn refuses longer input (ValueError), so it judges a long passphrase by its first 72
# characters: what follows can only add to its strength. The length limit stays MAX_LENGTH.
ZXCVBN_MAX = 72
# Letters and digits that must remain once the person's own words are taken out.
PERSONAL_REMAINDER = 6
PERSONAL_WARNING = "Avoid your own names, email or client number."

# zxcvbn's advice (its feedback module, 4.5.0) and ours, English -> Spanish. English text is the stored
# form (Strength); `advice` gives it in the caller's language. tests/test_language_everywhere.py lists
# every string of zxcvbn's feedback module, so an upgrade that adds one fails until it is translated here.
SPANISH_ADVICE: Mapping[str, str] = {
    "Use a few words, avoid common phrases.": "Use varias palabras y evite frases conocidas.",
    "No need for symbols, digits, or uppercase letters.": "No hacen falta símbolos, números ni mayúsculas.",
    "Add another word or two. Uncommon words are better.": (
        "Agregue una o dos palabras más; mejor si son poco comunes."
    ),
    "Straight rows of keys are easy to guess.": "Las filas seguidas del teclado son fáciles de adivinar.",
    "Short keyboard patterns are easy to guess.": "Los recorridos cortos por el teclado son fáciles de adivinar.",
    "Use a longer keyboard pattern with more turns.": (
        "Si usa un recorrido por el teclado, que sea más largo y con más cambios de dirección."
    ),
    'Repeats like "aaa" are easy to guess.': 'Las repeticiones como "aaa" son fáciles de adivinar.',
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': (
        'Las repeticiones como "abcabcabc" son apenas más difíciles de adivinar que "abc".'
    ),
    "Avoid repeated words and characters.": "Evite repetir palabras y caracteres.",
    'Sequences like "abc" or "6543" are easy to guess.': 'Las secuencias como "abc" o "6543" son fáciles de adivinar.',
    "Avoid sequences.": "Evite las secuencias.",
    "Recent years are easy to guess.": "Los años recientes son fáciles de adivinar.",
    "Avoid recent years.": "Evite los años recientes.",
    "Avoid years that are associated with you.": "Evite los años relacionados con usted.",
    "Dates are often easy to guess.": "Las fechas suelen ser fáciles de adivinar.",
    "Avoid dates and years that are associated with you.": "Evite fechas y años relacionados con usted.",
    "This is a top-10 common password.": "Es una de las 10 claves más usadas.",
    "This is a top-100 common password.": "Es una de las 100 claves más usadas.",
    "This is a very common password.": "Es una clave muy usada.",
    "This is similar to a commonly used password.": "Se parece a una clave muy usada.",
    "A word by itself is easy to guess.": "Una palabra sola es fácil de adivinar.",
    "Names and surnames by themselves are easy to guess.": "Un nombre o apellido solo es fácil de adivinar.",
    "Common names and surnames are easy to guess.": "Los nombres y apellidos comunes son fáciles de adivinar.",
    "Capitalization doesn't help very much.": "Empezar con mayúscula no ayuda mucho.",
    "All-uppercase is almost as easy to guess as all-lowercase.": (
        "Todo en mayúsculas es casi tan fácil de adivinar como todo en minúsculas."
    ),
    "Reversed words aren't much harder to guess.": (
        "Las palabras escritas al revés no son mucho más difíciles de adivinar."
    ),
    "Predictable substitutions like '@' instead of 'a' don't help very much.": (
        "Los reemplazos previsibles, como '@' en lugar de 'a', no ayudan mucho."
    ),
    PERSONAL_WARNING: "Evite sus propios nombres, su email o su número de cliente.",
}


def advice(text: str, language: Language) -> str:
    """One of the meter's warnings or suggestions in `language`; text with no translation stays English."""
    return SPANISH_ADVICE.get(text, text) if language == Language.ES else text


@dataclass(frozen=True, slots=True)
class Strength:
    """The verdict on a password; `warning` and `suggestions` in English (`advice` translates them)."""

    score: int
    acceptable: bool
    warning: str | None
    suggestions: list[str]
    problem: str | None  # a message key: PASSWORD_TOO_SHORT, PASSWORD_TOO_LONG, PASSWORD_TOO_WEAK

    def hints(self, language: Language) -> list[str]:
        """The warning, then the suggestions, in `language`."""
        return [advice(hint, language) for hint in (self.warning, *self.suggestions) if hint]


# The policy's refusals (core/i18n), each followed by the strength checker's hints ("" or " hint...").
REFUSAL_MESSAGES: i18n.Messages = {
    key: (f"{spanish}{{hints}}", f"{english}{{hints}}")
    for key, (spanish, english) in i18n.MESSAGES.items()
    if key in ("PASSWORD_TOO_SHORT", "PASSWORD_TOO_LONG", "PASSWORD_TOO_WEAK")
}


def refusal(code: StrEnum, path: Sequence[str], verdict: Strength) -> Failure:
    """A refused new password under a domain's `code`: the policy's message (REFUSAL_MESSAGES) and the hints,
    in the language the message is given in."""
    spanish, english = ("".join(f" {hint}" for hint in verdict.hints(lang)) for lang in (Language.ES, Language.EN))
    hints = i18n.Localized(spanish, english)
    return Failure(
        code, tuple(path), key=verdict.problem, values={"min": MIN_LENGTH, "max": MAX_LENGTH, "hints": hints}
    )


def context_words(*parts: str | None) -> list[str]:
    """Names, the email's local part and its pieces, the client number: what an attacker tries first."""
    words: set[str] = set()
    for part in parts:
        if not part:
            continue
        text = part.split("@")[0] if "@" in part else part
        for piece in [text, *text.replace(".", " ").replace("-", " ").replace("_", " ").split()]:
            piece = piece.strip().lower()
            if len(piece) >= 3:
                words.add(piece)
                words.add(_fold(piece))
    return sorted(words)


def strength(password: str, words: list[str]) -> Strength:
    if len(password) > MAX_LENGTH:
        return Strength(0, False, None, [], "PASSWORD_TOO_LONG")
    if not password:  # zxcvbn cannot score an empty string
        return Strength(0, False, None, [], "PASSWORD_TOO_SHORT")
    result = zxcvbn(password[:ZXCVBN_MAX], user_inputs=words)
    score = int(result["score"])
    warning = result["feedback"]["warning"] or None
    suggestions = list(result["feedback"]["suggestions"])
    if _mostly_personal(password, words):
        score = min(score, 1)
        warning = warning or PERSONAL_WARNING
    problem = None
    if len(password) < MIN_LENGTH:
        problem = "PASSWORD_TOO_SHORT"
    elif score < MIN_SCORE:
        problem = "PASSWORD_TOO_WEAK"
    return Strength(score, problem is None, warning, suggestions, problem)


def _mostly_personal(password: str, words: list[str]) -> bool:
    """True when, without the person's own words, little of the password is left."""
    rest = _fold(password.lower())
    for word in sorted(words, key=len, reverse=True):
        rest = rest.replace(_fold(word), "")
    left = sum(ch.isalnum() for ch in rest)
    return left < PERSONAL_REMAINDER and left < sum(ch.isalnum() for ch in password)


def _fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
