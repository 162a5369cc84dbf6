"""core/prepared builds its SQL once and its models from rows by position: differentially, the same models (every
column's value and its exact type and time zone, the related rows select_related joins, the annotations) as
Tortoise's own queryset, on both databases; and each column's conversion gives what Tortoise's gives, values the
drivers never return included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from tortoise.fields import DateField, DatetimeField, DecimalField
from tortoise.fields.data import CharEnumFieldInstance
from tortoise.models import Model

from core.pagination import Listing, paginate
from core.prepared import PreparedSelect, _converter
from models import Cancellation, Contact, MailMessage, Service, Session
from models.enums import CancellationStatus, ServiceStatus
from tests.test_query_count import delivered

JOINED = ("_contact", "_account", "_holder", "_service")
BOOKKEEPING = ("_partial", "_saved_in_db", "_custom_generated_pk", "_await_when_save")  # what Tortoise sets besides


def columns(model: Model | None) -> Any:
    """Every column's value, Tortoise's bookkeeping, and the same of the related models joined to it (recursively)."""
    if model is None:
        return None
    joined = {name: columns(getattr(model, name)) for name in JOINED if name in model.__dict__}
    kept = {name: model.__dict__.get(name, "unset") for name in BOOKKEEPING}
    # repr, not ==: an aware datetime equals itself in another time zone, a text equals its StrEnum member.
    values = {name: repr(value) for name, value in model}
    return type(model).__name__, values, kept, list(model.__dict__), joined


def sessions_of(digests: list[str]):  # the authentication lookup's shape (core/authn)
    return Session.filter(token_hash__in=digests).select_related("contact", "account__holder")


async def test_a_joined_row_with_and_without_its_nullable_relation(client, factory) -> None:
    account = await factory.account()
    contact = await factory.contact(account, "joined@prepared.example")
    await client.sign_in(account.client_number)
    holder_session = await Session.filter(account_id=account.id).first()
    assert holder_session is not None
    assert holder_session.contact_id is None
    await Session.create(
        account_id=account.id,
        contact_id=contact.id,
        token_hash="b" * 64,
        expires_at=holder_session.expires_at,
        last_seen_at=holder_session.last_seen_at,
        authenticated_at=holder_session.authenticated_at,
        created_at=holder_session.created_at,
    )
    digests = [holder_session.token_hash, "b" * 64]
    prepared = await PreparedSelect(Session, sessions_of).fetch(digests)
    plain = await sessions_of(digests)
    assert sorted(map(columns, prepared), key=repr) == sorted(map(columns, plain), key=repr)
    assert {type(getattr(row, "_contact", None)).__name__ for row in prepared} == {"Contact", "NoneType"}
    assert all(row._account._holder.account_id == account.id for row in prepared)  # nested: account's holder


@pytest.mark.parametrize("newest_first", [False, True])
async def test_a_page_with_its_count_and_joined_rows(factory, newest_first: bool) -> None:
    account = await factory.account()
    for n in range(4):
        service = await factory.service(account, f"Servicio {n}")
        await factory.service_mail(account, service)
    await MailMessage.filter(
        account_id=account.id, id__in=[m.id for m in await MailMessage.filter(account_id=account.id).limit(1)]
    ).update(service_id=None)
    await factory.contact(account, "page@prepared.example")
    await delivered()  # the mail worker must not change a row between the two reads compared
    mail = Listing(MailMessage, lambda values: MailMessage.filter(account_id=values[0]).select_related("service"))
    contacts = Listing(Contact, lambda values: Contact.filter(account_id=values[0]))
    pairs = [
        (mail, MailMessage.filter(account_id=account.id).select_related("service")),
        (contacts, Contact.filter(account_id=account.id)),
    ]
    for listing, queryset in pairs:
        page = {"first": 3, "after": None, "last": None, "before": None, "newest_first": newest_first}
        prepared = await paginate(listing.of(account.id), **page)
        plain = await paginate(queryset, **page)
        assert [columns(row) for row in prepared.items] == [columns(row) for row in plain.items]
        assert [row.connection_total for row in prepared.items] == [row.connection_total for row in plain.items]
        assert prepared.total_count == plain.total_count > 0
    everything = await paginate(mail.of(account.id), first=10, after=None, last=None, before=None)
    assert {message.service is None for message in everything.items} == {True, False}  # joined, and null


async def test_values_that_would_not_reach_the_sql_as_parameters_are_refused(factory) -> None:
    account = await factory.account()
    pattern = PreparedSelect(Contact, lambda values: Contact.filter(email__contains=values[0]))
    with pytest.raises(RuntimeError, match="parameter of its own"):
        await pattern.fetch(["prepared"])  # a LIKE pattern wraps the value
    with pytest.raises(TypeError):
        await PreparedSelect(Contact, lambda values: Contact.filter(account_id=values[0])).fetch([1.5])  # type: ignore[list-item]
    assert await PreparedSelect(Contact, lambda values: Contact.filter(account_id=values[0])).fetch([account.id]) == []


async def test_services_and_their_cancellations_as_tortoise_builds_them(factory, runtime) -> None:
    account = await factory.account()
    services = [await factory.service(account, f"Convertido {n}") for n in range(3)]
    await Cancellation.create(
        account=account,
        service=services[0],
        status=CancellationStatus.SCHEDULED,
        reason="conversions",
        requested_at=runtime.clock.now(),
        confirmed_at=runtime.clock.now(),
        requested_by="Juan Pérez",
        attempts_left=5,
        open_service_id=services[0].id,
    )
    shapes = [
        (Service, lambda values: Service.filter(account_id=values[0])),
        (Cancellation, lambda values: Cancellation.filter(service__account_id=values[0])),
    ]
    for model, build in shapes:
        prepared = await PreparedSelect(model, build).fetch([account.id])
        plain = await build([account.id])
        assert [columns(row) for row in prepared] == [columns(row) for row in plain]
        assert prepared, model


class Shade(StrEnum):
    LIGHT = "light"
    PALE = "light"  # an alias: Shade("light") is LIGHT
    DARK = "dark"


BERLIN = ZoneInfo("Europe/Berlin")
FIELDS_AND_VALUES = [
    (DatetimeField(), [None, datetime(2026, 12, 5, 7, 30, tzinfo=UTC), datetime(2026, 12, 5, 7, 30)]),
    (DatetimeField(), [datetime(2026, 12, 5, 7, 30, tzinfo=timezone(timedelta(hours=-3)))]),
    (DatetimeField(), [datetime(2026, 12, 5, 7, 30, tzinfo=BERLIN), "2026-12-05 07:30:00+00:00", 1_764_919_800]),
    (DateField(), [None, date(2026, 12, 5), datetime(2026, 12, 5, 7, 30, tzinfo=UTC), "2026-12-05"]),
    (CharEnumFieldInstance(Shade), [None, "light", "dark", Shade.DARK, "unknown", 1]),
    (CharEnumFieldInstance(ServiceStatus), [None, "active", ServiceStatus.ACTIVE.value, "ACTIVE"]),
    (DecimalField(max_digits=10, decimal_places=2), [None, "12.3", Decimal("4.567"), 7]),
]


def converted(convert: Any, value: Any) -> str:
    try:
        return repr(convert(value))
    except Exception as error:  # the same failure is the same answer
        return f"raises {type(error).__name__}"


@pytest.mark.parametrize(("field", "values"), FIELDS_AND_VALUES)
def test_each_columns_conversion_is_tortoises(field: Any, values: list[Any]) -> None:
    convert = _converter(field)
    for value in values:
        assert converted(convert, value) == converted(field.to_python_value, value), value
    assert converted(convert, "not a value") == converted(field.to_python_value, "not a value")
