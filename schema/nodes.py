"""`node` / `nodes`: any object by its global id, exactly as the viewer's list fields show it.

Each Node type declares what its list field needs (refused alike), which of its rows this viewer's list
shows and how a row becomes its object; `nodes` loads each type's ids with one query.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import strawberry
from tortoise.models import Model
from tortoise.queryset import QuerySet

import models
from core.context import Context, Principal
from core.errors import ApiError, bad_input
from core.ids import from_global_id
from domain.api_tokens import visible_tokens
from domain.auth import visible_sessions
from domain.mail import visible_mail
from models.enums import Permission
from schema.account import Account
from schema.activity import ActivityEvent
from schema.api_tokens import ApiToken
from schema.auth import Session
from schema.common import Node
from schema.contacts import Contact
from schema.mail import MailMessage
from schema.permissions import Declaration
from schema.services import Cancellation, Service

MAX_IDS = 100


@dataclass(frozen=True, slots=True)
class NodeType:
    """`declaration`: what the viewer's list field of this type needs, enforced here as there.
    `visible`: the rows that list shows this viewer (None: none)."""

    declaration: Declaration
    visible: Callable[[Context], QuerySet[Any] | None]
    build: Callable[[Any, Principal], Node]


def in_account(model: type[Model]) -> Callable[[Context], QuerySet[Any]]:
    """The account's rows of `model`."""
    return lambda ctx: model.filter(account_id=ctx.acting.account_id)


NODE_TYPES: dict[str, NodeType] = {
    "Account": NodeType(
        Declaration(), lambda ctx: models.Account.filter(id=ctx.acting.account_id), lambda row, _: Account.of(row)
    ),
    "Service": NodeType(Declaration(Permission.SERVICES), in_account(models.Service), lambda row, _: Service.of(row)),
    "Cancellation": NodeType(
        Declaration(Permission.SERVICES),
        lambda ctx: in_account(models.Cancellation)(ctx).select_related("service"),
        lambda row, _: Cancellation.of(row, row.service),
    ),
    "Contact": NodeType(Declaration(Permission.CONTACTS), in_account(models.Contact), lambda row, _: Contact.of(row)),
    "MailMessage": NodeType(
        Declaration(Permission.MAIL, narrowed=True), visible_mail, lambda row, _: MailMessage.of(row)
    ),
    "ApiToken": NodeType(Declaration(Permission.SECURITY), visible_tokens, lambda row, _: ApiToken.of(row)),
    "Session": NodeType(
        Declaration(),
        lambda ctx: visible_sessions(ctx.runtime, ctx.acting),
        lambda row, principal: Session.of(row, principal.session_id),
    ),
    "ActivityEvent": NodeType(
        Declaration(Permission.SECURITY), in_account(models.ActivityEvent), lambda row, _: ActivityEvent.of(row)
    ),
}


async def load_type(ctx: Context, node_type: NodeType, pks: set[int]) -> dict[int, Any]:
    """Each visible pk's object (one query), or the list's refusal for every pk."""
    try:
        principal = node_type.declaration.enforce(ctx)
        visible = node_type.visible(ctx)
    except ApiError as refused:
        return {pk: ApiError(refused.code, refused.localized or refused.message) for pk in pks}
    if visible is None:
        return {}
    return {row.id: node_type.build(row, principal) for row in await visible.filter(id__in=pks)}


async def load_nodes(ctx: Context, global_ids: Sequence[str]) -> list[Any]:
    """Each id's object, None (malformed, unknown or not shown to this viewer) or an ApiError (its list refuses)."""
    decoded = [from_global_id(global_id) for global_id in global_ids]
    wanted: dict[str, set[int]] = {}
    for found in decoded:
        if found is not None and found[0] in NODE_TYPES:
            wanted.setdefault(found[0], set()).add(found[1])
    loaded = {name: await load_type(ctx, NODE_TYPES[name], pks) for name, pks in wanted.items()}
    return [loaded.get(found[0], {}).get(found[1]) if found else None for found in decoded]


@strawberry.type
class Query:
    @strawberry.field
    async def node(self, info: strawberry.Info[Context, None], id: strawberry.ID) -> Node | None:
        (found,) = await load_nodes(info.context, [id])
        if isinstance(found, ApiError):
            raise found
        return found

    @strawberry.field
    async def nodes(self, info: strawberry.Info[Context, None], ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_IDS:
            raise bad_input(f"At most {MAX_IDS} ids at once.")
        return await load_nodes(info.context, ids)
