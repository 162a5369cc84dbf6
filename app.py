"""`create_app(settings)`: the Starlette application serving the GraphQL API at /graphql."""

from __future__ import annotations

import contextlib
import gc
import logging
import secrets
from collections.abc import AsyncIterator
from contextvars import ContextVar
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import orjson
from cross_web import HTTPException
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET
from tortoise import connections

from core import logs, metrics, workers
from core.apq import PersistedQueries, PersistedQueryError
from core.authn import (
    Access,
    InvalidCredentials,
    access_for,
    authenticate_request,
    count_token_request,
    token_limit_message,
)
from core.clock import Clock
from core.context import Context, Principal
from core.csrf import (
    CROSS_SITE,
    CROSS_SITE_REFUSED,
    CredentialAwareCORS,
    CrossSiteRequestGuard,
)
from core.db import close_database, open_database
from core.errors import message_language
from core.http import (
    HTTP_CODES,
    BodyLimit,
    BodyTooLarge,
    Refusal,
    RouteFirst,
    StandardHeaders,
    error_response,
    panel_policy,
    private_to_credentials,
    rate_limit_headers,
    request_header,
)
from core.i18n import translate
from core.loaders import Loaders
from core.ratelimit import UNAVAILABLE, LimitsUnavailable
from core.runtime import Runtime
from core.sockets import LiveConnections
from core.ws import MAX_SUBSCRIPTIONS_PER_CONNECTION, PanelTransportWSHandler
from domain import mail_preferences
from domain.workers import WORKERS
from schema import PanelSchema, build_schema
from schema.masking import report_unexpected, unexpected_message
from settings import PROJECT_DIR, Settings

log = logging.getLogger("clientpanel")
GRAPHQL_RESPONSE = "application/graphql-response+json"
WEB_DIR = PROJECT_DIR / "web"
# GraphiQL with its assets vendored in web/graphiql/ (closed networks reach no CDN); `{{ nonce }}` marks its bootstrap.
GRAPHIQL_PAGE = (WEB_DIR / "graphiql" / "index.html").read_text(encoding="utf-8")
# Accept values that ask Strawberry for a streamed answer (multipart or server-sent events).
STREAMING_MEDIA_TYPES = ("multipart/mixed", "text/event-stream")
POST_OPERATIONS = OperationType.from_http("POST")  # what Strawberry's view allows a POST
SUBSCRIPTIONS_OVER_HTTP = "Subscriptions use the WebSocket endpoint at /graphql with the graphql-transport-ws protocol."


