"""Every staff request is audited: which key, from where, which operation and root fields, and how it ended
(the error codes, top-level and in payloads). Never the variables: they carry customers' data and PINs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
)
from strawberry.extensions import SchemaExtension

from core.activity import fit
from core.logs import operation_label
from core.staff_context import StaffContext
from models import StaffAudit


def root_fields(document: Any, operation_name: str | None) -> list[str]:
    """The root fields of the operation that ran (the named one, else the only one), through fragments and inline
    fragments at the root: a field wrapped in `...F` is audited like one written out."""
    if document is None:
        return []
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    if len(chosen) != 1:
        return []
    names: list[str] = []
    seen: set[str] = set()

    def collect(selections: Any) -> None:
        for selection in selections:
            if isinstance(selection, FieldNode):
                names.append(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                collect(selection.selection_set.selections)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)
                fragment = fragments.get(selection.name.value)
                if fragment is not None:
                    collect(fragment.selection_set.selections)

    collect(chosen[0].selection_set.selections)
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
            fields_called=fit(
                StaffAudit, "fields_called", ",".join(root_fields(context.graphql_document, context.operation_name))
            ),
            outcome=fit(StaffAudit, "outcome", ",".join(codes) or "ok"),
        )
