"""Inclusion breakdowns: ages on a fixed date, rural or urban from the commune referential,
size classes from the register's facts, and an explicit unknown in every dimension."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from marsad.errors import InvalidInput
from marsad.programmes.facts import EnterpriseFacts
from marsad.training.inclusion import (
    DIMENSIONS,
    NO_ENTERPRISE,
    UNKNOWN,
    InclusionProfile,
    breakdown,
    label,
    load_rules,
    profile_of,
)
from marsad.training.register_facts import facts_for, in_register

ON = date(2025, 6, 30)


@dataclass
class Person:
    gender: str | None
    birth_year: int | None
    commune_code: str | None
    enterprise_id: str | None


FACTS = {
    "E1": EnterpriseFacts("E1", ON, region_code="06", size_classes={"omtpme_2021": "TPE"}),
    "E2": EnterpriseFacts("E2", ON, region_code="09", size_classes={"omtpme_2021": None}),
}


def lookup(enterprise_id: str) -> EnterpriseFacts | None:
    return FACTS.get(enterprise_id)


def test_profiles_take_place_from_the_commune_and_size_from_the_register() -> None:
    # Tanger (urban, region 01) and Gueznaya (rural, region 01) of the referential
    urban = profile_of(Person("F", 1990, "01001001", "E1"), lookup)
    assert urban == InclusionProfile("F", 1990, "01", "urban", "TPE")
    rural = profile_of(Person("M", 1970, "01001003", None), lookup)
    assert rural == InclusionProfile("M", 1970, "01", "rural", NO_ENTERPRISE)
    # no commune: the region of the enterprise, the area unknown; no measure: size unknown
    assert profile_of(Person(None, None, None, "E2"), lookup) == InclusionProfile(
        None, None, "09", None, None
    )
    # an enterprise the register does not know, a commune code that does not exist
    assert profile_of(Person("X", 1980, "99999999", "E404"), lookup) == InclusionProfile(
        None, 1980, None, None, None
    )


def test_breakdown_known_answer() -> None:
    people = [
        Person("F", 2001, "01001001", "E1"),  # 24 in 2025: moins de 25, young, urban
        Person("F", 2000, "01001003", None),  # 25: 25-34, young, rural, project holder
        Person("M", 1991, "01001001", "E1"),  # 34: still young
        Person("M", 1990, None, "E2"),  # 35: not young, area unknown, region 09
        Person("M", 1970, "01001003", "E404"),  # 55: 55 et plus, size unknown
        Person(None, None, None, None),  # all unknown but the size (project holder)
        Person("F", 1900, None, None),  # 125 years old: a mistyped year, age unknown
    ]
    counts = breakdown((profile_of(p, lookup) for p in people), ON)
    assert list(counts) == list(DIMENSIONS)
    assert counts["gender"] == {"F": 3, "M": 3, UNKNOWN: 1}
    assert counts["age_band"] == {
        "moins_25": 1,
        "25_34": 2,
        "35_44": 1,
        "45_54": 0,
        "55_plus": 1,
        UNKNOWN: 2,
    }
    assert counts["youth"] == {"oui": 3, "non": 2, UNKNOWN: 2}
    assert counts["area"] == {"urban": 2, "rural": 2, UNKNOWN: 3}
    assert counts["region"]["01"] == 4 and counts["region"]["09"] == 1
    assert counts["region"][UNKNOWN] == 2 and counts["region"]["12"] == 0
    assert len(counts["region"]) == 13
    assert counts["size_class"] == {
        "MICRO": 0,
        "TPE": 2,
        "PE": 0,
        "ME": 0,
        "GE": 0,
        NO_ENTERPRISE: 3,
        UNKNOWN: 2,
    }
    assert all(sum(c.values()) == len(people) for c in counts.values())
    # the same people a year later: the 34-year-old is no longer young
    later = breakdown((profile_of(p, lookup) for p in people), date(2026, 1, 1))
    assert later["youth"] == {"oui": 2, "non": 3, UNKNOWN: 2}


def test_empty_breakdown_lists_every_category_at_zero() -> None:
    counts = breakdown([], ON)
    assert counts["gender"] == {"F": 0, "M": 0, UNKNOWN: 0}
    assert all(v == 0 for c in counts.values() for v in c.values())
    assert label("area", "rural") == "Rural" and label("gender") == "Genre"
    assert label("region", "06") == "Casablanca-Settat"


def test_bad_rules_are_reported_at_once() -> None:
    text = """
age_bands:
  - {code: a, label: A, max: 20}
  - {code: b, label: B, min: 30}
youth_max_age: young
plausible_age: {min: 10}
size_scheme: nowhere
dimensions: {gender: {label: G}}
"""
    with pytest.raises(InvalidInput) as bad:
        load_rules(text)
    message = str(bad.value)
    for expected in ("starts at 30, expected 21", "youth_max_age", "plausible_age", "size_scheme"):
        assert expected in message
    assert "dimensions" in message


def test_register_facts_read_at_once(tmp_path: Path) -> None:
    """Region and size class of the latest year with a measure up to the date, as the
    programmes read them; an enterprise the build does not know is left out."""
    build = tmp_path / "build"
    build.mkdir()
    pd.DataFrame(
        {
            "enterprise_id": ["E1", "E2"],
            "region_code": ["06", "09"],
            "section": ["C", "G"],
            "division": ["10", "47"],
        }
    ).to_parquet(build / "enterprises.parquet")
    lookup = facts_for(build, ["E1", "E2", "E3"], ON)  # no panel yet
    first = lookup("E1")
    assert first is not None and first.size_classes == {}
    assert lookup("E3") is None
    pd.DataFrame(
        {
            "enterprise_id": ["E1", "E1", "E1", "E2"],
            "year": [2023, 2024, 2026, 2025],
            "turnover_mad": [5e6, 12e6, 80e6, None],
            "employees": [4, 9, 40, None],
            "size_omtpme_2021": ["TPE", "PE", "ME", None],
        }
    ).to_parquet(build / "panel.parquet")
    lookup = facts_for(build, ["E1", "E2"], ON)
    e1, e2 = lookup("E1"), lookup("E2")
    assert e1 is not None and e1.year == 2024 and e1.size_classes == {"omtpme_2021": "PE"}
    assert e2 is not None and e2.region_code == "09" and e2.size_classes["omtpme_2021"] is None
    assert facts_for(None, ["E1"], ON)("E1") is None
    assert in_register(build)("E2") and not in_register(build)("E3")
    assert not in_register(None)("E1")
