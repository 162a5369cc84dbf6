"""noticeSend on the staff API: routed by the contacts' email flags, archived, idempotent by reference, cleaned
HTML, template keys in each recipient's language, the NOTICES scope."""

from __future__ import annotations

import asyncio

import models
from models.enums import StaffScope
from tests.helpers import wait_for_mail

SEND = """mutation Send($i: NoticeSendInput!) { noticeSend(input: $i) {
  notice { id reference category clientNumber externalId receivedAt } duplicate recipients
  errors { field code message } } }"""
ARCHIVE = """{ viewer { account { mail { totalCount edges { node {
  category subject textBody htmlBody recipients service { id } } } } } } }"""


def notice(account, reference: str = "whmcs-invoice-1", category: str = "PRODUCTS", **fields) -> dict:
    fields.setdefault("subject", "Factura 0001-00001234")
    fields.setdefault("text", "Su factura por $ 8.000,00 vence el 20/03/2026.")
    return {"i": {"reference": reference, "category": category, "clientNumber": account.client_number, **fields}}


async def sent(billing, variables) -> dict:
    return (await billing.data(SEND, variables))["noticeSend"]


async def test_routed_by_the_contacts_flags_and_archived(staff, client, factory, smtp_sink) -> None:
    account = await factory.account(email="titular@example.net")
    await models.Account.filter(id=account.id).update(external_id="whmcs-77")
    await factory.contact(account, "facturas@example.com", email_categories=["PRODUCTS"])
    await factory.contact(account, "dominios@example.com", email_categories=["DOMAINS", "GENERAL"])
    await factory.contact(account, "inactivo@example.com", email_categories=["PRODUCTS"], active=False)
    service = await factory.service(account)
    await models.Service.filter(id=service.id).update(external_id="whmcs-svc-9")
    billing = await staff(StaffScope.NOTICES)

    variables = notice(account, serviceExternalId="whmcs-svc-9")
    del variables["i"]["clientNumber"]
    variables["i"]["externalId"] = "whmcs-77"
    answer = await sent(billing, variables)

    assert answer["errors"] == []
    assert answer["duplicate"] is False
    assert sorted(answer["recipients"]) == ["facturas@example.com", "titular@example.net"]
    assert answer["notice"]["reference"] == "whmcs-invoice-1"
    assert answer["notice"]["category"] == "PRODUCTS"
    assert (answer["notice"]["clientNumber"], answer["notice"]["externalId"]) == (account.client_number, "whmcs-77")
    [invoice] = await wait_for_mail(smtp_sink, "facturas@example.com")
    assert invoice.subject == "Factura 0001-00001234"
    assert "vence el 20/03/2026" in invoice.text
    assert f"Número de cliente: {account.client_number}" in invoice.text
    assert "List-Unsubscribe" not in invoice.message, "only promotions carry an unsubscribe link"
    await wait_for_mail(smtp_sink, "titular@example.net")
    assert smtp_sink.to("dominios@example.com") == []
    assert smtp_sink.to("inactivo@example.com") == []

    await client.sign_in(account.client_number)
    mail = (await client.data(ARCHIVE))["viewer"]["account"]["mail"]
    assert mail["totalCount"] == 1
    [archived] = [edge["node"] for edge in mail["edges"]]
    assert archived["category"] == "PRODUCTS"
    assert archived["subject"] == "Factura 0001-00001234"
    assert archived["service"] is not None
    assert sorted(archived["recipients"]) == ["facturas@example.com", "titular@example.net"]


async def test_general_reaches_the_holder_even_with_every_category_muted(staff, factory, smtp_sink) -> None:
    account = await factory.account(email="titular@example.net")
    await models.Holder.filter(account_id=account.id).update(muted_categories=["GENERAL", "PRODUCTS", "NOTES"])
    billing = await staff(StaffScope.NOTICES)
    general = await sent(billing, notice(account, "ref-general", "GENERAL"))
    products = await sent(billing, notice(account, "ref-products", "PRODUCTS"))
    promotion = await sent(billing, notice(account, "ref-notes", "NOTES", subject="Promo"))
    assert general["recipients"] == products["recipients"] == ["titular@example.net"]
    assert promotion["recipients"] == []
    assert promotion["notice"]["reference"] == "ref-notes", "kept for idempotency though nobody receives it"
    await wait_for_mail(smtp_sink, "titular@example.net", count=2)
    await asyncio.sleep(0.2)
    assert [r.subject for r in smtp_sink.to("titular@example.net")].count("Promo") == 0


