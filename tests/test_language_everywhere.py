"""Everything a customer reads comes in their language: the password meter's advice, the activity history, and the
language preference each person sets for themselves (which their emails then follow)."""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
import zxcvbn

import models
from core import activity
from core.passwords import PERSONAL_WARNING, SPANISH_ADVICE, advice
from domain.auth import LANGUAGE_NAMES
from models.enums import Language
from settings import PROJECT_DIR
from tests.helpers import PASSWORD, wait_for_mail

SPANISH = {"accept-language": "es-AR,es;q=0.9"}
ENGLISH = {"accept-language": "en-US,en;q=0.9"}
STRENGTH = "query($p: String!, $c: [String!]) { passwordStrength(password: $p, context: $c) { warning suggestions } }"
CHANGE = "mutation($i: PasswordChangeInput!) { passwordChange(input: $i) { errors { code message } } }"
SET = """mutation($i: ViewerLanguageSetInput!) { viewerLanguageSet(input: $i) {
  language viewer { language } errors { code message } } }"""
ACTIVITY = "{ viewer { account { activity(first: 50) { edges { node { action actor summary } } } } } }"
NEW_PASSWORD = "Yerba-Guayaba-Cordillera-88"


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


# The activity history


def test_every_recorded_action_has_its_summary_in_both_languages() -> None:
    """Each action the code records (a literal action name) has templates, so none is shown only in Spanish."""
    source = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in ("core", "domain")
        for path in (PROJECT_DIR / folder).glob("*.py")
    )
    recorded = set(re.findall(r'record(?:_system)?\([^)]*?"([a-z_]+\.[a-z_]+)"', source, re.DOTALL))
    recorded |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', source))
    recorded |= set(re.findall(r'\(\s*"(pin\.[a-z_]+)"', source))  # verify_pin picks its action from a pair
    assert len(recorded) >= 30, recorded
    assert recorded - set(activity.SUMMARIES) == set()


@pytest.mark.parametrize("action", sorted(activity.SUMMARIES))
def test_each_template_reads_back_in_both_languages(action) -> None:
    for spanish, english in activity.SUMMARIES[action]:
        names = re.findall(r"\{(\w+)\}", spanish)
        assert sorted(names) == sorted(re.findall(r"\{(\w+)\}", english))
        sample = {name: f"valor-{name}" for name in names}
        stored = spanish.format(**sample)
        assert activity.summary_in(action, stored, Language.ES) == stored
        assert activity.summary_in(action, stored, Language.EN) == english.format(**sample)


def test_codes_inside_summaries_become_words() -> None:
    deleted = "site content of sitio.com.ar; databases of sitio.com.ar; a provider's own item"
    stored = f"Baja completada ({deleted}): Hosting Pyme"
    assert activity.summary_in("cancellation.completed", stored, Language.ES) == (
        "Baja completada (contenido del sitio de sitio.com.ar; bases de datos de sitio.com.ar; a provider's own item)"
        ": Hosting Pyme"
    )
    assert activity.summary_in("cancellation.completed", stored, Language.EN) == (
        f"Cancellation completed ({deleted}): Hosting Pyme"
    )
    fields = "Datos del titular actualizados: phone, postal_code"
    assert activity.summary_in("holder.updated", fields, Language.ES) == (
        "Datos del titular actualizados: teléfono, código postal"
    )
    token = "Token de API creado: ERP (MAIL, SERVICES)"
    assert activity.summary_in("api_token.created", token, Language.EN) == (
        "API token created: ERP (received emails, view services)"
    )
    method = "Recuperación de acceso pedida (DOMAIN)"
    assert (
        activity.summary_in("recovery.requested", method, Language.ES) == "Recuperación de acceso pedida (por dominio)"
    )


def test_a_summary_no_template_matches_is_shown_as_stored() -> None:
    cut = "Contacto creado: Ana Gómez <ana@exam…"
    assert activity.summary_in("contact.created", cut, Language.EN) == cut
    assert activity.summary_in("some.future_action", "Algo nuevo", Language.EN) == "Algo nuevo"


async def test_the_history_reads_in_the_callers_language(client, factory) -> None:
    account = await factory.account()
    await factory.service(account)
    await client.sign_in(account.client_number)
    update = "mutation($i: HolderUpdateInput!) { holderUpdate(input: $i) { errors { code } } }"
    assert (await client.data(update, {"i": {"expectedVersion": 1, "phone": "+541123456789"}}))["holderUpdate"] == {
        "errors": []
    }
    english = (await client.data(ACTIVITY, headers=ENGLISH))["viewer"]["account"]["activity"]["edges"]
    spanish = (await client.data(ACTIVITY, headers=SPANISH))["viewer"]["account"]["activity"]["edges"]
    by_action = {e["node"]["action"]: (e["node"], s["node"]) for e, s in zip(english, spanish, strict=True)}
    assert by_action["holder.updated"][0]["summary"] == "Holder details updated: phone"
    assert by_action["holder.updated"][1]["summary"] == "Datos del titular actualizados: teléfono"
    assert by_action["session.signed_in"][0]["summary"] == "Signed in to the panel"
    assert by_action["service.created"][0]["summary"] == "Service Hosting Pyme created"
    assert by_action["account.created"][0]["actor"] == "Staff"
    assert by_action["account.created"][1]["actor"] == "Personal del proveedor"
    stored = {event.action: event.summary for event in await models.ActivityEvent.filter(account_id=account.id)}
    assert stored["holder.updated"] == "Datos del titular actualizados: phone"  # stored as it always was


