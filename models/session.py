"""A signed-in browser session: the cookie carries a random token, the table only its hash."""

from tortoise import fields
from tortoise.models import Model

from models.account import Account
from models.contact import Contact


class Session(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="sessions", on_delete=fields.CASCADE
    )
    account_id: int
    contact: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="sessions", null=True, on_delete=fields.CASCADE
    )
    contact_id: int | None
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()
    # When the person last proved who they are (sign-in or reauthenticate): step-up checks it.
    authenticated_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True)
    ip_address = fields.CharField(max_length=45, null=True)
    user_agent = fields.CharField(max_length=300, null=True)

    class Meta:
        table = "session"
