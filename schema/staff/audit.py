"""Every staff request is audited: which key, from where, which operation and root fields, and how it ended
(the error codes, top-level and in payloads). Never the variables: they carry customers' data and PINs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from graphql import FieldNode, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from core.activity import fit
from core.logs import operation_label
from core.staff_context import StaffContext
from models import StaffAudit


def root_fields(document: Any) -> list[str]:
    """The root field names the request asked for (all operations in the document)."""
    names: list[str] = []
    for definition in getattr(document, "definitions", ()):
        if isinstance(definition, OperationDefinitionNode):
            names += [s.name.value for s in definition.selection_set.selections if isinstance(s, FieldNode)]
    return names


def payload_codes(data: Any) -> list[str]:
    """The codes in the payloads' `errors` (one level down: each root field's payload)."""
    codes: list[str] = []
    for payload in (data or {}).values():
        if isinstance(payload, dict):
            codes += [str(e.get("code")) for e in payload.get("errors") or () if isinstance(e, dict)]
    return codes


class StaffAuditLog(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context
        staff = context.context
        if not isinstance(staff, StaffContext):
            return
        result = context.result
        errors = getattr(result, "errors", None) or context.pre_execution_errors or []
        codes = sorted({str((e.extensions or {}).get("code", "ERROR")) for e in errors})
        codes += sorted(set(payload_codes(getattr(result, "data", None))))
        await StaffAudit.create(
            key_id=staff.key.id,
            at=staff.runtime.clock.now(),
            address=staff.ip_address,
            operation=operation_label(context.operation_name),
            fields_called=fit(StaffAudit, "fields_called", ",".join(root_fields(context.graphql_document))),
            outcome=fit(StaffAudit, "outcome", ",".join(codes) or "ok"),
        )
