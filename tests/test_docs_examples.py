"""The guides' examples run, so the documentation cannot rot.

docs/examples/partner.py (gql, a Bearer token) runs against a real uvicorn server: as the script a partner
would run, and its retry and close-code handling through its own functions. docs/examples/typescript/ gets
its types from GraphQL Code Generator on schema.graphql, unedited, and must compile with tsc (test-tools/,
pinned; like tests/test_real_clients.py, skipped without node or test-tools/node_modules, except in CI).
docs/reference.md is what schema/reference.py renders from schema.graphql, and the guides' relative links
and the partners guide's question index lead somewhere.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

import models
from core.authn import REQUESTS_PER_TOKEN
from core.ids import to_global_id
from settings import PROJECT_DIR
from tests.test_real_clients import SCRIPT_DEADLINE_SECONDS, TEST_TOOLS, node, request_cancellation

EXAMPLES = PROJECT_DIR / "docs" / "examples"
GUIDES = ["partners.md", "frontend.md", "operations.md"]
CREATE_TOKEN = """mutation($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) { token errors { code } } }"""
REVOKE_TOKEN = """mutation($i: ApiTokenRevokeInput!) { apiTokenRevoke(input: $i) { errors { code } } }"""


def partner_module() -> ModuleType:
    """docs/examples/partner.py, imported from its file (docs/ is not a package)."""
    spec = importlib.util.spec_from_file_location("partner_example", EXAMPLES / "partner.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def token_for(client, account: models.Account, permissions: list[str]) -> str:
    """A partner token as the guide says to create one: apiTokenCreate, signed in (step-up is the sign-in)."""
    await client.sign_in(account.client_number)
    created = (await client.data(CREATE_TOKEN, {"i": {"name": "ERP", "permissions": permissions}}))["apiTokenCreate"]
    assert created["errors"] == []
    return created["token"]


async def run(*command: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """A command beside the server (same event loop); its exit status and combined output."""
    process = await asyncio.create_subprocess_exec(
        *command, cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), SCRIPT_DEADLINE_SECONDS)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    return process.returncode or 0, output.decode()


# The partner script (Python, gql)


async def test_partner_script_pages_fetches_a_node_reads_payload_errors_and_subscribes(port, client, factory) -> None:
    account = await factory.account()
    await factory.service(account, "Correo Pyme")
    await factory.service(account, "Dominio extra")
    service = await factory.service(account, "Hosting Pyme")
    await client.sign_in(account.client_number)
    await request_cancellation(client, service)
    token = await token_for(client, account, ["SERVICES", "MANAGE_SERVICES"])
    env = {**os.environ, "CP_TOKEN": token}
    url = f"http://127.0.0.1:{port}/graphql"
    command = [sys.executable, str(EXAMPLES / "partner.py"), "--url", url, "--page-size", "2", "--events", "1"]
    status, output = await run(*command, cwd=EXAMPLES, env=env)
    assert status == 0, output
    assert output.splitlines() == [
        "services: 3 in pages of 2: Correo Pyme, Dominio extra, Hosting Pyme",
        "node: Correo Pyme is ACTIVE",
        "payload errors: ['NOT_FOUND']",
        "cancellation: Hosting Pyme AWAITING_CONFIRMATION",
    ]


async def test_partner_script_waits_as_long_as_a_rate_limited_answer_says_then_retries(
    port, client, factory, runtime
) -> None:
    account = await factory.account()
    await factory.service(account)
    token = await token_for(client, account, ["SERVICES"])
    stored = await models.ApiToken.get(account_id=account.id)
    limit = int(REQUESTS_PER_TOKEN.split("/")[0])
    for _ in range(limit):
        await runtime.limiter.hit(REQUESTS_PER_TOKEN, "api-token", str(stored.id))
    waits: list[float] = []

    async def sleep(seconds: float) -> None:  # time passes: the token's window empties
        waits.append(seconds)
        await runtime.limiter.clear(REQUESTS_PER_TOKEN, "api-token", str(stored.id))

    partner = partner_module().Partner(f"http://127.0.0.1:{port}/graphql", token, sleep=sleep)
    total, services = await partner.services()
    assert (total, [s["name"] for s in services]) == (1, ["Hosting Pyme"])
    assert len(waits) == 1
    assert 1 <= waits[0] <= 60


async def test_partner_subscription_stops_for_good_when_its_token_is_revoked(port, client, factory) -> None:
    account = await factory.account()
    service = await factory.service(account)
    token = await token_for(client, account, ["SERVICES"])
    cancellation_id = await request_cancellation(client, service)
    module = partner_module()

    async def no_wait(_seconds: float) -> None:
        raise AssertionError("a revoked token must not be retried")

    changes = module.Partner(f"http://127.0.0.1:{port}/graphql", token, sleep=no_wait).cancellations()
    first = await asyncio.wait_for(anext(changes), SCRIPT_DEADLINE_SECONDS)
    assert first["cancellation"] == {"id": cancellation_id, "status": "AWAITING_CONFIRMATION"}
    stored = await models.ApiToken.get(account_id=account.id)
    revoked = await client.data(REVOKE_TOKEN, {"i": {"id": to_global_id("ApiToken", stored.id)}})
    assert revoked["apiTokenRevoke"]["errors"] == []
    with pytest.raises(module.AccessEnded) as ended:
        await asyncio.wait_for(anext(changes), SCRIPT_DEADLINE_SECONDS)
    assert ended.value.code in (4401, 4403)


def test_close_code_is_found_behind_gql_s_wrapping() -> None:
    import websockets
    from gql.transport.exceptions import TransportConnectionFailed
    from websockets.frames import Close

    module = partner_module()
    closed = websockets.ConnectionClosedError(Close(4429, "Too many connections"), None)
    wrapped = TransportConnectionFailed("Error trying to receive data")
    wrapped.__cause__ = closed
    assert module.close_code(wrapped) == 4429
    assert module.close_code(RuntimeError("network down")) is None


# The TypeScript example (GraphQL Code Generator + tsc)


def example_copy(tmp_path: Path) -> Path:
    """docs/examples/typescript/ beside a copy of schema.graphql, at the same relative place, with
    test-tools/'s node_modules: codegen writes into the copy, never into the checkout."""
    shutil.copy(PROJECT_DIR / "schema.graphql", tmp_path / "schema.graphql")
    target = tmp_path / "docs" / "examples" / "typescript"
    shutil.copytree(EXAMPLES / "typescript", target, ignore=shutil.ignore_patterns("node_modules", "gql"))
    (target / "node_modules").symlink_to(TEST_TOOLS / "node_modules", target_is_directory=True)
    return target


