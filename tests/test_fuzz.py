"""Generated queries and mutations (hypothesis-graphql): no 500, no masked internal error."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

from schema import schema

SCALARS = {
    "DateTime": st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ).map(lambda moment: nodes.String(moment.isoformat())),
    "Date": st.dates().map(lambda day: nodes.String(day.isoformat())),
}


def generated(strategy_of, count: int) -> list[str]:
    """`count` documents drawn from the exported schema (no example database: the run is hermetic).

    Fresh examples on every local run; in CI the same ones each time, so a red CI is reproducible."""
    found: list[str] = []

    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        derandomize=bool(os.environ.get("CI")),
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy_of(schema.as_str(), custom_scalars=SCALARS))
    def collect(document: str) -> None:
        found.append(document)

    collect()
    return found


async def test_generated_operations_never_fail_internally(client, factory, runtime) -> None:
    account = await factory.account()
    await factory.service(account)
    await factory.contact(account, "fuzz@example.com", permissions=["MAIL"])
    documents = generated(queries, 80) + generated(mutations, 80)
    for document in documents:
        if (await client.data("{ viewer { permissions } }"))["viewer"] is None:
            # A generated signOut or password change ended the session (generated sign-ins may have used up the limit).
            await runtime.limiter.reset()
            await client.sign_in(account.client_number)
        response = await client.post(document)
        assert response.status_code in (200, 400), (response.status_code, document)
        if response.status_code == 200:
            codes = [e.get("extensions", {}).get("code") for e in response.json().get("errors", [])]
            assert "INTERNAL_SERVER_ERROR" not in codes, (document, response.text[:500])
