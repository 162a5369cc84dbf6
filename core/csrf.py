"""Cross-site requests: the guard for cookie sessions, and CORS for cookie and token callers apart.

Browsers attach the session cookie to cross-site requests; they also say where a request
comes from (Origin, Sec-Fetch-Site). A POST whose origin is not ours or allowlisted is
refused before it reaches GraphQL. Clients that send neither header are not browsers and
carry no ambient cookie to abuse. A request with `Authorization: Bearer` is authenticated by
its token alone (the cookie is ignored): the guard lets it through marked `CROSS_SITE`, and
the view refuses it unless the token is valid (it must not sign anyone in from another site).
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from core.authn import bearer_token
from core.http import CONTRACT_HEADERS, REQUEST_ID_HEADER, error_response, request_header

CORS_METHODS = ["GET", "POST"]
CORS_MAX_AGE = 600
CROSS_SITE = "cross_site_bearer"  # scope["state"] flag: a cross-site POST let through for its bearer token
CROSS_SITE_REFUSED = "Cross-site request refused."


class CrossSiteRequestGuard:
    def __init__(self, app: ASGIApp, allowed_origins: Iterable[str]) -> None:
        self.app = app
        self.allowed = frozenset(allowed_origins)

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        """The coroutine of the app (or of the refusal) that answers, not awaited here (see core/http.RouteFirst)."""
        if self.is_cross_site_post(scope):
            if bearer_token(HTTPConnection(scope)) is None:
                return error_response(403, "FORBIDDEN", CROSS_SITE_REFUSED)(scope, receive, send)
            scope.setdefault("state", {})[CROSS_SITE] = True
        return self.app(scope, receive, send)

    def is_cross_site_post(self, scope: Scope) -> bool:
        """An HTTP request that may change something, from an origin neither ours nor allowlisted."""
        unsafe = scope["type"] == "http" and scope["method"] not in ("GET", "HEAD", "OPTIONS")
        return unsafe and not self.is_allowed(scope)

    def is_allowed(self, scope: Scope) -> bool:
        origin = request_header(scope, b"origin")
        if origin is not None and origin != "null":
            return origin.rstrip("/") in self.allowed
        site = request_header(scope, b"sec-fetch-site")
        return site in (None, "same-origin", "none") and origin is None


class CredentialAwareCORS:
    """CORS by the kind of credential: cookie callers from ALLOWED_ORIGINS with credentials; token callers (an
    Authorization header, or a preflight asking to send one) from TOKEN_ALLOWED_ORIGINS, never with credentials,
    so that a partner's page can use its token and never the visitor's session."""

    def __init__(self, app: ASGIApp, *, cookie_origins: Iterable[str], token_origins: Iterable[str]) -> None:
        self.app = app
        self.for_cookies = CORSMiddleware(
            app,
            allow_origins=list(cookie_origins),
            allow_credentials=True,
            allow_methods=CORS_METHODS,
            allow_headers=["content-type", REQUEST_ID_HEADER],
            expose_headers=[REQUEST_ID_HEADER, *CONTRACT_HEADERS],
            max_age=CORS_MAX_AGE,
        )
        self.for_tokens = CORSMiddleware(
            app,
            allow_origins=list(token_origins),
            allow_credentials=False,
            allow_methods=CORS_METHODS,
            allow_headers=["content-type", "authorization", REQUEST_ID_HEADER],
            expose_headers=[REQUEST_ID_HEADER, *CONTRACT_HEADERS],
            max_age=CORS_MAX_AGE,
        )

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        """The coroutine of the app, or of the CORS answer, not awaited here (see core/http.RouteFirst)."""
        if scope["type"] != "http" or request_header(scope, b"origin") is None:
            # No Origin, no CORS to answer (core/http.StandardHeaders makes every answer vary on Origin).
            return self.app(scope, receive, send)
        headers = Headers(scope=scope)
        asked = {name.strip().lower() for name in headers.get("access-control-request-headers", "").split(",")}
        by_token = "authorization" in headers or "authorization" in asked
        return (self.for_tokens if by_token else self.for_cookies)(scope, receive, send)
