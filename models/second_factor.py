"""Two-step sign-in: a person's second factors, their recovery codes, and the challenge between the two steps.

A person is the holder (contact None) or one contact of an account; each enrols for themselves. TOTP is the
first kind of factor: its seed is stored encrypted with the keyring (core/keyring), never hashed, since
codes are computed from it. Recovery codes and challenge tokens are random: stored as keyed hashes only.
"""

from tortoise import fields
from tortoise.models import Model

from models.account import Account
from models.contact import Contact


def person_key(account_id: int, contact_id: int | None) -> str:
    """One key per person, so the database itself keeps one TOTP factor per person (NULL contacts never clash)."""
    return f"contact:{contact_id}" if contact_id is not None else f"holder:{account_id}"


class TotpFactor(Model):
    """A person's authenticator app (RFC 6238): pending until a correct code confirms it."""

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="totp_factors", on_delete=fields.CASCADE
    )
    account_id: int
    contact: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="totp_factors", null=True, on_delete=fields.CASCADE
    )
    contact_id: int | None
    person = fields.CharField(max_length=40, unique=True)
    # `<key id>:<Fernet token>` of the base32 seed (core/keyring).
    secret = fields.CharField(max_length=255)
    created_at = fields.DatetimeField()
    confirmed_at = fields.DatetimeField(null=True)
    # The time step of the last accepted code: a code is accepted only for a later step (a conditional UPDATE),
    # so no code works twice, in any process.
    last_used_step = fields.BigIntField(null=True)

    class Meta:
        table = "totp_factor"


class RecoveryCode(Model):
    """One of a person's single-use recovery codes (shown once, stored as a keyed hash)."""

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="recovery_codes", on_delete=fields.CASCADE
    )
    account_id: int
    contact: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="recovery_codes", null=True, on_delete=fields.CASCADE
    )
    contact_id: int | None
    code_hash = fields.CharField(max_length=64, db_index=True)
    created_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "recovery_code"


class SignInChallenge(Model):
    """Between a right password and the second factor: short-lived, single-use, a few attempts."""

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="sign_in_challenges", on_delete=fields.CASCADE
    )
    account_id: int
    contact: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="sign_in_challenges", null=True, on_delete=fields.CASCADE
    )
    contact_id: int | None
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "sign_in_challenge"
