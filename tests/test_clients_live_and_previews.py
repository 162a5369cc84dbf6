"""The first live message for one service is its open cancellation only (never a closed one), and
cancellation previews cost the same statements for 5 services as for 50."""

from __future__ import annotations

from core.ids import to_global_id
from tests.helpers import Factory, GraphQLClient, counting_queries, session_cookie
from tests.live_server import graphql_socket
from tests.test_query_count import delivered
from tests.test_real_clients import WITHDRAW, request_cancellation

LIVE = """subscription($s: ID) { cancellationStatusChanged(serviceId: $s) { cancellation { id status } } }"""
PREVIEWS = """{ viewer { account { services(first: 50) { edges { node {
  cancellationPreview { canRequest blockers } } } } } } }"""


async def test_the_first_message_for_a_service_is_its_open_cancellation_only(
    port: int, client: GraphQLClient, factory: Factory
) -> None:
    account = await factory.account()
    service = await factory.service(account)
    await client.sign_in(account.client_number)
    withdrawn = await request_cancellation(client, service)
    assert (await client.data(WITHDRAW, {"i": {"cancellationId": withdrawn}}))["serviceCancellationWithdraw"] == {
        "errors": []
    }
    async with graphql_socket(port, cookie=session_cookie(client)) as socket:
        assert (await socket.init())["type"] == "connection_ack"
        await socket.subscribe(LIVE, {"s": to_global_id("Service", service.id)})
        reopened = await request_cancellation(client, service)
        first = (await socket.next_data())["cancellationStatusChanged"]["cancellation"]
    assert first == {"id": reopened, "status": "AWAITING_CONFIRMATION"}


async def preview_statements(client: GraphQLClient, factory: Factory, services: int) -> int:
    account = await factory.account()
    for n in range(services):
        await factory.service(account, f"Servicio {n}")
    await client.sign_in(account.client_number)
    await client.data(PREVIEWS)  # parse and validation caches warm
    await delivered()  # the delivery worker's own queries must not be counted
    with counting_queries() as seen:
        answer = await client.data(PREVIEWS)
    assert len(answer["viewer"]["account"]["services"]["edges"]) == services
    return len(seen)


async def test_cancellation_previews_cost_the_same_for_5_and_50_services(
    client: GraphQLClient, other_client: GraphQLClient, factory: Factory
) -> None:
    few = await preview_statements(client, factory, 5)
    many = await preview_statements(other_client, factory, 50)
    assert few == many <= 10, (few, many)
