"""The hosting provider behind the panel: its brand (BRANDING_FILE) and what forms need to show places.

Public on purpose: the sign-in page already wears the brand, and nothing here is about a customer.
"""

from __future__ import annotations

import functools
import gettext

import pycountry
import strawberry

from core.branding import Branding
from core.context import Context
from core.mail import searchable
from models.enums import Language


@strawberry.type(description="The provider's colours, each written #rrggbb.")
class ProviderColours:
    primary: str = strawberry.field(description="The header and the main buttons.")
    on_primary: str = strawberry.field(description="Text on `primary`.")
    accent: str = strawberry.field(description="Links and highlights on a white page.")


@strawberry.type(description="The provider's own systems; each null when the provider has not set it.")
class ProviderLinks:
    change_holder_url: str | None = strawberry.field(description="How to change the holder (cambiar titularidad).")
    billing_url: str | None = strawberry.field(description="Invoices.")
    payments_url: str | None = strawberry.field(description="Payments made, and informing one.")
    coupons_url: str | None = strawberry.field(description="Payment coupons to print.")
    tickets_url: str | None = strawberry.field(description="Support tickets.")
    plans_url: str | None = strawberry.field(description="New plans to order.")


@strawberry.type(description="A country, named in the caller's language.")
class Country:
    code: str = strawberry.field(description="ISO 3166-1 alpha-2, as addresses store it.")
    name: str


@functools.cache
def countries_in(language: Language) -> list[Country]:
    """Every ISO 3166-1 country by its common name in `language` (Bolivia, not "Bolivia, Estado plurinacional
    de"), in the order its readers look for them."""
    names = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language.value.lower()], fallback=True)
    named = [
        Country(code=c.alpha_2, name=names.gettext(getattr(c, "common_name", c.name))) for c in pycountry.countries
    ]
    return sorted(named, key=lambda country: searchable(country.name))


@functools.cache
def subdivisions_in(country_code: str, language: Language) -> list[str]:
    """The names of a country's top-level subdivisions (provinces, states) in `language`, sorted."""
    names = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[language.value.lower()], fallback=True)
    found = pycountry.subdivisions.get(country_code=country_code) or []
    return sorted((names.gettext(s.name) for s in found if s.parent_code is None), key=searchable)


@strawberry.type(description="The hosting provider: its name, brand and contacts, from its branding file.")
class Provider:
    brand: strawberry.Private[Branding]
    language: strawberry.Private[Language]
    time_zone: str = strawberry.field(
        description="IANA name of the provider's time zone: due dates and deadlines are days in it."
    )

    @strawberry.field
    def name(self) -> str:
        return self.brand.name

    @strawberry.field(description="A path on this site (e.g. /static/brand/logo.svg) or an absolute URL.")
    def logo_url(self) -> str | None:
        return self.brand.logo

    @strawberry.field
    def colours(self) -> ProviderColours:
        colours = self.brand.colours
        return ProviderColours(primary=colours.primary, on_primary=colours.on_primary, accent=colours.accent)

    @strawberry.field
    def support_email(self) -> str:
        return self.brand.support.email

    @strawberry.field(description="As the provider writes it (spaces, dashes), for people to read and dial.")
    def support_phone(self) -> str | None:
        return self.brand.support.phone

    @strawberry.field(description="When support answers, in the caller's language.")
    def support_hours(self) -> str | None:
        hours = self.brand.support.hours
        return hours.in_language(self.language) if hours else None

    @strawberry.field(description="The provider's legal text (company, tax id, address), in the caller's language.")
    def legal_footer(self) -> str:
        return self.brand.legal_footer.in_language(self.language)

    @strawberry.field
    def links(self) -> ProviderLinks:
        links = self.brand.links
        return ProviderLinks(
            change_holder_url=links.change_holder,
            billing_url=links.billing,
            payments_url=links.payments,
            coupons_url=links.coupons,
            tickets_url=links.tickets,
            plans_url=links.plans,
        )

    @strawberry.field(description="Countries to choose an address's from, named in the caller's language.")
    def countries(self) -> list[Country]:
        return countries_in(self.language)

    @strawberry.field(
        description="Names of a country's provinces or states (ISO 3166-2, top level), to suggest for an address's "
        "`state` (which stays free text); empty for a code that names no country."
    )
    def subdivisions(self, country_code: str) -> list[str]:
        code = country_code.strip().upper()
        if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
            return []
        return subdivisions_in(code, self.language)


@strawberry.type
class Query:
    @strawberry.field(description="The provider behind this panel; public, so the sign-in page wears its brand.")
    def provider(self, info: strawberry.Info[Context, None]) -> Provider:
        ctx = info.context
        settings = ctx.runtime.settings
        return Provider(brand=settings.branding, language=ctx.language, time_zone=settings.timezone)
