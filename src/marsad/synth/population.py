"""Demography of registry firms (legal persons and natural-person traders), 2016-2025.

Each category starts from a stock operating at the end of 2015 (with earlier creation
dates), plus firms that stopped operating earlier but were never struck off. Every year,
new firms are created (some never operate), some operating firms stop (small and young
ones more often), and some non-operating firms are dissolved. Exits are counted so that
the active population follows the published counts of ``config.CategoryPlan``;
dissolutions are drawn with the published share of firms under five years old.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from marsad.synth.config import FIRST_YEAR, N_YEARS, YEARS, CategoryPlan
from marsad.synth.rng import pick_weighted, uniform_dates

KIND_STOCK = 0  # operating at the end of 2015
KIND_DORMANT = 1  # stopped before 2016, still registered
KIND_ENTRANT = 2  # created 2016-2025

NEVER = -1  # last operating year of a firm that never operated
STILL = 9999  # last operating year of a firm operating at the end of 2025


@dataclass
class Cohorts:
    """Who the firms of one category are, before their lives are simulated."""

    kind: np.ndarray  # int8
    birth_year: np.ndarray  # int16
    birth_date: np.ndarray  # datetime64[D]
    shell: np.ndarray  # bool: registered, never operates
    last_before: np.ndarray  # int16: last operating year of dormant firms, else NEVER


@dataclass
class Lives:
    operating: np.ndarray  # bool (n, years)
    last_year: np.ndarray  # int16
    death_date: np.ndarray  # datetime64[D], NaT while registered


def scaled(value: float, scale: float) -> int:
    return round(value * scale)


def draw_cohorts(rng: np.random.Generator, plan: CategoryPlan, scale: float) -> Cohorts:
    n_stock = scaled(plan.active[FIRST_YEAR - 1], scale)
    n_dormant = scaled(plan.dormant_before_first_year, scale)
    creations = [scaled(plan.creations[y], scale) for y in YEARS]
    p_stock = 1.0 / plan.stock_mean_age
    stock_age = np.minimum(rng.geometric(p_stock, n_stock) - 1, 60)
    dormant_age = np.minimum(2 + rng.geometric(1.0 / (plan.stock_mean_age + 3), n_dormant), 60)
    entrant_years = np.repeat(np.asarray(YEARS, dtype=np.int64), creations)
    birth_year = np.concatenate(
        [FIRST_YEAR - 1 - stock_age, FIRST_YEAR - 1 - dormant_age, entrant_years]
    ).astype(np.int16)
    kind = np.concatenate(
        [
            np.full(n_stock, KIND_STOCK, np.int8),
            np.full(n_dormant, KIND_DORMANT, np.int8),
            np.full(entrant_years.size, KIND_ENTRANT, np.int8),
        ]
    )
    n = kind.size
    shell = np.zeros(n, dtype=bool)
    entrant = np.flatnonzero(kind == KIND_ENTRANT)
    shell[entrant] = rng.random(entrant.size) < plan.shell_share
    last_before = np.full(n, NEVER, dtype=np.int16)
    dormant = np.flatnonzero(kind == KIND_DORMANT)
    span = (FIRST_YEAR - 1) - birth_year[dormant].astype(np.int64)
    last_before[dormant] = birth_year[dormant] + np.floor(rng.random(dormant.size) * span)
    birth_date = uniform_dates(rng, birth_year.astype(np.int64))
    return Cohorts(kind, birth_year, birth_date, shell, last_before)


def simulate_lives(
    rng: np.random.Generator,
    plan: CategoryPlan,
    scale: float,
    cohorts: Cohorts,
    size: np.ndarray,
) -> Lives:
    """Operating years and dissolutions; ``size`` is the latent size (n, 1 + years)."""
    n = cohorts.kind.size
    birth_year = cohorts.birth_year.astype(np.int64)
    current = cohorts.kind == KIND_STOCK
    operating = np.zeros((n, N_YEARS), dtype=bool)
    last_year = np.where(current, STILL, cohorts.last_before).astype(np.int16)
    for y, year in enumerate(YEARS):
        entrants = (cohorts.kind == KIND_ENTRANT) & (birth_year == year) & ~cohorts.shell
        target = scaled(plan.active[year], scale)
        k = int(current.sum()) + int(entrants.sum()) - target
        if k > 0:
            candidates = np.flatnonzero(current)
            age = year - 1 - birth_year[candidates]
            weight = np.exp(-0.6 * np.nan_to_num(size[candidates, y])) * np.where(age < 3, 1.8, 1.0)
            leaving = candidates[pick_weighted(rng, weight, k)]
            current[leaving] = False
            last_year[leaving] = year - 1
        current |= entrants
        last_year[entrants] = STILL
        operating[:, y] = current
    death_date = _dissolve(rng, plan, scale, cohorts, operating, last_year)
    return Lives(operating=operating, last_year=last_year, death_date=death_date)


def _dissolve(
    rng: np.random.Generator,
    plan: CategoryPlan,
    scale: float,
    cohorts: Cohorts,
    operating: np.ndarray,
    last_year: np.ndarray,
) -> np.ndarray:
    n = cohorts.kind.size
    birth_year = cohorts.birth_year.astype(np.int64)
    dissolved = np.zeros(n, dtype=bool)
    death_date = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    last = last_year.astype(np.int64)
    for y, year in enumerate(YEARS):
        total = scaled(plan.dissolutions[year], scale)
        open_ = (birth_year <= year) & ~dissolved & ~operating[:, y]
        young = open_ & (year - birth_year < 5)
        old = open_ & ~young
        recency = np.where(last >= 0, np.exp(-np.clip(year - 1 - last, 0, 60) / 3.0), 0.7)
        want_young = scaled(total * plan.young_dissolution_share, 1.0)
        chosen: list[np.ndarray] = []
        for group, want in ((young, want_young), (old, total - want_young)):
            idx = np.flatnonzero(group)
            chosen.append(idx[pick_weighted(rng, recency[idx], min(want, idx.size))])
        picked = np.concatenate(chosen)
        short = total - picked.size
        if short > 0:
            rest = np.flatnonzero(open_ & ~np.isin(np.arange(n), picked))
            picked = np.concatenate([picked, rest[pick_weighted(rng, recency[rest], short)]])
        dissolved[picked] = True
        dates = uniform_dates(rng, np.full(picked.size, year, dtype=np.int64))
        death_date[picked] = np.maximum(dates, cohorts.birth_date[picked])
    return death_date


def registered_matrix(birth_year: np.ndarray, death_date: np.ndarray) -> np.ndarray:
    """Registered at some point of each year: created by its end, not dissolved before it."""
    years = np.asarray(YEARS, dtype=np.int64)
    death_year = np.where(
        np.isnat(death_date), 99999, death_date.astype("datetime64[Y]").astype(np.int64) + 1970
    )
    born = birth_year.astype(np.int64)[:, None] <= years[None, :]
    alive = death_year[:, None] >= years[None, :]
    return born & alive
