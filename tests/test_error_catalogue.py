"""The error catalogue (schema/error_catalogue.py, docs/errors.md): every code a client can meet is described,
with what it means and whether to retry; the mutations of each payload code are derived from the domain enums;
a code the server can answer cannot ship without its row; payload RATE_LIMITED says how long to wait."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import strawberry
from graphql import GraphQLEnumType, GraphQLObjectType, get_named_type

import app
import domain
from core.outcome import MESSAGE_TABLES
from schema import build_schema
from schema.common import UserErrorCode, WarningCode
from schema.error_catalogue import (
    CATALOGUE,
    MUTATION_ERRORS,
    MUTATION_WARNINGS,
    Kind,
    entries,
    markdown,
    operations_of,
)
from schema.staff import staff_error_enums, staff_schema
from settings import PROJECT_DIR
from tests.helpers import public_error_enums

for module in pkgutil.iter_modules(domain.__path__):
    importlib.import_module(f"domain.{module.name}")

SIGN_IN = "mutation($i: SignInInput!) { signIn(input: $i) { errors { code field message retryAfter } } }"
CODE_MAKERS = {"ApiError", "PersistedQueryError", "error_response"}
CODE_LITERAL = re.compile(r"^[A-Z][A-Z_]{3,}$")
STRAWBERRY = Path(strawberry.__file__).parent


def codes(kind: Kind) -> set[str]:
    return {entry.code for entry in entries(kind)}


def production_files() -> list[Path]:
    folders = ("core", "domain", "schema", "models")
    return [
        PROJECT_DIR / "app.py",
        *(path for folder in folders for path in sorted((PROJECT_DIR / folder).glob("*.py"))),
    ]


def _makes_a_code(scope: ast.AST) -> bool:
    """Builds an error with a code: ApiError(...), PersistedQueryError(...), error_response(...) or {"code": ...}."""
    for node in ast.walk(scope):
        if isinstance(node, ast.Call):
            called = node.func
            name = called.id if isinstance(called, ast.Name) else getattr(called, "attr", "")
            if name in CODE_MAKERS:
                return True
        if isinstance(node, ast.Dict) and any(
            isinstance(key, ast.Constant) and key.value == "code" for key in node.keys
        ):
            return True
    return False


def _code_literals(scope: ast.AST) -> set[str]:
    return {
        node.value
        for node in ast.walk(scope)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE_LITERAL.match(node.value)
    }


def _is_codes_table(node: ast.Assign) -> bool:
    return any(isinstance(target, ast.Name) and target.id.endswith("_CODES") for target in node.targets)


def codes_in_the_source() -> dict[str, set[str]]:
    """Every code-like literal of each function that builds an error with a code (the literal itself, or the
    values a variable code is chosen from), plus the values of module-level `*_CODES` tables."""
    found: dict[str, set[str]] = {}
    for path in production_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(PROJECT_DIR)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _makes_a_code(node):
                found[where] = _code_literals(node)
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and _is_codes_table(node):
                found[where] = _code_literals(node.value)
    return found


def http_statuses_in_the_source() -> set[int]:
    """Statuses the app answers: error_response(N, ...), HTTPException(N, ...), Refusal(N, ...), status_code=N and
    the keys of app.HTTP_CODES."""
    text = "\n".join(path.read_text(encoding="utf-8") for path in production_files())
    pattern = r"(?:error_response|HTTPException|Refusal)\(\s*(\d{3})\b|status_code\s*=\s*(\d{3})\b"
    found = {int(number) for match in re.findall(pattern, text) for number in match if number}
    return found | set(app.HTTP_CODES)


def close_codes_sent() -> set[int]:
    """Close codes this app (core/) and strawberry's graphql-transport-ws handling send."""
    sources = [
        *sorted((PROJECT_DIR / "core").glob("*.py")),
        *sorted((STRAWBERRY / "subscriptions" / "protocols" / "graphql_transport_ws").glob("*.py")),
        STRAWBERRY / "http" / "async_base_view.py",
    ]
    text = "\n".join(path.read_text(encoding="utf-8") for path in sources)
    literal = re.findall(r"close\(\s*(?:code=)?(4\d{3})\b", text)
    named = re.findall(r"^CLOSE_[A-Z_]+ = (4\d{3})$", text, re.MULTILINE)
    return {int(code) for code in literal + named}


def test_docs_errors_md_is_current() -> None:
    current = (PROJECT_DIR / "docs" / "errors.md").read_text(encoding="utf-8")
    assert current == markdown(), "refresh it: python -m schema.error_catalogue > docs/errors.md"


def test_every_entry_has_a_meaning_and_retry_advice_and_appears_once() -> None:
    seen = set()
    for entry in CATALOGUE:
        assert entry.meaning.endswith((".", ")")), entry
        assert entry.retry.value.strip(), entry
        assert (entry.kind, entry.code) not in seen, f"{entry.code} twice as {entry.kind.name}"
        seen.add((entry.kind, entry.code))
    assert {entry.kind for entry in CATALOGUE} == set(Kind)


