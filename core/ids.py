"""Opaque global ids (Relay): base64url of "Type:pk"."""

from __future__ import annotations

import base64
import binascii
import functools

MAX_PK = 2**31 - 1  # the databases' integer keys; a larger number cannot name anything
_URL_SAFE = bytes.maketrans(b"+/", b"-_")


@functools.lru_cache(maxsize=8192)
def to_global_id(type_name: str, pk: int) -> str:
    """Remembered for the rows of recent answers: a dashboard encodes about 250 ids and cursors."""
    return urlsafe_unpadded(f"{type_name}:{pk}")


def urlsafe_unpadded(text: str) -> str:
    """base64url without padding, in one C call and a translation (a list's ids and cursors are encoded per row)."""
    return binascii.b2a_base64(text.encode(), newline=False).translate(_URL_SAFE).rstrip(b"=").decode()


def from_global_id(global_id: str, expected_type: str | None = None) -> tuple[str, int] | None:
    """(type, pk), or None for anything malformed or of another type: callers treat it as missing."""
    try:
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
        type_name, _, pk = raw.partition(":")
        value = int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not 0 < value <= MAX_PK or not type_name or (expected_type is not None and type_name != expected_type):
        return None
    return type_name, value


def pk_of(global_id: str, expected_type: str) -> int | None:
    decoded = from_global_id(global_id, expected_type)
    return decoded[1] if decoded else None
