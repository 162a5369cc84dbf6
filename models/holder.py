"""The account holder's (titular's) personal data: identity, contact data and address."""

from tortoise import fields

from models.account import Account
from models.address import AddressColumns
from models.enums import HolderKind, Language, NationalIdType


class Holder(AddressColumns):
    id = fields.IntField(primary_key=True)
    account: fields.OneToOneRelation[Account] = fields.OneToOneField(
        "models.Account", related_name="holder", on_delete=fields.CASCADE
    )
    account_id: int
    kind = fields.CharEnumField(HolderKind, max_length=16)
    first_name = fields.CharField(max_length=100)
    last_name = fields.CharField(max_length=100)
    company_name = fields.CharField(max_length=200, null=True)
    national_id_type = fields.CharEnumField(NationalIdType, max_length=16, null=True)
    national_id = fields.CharField(max_length=40, null=True)
    tax_id_type = fields.CharEnumField(NationalIdType, max_length=16, null=True)
    tax_id = fields.CharField(max_length=40, null=True)
    email = fields.CharField(max_length=254)
    phone = fields.CharField(max_length=20, null=True)
    language = fields.CharEnumField(Language, max_length=2, default=Language.ES)
    # Optional mail categories the holder chose not to receive (NOTES: promotions); GENERAL never.
    muted_categories: list[str] = fields.JSONField(default=list)
    version = fields.IntField(default=1)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "holder"
