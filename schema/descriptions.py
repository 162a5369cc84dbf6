"""Descriptions that many fields and inputs share, written once: global ids, versions, connection arguments and
what omitting or sending null means in a partial update."""

from __future__ import annotations

from typing import Annotated

import strawberry

from core.pagination import DEFAULT_PAGE, MAX_PAGE

GLOBAL_ID = (
    "Opaque global id: store it as given and fetch the object again with node(id:). An id of another account "
    "behaves like one that does not exist."
)
VERSION = (
    "Optimistic concurrency: incremented by every save that changes something (a save that changes nothing keeps "
    "it). Send the version you read back as expectedVersion."
)
EXPECTED_VERSION = (
    "The version you read. If the object changed since, nothing is saved and the answer is STALE_VERSION "
    "(even when this save would change nothing): read it again and reapply the edit."
)
PARTIAL_UPDATE = (
    "A partial update: an omitted field keeps its value, null clears it (each field says where null means "
    "something else), a value sets it. A save that changes nothing keeps the version and records nothing."
)

# What an omitted field and null do, per kind of optional field of a partial update.
CLEARS = "Omit to keep; null clears it."
NULL_REFUSED_REQUIRED = "Omit to keep; required, so null is refused (REQUIRED)."
NULL_IS_NO_CHANGE = "Omit or null: no change."

First = Annotated[
    int | None,
    strawberry.argument(
        description=f"At most this many items after `after` (0 to {MAX_PAGE}, else BAD_USER_INPUT; {DEFAULT_PAGE} "
        "when neither first nor last is given)."
    ),
]
After = Annotated[str | None, strawberry.argument(description="A cursor (edges' cursor or pageInfo.endCursor).")]
Last = Annotated[
    int | None,
    strawberry.argument(description=f"At most this many items before `before` (0 to {MAX_PAGE}; not with first)."),
]
Before = Annotated[str | None, strawberry.argument(description="A cursor (edges' cursor or pageInfo.startCursor).")]
