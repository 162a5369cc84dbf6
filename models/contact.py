"""A contact (sub-account): a third person with access to the account and chosen emails."""

from tortoise import fields

from models.account import Account
from models.address import AddressColumns
from models.enums import Language


class Contact(AddressColumns):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="contacts", on_delete=fields.CASCADE
    )
    account_id: int
    first_name = fields.CharField(max_length=100)
    last_name = fields.CharField(max_length=100)
    company_name = fields.CharField(max_length=200, null=True)
    # One person may be a contact of several accounts: unique per account only.
    email = fields.CharField(max_length=254, db_index=True)
    phone = fields.CharField(max_length=20, null=True)
    active = fields.BooleanField(default=True)
    permissions: list[str] = fields.JSONField(default=list)
    email_categories: list[str] = fields.JSONField(default=list)
    language = fields.CharEnumField(Language, max_length=2, default=Language.ES)
    password_hash = fields.CharField(max_length=255, null=True)
    password_changed_at = fields.DatetimeField(null=True)
    must_change_password = fields.BooleanField(default=False)
    invitation_token_hash = fields.CharField(max_length=64, null=True, unique=True)
    invitation_expires_at = fields.DatetimeField(null=True)
    last_sign_in_at = fields.DatetimeField(null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField()

    class Meta:
        table = "contact"
        unique_together = (("account", "email"),)
