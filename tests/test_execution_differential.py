"""InlineLeavesExecutionContext against the stock executor: the same documents, the same data, the same errors.

The inline context re-implements part of graphql-core's non-public executor, so this test runs each document
through two copies of one self-contained schema, the stock one and the inline one, and compares the data and
every error (message, path, locations, extensions, in order). The documents cover every scalar kind, enums,
lists of leaves with nulls, values of the wrong type, raising attributes, null propagation, aliases,
`__typename`, @skip/@include, fragments on interfaces and unions, sync and async resolvers, a field extension
and permission classes on plain fields, awaitables and async generators held by plain attributes, UNSET and
Undefined, mutations, subscriptions, @defer/@stream and middleware; then the project's own schema answers the
dashboard through the app with either executor.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import pytest
import strawberry
from graphql import (
    ExperimentalIncrementalExecutionResults,
    GraphQLError,
    GraphQLField,
    GraphQLResolveInfo,
    Undefined,
    get_named_type,
    is_leaf_type,
)
from starlette.applications import Starlette
from strawberry.extensions import FieldExtension, SchemaExtension
from strawberry.permission import BasePermission
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from core.execution import InlineLeavesExecutionContext
from tests.helpers import Factory, GraphQLClient
from tests.test_query_count import RICHER_DASHBOARD, delivered


class Raises:
    """An attribute that raises when read, as a failing property does."""

    def __init__(self, error: Exception) -> None:
        self.error = error


class Fresh:
    """An attribute whose value is made on each read: a coroutine, a generator or an async generator."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


class Source:
    """A plain object as resolvers hand them to the executor: its attributes are the given values."""

    def __init__(self, kind: str, **values: Any) -> None:
        self.kind = kind
        self.values = values

    def __getattr__(self, name: str) -> Any:
        try:
            value = self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(f"{self.__dict__.get('kind')} has no {name}") from None
        if isinstance(value, Raises):
            raise value.error
        return value.make() if isinstance(value, Fresh) else value


@strawberry.enum
class Color(Enum):
    RED = "red"
    GREEN = "green"


