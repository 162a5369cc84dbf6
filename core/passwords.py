"""The password policy (seed 002, seed 004 5.2), shared by password change, invitations and recovery.

At least 12 characters, at most 128, any Unicode, no composition rules; zxcvbn must score
it 3 or more with the person's own words (names, email local part, client number) counted
against it, and those words may not make up most of it: "info" for info@dominio.com.ar
is rejected, and so is "juanperez9000!" for Juan Pérez, client 9000.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from zxcvbn import zxcvbn

from core import i18n
from core.outcome import Failure

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_SCORE = 3
# zxcvbn refuses longer input (ValueError), so it judges a long passphrase by its first 72
# characters: what follows can only add to its strength. The length limit stays MAX_LENGTH.
ZXCVBN_MAX = 72
# Letters and digits that must remain once the person's own words are taken out.
PERSONAL_REMAINDER = 6


@dataclass(frozen=True, slots=True)
class Strength:
    score: int
    acceptable: bool
    warning: str | None
    suggestions: list[str]
    problem: str | None  # a message key: PASSWORD_TOO_SHORT, PASSWORD_TOO_LONG, PASSWORD_TOO_WEAK


# The policy's refusals (core/i18n), each followed by the strength checker's hints ("" or " hint...").
REFUSAL_MESSAGES: i18n.Messages = {
    key: (f"{spanish}{{hints}}", f"{english}{{hints}}")
    for key, (spanish, english) in i18n.MESSAGES.items()
    if key in ("PASSWORD_TOO_SHORT", "PASSWORD_TOO_LONG", "PASSWORD_TOO_WEAK")
}


def refusal(code: StrEnum, path: Sequence[str], verdict: Strength) -> Failure:
    """A refused new password under a domain's `code`: the policy's message (REFUSAL_MESSAGES) and the hints."""
    hints = "".join(f" {hint}" for hint in (verdict.warning, *verdict.suggestions) if hint)
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
        warning = warning or "Avoid your own names, email or client number."
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
