"""HTTP middlewares: request ids, security headers, caching of private answers and a request body limit; the shape
of refusals, and the headers that make rate limits machine-readable."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Awaitable, Iterable, Mapping
from contextvars import ContextVar
from functools import lru_cache

from cross_web import HTTPException
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import message_language
from core.i18n import Localized
from core.ratelimit import Quota

REQUEST_ID_HEADER = "x-request-id"
REQUEST_ID_HEADER_RAW = REQUEST_ID_HEADER.encode()
_WELL_FORMED_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
request_id: ContextVar[str] = ContextVar("request_id", default="-")


class _RequestIds:
    """Ids for requests that bring none: a random prefix per process (drawn again in a forked child, so that workers
    forked from one parent never share it) and a counter, 32 hex digits as before. An id only ties log lines
    together and grants nothing, so it need not be unpredictable; reading the system's randomness per request cost
    ~0.4 µs of a `{ __typename }` request."""

    def __init__(self) -> None:
        self.draw()
        os.register_at_fork(after_in_child=self.draw)

    def draw(self) -> None:
        self.prefix = os.urandom(8).hex()
        self.counter = itertools.count()

    def next(self) -> str:
        return f"{self.prefix}{next(self.counter) & 0xFFFF_FFFF_FFFF_FFFF:016x}"


_request_ids = _RequestIds()
RawHeader = tuple[bytes, bytes]  # an ASGI header: name and value
# Response headers a cross-origin page must be allowed to read (Access-Control-Expose-Headers) to follow the
# contracts: the 401 challenge, the wait after a 429 and the rate-limit budget.
CONTRACT_HEADERS = ("www-authenticate", "retry-after", "ratelimit", "ratelimit-policy")


def panel_policy(image_origins: Iterable[str] = ()) -> str:
    """The panel's Content-Security-Policy, the default of every answer (GraphiQL sets its own): scripts, styles,
    fonts and fetches from this origin only (WebSockets included), images also as data: URIs and from
    `image_origins` (the provider's logo host), nothing inline (no `style="..."`, no handlers, no <script> in the
    page), no plugins, no framed URL (a srcdoc iframe needs none, and inherits this policy: a mail shown in one
    cannot load remote images), no <base>, forms posted only here, and no page of another site may frame the panel."""
    images = " ".join(["'self'", "data:", *sorted(set(image_origins))])
    return (
        f"default-src 'none'; script-src 'self'; style-src 'self'; img-src {images}; font-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def error_response(
    status: int, code: str, message: str, *, headers: Mapping[str, str] | None = None, **extensions: object
) -> JSONResponse:
    """A refusal outside GraphQL execution, shaped like a GraphQL error so that clients read one format."""
    body = {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


# The code of each refusal the view answers before GraphQL runs (malformed bodies, methods, limits).
HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    429: "RATE_LIMITED",
}


class Refusal(HTTPException):
    """A refusal before GraphQL runs that carries headers and extensions of its own: the 401 challenge
    (`WWW-Authenticate`), a 429's `Retry-After` and rate-limit fields with `extensions.retryAfter`."""

    def __init__(self, status_code: int, reason: str, *, headers: dict[str, str], **extensions: object) -> None:
        super().__init__(status_code, reason)
        self.headers = headers
        self.extensions = extensions


def rate_limit_headers(quota: Quota) -> dict[str, str]:
    """The IETF `RateLimit-Policy` and `RateLimit` fields (draft-ietf-httpapi-ratelimit-headers) for `quota`, and
    `Retry-After` when the request was refused: `"token";q=600;w=60` and `"token";r=0;t=12`."""
    headers = {
        "ratelimit-policy": f'"{quota.policy}";q={quota.limit};w={quota.window}',
        "ratelimit": f'"{quota.policy}";r={quota.remaining};t={quota.reset}',
    }
    if quota.retry_after is not None:
        headers["retry-after"] = str(quota.retry_after)
    return headers


