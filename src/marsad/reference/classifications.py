"""Regions, NMA 2010 sections and divisions, size-class schemes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from marsad.reference._files import read_rows


@dataclass(frozen=True)
class Region:
    code: str  # "01".."12"
    name_fr: str
    name_ar: str


@dataclass(frozen=True)
class Section:
    code: str  # "A".."U"
    label_fr: str
    divisions: tuple[str, ...]  # two-digit division codes


@dataclass(frozen=True)
class Division:
    code: str  # two digits, "01".."99"
    section: str
    label_fr: str


@dataclass(frozen=True)
class SizeClass:
    scheme: str
    code: str
    label_fr: str
    turnover_min_mad: float | None
    turnover_max_mad: float | None
    employees_min: int | None
    employees_max: int | None


def _num(text: str) -> float | None:
    return float(text) if text else None


def _int(text: str) -> int | None:
    return int(text) if text else None


def _expand_divisions(spec: str) -> tuple[str, ...]:
    """``"01-03"`` -> ``("01", "02", "03")``; ``"35"`` -> ``("35",)``."""
    out: list[str] = []
    for part in spec.split(","):
        lo, _, hi = part.strip().partition("-")
        for number in range(int(lo), int(hi or lo) + 1):
            out.append(f"{number:02d}")
    return tuple(out)


@cache
def load_regions() -> tuple[Region, ...]:
    return tuple(Region(r["code"], r["name_fr"], r["name_ar"]) for r in read_rows("regions.csv"))


@cache
def load_sections() -> tuple[Section, ...]:
    return tuple(
        Section(r["code"], r["label_fr"], _expand_divisions(r["isic_divisions"]))
        for r in read_rows("sections.csv")
    )


@cache
def load_divisions() -> tuple[Division, ...]:
    """The NMA 2010 divisions that exist (ISIC Rev.4 numbering), with their section."""
    return tuple(
        Division(r["code"], r["section"], r["label_fr"]) for r in read_rows("divisions.csv")
    )


@cache
def load_size_schemes() -> dict[str, tuple[SizeClass, ...]]:
    schemes: dict[str, list[SizeClass]] = {}
    for r in read_rows("size_schemes.csv"):
        schemes.setdefault(r["scheme"], []).append(
            SizeClass(
                scheme=r["scheme"],
                code=r["class"],
                label_fr=r["label_fr"],
                turnover_min_mad=_num(r["turnover_min_mad"]),
                turnover_max_mad=_num(r["turnover_max_mad"]),
                employees_min=_int(r["employees_min"]),
                employees_max=_int(r["employees_max"]),
            )
        )
    return {name: tuple(classes) for name, classes in schemes.items()}


@cache
def _division_to_section() -> dict[str, str]:
    return {div: s.code for s in load_sections() for div in s.divisions}


_ACTIVITY = re.compile(r"^\s*(\d{2})(?:[.\s]?(\d{1,2}))?\s*$")


def section_of_activity_code(code: str | None) -> str | None:
    """Section letter of an NMA 2010 division (``"47"``) or class (``"4711"``, ``"47.11"``)."""
    if not code:
        return None
    match = _ACTIVITY.match(code)
    if not match:
        return None
    return _division_to_section().get(match.group(1))
