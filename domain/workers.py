"""Every background worker: the app's lifespan and `cli.py worker` run this list (core/workers runs it)."""

from __future__ import annotations

from core.mail_delivery import deliver_forever
from core.retention import retain_forever
from core.webhook_delivery import deliver_webhooks_forever
from core.workers import Worker
from domain.cancellation_completion import complete_forever
from domain.factor_reset import reset_factors_forever
from domain.recovery_worker import recover_forever
from domain.renewal_worker import end_forever

WORKERS: list[Worker] = [
    deliver_forever,
    complete_forever,
    recover_forever,
    end_forever,
    deliver_webhooks_forever,
    reset_factors_forever,
    retain_forever,
]