class Shout(FieldExtension):
    """Upper-cases a plain field: it must run on the inline context too."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: strawberry.Info, **kwargs: Any) -> Any:
        return next_(source, info, **kwargs).upper()


class Nobody(BasePermission):
    message = "Nobody may read this"

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        return False


@strawberry.interface
class Named:
    name: str
    nickname: str | None


@strawberry.type
class Scalars(Named):
    text: str
    maybe_text: str | None
    number: int
    maybe_number: int | None
    flag: bool
    maybe_flag: bool | None
    ratio: float
    maybe_ratio: float | None
    ident: strawberry.ID
    maybe_ident: strawberry.ID | None
    moment: datetime
    maybe_moment: datetime | None
    day: date
    maybe_day: date | None
    amount: Decimal
    maybe_amount: Decimal | None
    reference: uuid.UUID
    color: Color
    maybe_color: Color | None
    words: list[str]
    maybe_words: list[str | None] | None
    holey_words: list[str | None]
    colors: list[Color]
    maybe_colors: list[Color] | None
    numbers: list[int | None] | None
    shouted: str = strawberry.field(extensions=[Shout()])
    secret: str | None = strawberry.field(permission_classes=[Nobody])

    @strawberry.field
    def upper(self) -> str:
        return self.name.upper()

    @strawberry.field
    async def later(self) -> float | None:
        return self.ratio

    # Plain resolvers (sync, no arguments): the inline context calls them directly.
    @strawberry.field
    def described(self, info: strawberry.Info) -> str:
        return f"{info.field_name} {info.path.key} {info.python_name} {info.return_type} of {self.name}"

    @strawberry.field
    def parented(self, parent: strawberry.Parent[Any]) -> str | None:
        return parent.maybe_text

    rooted: str = strawberry.field(resolver=lambda root: f"root {root.name}")

    @strawberry.field
    def failing(self) -> int:
        raise ValueError("a plain resolver failed")

    @strawberry.field
    def maybe_failing(self) -> int | None:
        raise GraphQLError("a plain resolver's GraphQL error", extensions={"code": "X"})

    @strawberry.field
    def null_required(self) -> str:
        return None  # type: ignore[return-value]  # the executor's null check is under test

    @strawberry.field
    def deferred_text(self) -> str:
        return later_text()  # type: ignore[return-value]  # a sync resolver returning an awaitable

    @strawberry.field
    def own_child(self) -> Other | None:
        return Source("other", name=self.name, nickname=None, code=9, later=None)  # type: ignore[return-value]

    @strawberry.field(permission_classes=[Nobody])
    def guarded(self) -> str:
        return "hidden"

    @strawberry.field(extensions=[Shout()])
    def shouted_resolver(self) -> str:
        return self.name

    @classmethod
    def is_type_of(cls, obj: Any, _info: GraphQLResolveInfo) -> bool:
        return obj.kind == "scalars"


@strawberry.type
class Other(Named):
    code: int
    later: float | None  # a plain attribute here, a resolver on Scalars

    @classmethod
    def is_type_of(cls, obj: Any, _info: GraphQLResolveInfo) -> bool:
        return obj.kind == "other"


Either = Annotated[Scalars | Other, strawberry.union("Either")]


@strawberry.type
class Parent:
    label: str
    child: Scalars | None
    children: list[Scalars] | None
    loose_children: list[Scalars | None]
    required_child: Scalars  # plain object attributes: with is_type_of (Scalars) and without (Parent)
    sibling: Parent | None


@strawberry.type
class Query:
    greeting: str
    top_number: int
    maybe_top: int | None
    broken_top: int
    parent: Parent | None
    odd_parent: Parent | None
    parents: list[Parent | None]

    @strawberry.field
    def item(self, index: int = 0) -> Scalars:
        return self.items[index]

    @strawberry.field
    def maybe_item(self, index: int = 0) -> Scalars | None:
        return self.items[index]

    @strawberry.field
    def all_items(self) -> list[Scalars | None]:
        return self.items

    @strawberry.field
    def strict_items(self) -> list[Scalars] | None:
        return self.items

    @strawberry.field
    async def async_items(self) -> list[Scalars | None]:
        return self.items

    @strawberry.field
    def named(self) -> list[Named]:
        return [*self.items, *self.others]

    @strawberry.field
    def either(self) -> list[Either]:
        return [*self.others, *self.items]


@strawberry.type
class Mutation:
    @strawberry.mutation
    def touch(self, index: int = 0) -> Scalars | None:
        return self.items[index]

    @strawberry.mutation
    async def touch_later(self, index: int = 0) -> Scalars | None:
        return self.items[index]


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def changes(self) -> AsyncIterator[Scalars]:
        for item in self.items[:3]:
            yield item


async def later_text() -> str:
    return "más tarde"


async def later_none() -> None:
    return None


async def later_item() -> Source:
    return scalars()


def word_generator() -> Iterator[str]:
    yield from ("uno", "dos")


async def async_words() -> AsyncIterator[str | None]:
    for word in ("tres", None, "cuatro"):
        yield word


def scalars(**overrides: Any) -> Source:
    """A Scalars source whose every value is valid, but for the overrides."""
    values: dict[str, Any] = {
        "name": "nombre",
        "nickname": None,
        "text": "texto",
        "maybe_text": None,
        "number": 7,
        "maybe_number": None,
        "flag": True,
        "maybe_flag": False,
        "ratio": 1.5,
        "maybe_ratio": None,
        "ident": "id-1",
        "maybe_ident": 42,
        "moment": datetime(2026, 3, 10, 15, 0, tzinfo=UTC),
        "maybe_moment": None,
        "day": date(2026, 3, 10),
        "maybe_day": datetime(2026, 3, 11, 9, 30),
        "amount": Decimal("12.50"),
        "maybe_amount": None,
        "reference": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "color": Color.RED,
        "maybe_color": None,
        "words": ["a", "b"],
        "maybe_words": ["c", None],
        "holey_words": [None, "d"],
        "colors": [Color.GREEN, Color.RED],
        "maybe_colors": None,
        "numbers": [1, None, 3],
        "shouted": "grito",
        "secret": "no",
    }
    return Source("scalars", **{**values, **overrides})


def root() -> Source:
    """The data of one execution (fresh each time: generators are read once)."""
    items = [
        scalars(),  # 0: all valid
        scalars(text=None, maybe_text="hay"),  # 1: null in a non-null leaf
        scalars(number="7", maybe_number="siete", ratio=float("nan"), maybe_ratio="1.25"),  # 2: wrong types
        scalars(number=2**40, flag="yes", maybe_flag=0, ident=object(), maybe_ident=True),  # 3: out of range
        scalars(moment="2026-03-10", maybe_moment=date(2026, 3, 10), day=17, amount="abc"),  # 4: wrong dates
        scalars(color="purple", maybe_color="red", colors=[Color.RED, "purple"], maybe_colors=["green"]),  # 5
        scalars(text=Raises(ValueError("boom")), maybe_text=Raises(GraphQLError("custom", extensions={"x": 1}))),
        scalars(maybe_number=ValueError("an error as a value"), text=KeyError("as a value too")),  # 7
        scalars(words=["a", None], maybe_words=[1, None, 2.5], holey_words=[None, None], numbers=[1, "x", None]),
        scalars(words=("t", "u"), maybe_words={"s"}, holey_words=Fresh(word_generator), colors=()),  # 9: iterables
        scalars(words="abc", maybe_words=7, holey_words=Raises(RuntimeError("no list")), numbers=[2**31]),  # 10
        scalars(text=Fresh(later_text), maybe_text=Fresh(later_none), maybe_words=Fresh(async_words)),  # 11
        scalars(
            words=Fresh(lambda: [later_text(), "b"]),
            holey_words=Fresh(lambda: [later_none()]),
            maybe_number=Fresh(later_none),
        ),  # 12: awaitable list items
        scalars(name=None, nickname=Raises(LookupError("nick")), shouted=None, reference="not-a-uuid"),  # 13
        scalars(secret="visible?", shouted="dos", maybe_colors=[None, Color.GREEN]),  # 14
        scalars(
            maybe_text=UNSET,
            maybe_number=Undefined,
            holey_words=[Undefined, UNSET, "x"],
            maybe_words=(UNSET,),
            text=Undefined,
            words=["a", Undefined],
        ),  # 15: Strawberry's UNSET and graphql-core's Undefined
    ]
    del items[13].values["maybe_text"]  # 13: a missing attribute
    others = [
        Source("other", name="otro", nickname="o", code=3, later=2.5),
        Source("other", name="otro", nickname=None, code=None, later="nan"),
    ]

    def parent(label: str, child: Any, required_child: Any, sibling: Any = None) -> Source:
        return Source("parent", label=label, child=child, required_child=required_child, sibling=sibling)

    parents = [
        parent("válido", items[0], items[0], parent("hermano", None, items[0])),
        parent("nulos", None, None),  # null in a non-null object field nulls the parent
        parent("lanza", Raises(ValueError("child")), items[0], Raises(KeyError("sibling"))),
        parent("valores", ValueError("held"), ValueError("held too"), Undefined),
        parent("ajeno", Source("other", name="x", nickname=None, code=1, later=None), items[0], others[0]),
        parent("tarde", Fresh(later_item), Fresh(later_item), Fresh(later_none)),
        parent("hueco", UNSET, items[1], parent("nieto", items[6], items[0], parent("bisnieto", None, None))),
        parent("propaga", items[6], items[0]),
    ]
    return Source(
        "query",
        greeting="hola",
        parents=parents,
        top_number=1,
        maybe_top=Raises(ValueError("top")),
        broken_top=None,
        items=items,
        others=others,
        parent=Source(
            "parent",
            label="padre",
            child=items[1],
            children=[items[0], items[1]],
            loose_children=[items[0], items[1], items[6], None],
        ),
        odd_parent=Source(
            "parent",
            label="raro",
            child=None,
            children=[items[0], ValueError("held in a list")],
            loose_children=Fresh(lambda: [ValueError("held"), Undefined, others[0], items[0], None, later_item()]),
        ),
    )


class QuietSchema(strawberry.Schema):
    """Errors are what this test compares, not something to log."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        pass


