"""Inclusion breakdowns of participants: gender, age band, youth, region, rural or urban
commune, size class of their enterprise — each with an explicit unknown category.

The categories are data (``data/inclusion.yaml``, the region and commune referentials,
the size scheme of the register's panel). A participant's place is their commune of the
referential (its region and its kind, urban or rural); without a commune, the region is
the one of their enterprise in the register and the area is unknown. The size class is
the one of the latest panel year with a measure up to the date of the count, read through
the facts the programmes use (``marsad.programmes.facts``); a project holder without a
registered enterprise counts apart (``sans_entreprise``).

Ages: only the birth year is collected, so the age on a date is the age reached during
that date's year; an age outside the plausible range counts as unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import yaml

from marsad.errors import InvalidInput, NotFound
from marsad.programmes.facts import EnterpriseFacts, enterprise_facts
from marsad.reference import load_communes, load_regions, load_size_schemes

UNKNOWN = "inconnu"
UNKNOWN_LABEL = "Inconnu"
NO_ENTERPRISE = "sans_entreprise"
DIMENSIONS = ("gender", "age_band", "youth", "region", "area", "size_class")

FactsLookup = Callable[[str], EnterpriseFacts | None]


class PersonLike(Protocol):
    """What a breakdown needs of a participant (the ``Participant`` row, or a copy)."""

    @property
    def gender(self) -> str | None: ...
    @property
    def birth_year(self) -> int | None: ...
    @property
    def commune_code(self) -> str | None: ...
    @property
    def enterprise_id(self) -> str | None: ...


@dataclass(frozen=True)
class AgeBand:
    code: str
    label: str
    min: int | None
    max: int | None

    def holds(self, age: int) -> bool:
        return (self.min is None or age >= self.min) and (self.max is None or age <= self.max)


@dataclass(frozen=True)
class InclusionRules:
    age_bands: tuple[AgeBand, ...]
    youth_max_age: int
    plausible_min: int
    plausible_max: int
    size_scheme: str
    labels: dict[str, str]  # dimension -> label
    categories: dict[str, dict[str, str]]  # dimension -> code -> label, in display order


def _problems(doc: Any) -> list[str]:
    if not isinstance(doc, dict):
        return ["the file must be a mapping"]
    problems = []
    bands = doc.get("age_bands")
    if not isinstance(bands, list) or not bands:
        problems.append("age_bands: a non-empty list")
    else:
        previous: int | None = None
        for i, band in enumerate(bands):
            if not isinstance(band, dict) or not band.get("code") or not band.get("label"):
                problems.append(f"age_bands[{i}]: code and label are required")
                continue
            low, high = band.get("min"), band.get("max")
            if (i > 0 and low is None) or (i < len(bands) - 1 and high is None):
                problems.append(f"age_bands[{i}]: only the first and last bands are open")
            if low is not None and previous is not None and low != previous + 1:
                problems.append(f"age_bands[{i}]: starts at {low}, expected {previous + 1}")
            previous = high
    if not isinstance(doc.get("youth_max_age"), int):
        problems.append("youth_max_age: an integer")
    plausible = doc.get("plausible_age")
    if not isinstance(plausible, dict) or not {"min", "max"} <= set(plausible):
        problems.append("plausible_age: {min, max}")
    if doc.get("size_scheme") not in load_size_schemes():
        problems.append(f"size_scheme: one of {', '.join(sorted(load_size_schemes()))}")
    dims = doc.get("dimensions")
    if not isinstance(dims, dict) or set(dims) != set(DIMENSIONS):
        problems.append(f"dimensions: exactly {', '.join(DIMENSIONS)}")
    return problems


def load_rules(text: str | None = None) -> InclusionRules:
    """The rules of ``data/inclusion.yaml`` (or of ``text``), every problem in one message."""
    if text is None:
        text = (resources.files("marsad.training") / "data" / "inclusion.yaml").read_text("utf-8")
    doc = yaml.safe_load(text)
    problems = _problems(doc)
    if problems:
        raise InvalidInput("Règles d'inclusion invalides : " + " ; ".join(problems) + ".")
    bands = tuple(
        AgeBand(str(b["code"]), str(b["label"]), b.get("min"), b.get("max"))
        for b in doc["age_bands"]
    )
    dims = doc["dimensions"]
    categories: dict[str, dict[str, str]] = {
        "gender": dict(dims["gender"]["categories"]),
        "age_band": {b.code: b.label for b in bands},
        "youth": dict(dims["youth"]["categories"]),
        "region": {r.code: r.name_fr for r in load_regions()},
        "area": dict(dims["area"]["categories"]),
        "size_class": {
            **{c.code: c.label_fr for c in load_size_schemes()[doc["size_scheme"]]},
            **dims["size_class"].get("categories", {}),
        },
    }
    for codes in categories.values():
        codes[UNKNOWN] = UNKNOWN_LABEL
    return InclusionRules(
        age_bands=bands,
        youth_max_age=int(doc["youth_max_age"]),
        plausible_min=int(doc["plausible_age"]["min"]),
        plausible_max=int(doc["plausible_age"]["max"]),
        size_scheme=str(doc["size_scheme"]),
        labels={d: str(dims[d]["label"]) for d in DIMENSIONS},
        categories=categories,
    )


@cache
def rules() -> InclusionRules:
    return load_rules()


@dataclass(frozen=True)
class InclusionProfile:
    """What the breakdowns count of one participant; ``None`` is unknown."""

    gender: str | None
    birth_year: int | None
    region_code: str | None
    commune_kind: str | None  # "urban" or "rural"
    size_class: str | None  # a class of the size scheme, or NO_ENTERPRISE


@cache
def _communes() -> dict[str, tuple[str, str]]:
    return {c.code: (c.region_code, c.kind) for c in load_communes()}


def profile_of(participant: PersonLike, facts_lookup: FactsLookup) -> InclusionProfile:
    """The inclusion profile of a participant, their enterprise read through ``facts_lookup``."""
    region, kind = _communes().get(participant.commune_code or "", (None, None))
    size: str | None = NO_ENTERPRISE
    if participant.enterprise_id:
        facts = facts_lookup(participant.enterprise_id)
        size = None if facts is None else facts.size_classes.get(rules().size_scheme)
        if region is None and facts is not None:
            region = facts.region_code
    gender = participant.gender if participant.gender in ("F", "M") else None
    return InclusionProfile(gender, participant.birth_year, region, kind, size)


def age_on(birth_year: int | None, on: date) -> int | None:
    """The age reached during the year of ``on``; ``None`` when unknown or implausible."""
    if birth_year is None:
        return None
    age = on.year - birth_year
    r = rules()
    return age if r.plausible_min <= age <= r.plausible_max else None


def categories_of(profile: InclusionProfile, on: date) -> dict[str, str]:
    """The category of each dimension a profile falls in on ``on``."""
    r = rules()
    age = age_on(profile.birth_year, on)
    band = next((b.code for b in r.age_bands if age is not None and b.holds(age)), UNKNOWN)
    youth = UNKNOWN if age is None else ("oui" if age <= r.youth_max_age else "non")

    def known(dimension: str, code: str | None) -> str:
        return code if code is not None and code in r.categories[dimension] else UNKNOWN

    return {
        "gender": known("gender", profile.gender),
        "age_band": band,
        "youth": youth,
        "region": known("region", profile.region_code),
        "area": known("area", profile.commune_kind),
        "size_class": known("size_class", profile.size_class),
    }


def breakdown(profiles: Iterable[InclusionProfile], on: date) -> dict[str, dict[str, int]]:
    """Dimension -> category -> count, every category present (zero included)."""
    counts = {d: dict.fromkeys(rules().categories[d], 0) for d in DIMENSIONS}
    for profile in profiles:
        for dimension, code in categories_of(profile, on).items():
            counts[dimension][code] += 1
    return counts


def label(dimension: str, code: str | None = None) -> str:
    """The French label of a dimension, or of one of its categories."""
    r = rules()
    if code is None:
        return r.labels[dimension]
    return r.categories[dimension].get(code, code)


def register_facts(build_dir: Path | None, as_of: date) -> FactsLookup:
    """A lookup of enterprise facts in a register build (``None`` when no build exists or
    the enterprise is unknown), each enterprise read once."""
    seen: dict[str, EnterpriseFacts | None] = {}

    def lookup(enterprise_id: str) -> EnterpriseFacts | None:
        if build_dir is None:
            return None
        if enterprise_id not in seen:
            try:
                seen[enterprise_id] = enterprise_facts(build_dir, enterprise_id, as_of)
            except NotFound:
                seen[enterprise_id] = None
        return seen[enterprise_id]

    return lookup
