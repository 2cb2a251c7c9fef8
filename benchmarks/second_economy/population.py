"""True enterprises of the independent economy: who exists, where, doing what, when.

Three categories: legal persons (EPMA), natural-person traders (EPPA) and
auto-entrepreneurs (AE). Each category starts from a stock alive at the start of 2016,
receives its yearly births and loses the number of enterprises that brings the stock to
its target at each year end; who dies is drawn with an age-dependent hazard (young firms
die more). Targets are national figures multiplied by the scale.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field

import numpy as np

from second_economy.naming import Names, company_names
from second_economy.vocab_activity import DIVISIONS, SECTION_WEIGHT
from second_economy.vocab_places import CITIES, REGION_WEIGHT_FIRMS, REGION_WEIGHT_PERSONS

YEARS = tuple(range(2016, 2026))
NEVER = np.int32(2**31 - 1)
EPMA, EPPA, AE = 0, 1, 2
CATEGORY_CODE = ("EPMA", "EPPA", "AE")

# National figures (thousands): stock alive at the end of 2015, births 2016..2025 and
# stock alive at each year end 2016..2025.
PLAN = {
    EPMA: (262, (42, 46, 48, 55, 46, 60, 63, 66, 68, 70),
           (276, 290, 305, 333, 360, 387, 390, 391, 392, 405)),
    EPPA: (295, (28, 29, 30, 31, 27, 31, 31, 31, 32, 32),
           (298, 300, 302, 304, 305, 308, 311, 314, 318, 322)),
    AE: (35, (42, 48, 52, 58, 115, 70, 72, 78, 80, 82),
         (72, 110, 147, 180, 272, 300, 327, 358, 390, 422)),
}  # fmt: skip


def day(year: int, month: int = 1, dom: int = 1) -> int:
    """Days since 1970-01-01."""
    return int(np.datetime64(f"{year:04d}-{month:02d}-{dom:02d}", "D").astype(np.int64))


def _hazard(cat: int, age: np.ndarray) -> np.ndarray:
    if cat == AE:
        return np.select([age < 1, age < 3], [1.6, 1.3], 0.8)
    return np.select([age < 2, age < 5, age < 10], [2.2, 1.6, 1.1], 0.7)


def _demography(rng: np.random.Generator, cat: int, scale: float) -> tuple[np.ndarray, ...]:
    stock, births, alive_end = PLAN[cat]
    n0 = round(stock * 1000 * scale)
    nb = [round(b * 1000 * scale) for b in births]
    if cat == AE:
        birth0 = rng.integers(day(2015, 2, 1), day(2016), n0)
    else:
        years0 = 2015 - np.minimum(rng.exponential(9.0, n0).astype(int), 60)
        birth0 = np.array([day(int(y)) for y in range(1955, 2016)])[years0 - 1955]
        birth0 = birth0 + rng.integers(0, 365, n0)
    parts = [birth0]
    for y, b in zip(YEARS, nb, strict=True):
        parts.append(rng.integers(day(y), day(y + 1), b))
    birth = np.concatenate(parts).astype(np.int32)
    death = np.full(len(birth), NEVER, dtype=np.int32)
    for k, y in enumerate(YEARS):
        start, end = day(y), day(y + 1)
        cand = np.flatnonzero((birth < end) & (death >= start))
        n_die = len(cand) - round(alive_end[k] * 1000 * scale)
        if n_die <= 0:
            continue
        age = (start - birth[cand]) / 365.25
        w = _hazard(cat, age) * np.where(birth[cand] >= start, 0.25, 1.0)
        keys = np.log(rng.random(len(cand))) / w
        dying = cand[np.argpartition(-keys, n_die - 1)[:n_die]]
        when = rng.integers(start, end, len(dying))
        death[dying] = np.clip(np.maximum(when, birth[dying] + 30), None, end - 1)
    return birth, death


def _pick(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), n, p=p / p.sum())]


@dataclass
class Population:
    """Every true enterprise, one array per attribute (index = position, not the id)."""

    eid: np.ndarray
    cat: np.ndarray
    birth: np.ndarray
    death: np.ndarray
    city: np.ndarray
    commune: np.ndarray
    klass: np.ndarray
    section: np.ndarray
    form: np.ndarray
    capital: np.ndarray
    name: np.ndarray
    first: np.ndarray
    family: np.ndarray
    female: np.ndarray
    ice9: np.ndarray
    if1: np.ndarray
    if2: np.ndarray
    if2_year: np.ndarray
    birth_year_person: np.ndarray
    cin_hash: np.ndarray
    names: Names
    communes: list[tuple[int, str]] = field(default_factory=list)
    moved_city: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int16))
    moved_day: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    moved_commune: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))

    @property
    def n(self) -> int:
        """Number of enterprises."""
        return len(self.eid)

    def city_at(self, idx: np.ndarray, when: int | np.ndarray) -> np.ndarray:
        """City of each enterprise at a date (after a move of the head office, the new one)."""
        moved = self.moved_day[idx] <= when
        return np.where(moved, self.moved_city[idx], self.city[idx])

    def commune_at(self, idx: np.ndarray, when: int | np.ndarray) -> np.ndarray:
        """Commune (index into `communes`) of each enterprise at a date."""
        moved = self.moved_day[idx] <= when
        return np.where(moved, self.moved_commune[idx], self.commune[idx])

    def region_at(self, idx: np.ndarray, when: int | np.ndarray) -> np.ndarray:
        """Region code of each enterprise at a date."""
        return CITY_REGION[self.city_at(idx, when)]


CITY_REGION = np.array([c.region for c in CITIES], dtype=object)


def _cities(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    p = np.array([weights[c.region] * c.weight for c in CITIES], dtype=float)
    region_tot = {r: sum(c.weight for c in CITIES if c.region == r) for r in weights}
    p = p / np.array([region_tot[c.region] for c in CITIES])
    return rng.choice(len(CITIES), n, p=p / p.sum()).astype(np.int16)


def _activities(rng: np.random.Generator, cat: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    section = _pick(rng, SECTION_WEIGHT[cat], n)
    klass = np.empty(n, dtype=object)
    for sec in np.unique(section):
        at = np.flatnonzero(section == sec)
        divs = DIVISIONS[sec]
        classes = [c for d in divs for c in divs[d][1]]
        w = [divs[d][0] / len(divs[d][1]) for d in divs for _ in divs[d][1]]
        klass[at] = np.array(classes, dtype=object)[
            rng.choice(len(classes), len(at), p=np.array(w) / sum(w))
        ]
    return section, klass


def _legal_forms(rng: np.random.Generator, birth: np.ndarray) -> np.ndarray:
    year = birth.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
    share_au = np.clip(0.18 + 0.045 * (year - 2014), 0.15, 0.62)
    u = rng.random(len(birth))
    form = np.where(u < share_au, "SARL AU", "SARL").astype(object)
    v = rng.random(len(birth))
    form[v < 0.045] = "SA"
    form[(v >= 0.045) & (v < 0.055)] = "SNC"
    form[(v >= 0.055) & (v < 0.058)] = "SCS"
    form[(v >= 0.058) & (v < 0.062)] = "GIE"
    form[(v >= 0.062) & (v < 0.075) & (year >= 2019)] = "SAS"
    return form


_CAPITALS = {
    "SARL": ((10_000, 100_000, 50_000, 20_000, 1_000_000), (0.45, 0.33, 0.1, 0.07, 0.05)),
    "SARL AU": ((10_000, 100_000, 1_000, 50_000, 20_000), (0.55, 0.25, 0.08, 0.07, 0.05)),
    "SA": ((300_000, 1_000_000, 3_000_000, 10_000_000, 50_000_000), (0.3, 0.3, 0.2, 0.15, 0.05)),
    "SAS": ((10_000, 100_000, 1_000_000), (0.4, 0.4, 0.2)),
    "SNC": ((10_000, 100_000), (0.6, 0.4)),
    "SCS": ((10_000, 50_000), (0.5, 0.5)),
    "GIE": ((0, 10_000, 50_000), (0.4, 0.4, 0.2)),
}


def _unique_ints(rng: np.random.Generator, low: int, high: int, n: int) -> np.ndarray:
    out = np.unique(rng.integers(low, high, int(n * 1.05) + 100))
    while len(out) < n:
        out = np.unique(np.concatenate([out, rng.integers(low, high, n)]))
    return rng.permutation(out)[:n].astype(np.int64)


def build(scale: float, seed: int) -> Population:
    """Draw the whole population for a scale (1.0 = national size) and a seed."""
    rng = np.random.default_rng(seed)
    rnd = random.Random(seed)
    names = Names(rnd)
    births, deaths, cats = [], [], []
    for cat in (EPMA, EPPA, AE):
        b, d = _demography(rng, cat, scale)
        births.append(b)
        deaths.append(d)
        cats.append(np.full(len(b), cat, dtype=np.int8))
    birth, death, cat = np.concatenate(births), np.concatenate(deaths), np.concatenate(cats)
    n = len(birth)
    city = np.empty(n, dtype=np.int16)
    section = np.empty(n, dtype=object)
    klass = np.empty(n, dtype=object)
    for c, code in enumerate(CATEGORY_CODE):
        at = np.flatnonzero(cat == c)
        weights = REGION_WEIGHT_FIRMS if c == EPMA else REGION_WEIGHT_PERSONS
        city[at] = _cities(rng, weights, len(at))
        section[at], klass[at] = _activities(rng, code, len(at))
    communes = [(ci, name) for ci, c in enumerate(CITIES) for name in c.communes]
    commune = np.empty(n, dtype=np.int32)
    for ci in range(len(CITIES)):
        at = np.flatnonzero(city == ci)
        flat = [k for k, (cj, _) in enumerate(communes) if cj == ci]
        w = np.array([2.0] + [1.0] * (len(flat) - 1))
        commune[at] = np.array(flat)[rng.choice(len(flat), len(at), p=w / w.sum())]
    female = rng.random(n) < np.select([cat == EPMA, cat == EPPA], [0.1, 0.14], 0.34)
    first, family = names.persons(rng, female)
    form = np.full(n, "", dtype=object)
    capital = np.full(n, np.nan)
    name = np.empty(n, dtype=object)
    firms = np.flatnonzero(cat == EPMA)
    form[firms] = _legal_forms(rng, birth[firms])
    for f, (values, p) in _CAPITALS.items():
        at = firms[form[firms] == f]
        capital[at] = np.array(values, dtype=float)[rng.choice(len(values), len(at), p=p)]
    name[firms] = company_names(section[firms], family[firms], first[firms], rnd)
    persons = np.flatnonzero(cat != EPMA)
    name[persons] = first[persons] + " " + family[persons]
    has_ice = cat != AE
    ae = np.flatnonzero(cat == AE)
    ae_year = birth[ae].astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
    has_ice[ae] = rng.random(len(ae)) < np.where(ae_year >= 2020, 0.45, 0.28)
    ice9 = np.full(n, -1, dtype=np.int64)
    ice9[has_ice] = _unique_ints(rng, 100_000, 40_000_000, int(has_ice.sum()))
    if1 = np.full(n, -1, dtype=np.int64)
    tax = cat != AE
    if1[tax] = _unique_ints(rng, 1_000_000, 60_000_000, int(tax.sum()))
    if2 = np.full(n, -1, dtype=np.int64)
    second = tax & (rng.random(n) < 0.015)
    if2[second] = _unique_ints(rng, 60_000_000, 70_000_000, int(second.sum()))
    if2_year = np.where(second, rng.integers(2017, 2025, n), 9999).astype(np.int16)
    by = np.where(
        cat == AE, 1970 + (birth // 365.25) - rng.integers(22, 50, n), rng.integers(1950, 1995, n)
    ).astype(np.int16)
    cin_hash = np.full(n, "", dtype=object)
    pre = ("A", "AB", "BE", "BK", "C", "CD", "D", "EE", "G", "H", "J", "JB", "K", "L", "X")
    for i in ae:
        cin = f"{rnd.choice(pre)}{rnd.randint(10_000, 999_999)}"
        cin_hash[i] = hashlib.sha256(cin.encode()).hexdigest()
    moved_day = np.full(n, NEVER, dtype=np.int32)
    moved_city = city.copy()
    movers = firms[rng.random(len(firms)) < 0.008]
    lo = np.maximum(birth[movers] + 365, day(2016, 6))
    hi = np.minimum(death[movers], day(2025, 12))
    ok = hi > lo + 30
    movers, lo, hi = movers[ok], lo[ok], hi[ok]
    moved_day[movers] = (lo + rng.random(len(movers)) * (hi - lo)).astype(np.int32)
    moved_city[movers] = _cities(rng, REGION_WEIGHT_FIRMS, len(movers))
    first_commune = {ci: k for k, (ci, _) in reversed(list(enumerate(communes)))}
    moved_commune = commune.copy()
    moved_commune[movers] = [first_commune[int(c)] for c in moved_city[movers]]
    eid = rng.permutation(np.arange(1, n + 1, dtype=np.int64) * 7 + 100_000)
    return Population(
        eid=eid, cat=cat, birth=birth, death=death, city=city, commune=commune, klass=klass,
        section=section, form=form, capital=capital, name=name, first=first, family=family,
        female=female, ice9=ice9, if1=if1, if2=if2, if2_year=if2_year,
        birth_year_person=by, cin_hash=cin_hash, names=names, communes=communes,
        moved_city=moved_city, moved_day=moved_day, moved_commune=moved_commune,
    )  # fmt: skip
