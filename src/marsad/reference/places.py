"""Communes (with province, region and known spelling variants) and trade-registry courts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from marsad.reference._files import read_rows


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    province: str
    region_code: str
    kind: str  # "urban" or "rural"
    population: int


@dataclass(frozen=True)
class Court:
    code: str  # as partners write it in rc_court, e.g. "CASA"
    city: str
    region_code: str


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def place_key(name: str | None) -> str:
    """Comparable key of a place name: no accents, lower case, single spaces, no punctuation."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _NON_ALNUM.sub(" ", text).strip()


@cache
def load_communes() -> tuple[Commune, ...]:
    return tuple(
        Commune(
            code=r["code"],
            name=r["name"],
            province=r["province"],
            region_code=r["region_code"],
            kind=r["kind"],
            population=int(r["population"] or 0),
        )
        for r in read_rows("communes.csv")
    )


@cache
def _commune_index() -> dict[str, Commune]:
    by_code = {c.code: c for c in load_communes()}
    index = {place_key(c.name): c for c in load_communes()}
    for r in read_rows("commune_variants.csv"):
        commune = by_code.get(r["commune_code"])
        if commune is not None:
            index.setdefault(place_key(r["variant"]), commune)
    return index


def known_place_keys() -> frozenset[str]:
    """Keys of every commune name and known variant (for column-wise checks)."""
    return frozenset(_commune_index())


def lookup_commune(name: str | None) -> Commune | None:
    """The commune a name or known variant designates, or None when unknown."""
    return _commune_index().get(place_key(name))


@cache
def load_courts() -> tuple[Court, ...]:
    return tuple(Court(r["code"], r["city"], r["region_code"]) for r in read_rows("courts.csv"))
