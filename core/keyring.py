"""The encryption keyring: secrets stored reversibly (e.g. TOTP seeds), never the hashed ones.

ENCRYPTION_KEYS lists `id:key` pairs, the newest first: the first encrypts, every one decrypts.
A stored value is `<key id>:<Fernet token>`, so it names the key that encrypted it: decryption
uses that key directly, `needs_rotation` tells values under an older key, and `rotate` re-encrypts
them under the first (`cli.py rotate-encryption`). Fernet is AES-128-CBC with HMAC-SHA256
(authenticated: a changed value does not decrypt). These keys are separate from SECRET_KEYS, so a
leaked hashing key decrypts nothing. Neither keys nor plaintexts appear in repr() or errors.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken

from settings import Settings


class KeyringError(ValueError):
    """A stored value cannot be decrypted: its key id is not in ENCRYPTION_KEYS, or it was altered."""


class Keyring:
    """The keys of ENCRYPTION_KEYS by id; the first one encrypts."""

    def __init__(self, entries: tuple[str, ...]) -> None:
        if not entries:
            raise KeyringError("ENCRYPTION_KEYS: at least one id:key is needed")
        pairs = [entry.partition(":") for entry in entries]
        self._keys = {key_id: Fernet(key.encode("ascii")) for key_id, _, key in pairs}
        self.primary_id = pairs[0][0]

    @classmethod
    def from_settings(cls, settings: Settings) -> Keyring:
        return cls(settings.encryption_keys)

    @property
    def key_ids(self) -> tuple[str, ...]:
        """The ids of the keys that decrypt, the one that encrypts first."""
        return tuple(self._keys)

    def __repr__(self) -> str:
        return f"Keyring(key_ids={self.key_ids!r})"

    def encrypt(self, plaintext: str) -> str:
        """The value to store: the first key's id, a colon, the Fernet token."""
        token = self._keys[self.primary_id].encrypt(plaintext.encode())
        return f"{self.primary_id}:{token.decode('ascii')}"

    def decrypt(self, stored: str) -> str:
        key_id, token = self._split(stored)
        try:
            return self._key(key_id).decrypt(token.encode("ascii")).decode()
        except (InvalidToken, UnicodeError) as exc:
            raise KeyringError(f"a value under key id {key_id!r} does not decrypt (altered, or not ours)") from exc

    def key_id_of(self, stored: str) -> str:
        """The id of the key that encrypted `stored`."""
        return self._split(stored)[0]

    def needs_rotation(self, stored: str) -> bool:
        """Whether `stored` was encrypted under a key other than the first."""
        return self.key_id_of(stored) != self.primary_id

    def rotate(self, stored: str) -> str:
        """`stored` encrypted under the first key (unchanged when it already is): what to store instead."""
        return self.encrypt(self.decrypt(stored)) if self.needs_rotation(stored) else stored

    def _key(self, key_id: str) -> Fernet:
        key = self._keys.get(key_id)
        if key is None:
            raise KeyringError(
                f"key id {key_id!r} is not in ENCRYPTION_KEYS: keep a key until `cli.py rotate-encryption` has"
                " re-encrypted what it encrypted"
            )
        return key

    @staticmethod
    def _split(stored: str) -> tuple[str, str]:
        key_id, colon, token = stored.partition(":")
        if not colon or not key_id or not token:
            raise KeyringError("not a keyring value (expected <key id>:<token>)")
        return key_id, token