STOCK = QuietSchema(query=Query, mutation=Mutation, subscription=Subscription)
INLINE = QuietSchema(
    query=Query, mutation=Mutation, subscription=Subscription, execution_context_class=InlineLeavesExecutionContext
)

ALL_LEAVES = """
    __typename name nickname text maybeText number maybeNumber flag maybeFlag ratio maybeRatio ident maybeIdent
    moment maybeMoment day maybeDay amount maybeAmount reference color maybeColor words maybeWords holeyWords
    colors maybeColors numbers
"""

# (document, variables, number of errors the document must produce)
DOCUMENTS: dict[str, tuple[str, dict[str, Any] | None, int]] = {
    "every leaf of a valid item": (f"{{ item {{ {ALL_LEAVES} }} }}", None, 0),
    "every leaf of every item": (f"{{ allItems {{ {ALL_LEAVES} }} }}", None, 13),
    "every leaf of every item, async list": (f"{{ asyncItems {{ {ALL_LEAVES} upper later }} }}", None, 13),
    "null in a non-null leaf nulls the item": ("{ allItems { text maybeText } }", None, 5),
    "null propagation through a non-null list item": ("{ strictItems { number text } }", None, 1),
    "null propagation to the root": ("{ item(index: 1) { maybeText text } greeting }", None, 1),
    "nullable parent of a failing non-null leaf": ("{ maybeItem(index: 6) { text } greeting }", None, 1),
    "wrong types for Int, Float, String": (
        "{ item(index: 2) { number } a: maybeItem(index: 2) { maybeNumber ratio maybeRatio } }",
        None,
        2,
    ),
    "out of range Int, Boolean from a str, ID from an object": (
        "{ maybeItem(index: 3) { maybeFlag maybeIdent flag } b: maybeItem(index: 3) { number } }",
        None,
        3,
    ),
    "wrong dates and decimals": ("{ maybeItem(index: 4) { maybeMoment amount day moment } }", None, 1),
    "enum values that are not members": (
        "{ m: maybeItem(index: 5) { maybeColor maybeColors } n: maybeItem(index: 5) { color } o: "
        "maybeItem(index: 5) { colors } }",
        None,
        2,
    ),
    "raising attributes": ("{ allItems { maybeText } maybeItem(index: 6) { text } }", None, 3),
    "exceptions held as values": ("{ maybeItem(index: 7) { maybeNumber } x: maybeItem(index: 7) { text } }", None, 2),
    "nulls and wrong types inside lists": (
        "{ maybeItem(index: 8) { maybeWords holeyWords numbers } w: maybeItem(index: 8) { words } }",
        None,
        2,
    ),
    "tuples, sets and generators as lists": ("{ maybeItem(index: 9) { words maybeWords holeyWords colors } }", None, 0),
    "a str, an int and a raising attribute as lists": (
        "{ maybeItem(index: 10) { maybeWords numbers } v: maybeItem(index: 10) { words } u: "
        "maybeItem(index: 10) { holeyWords } }",
        None,
        4,
    ),
    "awaitables and async generators held by attributes": (
        "{ maybeItem(index: 11) { text maybeText maybeWords } }",
        None,
        0,
    ),
    "awaitable list items": ("{ maybeItem(index: 12) { words holeyWords maybeNumber } }", None, 0),
    "a missing attribute and a non-null interface field": (
        "{ allItems { maybeText } m: maybeItem(index: 13) { name } n: maybeItem(index: 13) { nickname reference } }",
        None,
        4,
    ),
    "a field extension on a plain field": ("{ allItems { shouted } }", None, 1),
    "permission classes on a plain field": ("{ item { secret text } }", None, 1),
    "an alias on a failing non-null leaf": (
        "{ x: maybeItem(index: 1) { t: text } y: maybeItem(index: 8) { w: words } }",
        None,
        2,
    ),
    "UNSET and Undefined as values": (
        "{ a: maybeItem(index: 15) { maybeText maybeNumber holeyWords maybeWords } b: maybeItem(index: 15) { text } "
        "c: maybeItem(index: 15) { words } }",
        None,
        2,
    ),
    "aliases": ("{ item { a: text b: text c: number d: maybeText colors: words words: colors } }", None, 0),
    "the same field selected twice merges": ("{ item { text } item { number text } }", None, 0),
    "__typename everywhere": (
        "{ __typename item { __typename t: __typename } named { __typename } either { __typename } }",
        None,
        0,
    ),
    "@skip and @include with variables": (
        "query ($yes: Boolean!, $no: Boolean!) { item { text @skip(if: $yes) number @include(if: $yes) "
        "flag @skip(if: $no) ratio @include(if: $no) words @include(if: $yes) colors @skip(if: $yes) } }",
        {"yes": True, "no": False},
        0,
    ),
    "@skip and @include with literals on fragments": (
        "{ item { ...A @include(if: true) ...B @skip(if: true) ... @include(if: false) { flag } } } "
        "fragment A on Scalars { text number } fragment B on Scalars { ratio }",
        None,
        0,
    ),
    "named fragments": (
        "{ allItems { ...Leaves } } fragment Leaves on Scalars { text number words ...More } fragment "
        "More on Named { name nickname }",
        None,
        8,
    ),
    "inline fragments on an interface": (
        "{ named { __typename name nickname ... on Scalars { text color } ... on Other { code } } }",
        None,
        1,
    ),
    "inline fragments on a union": (
        "{ either { ... on Scalars { number maybeNumber } ... on Other { name code } } }",
        None,
        1,
    ),
    "one field name, plain on a type and a resolver on another": (
        "{ either { ... on Other { later } ... on Scalars { later } } }",
        None,
        2,
    ),
    "sync and async resolvers mixed with plain fields": ("{ allItems { upper later text maybeNumber } }", None, 7),
    "plain resolvers called directly: info, parent, root, errors, nulls, awaitables, objects": (
        "{ allItems { described parented rooted maybeFailing deferredText ownChild { name code } d: described } "
        "a: maybeItem { failing } b: maybeItem(index: 1) { nullRequired } c: maybeItem { deferredText } }",
        None,
        21,
    ),
    "resolvers with a permission and an extension stay stock": ("{ item { guarded shoutedResolver } }", None, 1),
    "an awaitable sibling before a failing non-null leaf is settled": (
        "{ allItems { later deferredText text maybeText } }",
        None,
        6,
    ),
    "plain fields of the root value": ("{ greeting topNumber maybeTop }", None, 1),
    "a null in a non-null root field nulls the data": ("{ greeting brokenTop }", None, 1),
    "a nested parent with non-null failures below": (
        "{ parent { label child { text } children { text } looseChildren { text maybeText } } }",
        None,
        4,
    ),
    "lists of objects holding errors, Undefined, another type's object and an awaitable": (
        "{ oddParent { label children { text } looseChildren { text } } }",
        None,
        3,
    ),
    "plain object fields: nulls, raising, held errors, wrong types, awaitables, UNSET, nesting": (
        "{ parents { label child { text maybeText } requiredChild { name } sibling { label requiredChild { text } "
        "sibling { label child { text } } } } }",
        None,
        9,
    ),
    "plain object fields with aliases, fragments and __typename": (
        "{ parents { c: child { __typename ...on Named { name } } r: requiredChild { __typename number } "
        "s: sibling { __typename } } }",
        None,
        7,
    ),
    "introspection next to plain fields": (
        '{ __schema { queryType { name } } __type(name: "Color") { enumValues { name } } greeting }',
        None,
        0,
    ),
    "a null in a list of non-null enums, an extension, a permission": (
        "{ item(index: 14) { maybeColors shouted secret } }",
        None,
        2,
    ),
    "a mutation": ("mutation { touch { text number words } again: touch(index: 1) { maybeText text } }", None, 1),
    "an async mutation after a sync one": (
        "mutation { touch(index: 3) { number } touchLater(index: 0) { text colors } }",
        None,
        1,
    ),
}


