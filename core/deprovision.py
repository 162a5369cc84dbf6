"""The deprovisioning hook: its shape, how DEPROVISION_HOOK names it, and the default that only records.

A provider points DEPROVISION_HOOK at its own `async def hook(runtime, service) -> list[str]`
that deletes the site content and mailboxes (through its control panel's API) and returns
what it deleted. It must be idempotent: after a crash it may be called again for the same
service, and deleting what is already gone must succeed.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Awaitable, Callable
from functools import cache

from core.runtime import Runtime
from models import Service
from models.enums import ServiceKind

log = logging.getLogger("clientpanel.deprovision")

Hook = Callable[[Runtime, Service], Awaitable[list[str]]]

WHAT = {
    ServiceKind.HOSTING: ["site content", "databases", "mailboxes"],
    ServiceKind.EMAIL: ["mailboxes"],
    ServiceKind.DOMAIN: ["DNS zone", "email forwarding"],
    ServiceKind.VPS: ["virtual server", "disks", "backups"],
    ServiceKind.OTHER: ["service data"],
}


@cache
def hook_named(name: str) -> Hook:
    """The callable named by DEPROVISION_HOOK ("module:function"), resolved once."""
    module, _, function = name.partition(":")
    hook: Hook = getattr(importlib.import_module(module), function)
    return hook


async def record_only(runtime: Runtime, service: Service) -> list[str]:
    deleted = [f"{item} of {service.domain or service.name}" for item in WHAT[ServiceKind(service.kind)]]
    log.info("deprovision (record only) service %s: %s", service.id, ", ".join(deleted))
    return deleted
