"""Cross-site request guard for cookie sessions.

Browsers attach the session cookie to cross-site requests; they also say where a request
comes from (Origin, Sec-Fetch-Site). A POST whose origin is not ours or allowlisted is
refused before it reaches GraphQL. Clients that send neither header are not browsers and
carry no ambient cookie to abuse.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from core.http import error_response


class CrossSiteRequestGuard:
    def __init__(self, app: ASGIApp, allowed_origins: Iterable[str]) -> None:
        self.app = app
        self.allowed = frozenset(allowed_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            headers = Headers(scope=scope)
            if not self.is_allowed(headers):
                await error_response(403, "FORBIDDEN", "Cross-site request refused.")(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def is_allowed(self, headers: Headers) -> bool:
        origin = headers.get("origin")
        if origin is not None and origin != "null":
            return origin.rstrip("/") in self.allowed
        site = headers.get("sec-fetch-site")
        return site in (None, "same-origin", "none") and origin is None