def graphiql_policy(nonce: str) -> str:
    """Exactly what the vendored page needs: its own files, its bootstrap by nonce, the fonts and images its CSS
    carries as data: URIs, and fetch/WebSocket to its own origin."""
    return (
        f"default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; font-src data:; "
        "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def logo_origins(logo: str | None) -> list[str]:
    """The host of the provider's logo when the branding file names it by URL (else it is served from here): the
    panel's policy lets images come from there."""
    parts = urlsplit(logo or "")
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme in ("http", "https") and parts.netloc else []


def not_started(response_data: Any) -> bool:
    """A response to a request that never reached execution: parse, validation, limit or variable errors, none of
    them located in the result (no path)."""
    if not isinstance(response_data, dict) or response_data.get("data") is not None:
        return False
    errors = response_data.get("errors") or []
    return bool(errors) and all("path" not in error for error in errors)


def plain_query(body: bytes) -> GraphQLRequestData | None:
    """The request in a JSON body that holds a query text, maybe an operation name, and no variables or extensions
    (empty variables count as none); None for any other body, valid or not."""
    try:
        sent = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(sent, dict) or not isinstance(query := sent.get("query"), str):
        return None
    name, variables = sent.get("operationName"), sent.get("variables")
    if sent.keys() - {"query", "operationName", "variables"} or variables not in (None, {}):
        return None
    if name is not None and not isinstance(name, str):
        return None
    return GraphQLRequestData(query=query, variables=variables, operation_name=name, extensions=None, protocol="http")


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI view with our context: who is asking is settled before any resolver runs."""

    graphql_transport_ws_handler_class = PanelTransportWSHandler
    _accept: ContextVar[str] = ContextVar("accept", default="")

    def __init__(self, runtime: Runtime) -> None:
        settings = runtime.settings
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
            allowed_origins=sorted(settings.origins),
            max_subscriptions_per_connection=MAX_SUBSCRIPTIONS_PER_CONNECTION,
        )
        self.schema: PanelSchema  # build_schema's
        self.runtime = runtime
        self.live = LiveConnections(runtime)
        self.persisted = PersistedQueries(settings.persisted_queries_file, settings.persisted_queries_only)

    def encode_json(self, data: object) -> str:
        """orjson is several times faster than json for large results (text, as WebSocket frames must be)."""
        return orjson.dumps(data).decode()

    def decode_json(self, data: str | bytes) -> object:
        """orjson is strict where json is not: invalid UTF-8, lone surrogates and nesting over 1,024 levels are
        JSONDecodeErrors, which the view answers with 400 (json would let them crash later, or recurse)."""
        return orjson.loads(data)

    def parse_json(self, data: str | bytes) -> Any:
        """A request body (and GET's variables and extensions) is a JSON object (or a list: a batch, refused)."""
        parsed = super().parse_json(data)
        if not isinstance(parsed, dict | list):
            raise HTTPException(400, "Expected a JSON object.")
        return parsed

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """Over HTTP, every answer is private to the credentials it was given (core/http.private_to_credentials)."""
        if not isinstance(request, Request):
            return await super().run(request, context, root_value)
        response = await self.answer(request, context, root_value)
        private_to_credentials(response.raw_headers, request.scope["headers"])
        return response

    async def answer(self, request: Request, context: Any, root_value: Any) -> Response:
        """Every refusal is a JSON error with a code, and a failure outside execution (the database down while
        authenticating) the masked error with its id, never a plain-text 500."""
        try:
            if context is UNSET and root_value is UNSET and (answer := await self.answer_checked(request)):
                return answer
            response: Response = await super().run(request, context, root_value)
            return response
        except ClientDisconnect:
            return Response(status_code=400)  # nobody is left to read it: the client went away mid-request
        except BodyTooLarge:
            raise  # a streamed body over the limit: core/http.BodyLimit answers 413
        except HTTPException as refused:
            code = HTTP_CODES.get(refused.status_code, "BAD_REQUEST")
            if isinstance(refused, Refusal):
                return error_response(
                    refused.status_code, code, refused.reason, headers=refused.headers, **refused.extensions
                )
            return error_response(refused.status_code, code, refused.reason)
        except Exception as exc:
            error_id = report_unexpected(exc, request.url.path)
            message = unexpected_message(error_id, message_language(request.headers.get("accept-language")))
            return error_response(500, "INTERNAL_SERVER_ERROR", message, errorId=error_id)

    async def answer_checked(self, request: Request) -> Response | None:
        """A JSON POST of a query that passed every check before (schema/checked_queries.py) without variables or
        extensions, answered by the view's own steps in its order minus those only other requests need (GraphiQL,
        content-type parameters, batches, uploads, streaming, the choice of operation types, which a checked query
        settles); None for any other request, which the view answers as usual (the body stays read).
        tests/test_checked_queries.py compares the answers of both."""
        if request.method != "POST" or request_header(request.scope, b"content-type") != "application/json":
            return None
        accept = request_header(request.scope, b"accept")
        if accept and any(streaming in accept for streaming in STREAMING_MEDIA_TYPES):
            return None
        sent = plain_query(await request.body())
        if sent is None or (found := self.schema.checked_query(sent.query, sent.operation_name)) is None:
            return None
        sub_response = await self.get_sub_response(request)
        context = await self.get_context(request, response=sub_response)
        try:
            self.persisted.resolve(sent)  # known operations only: a query run over a WebSocket may be another
        except PersistedQueryError as refused:
            result = ExecutionResult(data=None, errors=[refused.error])
        else:  # without extensions there is no hash to remember
            result = await self.schema.execute_found(
                found, sent.query, POST_OPERATIONS, context_value=context, operation_name=sent.operation_name
            )
        response_data = await self.process_result(request, result)
        if result.errors:
            self._handle_errors(result.errors, response_data)
        return self.create_response(response_data, sub_response)

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        """Strawberry's sub-response (no status and no headers until resolvers set them), without the Content-Length
        that Strawberry makes and then deletes through a MutableHeaders."""
        sub_response = Response()
        sub_response.status_code = None  # type: ignore[assignment]  # as Strawberry's: unset until a resolver sets it
        sub_response.raw_headers = []
        return sub_response

    async def render_graphql_ide(self, request: Request) -> Response:
        """The vendored GraphiQL with a fresh nonce for its bootstrap and the policy that allows only it."""
        nonce = secrets.token_urlsafe(18)
        return HTMLResponse(
            GRAPHIQL_PAGE.replace("{{ nonce }}", nonce),
            headers={"content-security-policy": graphiql_policy(nonce), "cache-control": "no-store"},
        )

    def should_render_graphql_ide(self, request: Any) -> bool:
        """Only for a GET (the answer to every POST is JSON), and not for a persisted query sent by GET (it has
        `extensions` and no `query`)."""
        if request.method != "GET":
            return False
        return request.query_params.get("extensions") is None and super().should_render_graphql_ide(request)

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        """`application/graphql-response+json` for clients that ask for it (GraphQL over HTTP), where a request that
        never reached execution answers 400 without `data`; `application/json` answers 200 as that media type must.
        Strawberry's answer, with the JSON encoded once to bytes (its `encode_json` makes text, which the Response
        encodes again) and the media type set as the Response is made."""
        media_type = "application/json"
        if GRAPHQL_RESPONSE in self._accept.get():
            media_type = GRAPHQL_RESPONSE
            if not_started(response_data):
                response_data = {key: value for key, value in response_data.items() if key != "data"}
                sub_response.status_code = 400
        response = Response(orjson.dumps(response_data), sub_response.status_code or 200, media_type=media_type)
        response.raw_headers.extend(sub_response.raw_headers)
        response.background = sub_response.background
        return response

    async def execute_operation(
        self, request: Request, request_adapter: Any, request_data: Any, *args: Any, **kwargs: Any
    ) -> Any:
        """Persisted queries first (registered once they ran: parsed and valid); an operation the method cannot
        carry (a mutation via GET) is 405, not 400; a subscription, 400 with where subscriptions go."""
        sent = request_data
        if isinstance(sent, GraphQLRequestData):
            try:
                request_data = self.persisted.resolve(sent)
            except PersistedQueryError as refused:
                return ExecutionResult(data=None, errors=[refused.error])
        try:
            result = await super().execute_operation(request, request_adapter, request_data, *args, **kwargs)
        except HTTPException as exc:
            cause = exc.__cause__
            if isinstance(cause, InvalidOperationTypeError):
                if cause.operation_type is OperationType.SUBSCRIPTION:
                    raise HTTPException(400, SUBSCRIPTIONS_OVER_HTTP) from exc
                raise HTTPException(405, exc.reason) from exc
            raise
        if isinstance(sent, GraphQLRequestData) and getattr(result, "data", None) is not None:
            self.persisted.remember(sent)
        return result

    async def get_context(self, request: Request | WebSocket, response: Response | Any) -> Context:
        self._accept.set(request_header(request.scope, b"accept") or "")
        access = await self.access_of(request)
        principal = access.principal if access else None
        if principal is None and request.scope.get("state", {}).get(CROSS_SITE, False):
            raise HTTPException(403, CROSS_SITE_REFUSED)
        if principal is not None:
            await self.count_token_request(principal, response)
        return Context(
            runtime=self.runtime,
            request=request,
            response=response if isinstance(response, Response) else None,
            principal=principal,
            loaders=Loaders(access.account, access.holder, access.session) if access else Loaders(),
        )

    async def access_of(self, request: Request | WebSocket) -> Access | None:
        """Over HTTP, an Authorization header that does not authenticate is 401 with a Bearer challenge (RFC 6750
        section 3); no header at all, or a cookie session that ended, is anonymous. A WebSocket authenticates in
        its connection_init (core/ws: 4401)."""
        if not isinstance(request, Request):
            return await access_for(self.runtime, request)
        found = await authenticate_request(self.runtime, request)
        if isinstance(found, InvalidCredentials):
            raise Refusal(401, found.description + ".", headers={"www-authenticate": found.challenge})
        return found

    async def count_token_request(self, principal: Principal, response: Response | Any) -> None:
        """An API token's request counts against its limit: the answer carries the budget left (RateLimit-Policy,
        RateLimit), and over the limit it is 429 with Retry-After and `extensions.retryAfter` too."""
        quota = await count_token_request(self.runtime, principal)
        if quota is None:
            return
        headers = rate_limit_headers(quota)
        if (wait := quota.retry_after) is not None:
            raise Refusal(429, token_limit_message(wait), headers=headers, retryAfter=wait)
        if isinstance(response, Response):
            response.headers.update(headers)


async def one_click_unsubscribe(request: Request) -> Response:
    """RFC 8058: a mail client POSTs to a promotion's List-Unsubscribe address; its token is the proof. (A GET
    of that address opens the panel's page, which changes nothing until its button is pressed.)"""
    ip_address = request.client.host if request.client else None
    outcome = await mail_preferences.unsubscribe(
        request.app.state.runtime, request.query_params.get("token", ""), ip_address
    )
    if outcome.ok:
        return JSONResponse({"unsubscribed": outcome.value})
    [failure] = outcome.failures
    language = message_language(request.headers.get("accept-language"))
    message = translate(failure.message_key, language, failure.messages, **failure.values)
    wait = failure.values.get("seconds")
    if wait is not None:
        return error_response(429, failure.code.value, message, headers={"Retry-After": str(wait)}, retryAfter=wait)
    return error_response(400, failure.code.value, message)


async def database_answers() -> bool:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception as exc:  # readiness reports it, whatever the driver raised (its text may hold the URL)
        log.warning("readiness check: database error %s", type(exc).__name__)
        return False
    return True


async def limits_unavailable(request: Request, exc: Exception) -> Response:
    """A route outside GraphQL whose limit could not be checked (one-click unsubscribe): 503, never a 500."""
    language = message_language(request.headers.get("accept-language"))
    return error_response(503, "SERVICE_UNAVAILABLE", UNAVAILABLE.in_language(language), headers={"retry-after": "30"})


async def prometheus(request: Request) -> Response:
    """Only with METRICS_TOKEN set (404 without: as if there were no such page) and sent as a Bearer token."""
    runtime: Runtime = request.app.state.runtime
    settings = runtime.settings
    if not settings.metrics_token:
        return error_response(404, "NOT_FOUND", "Not found.")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    expected = settings.metrics_token.encode()
    if scheme.lower() != "bearer" or not secrets.compare_digest(token.strip().encode(), expected):
        return error_response(
            401, "UNAUTHENTICATED", "A valid metrics token is required.", headers={"www-authenticate": "Bearer"}
        )
    body = await metrics.exposition(settings, runtime.clock)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"cache-control": "no-store"})


