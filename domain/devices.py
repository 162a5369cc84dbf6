"""A browser that signed in before (OWASP "device cookies"): an HMAC-signed, HttpOnly cookie naming a random
device id and the login it signed in with. Failures from such a browser count on its own bucket, so nobody can lock
the real person's usual browser out (sign-in's password step and the second step alike)."""

from __future__ import annotations

import secrets

from starlette.responses import Response

from core.context import Context
from core.runtime import Runtime

DEVICE_COOKIE = "cp_device"
DEVICE_COOKIE_DAYS = 365
FAILURES_PER_DEVICE = ("10/15 minutes", "100/day")


def device_cookie_name(runtime: Runtime) -> str:
    return f"__Host-{DEVICE_COOKIE}" if runtime.settings.secure_cookies else DEVICE_COOKIE


def _device_signature(runtime: Runtime, nonce: str, login: str) -> str:
    return runtime.secrets.digest(f"device:{nonce}:{login}")


def known_device(ctx: Context, login: str) -> str | None:
    """The id of this browser if it signed in with `login` before (its cookie verifies), else None."""
    nonce, _, signature = ctx.request.cookies.get(device_cookie_name(ctx.runtime), "").partition(".")
    if nonce and ctx.runtime.secrets.matches(signature, f"device:{nonce}:{login}"):
        return nonce
    return None


def set_device_cookie(runtime: Runtime, response: Response, login: str) -> None:
    nonce = secrets.token_urlsafe(16)
    response.set_cookie(
        device_cookie_name(runtime),
        f"{nonce}.{_device_signature(runtime, nonce, login)}",
        max_age=DEVICE_COOKIE_DAYS * 86400,
        path="/",
        httponly=True,
        samesite="lax",
        secure=runtime.settings.secure_cookies,
    )
