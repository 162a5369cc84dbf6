"""Every domain error code maps into the public codes the contract defines, and has a message in both languages."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import domain
from core.i18n import translate
from core.outcome import MESSAGE_TABLES
from models.enums import Language
from schema.common import UserErrorCode, WarningCode
from tests.helpers import public_error_enums

PUBLIC = {code.value for code in UserErrorCode} | {code.value for code in WarningCode}

for module in pkgutil.iter_modules(domain.__path__):
    importlib.import_module(f"domain.{module.name}")


def test_domains_register_their_error_codes() -> None:
    assert MESSAGE_TABLES, "no domain registered an error enum with core.outcome.error_codes"


@pytest.mark.parametrize("codes", sorted(MESSAGE_TABLES, key=lambda codes: codes.__qualname__), ids=str)
def test_each_code_has_a_message_in_both_languages(codes) -> None:
    for code in codes:
        for language in Language:
            translate(code.value, language, MESSAGE_TABLES[codes], **_placeholders())


@pytest.mark.parametrize("codes", sorted(public_error_enums(), key=lambda codes: codes.__qualname__), ids=str)
def test_each_code_a_public_payload_answers_is_public(codes) -> None:
    for code in codes:
        assert code.value in PUBLIC, f"{codes.__qualname__}.{code.name} is not a public UserErrorCode or WarningCode"


def _placeholders() -> dict[str, object]:
    """Values for every placeholder a message may name (a missing one raises KeyError)."""
    return dict.fromkeys(
        ("seconds", "min", "max", "attempts", "minutes", "hours", "email", "field", "hints", "permissions"), 1
    )