def request_header(scope: Scope, name: bytes) -> str | None:
    """The first value of the request header `name` (lower case, as ASGI servers give names). For the middlewares,
    which mostly ask for headers a request does not carry: Starlette's `Headers.get` pays for each with an exception."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


class StandardHeaders:
    """Every answer carries X-Request-Id (the caller's, if well formed; logs carry it too), the headers that keep
    browsers from sniffing, framing, leaking or running what the page did not ship (HSTS on https), and
    `Vary: Origin` (CORS answers differ by it, and a request without one is not answered by CORS at all). The
    security headers are defaults: an answer that sets its own (GraphiQL's policy) keeps it. One layer, one pass
    over the answer's headers."""

    def __init__(self, app: ASGIApp, *, https: bool, policy: str) -> None:
        self.app = app
        headers = {
            "x-content-type-options": "nosniff",
            "referrer-policy": "no-referrer",
            "x-frame-options": "DENY",
            "permissions-policy": "camera=(), microphone=(), geolocation=()",
            "cross-origin-opener-policy": "same-origin",
            "content-security-policy": policy,
        }
        if https:
            headers["strict-transport-security"] = "max-age=63072000; includeSubDomains"
        self.defaults = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]
        self.default_names = frozenset(name for name, _ in self.defaults)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = request_header(scope, REQUEST_ID_HEADER_RAW) or ""
        value = given if _WELL_FORMED_ID.match(given) else _request_ids.next()
        token = request_id.set(value)
        if scope["type"] == "websocket":
            try:
                await self.app(scope, receive, send)
            finally:
                request_id.reset(token)
            return
        raw_id = (REQUEST_ID_HEADER_RAW, value.encode())

        def send_with_headers(message: Message) -> Awaitable[None]:
            """Hands back `send`'s coroutine rather than awaiting it in one of its own (see RouteFirst)."""
            if message["type"] == "http.response.start":
                message["headers"] = self.completed(message.get("headers", ()), raw_id)
            return send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            request_id.reset(token)

    def completed(self, headers: Iterable[RawHeader], raw_id: RawHeader) -> list[RawHeader]:
        """The answer's headers with the request id in place of any the app set, the defaults it did not set, and
        Origin among what it varies on (in the last Vary it set, or a Vary of its own). One pass over the answer's
        headers (three comprehensions took ~1.4 µs, this ~0.5)."""
        kept: list[RawHeader] = []
        present = set()
        vary_at = -1
        for name, value in headers:
            name = name.lower()
            if name == REQUEST_ID_HEADER_RAW:
                continue
            if name == b"vary":
                vary_at = len(kept)
            present.add(name)
            kept.append((name, value))
        if present.isdisjoint(self.default_names):
            kept += self.defaults
        else:
            kept += [header for header in self.defaults if header[0] not in present]
        if vary_at < 0:
            kept.append((b"vary", b"Origin"))
        else:
            kept[vary_at] = (b"vary", _varying_on_origin(kept[vary_at][1]))
        kept.append(raw_id)
        return kept


@lru_cache(maxsize=64)
def _varying_on_origin(vary: bytes) -> bytes:
    """A Vary value with Origin among its names (the app answers with a few values: each is worked out once)."""
    return vary if b"origin" in {part.strip().lower() for part in vary.split(b",")} else vary + b", Origin"


class RouteFirst:
    """Serves one route ahead of Starlette's exception middleware and route table: the GraphQL endpoint, which answers
    nearly every request and whose view answers every failure itself (coded JSON errors, the masked 500). The table's
    scan and the exception layer's wrappers cost ~6% of a small request. What the route does not match in full
    (another path, a method it does not take: the router's 405 with Allow, a WebSocket) goes on to the router.

    Like the cross-site guard and CORS (core/csrf.py), it hands back the coroutine of the app it chose instead of
    awaiting it in one of its own: a layer that only picks where a request goes then costs no coroutine per request
    (the three together, ~1.5 µs of a `{ __typename }` request's ~60)."""

    def __init__(self, app: ASGIApp, *, route: Route) -> None:
        self.app = app
        self.route = route

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if scope["type"] == "http":
            match, child_scope = self.route.matches(scope)
            if match is Match.FULL:
                scope.update(child_scope)
                return self.route.handle(scope, receive, send)
        return self.app(scope, receive, send)


PRIVATE_VARY = b"Cookie, Authorization, Accept, Accept-Language"


def private_to_credentials(headers: list[RawHeader], request_headers: Iterable[RawHeader]) -> None:
    """Answers that may depend on who asks are never stored by a shared cache, nor served to someone else: `headers`
    (an answer's, changed in place) vary with the credentials (and the language and media type asked for), and an
    answer to a request that carries a cookie or an Authorization header, or one that sets a cookie, is not stored
    at all (`private, no-store` in place of any caching the answer allowed)."""
    listed = [(name.lower(), value) for name, value in headers]
    private = any(name == b"set-cookie" for name, _ in listed) or any(
        name in (b"cookie", b"authorization") for name, _ in request_headers
    )
    vary = b", ".join([*(value for name, value in listed if name == b"vary"), PRIVATE_VARY])
    dropped = (b"vary", b"cache-control") if private else (b"vary",)
    headers[:] = [(name, value) for name, value in listed if name not in dropped]
    headers.append((b"vary", vary))
    if private:
        headers.append((b"cache-control", b"private, no-store"))


class BodyLimit:
    """Refuse request bodies over `limit` bytes (413), declared or streamed."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        """A body of a declared length, not chunked, is no longer than declared (the HTTP server reads that many
        bytes and no more: httptools, h11, h2 alike): such a request within the limit goes on uncounted, as the
        app's coroutine handed back (see RouteFirst). Any other body is counted as it streams in."""
        if scope["type"] != "http":
            return self.app(scope, receive, send)
        declared = request_header(scope, b"content-length")
        if declared is not None and declared.isdigit():
            if int(declared) > self.limit:
                return self._refuse(scope, receive, send)
            if request_header(scope, b"transfer-encoding") is None:
                return self.app(scope, receive, send)
        return self._counted(scope, receive, send)

    async def _counted(self, scope: Scope, receive: Receive, send: Send) -> None:
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except BodyTooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        language = message_language(Headers(scope=scope).get("accept-language"))
        message = Localized(f"El pedido supera los {self.limit} bytes.", f"Request body over {self.limit} bytes.")
        refusal = error_response(413, "REQUEST_TOO_LARGE", message.in_language(language))
        await refusal(scope, receive, send)


class BodyTooLarge(Exception):
    pass
