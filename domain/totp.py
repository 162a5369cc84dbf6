"""TOTP (RFC 6238) with pyotp: 6 digits, 30-second steps, one step of drift either way.

Time is always passed in (the runtime's clock), never read here, so tests move a frozen clock.
"""

from __future__ import annotations

from datetime import datetime

import pyotp
import segno

DIGITS = 6
STEP_SECONDS = 30
# Codes of the step before and the one after are accepted too (clock drift, typing time).
DRIFT_STEPS = 1


def new_secret() -> str:
    """A random base32 seed of 160 bits (RFC 4226's recommended length)."""
    return pyotp.random_base32(length=32)


def otpauth_uri(secret: str, issuer: str, label: str) -> str:
    """The otpauth:// URI authenticator apps read (from a QR code or typed)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(name=label, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (made here: the seed never reaches an external service)."""
    return str(segno.make(uri, error="m").svg_inline(omitsize=True))


def normalised_code(code: str) -> str:
    """What a person typed, without the spaces or dashes some apps show in the middle."""
    return "".join(code.split()).replace("-", "")


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code `code` is (within the allowed drift), or None. Each candidate is compared in
    constant time."""
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    typed = normalised_code(code)
    if len(typed) != DIGITS or not typed.isascii() or not typed.isdigit():
        return None
    current = totp.timecode(now)
    found = None
    for offset in range(-DRIFT_STEPS, DRIFT_STEPS + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(current + offset), typed):
            found = current + offset
    return found