def formatted(result: ExecutionResult) -> list[dict[str, Any]]:
    return [dict(error.formatted) for error in result.errors or []]


async def compare(document: str, variables: dict[str, Any] | None) -> ExecutionResult:
    stock = await STOCK.execute(document, variable_values=variables, root_value=root())
    inline = await INLINE.execute(document, variable_values=variables, root_value=root())
    assert inline.data == stock.data
    assert formatted(inline) == formatted(stock)
    return stock


@pytest.mark.parametrize("name", DOCUMENTS)
async def test_inline_leaves_answer_as_the_stock_executor(name: str) -> None:
    document, variables, error_count = DOCUMENTS[name]
    stock = await compare(document, variables)
    # The document must exercise execution: every error is a located execution error, none a validation one.
    assert len(stock.errors or []) == error_count, formatted(stock)
    assert all(error.path for error in stock.errors or []), formatted(stock)


def test_synchronous_execution_answers_as_the_stock_executor() -> None:
    synchronous = [index for index in range(16) if index not in (11, 12)]  # 11 and 12 hold awaitables
    items = " ".join(
        f"i{index}: maybeItem(index: {index}) {{ {ALL_LEAVES} shouted secret upper }}" for index in synchronous
    )
    document = f"{{ {items} parent {{ children {{ text }} looseChildren {{ maybeText }} }} }}"
    stock = STOCK.execute_sync(document, root_value=root())
    inline = INLINE.execute_sync(document, root_value=root())
    assert inline.data == stock.data
    assert formatted(inline) == formatted(stock)
    assert len(formatted(stock)) == 18, formatted(stock)


