"""The production topology end to end (tests/topology.py): through nginx over https and wss, a customer signs in,
reads the dashboard, watches a cancellation confirmed with the emailed code be carried out by the worker process,
and recovers access by the emailed link; the per-address limits count the real client, whatever it sends."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Iterator

import httpx
import pytest

from tests.topology import (
    CLIENT_NUMBER,
    CONFIRM,
    DASHBOARD,
    HOLDER_EMAIL,
    RECOVERY_CONFIRM,
    RECOVERY_REQUEST,
    REQUEST,
    SESSIONS,
    LiveSocket,
    Topology,
    client_address,
    graphql,
    sign_in,
    topology_for_test,
)

RECOVERY_REQUESTS_PER_ADDRESS = 10  # domain/recovery.REQUESTS_PER_IP
SECOND_CLIENT_NUMBER = str(int(CLIENT_NUMBER) + 1)


@pytest.fixture(scope="module")
def proxied() -> Iterator[Topology]:
    with topology_for_test(accounts=2) as found:
        yield found


async def mail_to(found: Topology, address: str, subject: str, count: int = 1) -> str:
    """The text of the `count`-th message to `address` whose subject holds `subject` (bounded wait)."""
    for _ in range(500):
        matching = [each for each in found.smtp.to(address) if subject in each.subject]
        if len(matching) >= count:
            return matching[count - 1].text
        await asyncio.sleep(0.02)
    raise AssertionError(f"no message {subject!r} #{count} to {address}: {[m.subject for m in found.smtp.to(address)]}")


async def test_sign_in_dashboard_live_cancellation_and_recovery_through_the_proxy(proxied: Topology) -> None:
    address = client_address()
    async with proxied.client(address) as client:
        await sign_in(client)
        [session] = (await graphql(client, SESSIONS))["viewer"]["account"]["sessions"]
        assert session == {"current": True, "ipAddress": address}  # the client's own, set by nginx
        account = (await graphql(client, DASHBOARD))["viewer"]["account"]
        assert account["clientNumber"] == CLIENT_NUMBER
        [service] = [edge["node"] for edge in account["services"]["edges"]]
        assert service["status"] == "ACTIVE"

        requested = await graphql(
            client,
            REQUEST,
            {"i": {"serviceId": service["id"], "reason": "Migro a otro proveedor", "acknowledgeDataDeletion": True}},
        )
        cancellation = requested["serviceCancellationRequest"]["cancellation"]
        assert cancellation["status"] == "AWAITING_CONFIRMATION"

        live = LiveSocket(proxied, client, address)
        await live.open()
        try:
            first = (await live.next_data())["cancellationStatusChanged"]
            assert first["cancellation"] == cancellation  # the current state first
            code = re.findall(r"\b\d{6}\b", await mail_to(proxied, HOLDER_EMAIL, "ódigo de confirmación"))[0]
            confirmed = await graphql(client, CONFIRM, {"i": {"cancellationId": cancellation["id"], "code": code}})
            assert confirmed["serviceCancellationConfirm"]["errors"] == []
            # Carried out by the worker process (CANCELLATION_COMPLETION_DELAY_MINUTES=0), seen through wss.
            statuses = [(await live.next_data())["cancellationStatusChanged"] for _ in range(2)]
            assert [each["cancellation"]["status"] for each in statuses] == ["SCHEDULED", "COMPLETED"]
            assert statuses[-1]["service"]["status"] == "CANCELLED"
        finally:
            await live.close()

    async with proxied.client() as stranger:
        asked = await graphql(stranger, RECOVERY_REQUEST, {"i": {"method": "CLIENT_NUMBER", "value": CLIENT_NUMBER}})
        assert asked["accessRecoveryRequest"]["errors"] == []
        link = await mail_to(proxied, HOLDER_EMAIL, "Confirme la recuperación")
        token = re.search(r"/recuperar\?token=([\w-]+)", link)
        assert token is not None
        assert link.count(f"{proxied.url}/recuperar?token=") == 1  # PUBLIC_BASE_URL, never the Host header
        confirmed = await graphql(stranger, RECOVERY_CONFIRM, {"i": {"token": token.group(1)}})
        assert confirmed["accessRecoveryConfirm"]["errors"] == []
        temporary = re.search(r"Clave temporal: (\S+)", await mail_to(proxied, HOLDER_EMAIL, "Sus datos de acceso"))
        assert temporary is not None
        await sign_in(stranger, CLIENT_NUMBER, temporary.group(1))
        viewer = await graphql(stranger, "{ viewer { mustChangePassword } }")
        assert viewer == {"viewer": {"mustChangePassword": True}}


async def recovery_requests(client: httpx.AsyncClient, count: int, forwarded: bool) -> list[list[dict[str, str]]]:
    """`count` recovery requests' errors, each claiming another address by X-Forwarded-For when `forwarded`."""
    answers = []
    for _ in range(count):
        headers = {"X-Forwarded-For": client_address()} if forwarded else {}
        answer = await client.post(
            "/graphql",
            json={"query": RECOVERY_REQUEST, "variables": {"i": {"method": "DOMAIN", "value": "nadie.com.ar"}}},
            headers=headers,
        )
        assert answer.status_code == 200, answer.text
        answers.append(answer.json()["data"]["accessRecoveryRequest"]["errors"])
    return answers


def limited(answers: list[list[dict[str, str]]]) -> list[bool]:
    return [[error["code"] for error in errors] == ["RATE_LIMITED"] for errors in answers]


async def test_a_client_sent_x_forwarded_for_never_moves_the_per_address_limit(proxied: Topology) -> None:
    """Through nginx the limit counts the address nginx saw, whatever X-Forwarded-For the client sent; straight to
    a process (an address it does not trust) it counts the connecting address; another client is not limited."""
    count = RECOVERY_REQUESTS_PER_ADDRESS + 1
    async with proxied.client() as client:
        assert limited(await recovery_requests(client, count, forwarded=True)) == [False] * (count - 1) + [True]
    async with proxied.client() as other:
        assert limited(await recovery_requests(other, 1, forwarded=True)) == [False]

    direct = httpx.AsyncHTTPTransport(local_address=client_address())
    async with httpx.AsyncClient(
        base_url=proxied.app_url(0), transport=direct, headers={"Origin": proxied.url}
    ) as straight:
        answers = await recovery_requests(straight, count, forwarded=True)
        assert limited(answers) == [False] * (count - 1) + [True]


async def test_the_processes_trust_forwarded_headers_from_the_proxy_only(proxied: Topology) -> None:
    """Signed in straight at a process with a claimed X-Forwarded-For, the session records the connecting address
    (a process trusts nginx's 127.0.0.1 only); read back through nginx with the same cookie."""
    address, claimed = client_address(), f"198.51.100.{secrets.randbelow(250) + 1}"
    direct = httpx.AsyncHTTPTransport(local_address=address)
    async with httpx.AsyncClient(
        base_url=proxied.app_url(1), transport=direct, headers={"Origin": proxied.url, "X-Forwarded-For": claimed}
    ) as straight:
        await sign_in(straight, SECOND_CLIENT_NUMBER)
        cookies = straight.cookies
    async with proxied.client(cookies=cookies) as client:
        [session] = (await graphql(client, SESSIONS))["viewer"]["account"]["sessions"]
    assert session == {"current": True, "ipAddress": address}
