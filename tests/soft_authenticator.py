"""A software WebAuthn authenticator for API tests: a real ES256 key pair (cryptography), attestation "none"
registrations and signed assertions, built byte by byte as the specification lays them out, so the server's
real verification (py_webauthn) runs on them.

`origin`, `rp_id`, the flags and the sign counter can be set per call, to build the answers an attacker or a
broken authenticator would send.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from tests.conftest import BROWSER_PORT

ORIGIN = f"http://localhost:{BROWSER_PORT}"
RP_ID = "localhost"
# Authenticator data flags (WebAuthn §6.1).
UP, UV, BE, BS, AT = 0x01, 0x04, 0x08, 0x10, 0x40


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class SoftAuthenticator:
    """One passkey (a discoverable credential) on a device that counts its uses."""

    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    credential_id: bytes = field(default_factory=lambda: os.urandom(16))
    sign_count: int = 0
    user_handle: bytes | None = None

    @property
    def id(self) -> str:
        return b64(self.credential_id)

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        # kty EC2, alg ES256, crv P-256, x, y (RFC 9053).
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    @staticmethod
    def _client_data(kind: str, options: dict[str, Any], origin: str, challenge: str | None) -> bytes:
        data = {"type": kind, "challenge": challenge or options["challenge"], "origin": origin, "crossOrigin": False}
        return json.dumps(data).encode()

    def create(
        self,
        options_json: str,
        *,
        origin: str = ORIGIN,
        rp_id: str = RP_ID,
        flags: int = UP | UV | BE | BS,
        challenge: str | None = None,
    ) -> str:
        """The JSON of the PublicKeyCredential navigator.credentials.create() would give for these options."""
        options = json.loads(options_json)
        self.user_handle = base64.urlsafe_b64decode(options["user"]["id"] + "==")
        client_data = self._client_data("webauthn.create", options, origin, challenge)
        attested = struct.pack(">H", len(self.credential_id)) + self.credential_id + self._cose_key()
        auth_data = self._auth_data(rp_id, flags | AT, self.sign_count) + bytes(16) + attested
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        response = {
            "clientDataJSON": b64(client_data),
            "attestationObject": b64(attestation),
            "transports": ["internal"],
        }
        return self._credential(response)

    def get(
        self,
        options_json: str,
        *,
        origin: str = ORIGIN,
        rp_id: str = RP_ID,
        flags: int = UP | UV | BE | BS,
        sign_count: int | None = None,
        challenge: str | None = None,
    ) -> str:
        """The JSON of the PublicKeyCredential navigator.credentials.get() would give (the counter goes up one,
        unless `sign_count` says what to send)."""
        options = json.loads(options_json)
        if sign_count is None:
            self.sign_count += 1
            sign_count = self.sign_count
        client_data = self._client_data("webauthn.get", options, origin, challenge)
        auth_data = self._auth_data(rp_id, flags, sign_count)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        response = {
            "clientDataJSON": b64(client_data),
            "authenticatorData": b64(auth_data),
            "signature": b64(signature),
            "userHandle": b64(self.user_handle or b""),
        }
        return self._credential(response)

    @staticmethod
    def _auth_data(rp_id: str, flags: int, sign_count: int) -> bytes:
        return hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", sign_count)

    def _credential(self, response: dict[str, Any]) -> str:
        return json.dumps(
            {
                "id": self.id,
                "rawId": self.id,
                "type": "public-key",
                "response": response,
                "clientExtensionResults": {},
                "authenticatorAttachment": "platform",
            }
        )