async def events(schema: strawberry.Schema, document: str) -> list[tuple[Any, list[dict[str, Any]]]]:
    stream = await schema.subscribe(document, root_value=root())
    return [(event.data, formatted(event)) async for event in stream]  # type: ignore[union-attr]


async def test_subscription_events_answer_as_the_stock_executor() -> None:
    document = "subscription { changes { text maybeText number maybeNumber words holeyWords upper } }"
    stock = await events(STOCK, document)
    assert await events(INLINE, document) == stock
    assert [len(errors) for _, errors in stock] == [0, 1, 1]


def test_the_field_extension_runs_on_plain_fields() -> None:
    result = INLINE.execute_sync("{ item { shouted } a: maybeItem(index: 14) { shouted } }", root_value=root())
    assert result.data == {"item": {"shouted": "GRITO"}, "a": {"shouted": "DOS"}}


BUILT: dict[str, list[bool]] = {}
"""By execution context: for each resolve info built, whether its field is a plain leaf or list of leaves."""


def recording(base: type[StrawberryGraphQLCoreExecutionContext]) -> type[StrawberryGraphQLCoreExecutionContext]:
    """`base`, recording in BUILT the resolve infos it builds: the stock path builds one per field, the inline
    path none for plain leaves."""

    class Recording(base):  # type: ignore[valid-type,misc]
        def build_resolve_info(self, field_def: GraphQLField, *args: Any) -> Any:
            plain = getattr(field_def.resolve, "_is_default", False) and is_leaf_type(get_named_type(field_def.type))
            BUILT.setdefault(base.__name__, []).append(plain)
            return super().build_resolve_info(field_def, *args)

    return Recording