def create_app(settings: Settings, clock: Clock | None = None) -> Starlette:
    logs.configure(settings.log_level)
    runtime = Runtime.build(settings, clock)
    graphql = GraphQLApp(runtime)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await open_database(settings)
        await runtime.events.start()
        # What start-up made (the schema, the models' metadata, caches) lives as long as the process: kept out of
        # the collector's scans while serving, which halved the time full collections took per dashboard request.
        gc.freeze()
        try:
            async with workers.running(runtime, WORKERS if settings.run_workers else []):
                yield
        finally:
            gc.unfreeze()
            await runtime.events.stop()
            await close_database()
            metrics.process_stopped(settings)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def panel(request: Request) -> Response:
        """The demo client panel (web/): one page; the links in emails open its routes."""
        return FileResponse(WEB_DIR / "index.html")

    async def readyz(request: Request) -> Response:
        """Ready when this process can serve: the database answers, and so does Redis when the limits are kept
        there (every sign-in needs them). Workers are not asked: a late mail must not take the panel out."""
        down = [] if await database_answers() else ["database"]
        if not await runtime.limiter.reachable():  # always, in memory
            down.append("rate-limit storage")
        if down:
            log.warning("readiness check: %s unreachable", " and ".join(down))
            return JSONResponse({"status": "unavailable", "unreachable": down}, status_code=503)
        return JSONResponse({"status": "ready"})

    graphql_route = Route("/graphql", graphql, methods=["GET", "POST"])
    app = Starlette(
        routes=[
            graphql_route,
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", prometheus),
            Route("/", panel),
            Route("/recuperar", panel),
            Route("/invitacion", panel),
            Route("/confirmar-email", panel),
            Route("/bienvenida", panel),
            Route("/restablecer-verificacion", panel),
            Route("/anular-restablecimiento", panel),
            Route("/baja-avisos", panel),
            Route("/baja-avisos", one_click_unsubscribe, methods=["POST"]),
            Mount("/static", StaticFiles(directory=WEB_DIR)),
        ],
        lifespan=lifespan,
        exception_handlers={LimitsUnavailable: limits_unavailable},
    )
    app.state.runtime = runtime
    app.state.graphql = graphql
    app.add_middleware(RouteFirst, route=graphql_route)
    app.add_middleware(CrossSiteRequestGuard, allowed_origins=settings.origins)
    app.add_middleware(
        CredentialAwareCORS, cookie_origins=settings.allowed_origins, token_origins=settings.token_origins
    )
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    policy = panel_policy(logo_origins(settings.branding.logo))
    app.add_middleware(StandardHeaders, https=settings.secure_cookies, policy=policy)
    return app


def main_app() -> Starlette:
    """Factory for uvicorn (`uvicorn --factory app:main_app`): settings from the environment."""
    return create_app(Settings.from_env())
