"""Prometheus metrics (prometheus-client): what operators watch, with labels no client can multiply.

Every label value comes from a closed set: an operation is named only if the panel's own pages
(web/) or the persisted-query manifest (PERSISTED_QUERIES_FILE) use that name, any other is
`other`; error codes and rate-limit rules are our own constants, checked against their shape.
No label ever carries an account, an address or any other customer value.

With PROMETHEUS_MULTIPROC_DIR set (an empty directory, the same for every process of the
deployment, emptied before they start) each process writes its samples there and a scrape of
any process reports the sum of all of them (prometheus-client's multiprocess mode); unset, a
scrape reports this process alone. Outbox depths and ages are read from the database at scrape
time, so they are the same whichever process answers.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from graphql import OperationDefinitionNode, parse
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

from core.clock import Clock
from models.enums import DeliveryStatus, WebhookDeliveryStatus
from models.mail import MailMessage
from models.outbox import OutboxMessage
from models.webhook_delivery import WebhookDelivery
from settings import PROJECT_DIR, Settings

log = logging.getLogger("clientpanel.metrics")
OTHER = "other"
# The panel's own documents: `query Name(` / `mutation Name {` in its scripts (not GraphiQL's bundle).
PANEL_SCRIPTS = ("web/panel.js", "web/lib/*.js", "web/screens/*.js")
_PANEL_OPERATION = re.compile(r"\b(?:query|mutation|subscription)\s+([A-Z][A-Za-z0-9_]*)\s*[({]")
_ERROR_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")
_RULE_NAME = re.compile(r"[a-z][a-z0-9-]{0,39}")

OPERATIONS = Counter(
    "clientpanel_graphql_operations",
    "GraphQL operations run, by operation name (a known name or `other`), type and outcome (ok, error)",
    ["operation", "type", "outcome"],
)
OPERATION_SECONDS = Histogram(
    "clientpanel_graphql_operation_seconds", "how long GraphQL operations took, by operation name", ["operation"]
)
ERRORS = Counter("clientpanel_graphql_errors", "top-level GraphQL errors, by extensions.code", ["code"])
RATE_LIMIT_REFUSALS = Counter("clientpanel_rate_limit_refusals", "requests refused by a rate limit, by rule", ["rule"])
OPEN_SOCKETS = Gauge(
    "clientpanel_open_sockets", "open GraphQL WebSockets (before connection_init too)", multiprocess_mode="livesum"
)
OPEN_SUBSCRIPTIONS = Gauge(
    "clientpanel_open_subscriptions",
    "operations running on WebSockets (subscriptions, and queries while they run)",
    multiprocess_mode="livesum",
)
WORKER_HEARTBEAT = Gauge(
    "clientpanel_worker_heartbeat_timestamp_seconds",
    "when each background worker last reported itself alive (Unix time; the newest of all processes)",
    ["worker"],
    multiprocess_mode="max",
)


@functools.cache
def panel_operations() -> frozenset[str]:
    names = set()
    for pattern in PANEL_SCRIPTS:
        for script in PROJECT_DIR.glob(pattern):
            names.update(_PANEL_OPERATION.findall(script.read_text(encoding="utf-8")))
    return frozenset(names)


@functools.cache
def manifest_operations(manifest_file: str) -> frozenset[str]:
    """The operation names of the persisted-query manifest's documents."""
    if not manifest_file:
        return frozenset()
    documents = json.loads(Path(manifest_file).read_text()).values()
    return frozenset(
        definition.name.value
        for document in documents
        for definition in parse(document).definitions
        if isinstance(definition, OperationDefinitionNode) and definition.name is not None
    )


def operation_name(name: str | None, settings: Settings) -> str:
    """The label of an operation: its name if the panel or the manifest uses it, else `other`."""
    known = name is not None and (
        name in panel_operations() or name in manifest_operations(settings.persisted_queries_file)
    )
    return name if known and name is not None else OTHER


def observe_operation(
    name: str | None, settings: Settings, operation_type: str | None, seconds: float, codes: list[str]
) -> None:
    label = operation_name(name, settings)
    count, duration = _operation_series(label, operation_type or "unknown", "error" if codes else "ok")
    count.inc()
    duration.observe(seconds)
    for code in codes:
        ERRORS.labels(code if _ERROR_CODE.fullmatch(code) else OTHER).inc()


@functools.lru_cache(maxsize=1024)
def _operation_series(label: str, operation_type: str, outcome: str) -> tuple[Counter, Histogram]:
    """The operation's count and duration series: `labels()` checks its values on every call, which cost more than
    the rest of a small request's metrics (the labels are few: known names or `other`)."""
    return OPERATIONS.labels(label, operation_type, outcome), OPERATION_SECONDS.labels(label)


def rate_limit_refused(rule: str) -> None:
    """`rule` is the limit's bucket name (the first part of its key, e.g. `sign-in-ip`), never the rest of it."""
    RATE_LIMIT_REFUSALS.labels(rule if _RULE_NAME.fullmatch(rule) else OTHER).inc()


def worker_heartbeat(worker: str, at: datetime) -> None:
    """A worker's sign of life (stuck when older than 3 x WORKER_POLL_SECONDS)."""
    WORKER_HEARTBEAT.labels(worker).set(at.timestamp())


class _Outboxes(Collector):
    """Depth and oldest age of the mail and webhook outboxes, read before the scrape is rendered."""

    def __init__(self, depths: dict[str, int], ages: dict[str, float]) -> None:
        self.depths, self.ages = depths, ages

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily("clientpanel_outbox_depth", "messages waiting to be delivered", labels=["outbox"])
        age = GaugeMetricFamily(
            "clientpanel_outbox_oldest_age_seconds",
            "how long the oldest message waiting has waited (0 when none)",
            labels=["outbox"],
        )
        for outbox, count in self.depths.items():
            depth.add_metric([outbox], count)
            age.add_metric([outbox], self.ages[outbox])
        yield depth
        yield age


async def _outboxes(clock: Clock) -> _Outboxes:
    now = clock.now()
    mail = OutboxMessage.filter(status=DeliveryStatus.QUEUED)
    webhooks = WebhookDelivery.filter(status=WebhookDeliveryStatus.PENDING)
    oldest_mail = await MailMessage.filter(outbox__status=DeliveryStatus.QUEUED).order_by("queued_at").first()
    oldest_webhook = await webhooks.order_by("scheduled_at").first()
    return _Outboxes(
        {"mail": await mail.count(), "webhooks": await webhooks.count()},
        {
            "mail": (now - oldest_mail.queued_at).total_seconds() if oldest_mail else 0.0,
            "webhooks": (now - oldest_webhook.scheduled_at).total_seconds() if oldest_webhook else 0.0,
        },
    )


async def exposition(settings: Settings, clock: Clock) -> bytes:
    """The Prometheus text of every process (multiprocess mode) or this one, and the outboxes; without the
    outboxes if the database does not answer (the rest still says what is going on)."""
    scrape = CollectorRegistry()
    try:
        scrape.register(await _outboxes(clock))
    except Exception:
        log.warning("metrics: the outboxes could not be read", exc_info=True)
    if settings.prometheus_multiproc_dir:
        multiprocess.MultiProcessCollector(scrape, settings.prometheus_multiproc_dir)
        return generate_latest(scrape)
    return generate_latest(REGISTRY) + generate_latest(scrape)


def process_stopped(settings: Settings) -> None:
    """Multiprocess mode: this process's sockets and subscriptions stop counting once it has stopped."""
    if settings.prometheus_multiproc_dir:
        multiprocess.mark_process_dead(os.getpid(), settings.prometheus_multiproc_dir)