async def test_plain_leaves_take_the_inline_path() -> None:
    schema = QuietSchema(query=Query, execution_context_class=recording(InlineLeavesExecutionContext))
    BUILT.clear()
    document = "{ item { text number words colors upper } maybeItem(index: 9) { ratio words colors upper } }"
    result = await schema.execute(document, root_value=root())
    assert result.data is not None
    assert BUILT == {"InlineLeavesExecutionContext": [False] * 4}  # item, maybeItem and their `upper` (resolvers)


async def test_typename_takes_the_inline_path() -> None:
    schema = QuietSchema(query=Query, execution_context_class=recording(InlineLeavesExecutionContext))
    built = []
    for document in (
        "{ item { text } maybeItem(index: 9) { ratio } }",
        "{ __typename item { __typename text } maybeItem(index: 9) { t: __typename ratio } }",
    ):
        BUILT.clear()
        result = await schema.execute(document, root_value=root())
        assert result.data is not None
        built.append(dict(BUILT))
    assert result.data["__typename"] == "Query"
    assert result.data["item"]["__typename"] == "Scalars"
    assert built[0] == built[1]  # no resolve info built for __typename


async def test_plain_objects_take_the_inline_path() -> None:
    schema = QuietSchema(query=Query, execution_context_class=recording(InlineLeavesExecutionContext))
    BUILT.clear()
    result = await schema.execute("{ parents { sibling { label sibling { label } } } }", root_value=root())
    assert result.data is not None
    assert result.data["parents"][0]["sibling"] == {"label": "hermano", "sibling": None}
    # `parents` (a list) and the one sibling held as an awaitable (stock from there); Parent has no is_type_of.
    assert BUILT == {"InlineLeavesExecutionContext": [False, False]}


