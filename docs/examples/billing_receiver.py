"""A receiver of the client panel's webhooks for a provider's billing system: copy it and put your work in `apply`.

Run it (Python 3.11+, the standard library and `pip install standardwebhooks`):

    WEBHOOK_SECRET=whsec_... python billing_receiver.py --port 8080 --database receiver.sqlite3

and register `https://<its public address>/hooks` as a webhook endpoint (the staff API's `webhookEndpointAdd`, or
`cli.py webhook-add`), which shows the secret once. docs/billing.md explains the events; docs/operations.md
(Webhooks) the delivery rules this receiver relies on. What it does with each POST, in this order:

1. Verifies it: the Standard Webhooks signature over the raw body, as received, before parsing it. A tampered
   body, another secret, a missing header or a `webhook-timestamp` more than 5 minutes from this machine's clock
   (a replay) is answered 400 and nothing is kept. Keep the clock right (NTP).
2. Keeps each `webhook-id` once. Delivery is at least once: a retry after a lost answer, or a redelivery asked for
   by staff, sends the same event with the same `webhook-id`; the id is a primary key in a sqlite3 file, so the
   event is processed only the first time, whatever the number of threads or restarts.
3. Orders by `data.sequence`: delivery order is not promised (one failing event never holds up the rest), so an
   older event may arrive after a newer one. Each account's events are numbered in commit order; the newest
   state of each resource (a holder, contact, service or cancellation) is the one with the highest sequence, and
   an event older than what was already applied to its resource is kept in the history but changes nothing.
   Numbers may be missing (the endpoint subscribes to some types only; an event may have failed for good): never
   wait for a gap to fill.
4. Answers 2xx quickly: the panel waits 10 seconds at most (WEBHOOK_TIMEOUT_SECONDS) and retries anything else.
   The work here is one local write; if yours is slow (calling the billing system), record the event in the same
   transaction and do the work from a queue.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

log = logging.getLogger("billing_receiver")
PATH = "/hooks"
MAX_BODY_BYTES = 1_000_000  # the panel's events are a few KB

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    webhook_id TEXT PRIMARY KEY,      -- once per event, whatever the retries
    account_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,        -- the account's events in commit order
    type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS resources (
    resource_id TEXT PRIMARY KEY,     -- the newest state seen of each holder, contact, service, cancellation
    account_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL
);
"""


class Receiver:
    """Verifies, keeps once and applies in order; `handle` gives the HTTP status to answer."""

    def __init__(self, secret: str, database: Path) -> None:
        # One secret is enough: after a rotation the panel signs with both the old and the new secret for
        # WEBHOOK_SECRET_OVERLAP_HOURS, so configure the new one here within that time.
        self.verifier = Webhook(secret)
        self.database = database
        with closing(sqlite3.connect(database)) as connection:
            connection.executescript(SCHEMA)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A connection of the calling thread in a transaction: concurrent requests wait for their turn."""
        with closing(sqlite3.connect(self.database, timeout=30, isolation_level=None)) as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def handle(self, body: bytes, headers: Mapping[str, str]) -> int:
        try:
            event = self.verifier.verify(body, dict(headers))
        except (WebhookVerificationError, ValueError):  # a malformed signature header raises ValueError
            return 400
        webhook_id = {name.lower(): value for name, value in headers.items()}["webhook-id"]
        new = self.keep(webhook_id, event)
        log.info("%s %s", webhook_id, "processed" if new else "already processed")
        return 204  # also for an id already kept: answering anything else would make it come again

    def keep(self, webhook_id: str, event: dict[str, Any]) -> bool:
        """Record the event and apply it, in one transaction, unless its id was recorded before; whether it was new."""
        data = event["data"]
        row = (
            webhook_id,
            data["accountId"],
            data["sequence"],
            event["type"],
            data["resource"]["id"],
            json.dumps(event),
        )
        with self.transaction() as connection:
            new = connection.execute("INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?, ?, ?)", row).rowcount == 1
            if new:
                apply(connection, event)
        return new

    def history(self, account_id: str) -> list[tuple[int, str]]:
        """An account's events as (sequence, type), in the order they happened, whatever the order they came in."""
        with self.transaction() as connection:
            query = "SELECT sequence, type FROM events WHERE account_id = ? ORDER BY sequence"
            return list(connection.execute(query, (account_id,)))

    def state(self, resource_id: str) -> dict[str, Any] | None:
        """The newest data seen of a resource (by its global id, `data.resource.id`)."""
        with self.transaction() as connection:
            row = connection.execute("SELECT data FROM resources WHERE resource_id = ?", (resource_id,)).fetchone()
        return json.loads(row[0]) if row else None


def apply(connection: sqlite3.Connection, event: dict[str, Any]) -> None:
    """Your work goes here (e.g. `holder.updated`: the customer's new email and address into the billing system).
    This example keeps the newest state of each resource: an event older than the one applied changes nothing."""
    data = event["data"]
    connection.execute(
        """INSERT INTO resources VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (resource_id) DO UPDATE SET sequence = excluded.sequence, type = excluded.type,
               data = excluded.data
           WHERE excluded.sequence > resources.sequence""",
        (data["resource"]["id"], data["accountId"], data["sequence"], event["type"], json.dumps(data)),
    )


def server(receiver: Receiver, host: str, port: int) -> ThreadingHTTPServer:
    """An HTTP server answering POST /hooks with `receiver` (put HTTPS in front of it: a reverse proxy)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = self.headers.get("content-length", "")
            if self.path != PATH:
                status = 404
            elif not length.isdigit() or int(length) == 0:
                status = 400  # the panel always sends a body with its length
            elif int(length) > MAX_BODY_BYTES:
                status = 413
            else:
                status = receiver.handle(self.rfile.read(int(length)), dict(self.headers.items()))
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # the request line only, never a body or header
            log.debug(format, *args)

    return ThreadingHTTPServer((host, port), Handler)


def main() -> None:
    parser = argparse.ArgumentParser(description="Receive the client panel's webhooks.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--database", type=Path, default=Path("receiver.sqlite3"))
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    receiver = Receiver(os.environ["WEBHOOK_SECRET"], arguments.database)  # from the environment, never argv
    log.info("receiving on http://%s:%d%s", arguments.host, arguments.port, PATH)
    server(receiver, arguments.host, arguments.port).serve_forever()


if __name__ == "__main__":
    main()
