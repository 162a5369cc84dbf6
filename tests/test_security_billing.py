"""The adversarial review of the billing integration and two-step sign-in: its reproductions, now refusals."""

from __future__ import annotations

import models
from models.enums import StaffScope
from tests.helpers import PASSWORD, emailed_token

UPSERT = """mutation($i: AccountUpsertInput!) { accountUpsert(input: $i) {
  result account { clientNumber } errors { field code message } } }"""
SERVICE_UPSERT = """mutation($i: ServiceUpsertInput!) { serviceUpsert(input: $i) {
  result errors { field code message } } }"""
SIGN_IN = "mutation($i: SignInInput!) { signIn(input: $i) { errors { code } } }"


def holder(email: str, **more: str) -> dict:
    return {"firstName": "Juan", "lastName": "Pérez", "email": email, **more}


async def test_a_client_number_with_letters_signs_in_in_any_case(staff, client, smtp_sink) -> None:
    billing = await staff(StaffScope.ACCOUNTS)
    made = await billing.data(
        UPSERT, {"i": {"externalId": "wh-1", "clientNumber": "wh-1001", "holder": holder("letters@example.net")}}
    )
    assert made["accountUpsert"]["account"] == {"clientNumber": "WH-1001"}, "stored in capitals"
    token = await emailed_token(smtp_sink, "letters@example.net", "/bienvenida")
    accept = "mutation($i: WelcomeAcceptInput!) { welcomeAccept(input: $i) { errors { code } } }"
    assert (await client.data(accept, {"i": {"token": token, "password": PASSWORD}}))["welcomeAccept"]["errors"] == []
    for typed in ("WH-1001", "wh-1001", " Wh-1001 "):
        await client.post("mutation { signOut { errors { code } } }")
        answer = await client.data(SIGN_IN, {"i": {"login": typed, "password": PASSWORD}})
        assert answer["signIn"]["errors"] == [], typed


async def test_line_breaks_and_control_characters_are_refused_where_they_would_reach_headers(staff, factory) -> None:
    """A client number goes into X-Client-Number, an externalId into staff alerts' subjects: a line break there
    would crash the mail worker (or inject a header). Refused, naming the field; nothing is written."""
    billing = await staff(StaffScope.ACCOUNTS, StaffScope.SERVICES)
    for bad in ("77\n88", "7\r\nBcc: x@x.co", "7\u20287", "7\x0b7", "7 7", "-77", "77ñ"):
        refused = await billing.data(
            UPSERT, {"i": {"externalId": "x", "clientNumber": bad, "holder": holder("bad@example.net")}}
        )
        assert [(e["field"], e["code"]) for e in refused["accountUpsert"]["errors"]] == [
            (["input", "clientNumber"], "INVALID")
        ], bad
    account = await factory.account()
    for field, value in (("externalId", "svc-1\r\nBcc: x@evil.example"), ("name", "Hosting\nX-Injected: 1")):
        record = {"externalId": "svc-1", "clientNumber": account.client_number, "kind": "HOSTING", "name": "H"}
        refused = await billing.data(SERVICE_UPSERT, {"i": {**record, "status": "ACTIVE", field: value}})
        assert [e["field"] for e in refused["serviceUpsert"]["errors"]] == [["input", field]]
    names = await billing.data(
        UPSERT,
        {
            "i": {
                "externalId": "y",
                "clientNumber": "9901",
                "holder": holder("names@example.net", lastName="Pérez\r\nBcc: x@evil.example"),
            }
        },
    )
    assert [e["field"] for e in names["accountUpsert"]["errors"]] == [["input", "holder", "lastName"]]
    assert await models.Account.filter(external_id__in=["x", "y"]).count() == 0
    assert await models.Service.filter(external_id="svc-1").count() == 0
