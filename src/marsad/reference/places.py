"""Communes (with province, region and known spelling variants) and trade-registry courts.

Communes follow the 2015 territorial division (12 regions, 75 provinces and prefectures).
The referential is a selection, not the full list of some 1,500 communes: every provincial
or prefectural seat, the large cities and the communes around them, and rural communes in
every province.

Commune codes are marsad's own, not the official HCP geographic code: eight digits, the
region code (``"01"``..``"12"``), a three-digit province number within the region and a
three-digit commune number within the province (Casablanca is ``"06001001"``). A code is
never reused or renumbered; a commune added later takes the next free number.

Populations are approximate: the legal populations of the 2014 general census (RGPH 2014,
HCP) for the large cities, rounded estimates for the other communes. They weight the
placement of synthetic enterprises, so only their order of magnitude matters.

Spelling variants (``commune_variants.csv``) are names partners write instead of the
commune's own: abbreviations (``Casa``), transliterations (``Fez``, ``Tangier``), older
names (``Mazagan``), and arrondissements or districts of a commune (``Maarif``,
``Agdal Riyad``). A variant designates one commune only; names shared by several places
are left out. Accents, case and punctuation need no variant: ``place_key`` ignores them.

Courts (``courts.csv``) are the tribunals keeping a local trade register, under the short
code a registry extract carries in ``rc_court``; the list is a default to be completed by
configuration, not an official table.
"""

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
    by_code = _communes_by_code()
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


def commune_by_code(code: str | None) -> Commune | None:
    """The commune with this marsad code, or None."""
    return _communes_by_code().get(code or "")


def communes_of_region(region_code: str) -> tuple[Commune, ...]:
    """The communes of a region (``"01"``..``"12"``), in code order."""
    return tuple(c for c in load_communes() if c.region_code == region_code)


def court_by_code(code: str | None) -> Court | None:
    """The court a ``rc_court`` value designates: its code (``"CASA"``, ``"casa"``) or seat."""
    return _court_index().get(place_key(code))


@cache
def _communes_by_code() -> dict[str, Commune]:
    return {c.code: c for c in load_communes()}


@cache
def _court_index() -> dict[str, Court]:
    courts = load_courts()
    index = {place_key(c.city): c for c in courts}
    index.update({place_key(c.code): c for c in courts})
    return index
