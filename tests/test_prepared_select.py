"""core/prepared builds its SQL once and its models from rows by position: differentially, the same models (every
column, the related rows select_related joins, the annotations) as Tortoise's own queryset, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from tortoise.models import Model

from core.pagination import Listing, paginate
from core.prepared import PreparedSelect
from models import Contact, MailMessage, Session
from tests.test_query_count import delivered

JOINED = ("_contact", "_account", "_holder", "_service")
BOOKKEEPING = ("_partial", "_saved_in_db", "_custom_generated_pk", "_await_when_save")  # what Tortoise sets besides


def columns(model: Model | None) -> Any:
    """Every column's value, Tortoise's bookkeeping, and the same of the related models joined to it (recursively)."""
    if model is None:
        return None
    joined = {name: columns(getattr(model, name)) for name in JOINED if name in model.__dict__}
    kept = {name: model.__dict__.get(name, "unset") for name in BOOKKEEPING}
    return type(model).__name__, dict(iter(model)), kept, joined


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