async def test_the_same_reference_again_sends_nothing_and_answers_the_first(staff, factory, smtp_sink) -> None:
    account = await factory.account(email="titular@example.net")
    billing = await staff(StaffScope.NOTICES)
    first = await sent(billing, notice(account))
    again = await sent(billing, notice(account, text="Otro texto: un reintento tras un corte."))
    assert again["duplicate"] is True
    assert again["recipients"] == []
    assert again["notice"] == first["notice"]
    assert await models.Notice.all().count() == 1
    assert await models.MailMessage.all().count() == 1
    await wait_for_mail(smtp_sink, "titular@example.net")
    await asyncio.sleep(0.2)
    assert len(smtp_sink.to("titular@example.net")) == 1


async def test_concurrent_sends_of_one_reference_make_one_notice(staff, factory, smtp_sink) -> None:
    account = await factory.account(email="titular@example.net")
    billing = await staff(StaffScope.NOTICES)
    answers = await asyncio.gather(*(sent(billing, notice(account, "race-1")) for _ in range(6)))
    assert all(answer["errors"] == [] for answer in answers), answers
    assert len({answer["notice"]["id"] for answer in answers}) == 1
    assert [answer["duplicate"] for answer in answers].count(False) == 1
    assert await models.Notice.filter(reference="race-1").count() == 1
    assert await models.MailMessage.all().count() == 1
    await wait_for_mail(smtp_sink, "titular@example.net")


async def test_a_reference_used_for_another_account_is_refused(staff, factory) -> None:
    mine = await factory.account()
    theirs = await factory.account()
    billing = await staff(StaffScope.NOTICES)
    await sent(billing, notice(theirs, "shared-ref"))
    refused = await sent(billing, notice(mine, "shared-ref"))
    assert refused["notice"] is None
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [(["input", "reference"], "DUPLICATE")]
    assert await models.MailMessage.filter(account_id=mine.id).count() == 0


async def test_html_is_cleaned_and_text_is_escaped(staff, client, factory, smtp_sink) -> None:
    account = await factory.account(email="titular@example.net")
    billing = await staff(StaffScope.NOTICES)
    html = (
        '<p onclick="steal()">Hola <b>cliente</b></p><script>alert(1)</script>'
        '<img src="https://tracker.example/p.gif"><a href="javascript:alert(1)">x</a>'
    )
    await sent(billing, notice(account, "html-1", html=html))
    await sent(billing, notice(account, "text-1", text="1 < 2 & <b>no es HTML</b>\nsegunda línea"))
    received = await wait_for_mail(smtp_sink, "titular@example.net", count=2)
    by_subject = {r.message["Message-ID"]: r for r in received}
    cleaned, escaped = sorted(by_subject.values(), key=lambda r: "no es HTML" in r.text)
    assert "Hola <b>cliente</b>" in cleaned.html
    for trace in ("<script", "alert(1)", "onclick", "tracker.example", "javascript:"):
        assert trace not in cleaned.html
    assert "1 &lt; 2 &amp; &lt;b&gt;no es HTML&lt;/b&gt;<br>segunda línea" in escaped.html
    assert "1 < 2 & <b>no es HTML</b>" in escaped.text
    await client.sign_in(account.client_number)
    archived = [e["node"]["htmlBody"] for e in (await client.data(ARCHIVE))["viewer"]["account"]["mail"]["edges"]]
    assert all("<script" not in body and "alert(1)" not in body for body in archived)


async def test_template_keys_render_in_each_recipients_language(staff, factory, smtp_sink) -> None:
    account = await factory.account(email="titular@example.net")
    english = await factory.contact(account, "domains@example.com", email_categories=["DOMAINS"])
    await models.Contact.filter(id=english.id).update(language="EN")
    billing = await staff(StaffScope.NOTICES)
    values = [{"name": "domain", "value": "<b>ejemplo</b>.com.ar"}, {"name": "due_date", "value": "20/04/2026"}]
    answer = await sent(billing, notice(account, "renewal-1", "DOMAINS", subject=None, text=None,
                                        template="domain_renewal_due", values=values))  # fmt: skip
    assert answer["errors"] == []
    [spanish] = await wait_for_mail(smtp_sink, "titular@example.net")
    [in_english] = await wait_for_mail(smtp_sink, "domains@example.com")
    assert spanish.subject == "Renovación próxima: <b>ejemplo</b>.com.ar"
    assert in_english.subject == "Renewal due: <b>ejemplo</b>.com.ar"
    assert "expires on 20/04/2026" in in_english.text
    assert "&lt;b&gt;ejemplo&lt;/b&gt;.com.ar" in spanish.html
    assert "<b>ejemplo</b>" not in spanish.html