async def codegen_and_tsc(executable: str, example: Path) -> tuple[int, str]:
    status, output = await run(
        executable, "node_modules/@graphql-codegen/cli/cjs/bin.js", "--config", "codegen.ts", cwd=example
    )
    assert status == 0, output
    return await run(executable, "node_modules/typescript/bin/tsc", "-p", "tsconfig.json", cwd=example)


async def test_typescript_example_compiles_with_types_generated_from_the_schema(tmp_path) -> None:
    executable = node()
    example = example_copy(tmp_path)
    status, output = await codegen_and_tsc(executable, example)
    assert status == 0, output
    generated = (example / "src" / "gql" / "graphql.ts").read_text()
    for scalar in ("DateTime", "Date", "ID"):
        assert f"{scalar}: {{ input: string; output: string; }}" in generated


async def test_typescript_example_types_are_checked_not_any(tmp_path) -> None:
    """A misuse of a generated type fails to compile: the example's types are real."""
    executable = node()
    example = example_copy(tmp_path)
    (example / "src" / "misuse.ts").write_text(
        'import type { ServiceRow } from "./panel";\n'
        "export const dueDay = (row: ServiceRow): number => row.nextDueDate;\n"
    )
    status, output = await codegen_and_tsc(executable, example)
    assert status != 0
    assert "misuse.ts" in output
    assert "TS2322" in output


# The generated reference and the guides' links


def test_reference_is_current() -> None:
    from schema.reference import render

    current = (PROJECT_DIR / "docs" / "reference.md").read_text()
    assert current == render((PROJECT_DIR / "schema.graphql").read_text()), (
        "docs/reference.md is stale: .venv/bin/python -m schema.reference > docs/reference.md"
    )


def test_reference_describes_every_type_and_enum_value() -> None:
    from graphql import GraphQLEnumType, build_schema

    from schema.reference import render

    sdl = (PROJECT_DIR / "schema.graphql").read_text()
    rendered = render(sdl)
    for name, kind in build_schema(sdl).type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean"}:
            continue
        assert f"### {name}" in rendered, name
        if isinstance(kind, GraphQLEnumType):
            for value in kind.values:
                assert f"`{value}`" in rendered, f"{name}.{value}"


def anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#+ (.+)$", markdown, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


@pytest.mark.parametrize("guide", GUIDES)
def test_guide_links_lead_somewhere(guide: str) -> None:
    text = (PROJECT_DIR / "docs" / guide).read_text()
    broken: list[str] = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue  # an outside address
        path, _, anchor = target.partition("#")
        file = (PROJECT_DIR / "docs" / path).resolve() if path else PROJECT_DIR / "docs" / guide
        missing_anchor = file.exists() and anchor and file.suffix == ".md" and anchor not in anchors(file.read_text())
        if not file.exists() or missing_anchor:
            broken.append(target)
    assert broken == []


def test_partners_guide_indexes_the_ten_questions() -> None:
    text = (PROJECT_DIR / "docs" / "partners.md").read_text()
    index = text.split("## Questions", 1)[1].split("\n## ", 1)[0]
    questions = [line for line in index.splitlines() if line.startswith("- ")]
    assert len(questions) == 10, questions
    assert all("](" in line for line in questions), "each question links to its answer"
