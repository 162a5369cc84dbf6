"""Live WebSocket connections of this process, closed as soon as their access ends.

Whatever ends or narrows someone's access (sign-out, revoked session, password change,
a contact deactivated or losing SERVICES) publishes an "access" event in its transaction;
every process then re-checks the sockets it holds for that account and closes those no
longer allowed, with the protocol's 4403.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from starlette.websockets import WebSocket, WebSocketState

from core import events
from core.context import Principal
from core.events import Frame
from core.runtime import Runtime
from models import ApiToken, Contact, Session
from models.enums import Permission

ACCESS = "access"
CLOSE_FORBIDDEN = 4403


def access_changed(account_id: int, *, contact_id: int | None = None, holder: bool = False, force: bool = False) -> None:
    """Publish (inside an events.transaction) that access changed for the holder, a contact, or the whole account.

    force: close the sockets even if they would still be allowed (e.g. after a password change)."""
    events.publish(ACCESS, account_id, contact_id=contact_id, holder=holder, force=force)


@dataclass(frozen=True, slots=True)
class _Live:
    websocket: WebSocket
    principal: Principal


class LiveConnections:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._by_account: dict[int, dict[int, _Live]] = defaultdict(dict)
        runtime.events.on_event(self._on_event)

    def add(self, websocket: WebSocket, principal: Principal) -> None:
        self._by_account[principal.account_id][id(websocket)] = _Live(websocket, principal)

    def remove(self, websocket: WebSocket, principal: Principal) -> None:
        self._by_account[principal.account_id].pop(id(websocket), None)
        if not self._by_account[principal.account_id]:
            del self._by_account[principal.account_id]

    def count(self) -> int:
        return sum(len(live) for live in self._by_account.values())

    async def _on_event(self, frame: Frame) -> None:
        if frame.kind != ACCESS:
            return
        event = frame.event
        for live in list(self._by_account.get(int(event["account_id"]), {}).values()):
            principal = live.principal
            if event["contact_id"] is not None and principal.contact_id != event["contact_id"]:
                continue
            if event["holder"] and principal.contact_id is not None:
                continue
            if event["force"] or not await still_allowed(self.runtime, principal):
                await close(live.websocket)


async def close(websocket: WebSocket) -> None:
    if websocket.application_state == WebSocketState.CONNECTED:
        await websocket.close(code=CLOSE_FORBIDDEN, reason="Access ended")


async def still_allowed(runtime: Runtime, principal: Principal) -> bool:
    """Is the session or token behind a live socket still valid, and may it still subscribe?"""
    now = runtime.clock.now()
    if principal.session_id is not None:
        if not await Session.filter(id=principal.session_id, ended_at=None, expires_at__gt=now).exists():
            return False
    if principal.api_token_id is not None:
        token = await ApiToken.get_or_none(id=principal.api_token_id, revoked_at=None)
        if token is None or (token.expires_at is not None and token.expires_at <= now):
            return False
        if Permission.SERVICES.value not in token.permissions:
            return False
    if principal.contact_id is not None:
        contact = await Contact.get_or_none(id=principal.contact_id)
        if contact is None or not contact.active or Permission.SERVICES.value not in contact.permissions:
            return False
    return True
