"""Turning the contacts' two-step rule on ends no session, but the live sockets of contacts without a factor (their
sessions' and their API tokens') close at once; the others stay (real uvicorn, real WebSockets)."""

from __future__ import annotations

from contextlib import AsyncExitStack

from core.sockets import CLOSE_FORBIDDEN
from tests.helpers import session_cookie
from tests.live_server import graphql_socket
from tests.test_factor_rule import RULE_SET
from tests.test_security_sockets import messages_until_closed, new_token, permissions_over, token_socket
from tests.test_totp import enrol


async def test_the_rule_closes_the_sockets_of_contacts_without_a_factor_only(
    port, client, other_client, holder, factory, clock
) -> None:
    await factory.contact(holder, "sin@example.com", permissions=["SERVICES", "SECURITY"])
    await factory.contact(holder, "con@example.com", permissions=["SERVICES"])
    await other_client.sign_in("sin@example.com")
    _, token = await new_token(other_client)
    async with AsyncExitStack() as stack:
        without = await stack.enter_async_context(graphql_socket(port, cookie=session_cookie(other_client)))
        await without.init()
        by_token = await token_socket(stack, port, token)
        await client.sign_in("con@example.com")  # the holder's browser becomes the enrolled contact's for a moment
        await enrol(client, clock)
        with_factor = await stack.enter_async_context(graphql_socket(port, cookie=session_cookie(client)))
        await with_factor.init()
        assert await permissions_over(with_factor) == ["SERVICES"]

        await client.sign_in(holder.client_number)
        assert (await client.data(RULE_SET, {"i": {"required": True}}))["accountSecondFactorRuleSet"]["errors"] == []
        for socket in (without, by_token):
            received, code = await messages_until_closed(socket)
            assert (received, code) == ([], CLOSE_FORBIDDEN)
        assert await permissions_over(with_factor, op_id="again") == ["SERVICES"]
