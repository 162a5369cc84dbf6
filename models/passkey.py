"""Passkeys (WebAuthn): a person's registered credentials, and the challenges the browser signs.

A person may register several (each with a name). The public key is not a secret; the sign counter is kept
as the specification says (a counter that goes backwards betrays a cloned authenticator). A challenge is
random and single-use; only its keyed hash is stored, looked up by the hash of what the browser signed.
"""

from tortoise import fields
from tortoise.models import Model

from models.account import Account
from models.contact import Contact


class Passkey(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="passkeys", on_delete=fields.CASCADE
    )
    account_id: int
    contact: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="passkeys", null=True, on_delete=fields.CASCADE
    )
    contact_id: int | None
    name = fields.CharField(max_length=100)
    credential_id = fields.CharField(max_length=1400, unique=True)  # base64url
    public_key = fields.TextField()  # base64url of the COSE key
    sign_count = fields.BigIntField(default=0)
    transports: list[str] = fields.JSONField(default=list)
    backed_up = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "passkey"


class WebAuthnChallenge(Model):
    """What the browser must sign: to register a passkey (a signed-in person), to sign in with one (nobody known
    yet: discoverable credentials), as the second step of a sign-in, or for step-up."""

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="webauthn_challenges", null=True, on_delete=fields.CASCADE
    )
    account_id: int | None
    contact: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="webauthn_challenges", null=True, on_delete=fields.CASCADE
    )
    contact_id: int | None
    purpose = fields.CharField(max_length=16)
    challenge_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webauthn_challenge"
