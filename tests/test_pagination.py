"""Relay pagination of the account's lists, whose pages' SQL is built once per shape (core/pagination.Listing): every
combination of cursors and direction answers the rows, counts and page flags a plain walk over the ids gives, for
another account's rows too, and a filtered list (built on every request) agrees with the prepared one."""

from __future__ import annotations

import pytest

from core.pagination import encode_cursor
from models import MailMessage

SERVICES = """query($first: Int, $after: String, $last: Int, $before: String, $status: [ServiceStatus!]) {
  viewer { account { services(first: $first, after: $after, last: $last, before: $before, status: $status) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { name } } } } } }"""
CONTACTS = """query($first: Int, $after: String, $last: Int, $before: String) {
  viewer { account { contacts(first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage } edges { cursor node { email } } } } } }"""
MAIL = """query($first: Int, $after: String, $last: Int, $before: String) {
  viewer { account { mail(first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage } edges { cursor node { id service { name } } } } } } }"""


def expected(ids: list[int], first: int | None, after: int | None, last: int | None, before: int | None) -> dict:
    """What a page must hold, from the ids in the connection's order: the rows strictly between the cursors, the
    first or last of them, and the flags as core/pagination defines them."""
    position = {pk: index for index, pk in enumerate(ids)}
    window = ids[(position[after] + 1 if after is not None else 0) : (position[before] if before is not None else None)]
    if last is not None:
        page = window[-last:] if last else []
        return {"ids": page, "next": before is not None, "previous": len(window) > last}
    size = 20 if first is None else first
    return {"ids": window[:size], "next": len(window) > size, "previous": after is not None}


async def walk(client, document: str, field: str, ids: list[int], **variables) -> None:
    """Every page shape over `ids` (the connection's order) answers as `expected` says."""
    picks = [None, ids[0], ids[2], ids[-1]]
    for after in picks:
        for before in picks:
            for first, last in ((2, None), (None, 2), (None, None), (0, None), (100, None)):
                given = {
                    "first": first,
                    "last": last,
                    "after": encode_cursor(after) if after is not None else None,
                    "before": encode_cursor(before) if before is not None else None,
                    **variables,
                }
                page = (await client.data(document, given))["viewer"]["account"][field]
                want = expected(ids, first, after, last, before)
                assert [edge["cursor"] for edge in page["edges"]] == [encode_cursor(pk) for pk in want["ids"]], given
                assert page["pageInfo"]["hasNextPage"] is want["next"], given
                assert page["pageInfo"]["hasPreviousPage"] is want["previous"], given
                assert page["totalCount"] == len(ids), given


async def test_services_every_shape(client, factory) -> None:
    account = await factory.account()
    other = await factory.account()
    services = [await factory.service(account, f"Servicio {n}") for n in range(6)]
    await factory.service(other, "De otra cuenta")
    await client.sign_in(account.client_number)
    ids = [service.id for service in services]
    await walk(client, SERVICES, "services", ids)
    await walk(client, SERVICES, "services", ids, status=["ACTIVE"])  # the filtered list, built per request


async def test_contacts_every_shape(client, factory) -> None:
    account = await factory.account()
    other = await factory.account()
    contacts = [await factory.contact(account, f"c{n}@pagination.example") for n in range(5)]
    await factory.contact(other, "ajeno@pagination.example")
    await client.sign_in(account.client_number)
    await walk(client, CONTACTS, "contacts", [contact.id for contact in contacts])


async def test_mail_every_shape_newest_first(client, factory) -> None:
    account = await factory.account()
    other = await factory.account()
    for n in range(5):
        await factory.service_mail(account, await factory.service(account, f"Servicio {n}"))
    await factory.service_mail(other, await factory.service(other, "De otra cuenta"))
    await client.sign_in(account.client_number)
    ids = sorted(await MailMessage.filter(account_id=account.id).values_list("id", flat=True), reverse=True)
    assert len(ids) >= 5
    await walk(client, MAIL, "mail", ids)
    page = (await client.data(MAIL, {"first": 1}))["viewer"]["account"]["mail"]
    assert page["edges"][0]["node"]["service"]["name"].startswith("Servicio")  # read with the message


@pytest.mark.parametrize("cursor", ["bm9wZQ", "Yzp4"])
async def test_a_bad_cursor_is_the_callers_mistake(client, factory, cursor: str) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    body = await client(CONTACTS, {"after": cursor})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
    assert "cursor" in body["errors"][0]["message"]
