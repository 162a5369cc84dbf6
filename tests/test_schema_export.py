"""The checked-in schema.graphql and staff.graphql are the exported schemas, and the public one keeps the contract."""

from __future__ import annotations

import subprocess
import sys

import pytest

from schema import schema
from schema.staff import staff_schema
from settings import PROJECT_DIR

CONTRACT_CHECK = PROJECT_DIR.parent / "shared" / "tools" / "contract_check.py"
# Contract parts whose issues are resolved (shared with .ci/run): the check must hold for them.
PARTS = (PROJECT_DIR / ".ci" / "contract-parts").read_text().split()


def test_checked_in_schema_is_current() -> None:
    checked_in = (PROJECT_DIR / "schema.graphql").read_text(encoding="utf-8")
    assert checked_in == schema.as_str() + "\n", "schema.graphql is stale: run `python cli.py export-schema`"


def test_checked_in_staff_schema_is_current() -> None:
    checked_in = (PROJECT_DIR / "staff.graphql").read_text(encoding="utf-8")
    assert checked_in == staff_schema.as_str() + "\n", "staff.graphql is stale: run `python cli.py export-schema`"


def test_schema_keeps_the_contract() -> None:
    if not CONTRACT_CHECK.exists():
        pytest.skip("../shared is not beside this checkout")
    result = subprocess.run(
        [sys.executable, str(CONTRACT_CHECK), str(PROJECT_DIR / "schema.graphql"), *PARTS],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
