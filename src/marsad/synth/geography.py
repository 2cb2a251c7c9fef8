"""Where enterprises are: region, commune, trade-registry court, and how places are written.

Communes, their spelling variants and the courts come from ``marsad.reference``; within a
region, a commune is drawn with its population as weight (urban communes count double,
enterprises being more urban than residents).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa

from marsad.reference import (
    Commune,
    Court,
    load_communes,
    load_courts,
    load_regions,
    place_key,
)
from marsad.reference._files import read_rows
from marsad.synth.config import REGION_POPULATION

URBAN_WEIGHT = 2.0


@dataclass(frozen=True)
class PlaceTables:
    """Communes as parallel arrays (index = commune number in this table)."""

    region_codes: tuple[str, ...]  # "01".."12"
    commune_code: pa.Array  # string
    commune_name: pa.Array  # string
    city: pa.Array  # urban commune: its own name; rural: the city of its court
    court_city: pa.Array  # the city whose trade-registry court covers the commune
    commune_region: np.ndarray  # region index of each commune
    commune_court: np.ndarray  # court index of each commune
    by_region: tuple[np.ndarray, ...]  # commune indices of each region
    weights_by_region: tuple[np.ndarray, ...]  # normalised draw weights
    court_code: pa.Array  # string
    variant_offsets: np.ndarray  # into variant_names, per commune
    variant_counts: np.ndarray
    variant_names: pa.Array


def region_shares(anchors: dict[str, float]) -> dict[str, float]:
    """Shares of all regions: the anchored ones, the rest in proportion to population."""
    codes = [r.code for r in load_regions()] or sorted(REGION_POPULATION)
    rest = [c for c in codes if c not in anchors]
    left = max(0.0, 1.0 - sum(anchors.values()))
    population = sum(REGION_POPULATION.get(c, 1) for c in rest) or 1
    shares = dict(anchors)
    for code in rest:
        shares[code] = left * REGION_POPULATION.get(code, 1) / population
    return shares


@cache
def place_tables() -> PlaceTables:
    regions = tuple(sorted(r.code for r in load_regions()) or sorted(REGION_POPULATION))
    region_index = {code: i for i, code in enumerate(regions)}
    communes = [c for c in load_communes() if c.region_code in region_index]
    covered = {c.region_code for c in communes}
    codes = [c.code for c in communes]
    names = [c.name for c in communes]
    kinds = [c.kind for c in communes]
    region_of = [region_index[c.region_code] for c in communes]
    weight = [max(c.population, 1) * (URBAN_WEIGHT if c.kind == "urban" else 1.0) for c in communes]
    # A region without any commune in the referential gets a placeholder named after it.
    for region in load_regions():
        if region.code not in covered and region.code in region_index:
            codes.append("")
            names.append(region.name_fr)
            kinds.append("urban")
            region_of.append(region_index[region.code])
            weight.append(1.0)
    region_arr = np.asarray(region_of, dtype=np.int64)
    weight_arr = np.asarray(weight, dtype=np.float64)
    by_region = tuple(np.flatnonzero(region_arr == r) for r in range(len(regions)))
    weights = tuple(weight_arr[idx] / weight_arr[idx].sum() for idx in by_region)

    courts = list(load_courts())
    court_codes = [c.code for c in courts] or ["CASA"]
    court_cities = [c.city for c in courts] or ["Casablanca"]
    commune_court = _courts_of_communes(communes, courts, region_index)
    placeholder_court = [_first_court(courts, region_index, r) for r in region_of[len(communes) :]]
    commune_court = np.concatenate([commune_court, np.asarray(placeholder_court, dtype=np.int64)])
    court_city = [court_cities[k] for k in commune_court]
    cities = [
        n if kind == "urban" else court_city[i]
        for i, (n, kind) in enumerate(zip(names, kinds, strict=True))
    ]

    by_code = {code: i for i, code in enumerate(codes) if code}
    variants: list[list[str]] = [[] for _ in codes]
    for row in read_rows("commune_variants.csv"):
        index = by_code.get(row.get("commune_code", ""))
        text = row.get("variant", "")
        if index is not None and text and text != names[index]:
            variants[index].append(text)
    counts = np.array([len(v) for v in variants], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    flat = [v for group in variants for v in group]
    return PlaceTables(
        region_codes=regions,
        commune_code=pa.array(codes, pa.string()),
        commune_name=pa.array(names, pa.string()),
        city=pa.array(cities, pa.string()),
        court_city=pa.array(court_city, pa.string()),
        commune_region=region_arr,
        commune_court=commune_court,
        by_region=by_region,
        weights_by_region=weights,
        court_code=pa.array(court_codes, pa.string()),
        variant_offsets=offsets,
        variant_counts=counts,
        variant_names=pa.array(flat, pa.string()),
    )


def _first_court(courts: list[Court], region_index: dict[str, int], region: int) -> int:
    """The first court listed for a region (the regional capital's), else the first one."""
    for k, court in enumerate(courts):
        if region_index.get(court.region_code) == region:
            return k
    return 0


def _courts_of_communes(
    communes: list[Commune], courts: list[Court], region_index: dict[str, int]
) -> np.ndarray:
    """Court of each commune: the court of its province (a court whose city is the province
    or one of its urban communes), else the first court of its region."""
    by_key = {place_key(c.city): k for k, c in enumerate(courts)}
    province_court: dict[str, int] = {}
    for commune in sorted(communes, key=lambda c: (c.kind != "urban", -c.population)):
        for key in (place_key(commune.province), place_key(commune.name)):
            k = by_key.get(key)
            if k is not None and courts[k].region_code == commune.region_code:
                province_court.setdefault(commune.province, k)
    out = np.zeros(len(communes), dtype=np.int64)
    for i, commune in enumerate(communes):
        fallback = _first_court(courts, region_index, region_index[commune.region_code])
        out[i] = province_court.get(commune.province, fallback)
    return out


def draw_regions(rng: np.random.Generator, shares: dict[str, float], n: int) -> np.ndarray:
    """Region index (into ``place_tables().region_codes``) of ``n`` enterprises."""
    tables = place_tables()
    p = np.array([shares.get(code, 0.0) for code in tables.region_codes], dtype=np.float64)
    return rng.choice(len(p), size=n, p=p / p.sum()).astype(np.int64)


def draw_communes(rng: np.random.Generator, region: np.ndarray) -> np.ndarray:
    """Commune index of each enterprise, drawn within its region."""
    tables = place_tables()
    out = np.zeros(region.shape[0], dtype=np.int64)
    for r, members in enumerate(tables.by_region):
        rows = np.flatnonzero(region == r)
        if rows.size and members.size:
            out[rows] = members[
                rng.choice(members.size, size=rows.size, p=tables.weights_by_region[r])
            ]
    return out
