"""`create_staff_app(settings)`: the staff API, a separate ASGI application for the provider's own systems.

It listens on its own address (STAFF_BIND), answers POST /graphql only, with its own schema (schema/staff), and
accepts only staff keys (`Authorization: Bearer csk_...`): no cookies, no CORS, no GraphiQL, introspection off in
production, optionally only from STAFF_ALLOWED_NETWORKS. Each key is throttled, and every request it makes is
audited (schema/staff/audit). A customer's session or token is refused here, and a staff key on the public API.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
from collections.abc import AsyncIterator
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.types.unset import UNSET

from core import logs
from core.authn import bearer_token
from core.clock import Clock
from core.db import close_database, open_database
from core.errors import message_language
from core.http import HTTP_CODES, BodyLimit, BodyTooLarge, Refusal, StandardHeaders, error_response, rate_limit_headers
from core.runtime import Runtime
from core.staff_context import StaffContext
from domain.staff_keys import live_key
from models import StaffAudit
from schema.masking import report_unexpected, unexpected_message
from schema.staff import build_staff_schema
from settings import Settings

log = logging.getLogger("clientpanel.staff")
STAFF_MAX_BODY_BYTES = 16 * 1024 * 1024  # bulk syncs send thousands of records in one request
STAFF_POLICY = "staff-key"
INVALID_KEY = 'Bearer error="invalid_token", error_description="The staff key is missing, unknown or revoked"'
API_POLICY = "default-src 'none'; frame-ancestors 'none'"


class StaffGraphQL(GraphQL[StaffContext, None]):
    def __init__(self, runtime: Runtime, settings: Settings) -> None:
        super().__init__(build_staff_schema(settings), graphql_ide=None, allow_queries_via_get=False)
        self.runtime = runtime
        self.settings = settings
        self.networks = [ipaddress.ip_network(n, strict=False) for n in settings.staff_allowed_networks]

    def encode_json(self, data: object) -> str:
        return orjson.dumps(data).decode()

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """Every refusal a JSON error with a code; anything unexpected masked with an id, never a 500 page."""
        try:
            return await super().run(request, context, root_value)
        except HTTPException as refused:
            code = HTTP_CODES.get(refused.status_code, "BAD_REQUEST")
            headers = refused.headers if isinstance(refused, Refusal) else {}
            extensions = refused.extensions if isinstance(refused, Refusal) else {}
            return error_response(refused.status_code, code, refused.reason, headers=headers, **extensions)
        except BodyTooLarge:
            raise  # a streamed body over the limit: core/http.BodyLimit answers 413
        except Exception as exc:
            error_id = report_unexpected(exc, "staff")
            message = unexpected_message(error_id, message_language(request.headers.get("accept-language")))
            return error_response(500, "INTERNAL_SERVER_ERROR", message, errorId=error_id)

    async def get_context(self, request: Request, response: Any) -> StaffContext:  # type: ignore[override]
        self.check_network(request)
        secret = bearer_token(request)
        key = await live_key(self.runtime, secret) if secret else None
        if key is None:
            raise Refusal(
                401,
                "A live staff key is required (Authorization: Bearer csk_...).",
                headers={"www-authenticate": INVALID_KEY},
            )
        quota = await self.runtime.limiter.count(
            f"{self.settings.staff_requests_per_minute}/minute", STAFF_POLICY, "staff-key", str(key.id)
        )
        headers = rate_limit_headers(quota)
        if (wait := quota.retry_after) is not None:
            await StaffAudit.create(
                key_id=key.id,
                at=self.runtime.clock.now(),
                address=request.client.host if request.client else None,
                fields_called="",
                outcome="RATE_LIMITED",
            )
            message = f"Too many requests for this staff key: retry in {wait} seconds."
            raise Refusal(429, message, headers=headers, retryAfter=wait)
        if isinstance(response, Response):
            response.headers.update(headers)
        return StaffContext(runtime=self.runtime, request=request, key=key)

    def check_network(self, request: Request) -> None:
        if not self.networks:
            return
        host = request.client.host if request.client else ""
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        if address is None or not any(address in network for network in self.networks):
            log.warning("staff API refused a caller outside STAFF_ALLOWED_NETWORKS")
            raise Refusal(403, "The staff API does not answer this network.", headers={})


def create_staff_app(settings: Settings, runtime: Runtime | None = None, clock: Clock | None = None) -> Starlette:
    """With `runtime` (the public app's, in the same process) it shares that app's database and limits; alone it
    opens the database itself (and runs no workers)."""
    own = runtime is None
    runtime = runtime or Runtime.build(settings, clock)
    if own:
        logs.configure(settings.log_level)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if own:
            await open_database(settings)
        try:
            yield
        finally:
            if own:
                await close_database()

    app = Starlette(routes=[Route("/graphql", StaffGraphQL(runtime, settings), methods=["POST"])], lifespan=lifespan)
    app.state.runtime = runtime
    app.add_middleware(BodyLimit, limit=max(settings.max_body_bytes, STAFF_MAX_BODY_BYTES))
    app.add_middleware(StandardHeaders, https=False, policy=API_POLICY)
    return app


def main_staff_app() -> Starlette:
    """Factory for uvicorn (`uvicorn --factory staff_app:main_staff_app`) in a process of its own."""
    return create_staff_app(Settings.from_env())
