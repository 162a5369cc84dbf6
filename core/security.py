"""Secrets: argon2id for what people choose (passwords, PINs), keyed SHA-256 for random tokens.

Random tokens (sessions, links, codes) have enough entropy that a keyed hash is safe and
fast; the key means a leaked table alone cannot be used to check guesses. The keys are a list
(SECRET_KEYS, or SECRET_KEY for one): the first hashes what is stored, every one is tried when
checking, so a new key goes first and the old one stays until what it hashed has expired
(docs/operations.md). Nothing here can be decrypted: reversible secrets use core/keyring.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from settings import Settings


class Secrets:
    def __init__(self, settings: Settings) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib, parallelism=1
        )
        self._keys = tuple(key.encode() for key in settings.hashing_keys)
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))

    @property
    def parameters(self) -> str:
        p = self._hasher
        return f"argon2id t={p.time_cost} m={p.memory_cost}KiB p={p.parallelism}"

    async def hash_password(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify_password(self, stored_hash: str | None, password: str) -> bool:
        """Constant work whether or not there is a hash: unknown users (and an empty hash: no password chosen yet)
        cost what known ones do and never match."""
        return await asyncio.to_thread(self._verify, stored_hash or self._dummy_hash, password, bool(stored_hash))

    def needs_rehash(self, stored_hash: str) -> bool:
        return self._hasher.check_needs_rehash(stored_hash)

    def _verify(self, stored_hash: str, password: str, real: bool) -> bool:
        try:
            return self._hasher.verify(stored_hash, password) and real
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def digest(self, token: str) -> str:
        """Keyed hash of a random token or code, as stored (with the first key)."""
        return self._digest(self._keys[0], token)

    def digests(self, token: str) -> list[str]:
        """The token's hash under every key, the first key's first: look a stored hash up with
        `token_hash__in=secrets.digests(token)` so that what older keys hashed is still found."""
        return [self._digest(key, token) for key in self._keys]

    def matches(self, stored_digest: str | None, token: str) -> bool:
        """Whether `stored_digest` is the token's hash under any key, each compared in constant time."""
        if stored_digest is None:
            return False
        found = [hmac.compare_digest(stored_digest, digest) for digest in self.digests(token)]
        return any(found)

    @staticmethod
    def _digest(key: bytes, token: str) -> str:
        return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()

    @staticmethod
    def new_token() -> str:
        """256 random bits, URL-safe."""
        return secrets.token_urlsafe(32)

    @staticmethod
    def new_code(digits: int = 6) -> str:
        return f"{secrets.randbelow(10**digits):0{digits}d}"

    @staticmethod
    def new_password() -> str:
        """A temporary password that is strong by construction (about 100 bits)."""
        alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        return "-".join("".join(secrets.choice(alphabet) for _ in range(6)) for _ in range(3))
