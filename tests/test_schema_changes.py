"""Versioning: a breaking change against the last release fails, unless it removes what a release deprecated
with a removal date that has passed."""

from __future__ import annotations

from datetime import date

from schema.compatibility import compare, last_release, undated_deprecations
from settings import PROJECT_DIR

RELEASED = """
type Query { account: Account, legacy: String @deprecated(reason: "Use account. Removal after 2027-01-31.") }
type Account { id: ID!, name: String, old: String @deprecated(reason: "Use name. Removal after 2027-06-30.") }
enum Kind { A B @deprecated(reason: "Removal after 2027-01-31.") }
"""
BEFORE, AFTER = date(2027, 1, 30), date(2027, 2, 1)


def test_removing_a_field_nobody_deprecated_breaks() -> None:
    current = RELEASED.replace("name: String, ", "")
    report = compare(RELEASED, current, AFTER)
    assert report.breaking == ["Field Account.name was removed."]


def test_retyping_a_field_breaks() -> None:
    current = RELEASED.replace("name: String", "name: Int")
    assert compare(RELEASED, current, AFTER).breaking == ["Field Account.name changed type from String to Int."]


def test_removing_a_deprecated_field_waits_for_its_announced_date() -> None:
    current = RELEASED.replace(', legacy: String @deprecated(reason: "Use account. Removal after 2027-01-31.")', "")
    assert compare(RELEASED, current, BEFORE).breaking == ["Field Query.legacy was removed."]
    after = compare(RELEASED, current, AFTER)
    assert after.breaking == []
    assert after.allowed_removals == ["Field Query.legacy was removed."]


def test_a_deprecated_enum_value_goes_after_its_date_too() -> None:
    current = RELEASED.replace(' B @deprecated(reason: "Removal after 2027-01-31.")', "")
    assert compare(RELEASED, current, BEFORE).breaking == ["Enum value Kind.B was removed."]
    assert compare(RELEASED, current, AFTER).breaking == []


def test_additions_are_fine_and_new_enum_values_are_flagged_as_dangerous() -> None:
    current = RELEASED.replace("enum Kind { A", "enum Kind { A C").replace("id: ID!,", "id: ID!, extra: String,")
    report = compare(RELEASED, current, AFTER)
    assert report.breaking == []
    assert report.dangerous == ["Enum value Kind.C was added."]


def test_a_deprecation_must_announce_its_removal_date() -> None:
    sdl = 'type Query { a: String @deprecated(reason: "Use b."), b: String }'
    assert undated_deprecations(sdl) == ["Query.a"]
    assert undated_deprecations(RELEASED) == []


def test_the_exported_schema_keeps_the_last_release_working() -> None:
    current = (PROJECT_DIR / "schema.graphql").read_text(encoding="utf-8")
    report = compare(last_release().read_text(encoding="utf-8"), current, date.today())
    assert report.breaking == []
    assert undated_deprecations(current) == []