RESOLVED: list[list[str | int]] = []


class RecordResolves(SchemaExtension):
    """Middleware: with it, every field must take the stock path (it sees every resolver call)."""

    def resolve(self, _next: Callable[..., Any], root: Any, info: GraphQLResolveInfo, *args: Any, **kwargs: Any) -> Any:
        RESOLVED.append(info.path.as_list())
        return _next(root, info, *args, **kwargs)


async def test_middleware_sees_every_field_on_the_inline_context() -> None:
    stock = QuietSchema(query=Query, extensions=[RecordResolves])
    inline = QuietSchema(query=Query, extensions=[RecordResolves], execution_context_class=InlineLeavesExecutionContext)
    document = "{ allItems { text words maybeNumber } greeting }"
    RESOLVED.clear()
    stock_result = await stock.execute(document, root_value=root())
    stock_resolved = list(RESOLVED)
    RESOLVED.clear()
    inline_result = await inline.execute(document, root_value=root())
    assert inline_result.data == stock_result.data
    assert formatted(inline_result) == formatted(stock_result)
    assert stock_resolved == RESOLVED
    assert ["allItems", 0, "words"] in RESOLVED


INCREMENTAL = StrawberryConfig(enable_experimental_incremental_execution=True)
STOCK_INCREMENTAL = QuietSchema(query=Query, config=INCREMENTAL)
INLINE_INCREMENTAL = QuietSchema(query=Query, config=INCREMENTAL, execution_context_class=InlineLeavesExecutionContext)


async def payloads(schema: strawberry.Schema, document: str) -> list[dict[str, Any]]:
    """Every payload of an incremental (@defer/@stream) response, as sent."""
    result = await schema.execute(document, root_value=root())
    assert isinstance(result, ExperimentalIncrementalExecutionResults), result
    sent = [dict(result.initial_result.formatted)]
    sent.extend([dict(subsequent.formatted) async for subsequent in result.subsequent_results])
    return sent


@pytest.mark.parametrize(
    "document",
    [
        "{ item { words @stream(initialCount: 1) text ... @defer { number colors } } }",
        "{ allItems { holeyWords @stream(initialCount: 0) ... @defer { text maybeWords } } }",
        "{ maybeItem(index: 8) { ... @defer { words } numbers @stream(initialCount: 2) } }",
        # @defer in objects without is_type_of (Parent): an object field's and a list's.
        "{ parent { label ... @defer { children { name } } } }",
        "{ parents { label ... @defer { sibling { label ... @defer { requiredChild { text } } } } } }",
        "{ parents { sibling { label } ... @defer { label sibling { label child { name } } } } }",
    ],
)
async def test_deferred_and_streamed_fields_answer_as_the_stock_executor(document: str) -> None:
    stock = await payloads(STOCK_INCREMENTAL, document)
    assert await payloads(INLINE_INCREMENTAL, document) == stock
    assert len(stock) > 1


