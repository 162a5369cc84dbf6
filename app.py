"""`create_app(settings)`: the Starlette application serving the GraphQL API at /graphql."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from cross_web import HTTPException
from strawberry.asgi import GraphQL
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from core.authn import authenticate
from core.clock import Clock
from core.context import Context
from core.csrf import CrossSiteRequestGuard
from core.db import close_database, open_database
from core import workers
from core.live import LiveConnections
from core.runtime import Runtime
from core.ws import MAX_SUBSCRIPTIONS_PER_CONNECTION, PanelTransportWSHandler
from resolvers import api_tokens
from schema import schema
from settings import Settings

log = logging.getLogger("clientpanel")


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI view with our context: who is asking is settled before any resolver runs."""

    graphql_transport_ws_handler_class = PanelTransportWSHandler

    def __init__(self, runtime: Runtime) -> None:
        settings = runtime.settings
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
            allowed_origins=sorted(settings.origins),
            max_subscriptions_per_connection=MAX_SUBSCRIPTIONS_PER_CONNECTION,
        )
        self.runtime = runtime
        self.live = LiveConnections(runtime)

    async def execute_operation(self, request: Request, request_adapter: Any, *args: Any, **kwargs: Any) -> Any:
        """GraphQL over HTTP: an operation the method cannot carry (a mutation via GET) is 405, not 400."""
        try:
            return await super().execute_operation(request, request_adapter, *args, **kwargs)
        except HTTPException as exc:
            if isinstance(exc.__cause__, InvalidOperationTypeError):
                raise HTTPException(405, exc.reason) from exc
            raise

    async def get_context(self, request: Request | WebSocket, response: Response | Any) -> Context:
        principal = await authenticate(self.runtime, request)
        if principal is not None and principal.api_token_id is not None:
            rule = api_tokens.REQUESTS_PER_TOKEN
            if wait := await self.runtime.limiter.hit(rule, "api-token", str(principal.api_token_id)):
                raise HTTPException(429, f"Too many requests for this API token: retry in {wait} seconds.")
        return Context(
            runtime=self.runtime,
            request=request,
            response=response if isinstance(response, Response) else None,
            principal=principal,
        )


def create_app(settings: Settings, clock: Clock | None = None) -> Starlette:
    runtime = Runtime.build(settings, clock)
    graphql = GraphQLApp(runtime)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await open_database(settings)
        await runtime.events.start()
        try:
            async with workers.running(runtime, workers.registered() if settings.run_workers else []):
                yield
        finally:
            await runtime.events.stop()
            await close_database()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
        ],
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.graphql = graphql
    app.add_middleware(CrossSiteRequestGuard, allowed_origins=settings.origins)
    return app




def main_app() -> Starlette:
    """Factory for uvicorn (`uvicorn --factory app:main_app`): settings from the environment."""
    return create_app(Settings.from_env())
