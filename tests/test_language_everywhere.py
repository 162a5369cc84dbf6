"""Everything a customer reads comes in their language: the password meter's advice."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest
import zxcvbn

import models
from core.passwords import PERSONAL_WARNING, SPANISH_ADVICE, advice
from models.enums import Language
from tests.helpers import PASSWORD

SPANISH = {"accept-language": "es-AR,es;q=0.9"}
ENGLISH = {"accept-language": "en-US,en;q=0.9"}
STRENGTH = "query($p: String!, $c: [String!]) { passwordStrength(password: $p, context: $c) { warning suggestions } }"
CHANGE = "mutation($i: PasswordChangeInput!) { passwordChange(input: $i) { errors { code message } } }"


def zxcvbn_feedback_strings() -> set[str]:
    """Every string zxcvbn's feedback module passes to gettext: each warning and suggestion it can give."""
    tree = ast.parse((Path(zxcvbn.__file__).parent / "feedback.py").read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "_"
        and isinstance(node.args[0], ast.Constant)
    }


# The password meter's advice


def test_every_zxcvbn_warning_and_suggestion_has_a_spanish_translation() -> None:
    strings = zxcvbn_feedback_strings()
    assert len(strings) >= 25, strings  # the module was read: 4.5.0 has 27
    assert strings - set(SPANISH_ADVICE) == set()
    assert PERSONAL_WARNING in SPANISH_ADVICE
    for english, spanish in SPANISH_ADVICE.items():
        assert spanish != english or english == PERSONAL_WARNING, english
        assert advice(english, Language.ES) == spanish
        assert advice(english, Language.EN) == english


def test_advice_without_a_translation_stays_english() -> None:
    assert advice("A brand new zxcvbn warning.", Language.ES) == "A brand new zxcvbn warning."


async def test_the_meter_speaks_the_callers_language(client) -> None:
    spanish = (await client.data(STRENGTH, {"p": "password"}, headers=SPANISH))["passwordStrength"]
    assert spanish["warning"] == "Es una de las 10 claves más usadas."
    assert spanish["suggestions"] == ["Agregue una o dos palabras más; mejor si son poco comunes."]
    english = (await client.data(STRENGTH, {"p": "password"}, headers=ENGLISH))["passwordStrength"]
    assert english["warning"] == "This is a top-10 common password."
    assert english["suggestions"] == ["Add another word or two. Uncommon words are better."]
    plain = (await client.data(STRENGTH, {"p": "password"}))["passwordStrength"]  # signed out, no header: Spanish
    assert plain == spanish


async def test_the_personal_words_warning_is_translated(client) -> None:
    variables = {"p": "juanperez9000!", "c": ["Juan", "Pérez", "9000"]}
    spanish = (await client.data(STRENGTH, variables))["passwordStrength"]
    assert spanish["warning"] == SPANISH_ADVICE[PERSONAL_WARNING]
    english = (await client.data(STRENGTH, variables, headers=ENGLISH))["passwordStrength"]
    assert english["warning"] == PERSONAL_WARNING


async def test_the_stored_preference_picks_the_meters_language(client, factory) -> None:
    account = await factory.account()
    await models.Holder.filter(account_id=account.id).update(language=Language.EN)
    await client.sign_in(account.client_number)
    assert (await client.data(STRENGTH, {"p": "password"}))["passwordStrength"]["warning"].startswith("This is")


@pytest.mark.parametrize(
    ("headers", "expected", "foreign"),
    [
        (SPANISH, "La clave es demasiado fácil de adivinar. Se parece a una clave muy usada. Agregue", "commonly"),
        (ENGLISH, "The password is too easy to guess. This is similar to a commonly used password.", "parece"),
    ],
)
async def test_a_weak_new_password_is_refused_with_hints_in_the_callers_language(
    client, factory, headers, expected, foreign
) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    variables = {"i": {"currentPassword": PASSWORD, "newPassword": "qwertyuiopasdf"}}
    errors = (await client.data(CHANGE, variables, headers=headers))["passwordChange"]["errors"]
    assert [e["code"] for e in errors] == ["PASSWORD_TOO_WEAK"]
    assert errors[0]["message"].startswith(expected), errors
    assert foreign not in errors[0]["message"]


async def test_an_invitation_refuses_a_weak_password_with_hints_in_the_callers_language(
    client, factory, runtime
) -> None:
    """The invitation page shares the policy (core/passwords.refusal): its hints follow the language too."""
    account = await factory.account()
    contact = await factory.contact(account, "invitada@example.com", password=None)
    await models.Contact.filter(id=contact.id).update(
        password_hash=None,
        invitation_token_hash=runtime.secrets.digest("invitacion-de-prueba"),
        invitation_expires_at=runtime.clock.now() + timedelta(days=1),
    )
    accept = """mutation($i: ContactInvitationAcceptInput!) { contactInvitationAccept(input: $i) {
      errors { code message } } }"""
    variables = {"i": {"token": "invitacion-de-prueba", "password": "password"}}
    spanish = (await client.data(accept, variables, headers=SPANISH))["contactInvitationAccept"]["errors"]
    assert [e["message"] for e in spanish] == [
        "La clave debe tener al menos 12 caracteres. Es una de las 10 claves más usadas. "
        "Agregue una o dos palabras más; mejor si son poco comunes."
    ]
    english = (await client.data(accept, variables, headers=ENGLISH))["contactInvitationAccept"]["errors"]
    assert english[0]["message"].endswith(
        "This is a top-10 common password. Add another word or two. Uncommon words are better."
    )