# viewerLanguageSet


async def test_the_holder_sets_their_language_and_emails_follow(client, factory, smtp_sink) -> None:
    account = await factory.account(email="idioma@example.net")
    await client.sign_in(account.client_number)
    result = (await client.data(SET, {"i": {"language": "EN"}}))["viewerLanguageSet"]
    assert result == {"language": "EN", "viewer": {"language": "EN"}, "errors": []}
    holder = await models.Holder.get(account_id=account.id)
    assert (holder.language, holder.version) == (Language.EN, 2)
    event = await models.ActivityEvent.get(account_id=account.id, action="language.changed")
    assert event.summary == f"Idioma preferido: {LANGUAGE_NAMES[Language.EN]}"
    history = (await client.data(ACTIVITY))["viewer"]["account"]["activity"]["edges"]
    assert history[0]["node"]["summary"] == "Preferred language: English"  # no header: the new preference

    assert (await client.data(CHANGE, {"i": {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}}))[
        "passwordChange"
    ]["errors"] == []
    (notice,) = await wait_for_mail(smtp_sink, "idioma@example.net")
    assert notice.subject == "Your password was changed"


async def test_the_request_language_does_not_choose_the_emails(client, factory, smtp_sink) -> None:
    account = await factory.account(email="idioma@example.net")
    await client.sign_in(account.client_number)
    assert (await client.data(SET, {"i": {"language": "ES"}}, headers=ENGLISH))["viewerLanguageSet"]["errors"] == []
    await client.data(CHANGE, {"i": {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}}, headers=ENGLISH)
    (notice,) = await wait_for_mail(smtp_sink, "idioma@example.net")
    assert notice.subject == "Su clave de acceso fue cambiada"


async def test_a_contact_without_permissions_sets_their_own_language(client, factory, smtp_sink) -> None:
    account = await factory.account()
    contact = await factory.contact(account, "ana@example.com", permissions=[])
    await client.sign_in("ana@example.com")
    result = (await client.data(SET, {"i": {"language": "EN"}}))["viewerLanguageSet"]
    assert result == {"language": "EN", "viewer": {"language": "EN"}, "errors": []}
    stored = await models.Contact.get(id=contact.id)
    assert (stored.language, stored.version) == (Language.EN, contact.version + 1)
    assert (await models.Holder.get(account_id=account.id)).language == Language.ES  # the holder's stays
    event = await models.ActivityEvent.get(account_id=account.id, action="language.changed")
    assert event.actor == "Ana Gómez"

    assert (await client.data(CHANGE, {"i": {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}}))[
        "passwordChange"
    ]["errors"] == []
    (notice,) = await wait_for_mail(smtp_sink, "ana@example.com")
    assert notice.subject == "Your password was changed"


async def test_setting_the_same_language_changes_nothing(client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    result = (await client.data(SET, {"i": {"language": "ES"}}))["viewerLanguageSet"]
    assert result == {"language": "ES", "viewer": {"language": "ES"}, "errors": []}
    assert (await models.Holder.get(account_id=account.id)).version == 1
    assert not await models.ActivityEvent.filter(account_id=account.id, action="language.changed").exists()


async def test_usable_during_a_pending_password_change(client, factory) -> None:
    account = await factory.account()
    await models.Account.filter(id=account.id).update(must_change_password=True)
    await client.sign_in(account.client_number)
    result = (await client.data(SET, {"i": {"language": "EN"}}))["viewerLanguageSet"]
    assert result["errors"] == []
    assert result["language"] == "EN"
    assert (await models.Holder.get(account_id=account.id)).language == Language.EN


async def test_an_api_token_cannot_set_its_creators_language(client, other_client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    create = "mutation($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) { token errors { code } } }"
    created = await client.data(create, {"i": {"name": "ERP", "permissions": ["PROFILE", "SECURITY"]}})
    bearer = {"Authorization": f"Bearer {created['apiTokenCreate']['token']}"}
    refused = await other_client(SET, {"i": {"language": "EN"}}, headers={**bearer, **SPANISH})
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert refused["errors"][0]["message"].startswith("Solo una persona que ingresó al panel")
    assert (await models.Holder.get(account_id=account.id)).language == Language.ES
    read = await other_client.data("{ viewer { language } }", headers=bearer)
    assert read["viewer"] == {"language": "ES"}


async def test_signed_out_it_is_refused(client) -> None:
    refused = await client(SET, {"i": {"language": "EN"}})
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