async def test_the_panel_answers_the_dashboard_as_with_the_stock_executor(
    app: Starlette,
    client: GraphQLClient,
    other_client: GraphQLClient,
    factory: Factory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The project's own schema, through the app: the holder's dashboard, and a contact's, refused in part."""
    account = await factory.account()
    for n in range(3):
        service = await factory.service(account, f"Servicio {n}")
        await factory.service_mail(account, service)
    await factory.contact(account, "parcial@example.com", permissions=["SERVICES"])
    await delivered()  # the delivery worker changes no row between the two answers
    await client.sign_in(account.client_number)
    await other_client.sign_in("parcial@example.com")
    panel_schema = app.state.graphql.schema
    BUILT.clear()
    monkeypatch.setattr(panel_schema, "execution_context_class", recording(StrawberryGraphQLCoreExecutionContext))
    stock = [await client(RICHER_DASHBOARD), await other_client(RICHER_DASHBOARD)]
    monkeypatch.setattr(panel_schema, "execution_context_class", recording(InlineLeavesExecutionContext))
    assert [await client(RICHER_DASHBOARD), await other_client(RICHER_DASHBOARD)] == stock
    assert BUILT["StrawberryGraphQLCoreExecutionContext"].count(True) > 30, BUILT  # the dashboard's plain leaves
    assert BUILT["InlineLeavesExecutionContext"].count(True) == 0, BUILT  # ... all resolved inline
    holder, contact = stock
    assert holder["data"]["viewer"]["account"]["mail"]["totalCount"] == 3, holder
    assert [error["extensions"]["code"] for error in contact["errors"]] == ["FORBIDDEN"], contact


def test_a_class_answers_not_awaitable_only_when_no_instance_of_it_could_be() -> None:
    """core.execution answers `is_awaitable` by class once the predicate said no for one that `await` refuses for
    every instance; a class with `__await__`, attribute hooks, or coroutines always ask the predicate."""
    from strawberry.execution.is_awaitable import optimized_is_awaitable

    from core.execution import _NEVER_AWAITABLE, _by_type

    class Plain:
        pass

    class Awaits:
        def __await__(self) -> Iterator[None]:
            yield None

    class Hooked:
        awaitable = False

        def __getattr__(self, name: str) -> Any:
            if name == "__await__" and self.awaitable:
                return lambda: iter(())
            raise AttributeError(name)

    asked: list[object] = []

    def predicate(value: object) -> bool:
        asked.append(value)
        return optimized_is_awaitable(value)

    is_awaitable = _by_type(predicate)
    plain = Plain()
    assert [is_awaitable(plain), is_awaitable(Plain())] == [False, False]
    assert Plain in _NEVER_AWAITABLE
    assert asked == [plain]
    assert [is_awaitable(Awaits()), is_awaitable(Awaits())] == [True, True]
    hooked = Hooked()
    assert is_awaitable(hooked) is False
    hooked.awaitable = True
    assert is_awaitable(hooked) is True
    assert Hooked not in _NEVER_AWAITABLE
    assert Awaits not in _NEVER_AWAITABLE

    async def coroutine() -> None:
        return None

    running = coroutine()
    assert is_awaitable(running) is True
    running.close()
    assert len(asked) == 6


def test_builtins_enums_and_dates_are_answered_by_class_but_not_a_proxy() -> None:
    """The values most fields return (strings, dicts, lists, enum members, dates) are remembered after one answer;
    a class whose attribute lookup is not the generic one (a weak proxy forwards it to its referent) never is."""
    import weakref
    from datetime import datetime
    from enum import StrEnum

    from strawberry.execution.is_awaitable import optimized_is_awaitable

    from core.execution import _NEVER_AWAITABLE, _by_type

    class Status(StrEnum):
        ACTIVE = "ACTIVE"

    class Target:
        pass

    is_awaitable = _by_type(optimized_is_awaitable)
    values: list[object] = ["text", {"a": 1}, [1], True, 3, Status.ACTIVE, datetime(2026, 1, 1)]
    assert [is_awaitable(value) for value in values] == [False] * len(values)
    assert {type(value) for value in values} <= _NEVER_AWAITABLE

    target = Target()
    proxy = weakref.proxy(target)
    assert is_awaitable(proxy) is False
    assert type(proxy) not in _NEVER_AWAITABLE