async def test_template_values_missing_unknown_or_repeated_are_refused(staff, factory) -> None:
    account = await factory.account()
    billing = await staff(StaffScope.NOTICES)
    base = {"subject": None, "text": None, "template": "invoice_issued"}
    missing = await sent(billing, notice(account, values=[{"name": "amount", "value": "$ 10"}], **base))
    assert [(e["field"], e["code"]) for e in missing["errors"]] == [
        (["input", "values", "invoice_number"], "REQUIRED"),
        (["input", "values", "due_date"], "REQUIRED"),
    ]
    assert "invoice_number" in missing["errors"][0]["message"]
    values = [
        {"name": "invoice_number", "value": "A-1"},
        {"name": "invoice_number", "value": "A-2"},
        {"name": "amount", "value": "$ 10"},
        {"name": "due_date", "value": "1/4"},
        {"name": "password", "value": "{{ config }}"},
    ]
    odd = await sent(billing, notice(account, values=values, **base))
    assert [(e["field"], e["code"]) for e in odd["errors"]] == [
        (["input", "values", "invoice_number"], "INVALID"),
        (["input", "values", "password"], "INVALID"),
    ]
    unknown = await sent(billing, notice(account, **{**base, "template": "../es/recovery_password"}))
    assert [(e["field"], e["code"]) for e in unknown["errors"]] == [(["input", "template"], "INVALID")]
    assert "invoice_issued" in unknown["errors"][0]["message"]
    both = await sent(billing, notice(account, template="invoice_issued"))
    neither = await sent(billing, notice(account, subject=None, text=None))
    assert [e["code"] for e in both["errors"]] == ["INVALID"]
    assert [e["code"] for e in neither["errors"]] == ["REQUIRED"]
    assert await models.Notice.all().count() == 0
    assert await models.MailMessage.all().count() == 0


async def test_caller_text_is_never_a_template(staff, factory, smtp_sink) -> None:
    account = await factory.account(email="titular@example.net")
    billing = await staff(StaffScope.NOTICES)
    jinja = "{% for x in range(3) %}x{% endfor %} {{ provider }}"
    await sent(billing, notice(account, subject="{{ 7*7 }}", text=jinja))
    [received] = await wait_for_mail(smtp_sink, "titular@example.net")
    assert received.subject == "{{ 7*7 }}"
    assert jinja in received.text


async def test_limits_and_references_are_checked_with_clear_errors(staff, factory) -> None:
    account = await factory.account()
    other = await factory.account()
    foreign = await factory.service(other)
    await models.Service.filter(id=foreign.id).update(external_id="svc-other")
    billing = await staff(StaffScope.NOTICES)
    long = await sent(billing, notice(account, subject="x" * 201, text="y" * 100_001, html="<p>z</p>" * 12_501))
    assert [(e["field"], e["code"]) for e in long["errors"]] == [
        (["input", "subject"], "TOO_LONG"),
        (["input", "text"], "TOO_LONG"),
        (["input", "html"], "TOO_LONG"),
    ]
    assert "200" in long["errors"][0]["message"]
    empty = await sent(billing, notice(account, reference="  ", subject=" ", text=""))
    assert {(tuple(e["field"]), e["code"]) for e in empty["errors"]} == {
        (("input", "reference"), "REQUIRED"),
        (("input", "subject"), "REQUIRED"),
        (("input", "text"), "REQUIRED"),
    }
    service = await sent(billing, notice(account, serviceExternalId="svc-other"))
    assert [(e["field"], e["code"]) for e in service["errors"]] == [(["input", "serviceExternalId"], "NOT_FOUND")]
    nobody = await sent(billing, {"i": {**notice(account)["i"], "clientNumber": "000"}})
    assert [(e["field"], e["code"]) for e in nobody["errors"]] == [(["input", "clientNumber"], "NOT_FOUND")]
    both = await sent(billing, {"i": {**notice(account)["i"], "externalId": "x"}})
    assert [e["code"] for e in both["errors"]] == ["INVALID"]
    assert await models.Notice.all().count() == 0


async def test_the_notices_scope_is_required(staff, factory) -> None:
    account = await factory.account()
    support = await staff(StaffScope.SUPPORT, StaffScope.ACCOUNTS, StaffScope.SERVICES, StaffScope.WEBHOOKS)
    body = await support(SEND, notice(account))
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await models.Notice.all().count() == 0
    assert await models.MailMessage.all().count() == 0
