"""The provider's brand, read from one TOML file (BRANDING_FILE) that the panel and the emails share.

A hosting provider puts its own name, logo, colours, support contacts, legal footer and the links
to its billing and help-desk systems in that file; nothing of a provider is written in web/ or
templates/. The file is checked when the settings are (start-up): an unknown key, a colour that
is not `#rrggbb` or too faint to read, a link that is not an http(s) URL stops the process with
every problem listed by its key.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from core.i18n import Localized

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
PHONE = re.compile(r"\+?[0-9][0-9 ().-]{4,28}[0-9]")
READABLE_CONTRAST = 4.5  # WCAG AA for normal text
WHITE = "#ffffff"


class BrandingError(ValueError):
    """The branding file has problems; the message lists each by its key and what to write instead."""


@dataclass(frozen=True, slots=True)
class Colours:
    primary: str  # the header and the main buttons
    on_primary: str  # text on `primary`
    accent: str  # links and highlights, on the white page


@dataclass(frozen=True, slots=True)
class Links:
    """Where the provider's own systems are; each one optional (the panel shows those that are set)."""

    change_holder: str | None = None  # "Cambiar titularidad": the change-of-ownership procedure
    billing: str | None = None  # invoices
    payments: str | None = None  # payments made, and informing one
    coupons: str | None = None  # payment coupons to print
    tickets: str | None = None  # support tickets
    plans: str | None = None  # new plans to order


@dataclass(frozen=True, slots=True)
class Support:
    email: str
    phone: str | None = None
    hours: Localized | None = None


@dataclass(frozen=True, slots=True)
class Branding:
    name: str
    logo: str | None  # a path on this site (/static/...) or an http(s) URL
    colours: Colours
    support: Support
    legal_footer: Localized
    links: Links


# Checks: each returns a problem (what to write instead) or None.
Check = Callable[[Any], str | None]


def _text(max_length: int) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, str) or not value.strip():
            return "must be a non-empty text"
        return f"must be at most {max_length} characters" if len(value) > max_length else None

    return check


def _colour(value: Any) -> str | None:
    if isinstance(value, str) and HEX_COLOUR.fullmatch(value):
        return None
    return f"must be a colour written #rrggbb, e.g. #1f5fa8, not {value!r}"


def _url(value: Any) -> str | None:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts and parts.scheme in ("http", "https") and parts.hostname and " " not in value:
        return None
    return f"must be an http(s) URL such as https://www.example.com/page, not {value!r}"


def _logo(value: Any) -> str | None:
    on_this_site = isinstance(value, str) and value.startswith("/") and not value.startswith("//") and " " not in value
    if on_this_site or _url(value) is None:
        return None
    return f"must be a path on this site such as /static/brand/logo.svg or an http(s) URL, not {value!r}"


def _email(value: Any) -> str | None:
    try:
        validate_email(str(value), check_deliverability=False)
    except EmailNotValidError:
        return f"must be an email address, not {value!r}"
    return None


def _phone(value: Any) -> str | None:
    if isinstance(value, str) and PHONE.fullmatch(value):
        return None
    return f"must be a phone number (digits, spaces, + - ( ) .), not {value!r}"


def _localized(max_length: int) -> Check:
    """Prose in both languages: a table with `es` and `en`."""
    text = _text(max_length)

    def check(value: Any) -> str | None:
        if not isinstance(value, Mapping) or set(value) != {"es", "en"}:
            return 'must be a table with the two languages, es = "..." and en = "..."'
        return next((f"{language}: {problem}" for language in ("es", "en") if (problem := text(value[language]))), None)

    return check


# The file's keys, by table: key -> (required, check).
Spec = Mapping[str, tuple[bool, Check]]
TOP: Spec = {"name": (True, _text(80)), "logo": (False, _logo), "legal_footer": (True, _localized(600))}
TABLES: Mapping[str, Spec] = {
    "colours": dict.fromkeys((each.name for each in fields(Colours)), (True, _colour)),
    "support": {"email": (True, _email), "phone": (False, _phone), "hours": (False, _localized(200))},
    "links": {each.name: (False, _url) for each in fields(Links)},
}


def _problems_in(prefix: str, table: Any, spec: Spec) -> list[str]:
    if not isinstance(table, Mapping):
        return [f"[{prefix.rstrip('.')}] must be a table"]
    problems = [f"{prefix}{key} is not a known key (known: {', '.join(spec)})" for key in table if key not in spec]
    for key, (required, check) in spec.items():
        if key not in table:
            problems += [f"{prefix}{key} is missing"] if required else []
        elif problem := check(table[key]):
            problems.append(f"{prefix}{key} {problem}")
    return problems


def _contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _unreadable(colours: Mapping[str, str]) -> list[str]:
    pairs = (("on_primary", colours["on_primary"], colours["primary"]), ("accent", colours["accent"], WHITE))
    return [
        f"colours.{key} is too faint on {background} ({ratio:.1f}:1; text needs {READABLE_CONTRAST}:1 or more)"
        for key, colour, background in pairs
        if (ratio := _contrast(colour, background)) < READABLE_CONTRAST
    ]


def problems(data: Mapping[str, Any]) -> list[str]:
    """Everything wrong with a parsed branding file, each named by its key."""
    found = _problems_in("", {k: v for k, v in data.items() if k not in TABLES}, TOP)
    for name, spec in TABLES.items():
        found += _problems_in(f"{name}.", data.get(name, {}), spec)
    if not found:
        found = _unreadable(data["colours"])
    return found


def _both_languages(value: Mapping[str, str]) -> Localized:
    return Localized(value["es"].strip(), value["en"].strip())


def branding_of(data: Mapping[str, Any]) -> Branding:
    """A checked file's brand (call `problems` first)."""
    support = data["support"]
    hours = support.get("hours")
    return Branding(
        name=data["name"].strip(),
        logo=data.get("logo"),
        colours=Colours(**{key: value.lower() for key, value in data["colours"].items()}),
        support=Support(support["email"], support.get("phone"), _both_languages(hours) if hours else None),
        legal_footer=_both_languages(data["legal_footer"]),
        links=Links(**data.get("links", {})),
    )


@functools.lru_cache(maxsize=16)
def load_branding(path: str) -> Branding:
    """The brand in the TOML file at `path`, read once per process; BrandingError lists what to fix."""
    try:
        with open(path, "rb") as file:
            data = tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BrandingError(f"cannot be read as TOML: {exc}") from exc
    if found := problems(data):
        raise BrandingError("; ".join(found))
    return branding_of(data)
