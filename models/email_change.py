"""A requested change of the address that receives a person's secrets.

It takes effect only when the link sent to the new address is followed; until then the old
address keeps receiving everything, recovery included. The link's token is stored hashed.
"""

from tortoise import fields
from tortoise.models import Model

from models.account import Account
from models.contact import Contact


class EmailChange(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="email_changes", on_delete=fields.CASCADE
    )
    account_id: int
    # None: the holder's primary email; else that contact's email.
    contact: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="email_changes", null=True, on_delete=fields.CASCADE
    )
    contact_id: int | None
    new_email = fields.CharField(max_length=254)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    confirmed_at = fields.DatetimeField(null=True)
    voided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "email_change"
