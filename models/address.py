"""The postal address columns that the holder and contacts share (street, city, state, postal code, country)."""

from tortoise import fields
from tortoise.models import Model


class AddressColumns(Model):
    """A row with an optional postal address: every column null when it has none."""

    street = fields.CharField(max_length=200, null=True)
    neighborhood = fields.CharField(max_length=100, null=True)
    city = fields.CharField(max_length=100, null=True)
    state = fields.CharField(max_length=100, null=True)
    postal_code = fields.CharField(max_length=16, null=True)
    country_code = fields.CharField(max_length=2, null=True)

    class Meta:
        abstract = True
