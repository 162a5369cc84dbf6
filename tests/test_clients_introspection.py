"""Standard introspection in development: the exact documents graphql-core and graphql-js
produce pass the default depth limit, since `ofType` chains do not count; nesting that fans out is refused."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest
from graphql import get_introspection_query

from tests.helpers import GraphQLClient
from tests.test_real_clients import SCRIPT_DEADLINE_SECONDS, TEST_TOOLS, node

OPTIONS = (
    "descriptions",
    "specified_by_url",
    "directive_is_repeatable",
    "schema_description",
    "input_value_deprecation",
    "experimental_directive_deprecation",
    "one_of",
)
# graphql-js's getIntrospectionQuery() with every option on (GraphiQL sends it: 15 levels deep).
GRAPHQL_JS = """import { getIntrospectionQuery } from 'graphql';
process.stdout.write(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true,
  schemaDescription: true, inputValueDeprecation: true, oneOf: true }));"""


def type_ref(wrappers: int) -> str:
    return "{ kind name " + "ofType { kind name " * wrappers + "}" * wrappers + " }"


async def introspect(client: GraphQLClient, document: str) -> dict[str, Any]:
    body = await client(document)
    assert "errors" not in body, body["errors"]
    return body["data"]["__schema"]


@pytest.mark.parametrize("flags", list(itertools.product((False, True), repeat=len(OPTIONS))))
async def test_graphql_core_introspection_passes_with_every_option(client: GraphQLClient, flags: tuple[bool]) -> None:
    schema = await introspect(client, get_introspection_query(**dict(zip(OPTIONS, flags, strict=True))))
    assert schema["queryType"]["name"] == "Query"
    assert "CancellationEvent" in {t["name"] for t in schema["types"]}


async def test_graphql_js_introspection_passes(client: GraphQLClient) -> None:
    process = await asyncio.create_subprocess_exec(
        node(),
        "--input-type=module",
        "-e",
        GRAPHQL_JS,
        cwd=TEST_TOOLS,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), SCRIPT_DEADLINE_SECONDS)
    assert process.returncode == 0, stderr.decode()
    document = stdout.decode()
    assert "isOneOf" in document
    assert "ofType" in document
    schema = await introspect(client, document)
    assert schema["subscriptionType"]["name"] == "Subscription"


async def test_twelve_wrappers_in_a_row_are_free_and_more_count(client: GraphQLClient) -> None:
    free = await client(f'{{ __type(name: "Service") {{ fields {{ type {type_ref(12)} }} }} }}')
    assert "errors" not in free
    assert free["data"]["__type"]["fields"]
    counted = await client(f'{{ __type(name: "Service") {{ fields {{ type {type_ref(30)} }} }} }}')
    assert counted["data"] is None
    assert counted["errors"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"


async def test_nested_introspection_that_fans_out_is_refused(client: GraphQLClient) -> None:
    nested = "{ __schema { types { " + "fields { type { " * 6 + "name" + " } }" * 6 + " } } }"
    body = await client(nested)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] in ("QUERY_TOO_DEEP", "GRAPHQL_VALIDATION_FAILED")
    via_of_type = "{ __schema { types { " + "fields { type { ofType { " * 4 + "name" + " } } }" * 4 + " } } }"
    refused = await client(via_of_type)
    assert refused["data"] is None, refused
    assert refused["errors"], refused
