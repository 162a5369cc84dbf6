"""A real SMTP server (aiosmtpd) on localhost that keeps what it receives, for tests; it can be told to refuse
chosen recipients (`refusing`), as a receiving server does with a dead mailbox (550) or a full one (452)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        with self.sink.lock:
            refusal = self.sink.refusals.get(address.lower())
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self.sink.lock:
            self.sink.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"


class SmtpSink:
    """Start and stop it to simulate an outage; `received` lists every accepted message."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.received: list[Received] = []
        self.refusals: dict[str, str] = {}  # address -> the server's reply to RCPT TO
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def clear(self) -> None:
        with self.lock:
            self.received.clear()
            self.refusals.clear()

    @contextmanager
    def refusing(self, address: str, reply: str = "550 5.1.1 No such user here") -> Iterator[None]:
        """Within the block the server answers RCPT TO `address` with `reply` (the others are accepted)."""
        with self.lock:
            self.refusals[address.lower()] = reply
        try:
            yield
        finally:
            with self.lock:
                self.refusals.pop(address.lower(), None)

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if address in r.recipients]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
