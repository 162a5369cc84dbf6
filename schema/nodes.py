"""`node` / `nodes`: any object by its global id, within what the viewer may see."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

import models
from core.context import Context
from core.errors import bad_input
from core.ids import from_global_id
from schema import api_tokens, contacts, mail, services
from schema.common import Node

Loader = Callable[[Context, int], Awaitable[Any]]


async def load_account(ctx: Context, pk: int) -> Any:
    from schema.account import Account

    principal = ctx.require()
    if pk != principal.account_id:
        return None
    return Account.of(await models.Account.get(id=pk))


# Type name -> loader returning the object if it exists and the viewer may see it, else None.
# Each domain registers its types here.
LOADERS: dict[str, Loader] = {"Account": load_account, **services.NODE_LOADERS, **mail.NODE_LOADERS, **contacts.NODE_LOADERS, **api_tokens.NODE_LOADERS}


async def resolve_node(ctx: Context, global_id: str) -> Any:
    decoded = from_global_id(global_id)
    if decoded is None or decoded[0] not in LOADERS:
        return None
    type_name, pk = decoded
    return await LOADERS[type_name](ctx, pk)


@strawberry.type
class Query:
    @strawberry.field
    async def node(self, info: strawberry.Info[Context, None], id: strawberry.ID) -> Node | None:
        return await resolve_node(info.context, id)

    @strawberry.field
    async def nodes(self, info: strawberry.Info[Context, None], ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > 100:
            raise bad_input("At most 100 ids at once.")
        return [await resolve_node(info.context, global_id) for global_id in ids]
