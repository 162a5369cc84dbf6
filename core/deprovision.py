"""The default deprovisioning hook: it records what a real one would delete.

A provider points DEPROVISION_HOOK at its own `async def hook(runtime, service) -> list[str]`
that deletes the site content and mailboxes (through its control panel's API) and returns
what it deleted. It must be idempotent: after a crash it may be called again for the same
service, and deleting what is already gone must succeed.
"""

from __future__ import annotations

import logging

from core.runtime import Runtime
from models import Service
from models.enums import ServiceKind

log = logging.getLogger("clientpanel.deprovision")

WHAT = {
    ServiceKind.HOSTING: ["site content", "databases", "mailboxes"],
    ServiceKind.EMAIL: ["mailboxes"],
    ServiceKind.DOMAIN: ["DNS zone", "email forwarding"],
    ServiceKind.VPS: ["virtual server", "disks", "backups"],
    ServiceKind.OTHER: ["service data"],
}


async def record_only(runtime: Runtime, service: Service) -> list[str]:
    deleted = [f"{item} of {service.domain or service.name}" for item in WHAT[ServiceKind(service.kind)]]
    log.info("deprovision (record only) service %s: %s", service.id, ", ".join(deleted))
    return deleted
