"""Access recovery (seed 001) cannot bypass two-step verification: the link alone changes nothing, and the
temporary password it brings still signs in with the second step only."""

from __future__ import annotations

import re
from datetime import timedelta

import models
from domain.recovery_worker import process_due
from tests.helpers import PASSWORD, wait_for_mail
from tests.test_totp import HOLDER, SECOND_STEP, code_at, enrol, first_step, signed_in

REQUEST = "mutation($i: AccessRecoveryRequestInput!) { accessRecoveryRequest(input: $i) { errors { code } } }"
CONFIRM = (
    "mutation($i: AccessRecoveryConfirmInput!) { accessRecoveryConfirm(input: $i) { errors { code field message } } }"
)


async def recovery_link(client, runtime, smtp_sink, client_number: str, count: int) -> str:
    await client.data(REQUEST, {"i": {"method": "CLIENT_NUMBER", "value": client_number}})
    await process_due(runtime)
    mail = (await wait_for_mail(smtp_sink, HOLDER, count=count))[count - 1]
    return re.search(r"/recuperar\?token=([\w-]+)", mail.text).group(1)


async def test_the_recovery_link_needs_the_second_factor_and_so_does_the_temporary_password(
    client, other_client, holder, clock, runtime, smtp_sink
) -> None:
    secret, codes = await enrol(client, clock)  # mail 1: two-step verification on
    clock.advance(timedelta(minutes=1))
    token = await recovery_link(other_client, runtime, smtp_sink, holder.client_number, count=2)

    alone = (await other_client.data(CONFIRM, {"i": {"token": token}}))["accessRecoveryConfirm"]["errors"]
    assert [e["code"] for e in alone] == ["SECOND_FACTOR_REQUIRED"]
    wrong = await other_client.data(CONFIRM, {"i": {"token": token, "code": code_at(secret, clock, 5)}})
    assert wrong["accessRecoveryConfirm"]["errors"][0]["code"] == "INVALID_CODE"
    assert await signed_in(client)  # nothing changed: sessions, password, link
    assert (await first_step(other_client, holder.client_number, PASSWORD))["challenge"] is not None
    assert not await models.RecoveryRequest.filter(account_id=holder.id, used_at__isnull=False).exists()

    confirmed = await other_client.data(CONFIRM, {"i": {"token": token, "recoveryCode": codes[0]}})
    assert confirmed["accessRecoveryConfirm"]["errors"] == []
    assert not await signed_in(client)
    mail = next(m for m in await wait_for_mail(smtp_sink, HOLDER, count=4) if "Clave temporal" in m.text)
    temporary = re.search(r"Clave temporal: (\S+)", mail.text).group(1)
    assert "Su verificación en dos pasos sigue activa" in mail.text

    answer = await first_step(other_client, holder.client_number, temporary)
    assert answer["viewer"] is None
    assert answer["errors"] == [{"code": "SECOND_FACTOR_REQUIRED", "field": None}]
    assert not await signed_in(other_client)
    # The temporary password is spent by the second step only: an abandoned challenge does not lose it.
    clock.advance(timedelta(minutes=6))
    challenge = (await first_step(other_client, holder.client_number, temporary))["challenge"]["token"]
    done = await other_client.data(SECOND_STEP, {"i": {"challenge": challenge, "code": code_at(secret, clock)}})
    assert done["signInSecondStep"]["errors"] == []
    viewer = (await other_client.data("{ viewer { mustChangePassword } }"))["viewer"]
    assert viewer == {"mustChangePassword": True}
    again = await first_step(client, holder.client_number, temporary)
    assert again["errors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_without_a_second_factor_the_link_alone_confirms_and_the_mail_says_nothing_of_it(
    client, factory, runtime, smtp_sink
) -> None:
    account = await factory.account(email=HOLDER)
    token = await recovery_link(client, runtime, smtp_sink, account.client_number, count=1)
    assert (await client.data(CONFIRM, {"i": {"token": token}}))["accessRecoveryConfirm"]["errors"] == []
    mail = (await wait_for_mail(smtp_sink, HOLDER, count=2))[1]
    assert "Clave temporal" in mail.text
    assert "dos pasos" not in mail.text