def test_payload_and_warning_codes_are_exactly_the_schema_enums() -> None:
    assert codes(Kind.PAYLOAD) == {code.value for code in UserErrorCode}
    assert codes(Kind.WARNING) == {code.value for code in WarningCode}


def test_every_user_error_and_warning_code_has_a_schema_description() -> None:
    types = build_schema()._schema.type_map
    for name in ("UserErrorCode", "WarningCode"):
        enum_type = types[name]
        assert isinstance(enum_type, GraphQLEnumType)
        assert enum_type.description, name
        for value_name, value in enum_type.values.items():
            assert "Retry: " in (value.description or ""), f"{name}.{value_name} has no description"


def test_user_error_has_retry_after() -> None:
    user_error = build_schema()._schema.type_map["UserError"]
    assert isinstance(user_error, GraphQLObjectType)
    field = user_error.fields["retryAfter"]
    assert str(field.type) == "Int"
    assert "RATE_LIMITED" in (field.description or "")


def _payload_fields() -> dict[str, set[str]]:
    mutation = build_schema()._schema.mutation_type
    assert mutation is not None
    found = {}
    for name, field in mutation.fields.items():
        payload = get_named_type(field.type)
        assert isinstance(payload, GraphQLObjectType)
        found[name] = set(payload.fields)
    return found


def test_the_declaration_covers_every_mutation_with_errors_or_warnings() -> None:
    fields = _payload_fields()
    assert set(MUTATION_ERRORS) == {name for name, names in fields.items() if "errors" in names}
    assert set(MUTATION_WARNINGS) == {name for name, names in fields.items() if "warnings" in names}


def test_every_registered_domain_enum_is_declared_by_some_mutation() -> None:
    """By a public mutation (MUTATION_ERRORS) or as a staff payload's own code enum (the staff schema)."""
    declared = {enum for enums in (*MUTATION_ERRORS.values(), *MUTATION_WARNINGS.values()) for enum in enums}
    declared |= staff_error_enums(staff_schema)
    undeclared = sorted(enum.__qualname__ for enum in MESSAGE_TABLES if enum not in declared)
    assert not undeclared, f"declare which mutations return these enums' codes: {undeclared}"


def test_codes_a_domain_uses_have_their_mutations() -> None:
    payload, warning = codes(Kind.PAYLOAD), codes(Kind.WARNING)
    used = {member.value for enum in public_error_enums() for member in enum}
    assert used <= payload | warning
    for entry in [*entries(Kind.PAYLOAD), *entries(Kind.WARNING)]:
        if entry.code in used:
            assert operations_of(entry), f"{entry.code} is used by a domain enum but no mutation lists it"
    assert operations_of(entries(Kind.HTTP)[0]) is None
    rate_limited = next(entry for entry in entries(Kind.PAYLOAD) if entry.code == "RATE_LIMITED")
    assert {"signIn", "mailResend", "accessRecoveryRequest"} <= set(operations_of(rate_limited) or [])
    warning_entry = next(entry for entry in entries(Kind.WARNING) if entry.code == "AUTOMATIC_DEBIT_WILL_BE_CHARGED")
    assert operations_of(warning_entry) == ["serviceCancellationRequest", "serviceRenewalSet"]


def test_every_code_the_server_answers_is_in_the_catalogue() -> None:
    found = codes_in_the_source()
    assert any("PERSISTED_QUERY_NOT_FOUND" in literals for literals in found.values())  # the scan sees the codes
    assert any("QUERY_TOO_DEEP" in literals for literals in found.values())
    top_level = codes(Kind.TOP_LEVEL)
    missing = {where: sorted(literals - top_level) for where, literals in found.items() if literals - top_level}
    assert not missing, f"codes missing from the catalogue's top-level table: {missing}"


def test_every_http_status_the_app_answers_is_in_the_catalogue() -> None:
    statuses = http_statuses_in_the_source()
    assert {400, 403, 413, 500} <= statuses  # the scan sees them
    assert {str(status) for status in statuses} | {"200", "401", "429"} <= codes(Kind.HTTP)


def test_every_close_code_sent_is_in_the_catalogue() -> None:
    sent = close_codes_sent()
    assert {4400, 4401, 4403, 4406, 4408, 4409, 4429} <= sent  # the scan sees strawberry's and ours
    assert {str(code) for code in sent} <= codes(Kind.CLOSE)


async def test_a_payload_rate_limited_says_how_long_to_wait(client) -> None:
    """signIn's throttle (10 failures per login and source) answers RATE_LIMITED with retryAfter in seconds,
    the same number the message gives; other payload errors have retryAfter null."""
    attempt = {"i": {"login": "88888", "password": "wrong password"}}
    for _ in range(10):
        [error] = (await client.data(SIGN_IN, attempt))["signIn"]["errors"]
        assert error["code"] == "INVALID_CREDENTIALS"
        assert error["retryAfter"] is None
    [limited] = (await client.data(SIGN_IN, attempt))["signIn"]["errors"]
    assert limited["code"] == "RATE_LIMITED"
    assert limited["retryAfter"] > 0
    assert f" {limited['retryAfter']} " in limited["message"]
