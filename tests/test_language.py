"""Which language API messages come in: the request's Accept-Language, else the stored preference, else Spanish."""

from __future__ import annotations

import pytest

from models import Holder
from models.enums import Language

WRONG_SESSION = "mutation($i: SessionRevokeInput!) { sessionRevoke(input: $i) { errors { message } } }"
SPANISH, ENGLISH = "La sesión no existe o ya terminó.", "The session does not exist or has already ended."


@pytest.mark.parametrize(
    ("stored", "header", "expected"),
    [
        (Language.EN, None, ENGLISH),
        (Language.ES, None, SPANISH),
        (Language.EN, "es-AR,es;q=0.9", SPANISH),
        (Language.ES, "en-US,en;q=0.9", ENGLISH),
        (Language.EN, "fr-FR", ENGLISH),
        (Language.ES, "fr-FR, en;q=0.3", ENGLISH),
    ],
)
async def test_the_request_asks_the_stored_preference_answers_otherwise(
    client, factory, stored, header, expected
) -> None:
    account = await factory.account()
    await Holder.filter(account_id=account.id).update(language=stored)
    await client.sign_in(account.client_number)
    headers = {"accept-language": header} if header else {}
    body = await client.data(WRONG_SESSION, {"i": {"sessionId": "U2Vzc2lvbjo5OTk5"}}, headers=headers)
    assert body["sessionRevoke"]["errors"][0]["message"] == expected


async def test_signed_out_without_a_header_is_spanish(client) -> None:
    plain = await client('mutation { signIn(input: {login: "nadie", password: "x"}) { errors { message } } }')
    assert plain["data"]["signIn"]["errors"][0]["message"].startswith("Número de cliente")
