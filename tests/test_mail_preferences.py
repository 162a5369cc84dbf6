"""The holder's notice preferences (only promotions may be muted) and the promotions' unsubscribe link: its own
per recipient, RFC 8058 headers, a GET that changes nothing, the button's mutation and the one-click POST."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import models
from core.ids import to_global_id
from models.enums import StaffScope
from tests.conftest import BASE_URL
from tests.helpers import wait_for_mail

PREFERENCES = "{ mailPreferences { mutedCategories optionalCategories } }"
SET = """mutation($i: MailPreferencesSetInput!) { mailPreferencesSet(input: $i) {
  mailPreferences { mutedCategories optionalCategories } errors { field code message } } }"""
UNSUBSCRIBE = """mutation($i: MailUnsubscribeInput!) { mailUnsubscribe(input: $i) {
  category errors { field code message retryAfter } } }"""
SEND = """mutation($i: NoticeSendInput!) { noticeSend(input: $i) { recipients errors { code } } }"""
ACTIVITY = "{ viewer { account { activity { edges { node { action summary } } } } } }"


async def promote(staff, account, reference: str = "promo-1") -> list[str]:
    billing = await staff(StaffScope.NOTICES)
    variables = {
        "i": {
            "reference": reference,
            "category": "NOTES",
            "clientNumber": account.client_number,
            "subject": "Hosting al 50%",
            "text": "Solo este mes.",
        }
    }
    answer = (await billing.data(SEND, variables))["noticeSend"]
    assert answer["errors"] == []
    return answer["recipients"]


def token_of(received) -> str:
    header = str(received.message["List-Unsubscribe"])
    url = header.removeprefix("<").removesuffix(">")
    assert url.startswith(f"{BASE_URL}/baja-avisos?token=")
    return parse_qs(urlsplit(url).query)["token"][0]


async def categories(account) -> tuple[list[str], dict[str, list[str]]]:
    holder = await models.Holder.get(account_id=account.id)
    contacts = {c.email: c.email_categories for c in await models.Contact.filter(account_id=account.id)}
    return holder.muted_categories, contacts


async def test_the_holder_mutes_promotions_and_gets_them_again(client, holder, staff, factory, smtp_sink) -> None:
    await factory.contact(holder, "promos@example.com", email_categories=["NOTES"])
    assert (await client.data(PREFERENCES))["mailPreferences"] == {
        "mutedCategories": [],
        "optionalCategories": ["NOTES"],
    }
    muted = (await client.data(SET, {"i": {"mutedCategories": ["NOTES"]}}))["mailPreferencesSet"]
    assert muted == {"mailPreferences": {"mutedCategories": ["NOTES"], "optionalCategories": ["NOTES"]}, "errors": []}
    assert await promote(staff, holder, "promo-muted") == ["promos@example.com"]

    await client.data(SET, {"i": {"mutedCategories": []}})
    assert sorted(await promote(staff, holder, "promo-again")) == ["promos@example.com", "titular@example.net"]
    [received] = await wait_for_mail(smtp_sink, "titular@example.net")
    assert received.subject == "Hosting al 50%"
    assert len(await wait_for_mail(smtp_sink, "promos@example.com", count=2)) == 2
    actions = [e["node"]["action"] for e in (await client.data(ACTIVITY))["viewer"]["account"]["activity"]["edges"]]
    assert actions[:2] == ["mail.promotions_unmuted", "mail.promotions_muted"]


async def test_mandatory_categories_cannot_be_muted(client, holder) -> None:
    for category in ("GENERAL", "PRODUCTS", "DOMAINS", "SUPPORT"):
        refused = (await client.data(SET, {"i": {"mutedCategories": ["NOTES", category]}}))["mailPreferencesSet"]
        assert refused["mailPreferences"] is None
        assert [(e["field"], e["code"]) for e in refused["errors"]] == [(["input", "mutedCategories"], "INVALID")]
        assert "promociones" in refused["errors"][0]["message"]
    assert (await models.Holder.get(account_id=holder.id)).muted_categories == []


async def test_only_the_holder_with_mail_reads_and_sets_them(client, other_client, factory) -> None:
    account = await factory.account()
    await factory.contact(account, "todo@example.com", permissions=["MAIL", "PROFILE", "CONTACTS", "SECURITY"])
    await client.sign_in("todo@example.com")
    for document, variables in ((PREFERENCES, None), (SET, {"i": {"mutedCategories": ["NOTES"]}})):
        body = await client(document, variables)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    assert (await models.Holder.get(account_id=account.id)).muted_categories == []

    await other_client.sign_in(account.client_number)
    create = "mutation($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) { token errors { code } } }"
    tokens = {}
    for name, permissions in (("sin-mail", ["SERVICES"]), ("con-mail", ["MAIL"])):
        created = await other_client.data(create, {"i": {"name": name, "permissions": permissions}})
        tokens[name] = created["apiTokenCreate"]["token"]
    without = await client(PREFERENCES, headers={"authorization": f"Bearer {tokens['sin-mail']}"})
    assert without["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    allowed = await client.data(PREFERENCES, headers={"authorization": f"Bearer {tokens['con-mail']}"})
    assert allowed["mailPreferences"]["mutedCategories"] == []


async def test_each_recipient_gets_its_own_link_and_the_archive_hides_it(
    client, holder, staff, factory, smtp_sink
) -> None:
    await factory.contact(holder, "promos@example.com", email_categories=["NOTES", "GENERAL"])
    await promote(staff, holder)
    [to_holder] = await wait_for_mail(smtp_sink, "titular@example.net")
    [to_contact] = await wait_for_mail(smtp_sink, "promos@example.com")
    assert to_holder.recipients == ["titular@example.net"], "a promotion goes to one recipient per message"
    assert to_holder.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    holder_token, contact_token = token_of(to_holder), token_of(to_contact)
    assert holder_token != contact_token
    assert f"token={holder_token}" in to_holder.text.replace("%3D", "=")
    assert holder_token in to_holder.html or holder_token.replace(".", "%2E") in to_holder.html
    assert "titular" not in holder_token, "the token does not show the address"

    archive = "{ viewer { account { mail { edges { node { textBody htmlBody } } } } } }"
    bodies = json.dumps(await client.data(archive))
    assert holder_token not in bodies
    assert contact_token not in bodies
    assert "[oculto]" in bodies


async def test_opening_the_link_changes_nothing_and_the_button_mutes(client, holder, staff, factory, smtp_sink) -> None:
    await factory.contact(holder, "promos@example.com", email_categories=["NOTES", "GENERAL"])
    await promote(staff, holder)
    holder_token = token_of((await wait_for_mail(smtp_sink, "titular@example.net"))[0])
    contact_token = token_of((await wait_for_mail(smtp_sink, "promos@example.com"))[0])

    page = await client.http.get("/baja-avisos", params={"token": contact_token})
    assert page.status_code == 200
    assert "<html" in page.text.lower()
    assert await categories(holder) == ([], {"promos@example.com": ["NOTES", "GENERAL"]})

    version = (await models.Contact.get(email="promos@example.com")).version
    done = (await client.data(UNSUBSCRIBE, {"i": {"token": contact_token}}))["mailUnsubscribe"]
    assert done == {"category": "NOTES", "errors": []}
    assert await categories(holder) == ([], {"promos@example.com": ["GENERAL"]})
    assert (await models.Contact.get(email="promos@example.com")).version == version + 1
    assert await models.WebhookEvent.filter(type="contact.updated").count() == 1

    again = (await client.data(UNSUBSCRIBE, {"i": {"token": contact_token}}))["mailUnsubscribe"]
    assert again == {"category": "NOTES", "errors": []}
    assert await models.WebhookEvent.filter(type="contact.updated").count() == 1
    assert await models.ActivityEvent.filter(action="mail.unsubscribed").count() == 1

    await client.data(UNSUBSCRIBE, {"i": {"token": holder_token}})
    assert await categories(holder) == (["NOTES"], {"promos@example.com": ["GENERAL"]})
    assert await promote(staff, holder, "promo-2") == []


async def test_a_tampered_or_outdated_token_is_refused(client, holder, staff, factory, smtp_sink) -> None:
    other = await factory.account(email="otro@example.net")
    await promote(staff, holder)
    token = token_of((await wait_for_mail(smtp_sink, "titular@example.net"))[0])
    account_id, category, digest = token.split(".")
    flipped = digest[:-1] + ("0" if digest[-1] != "0" else "1")
    forged = [
        f"{account_id}.{category}.{flipped}",
        f"{other.id}.{category}.{digest}",
        f"{account_id}.GENERAL.{digest}",
        f"{account_id}.NOTES",
        "",
        "x" * 500,
    ]
    for bad in forged:
        refused = (await client.data(UNSUBSCRIBE, {"i": {"token": bad}}))["mailUnsubscribe"]
        assert refused["category"] is None
        assert [(e["field"], e["code"]) for e in refused["errors"]] == [(["input", "token"], "INVALID_CODE")], bad
    assert await categories(holder) == ([], {})
    assert (await models.Holder.get(account_id=other.id)).muted_categories == []

    await models.Holder.filter(account_id=holder.id).update(email="nueva@example.net")
    moved = (await client.data(UNSUBSCRIBE, {"i": {"token": token}}))["mailUnsubscribe"]
    assert [e["code"] for e in moved["errors"]] == ["INVALID_CODE"], "the link's address is no longer on file"
    assert await categories(holder) == ([], {})


async def test_failed_attempts_are_limited_per_ip(client, holder, staff, smtp_sink) -> None:
    await promote(staff, holder)
    token = token_of((await wait_for_mail(smtp_sink, "titular@example.net"))[0])
    for attempt in range(20):
        body = await client.data(UNSUBSCRIBE, {"i": {"token": f"{holder.id}.NOTES.{attempt:064d}"}})
        assert body["mailUnsubscribe"]["errors"][0]["code"] == "INVALID_CODE"
    limited = (await client.data(UNSUBSCRIBE, {"i": {"token": token}}))["mailUnsubscribe"]
    assert limited["errors"][0]["code"] == "RATE_LIMITED"
    assert limited["errors"][0]["retryAfter"] > 0
    assert await categories(holder) == ([], {})


async def test_one_click_post_mutes_at_once(client, holder, staff, factory, smtp_sink) -> None:
    await factory.contact(holder, "promos@example.com", email_categories=["NOTES"])
    await promote(staff, holder)
    token = token_of((await wait_for_mail(smtp_sink, "promos@example.com"))[0])
    form = {"content-type": "application/x-www-form-urlencoded"}
    response = await client.http.post(
        "/baja-avisos", params={"token": token}, content=b"List-Unsubscribe=One-Click", headers=form
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"unsubscribed": "NOTES"}
    assert await categories(holder) == ([], {"promos@example.com": []})

    bad = await client.http.post("/baja-avisos", params={"token": token + "0"}, content=b"List-Unsubscribe=One-Click")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["extensions"]["code"] == "INVALID_CODE"
    cross_site = await client.http.post(
        "/baja-avisos", params={"token": token}, headers={"origin": "https://evil.example"}
    )
    assert cross_site.status_code == 403


async def test_a_resent_promotion_goes_to_the_same_person_with_its_headers(
    client, holder, staff, factory, smtp_sink
) -> None:
    await factory.contact(holder, "promos@example.com", email_categories=["NOTES"])
    await promote(staff, holder)
    [first] = await wait_for_mail(smtp_sink, "promos@example.com")
    message = await models.MailMessage.get(recipients__address="promos@example.com")
    resend = "mutation($i: MailResendInput!) { mailResend(input: $i) { message { recipients } errors { code } } }"
    answer = (await client.data(resend, {"i": {"messageId": to_global_id("MailMessage", message.id)}}))["mailResend"]
    assert answer == {"message": {"recipients": ["promos@example.com"]}, "errors": []}
    [_, again] = await wait_for_mail(smtp_sink, "promos@example.com", count=2)
    assert token_of(again) == token_of(first)
    assert len(smtp_sink.to("titular@example.net")) == 1
