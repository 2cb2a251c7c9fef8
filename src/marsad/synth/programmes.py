"""Support programmes of Maroc PME and their past beneficiaries.

Programme rules follow their public descriptions (Maroc PME; press of the programme
launches): Imtiaz grants 20% of the investment up to 5 MDH to firms with turnover up to
175 MDH; Istitmar up to 30% of an industrial TPME's investment, 5 points more outside the
Tanger-Casablanca axis; Tatwir R&D et Innovation (2022) 60% of an innovation project up to
4 MDH for firms above 10 MDH of turnover; the Maroc PME x MAScIR convention (31 August
2022) up to 500,000 MAD for TPME R&D; Intelaka (2020) loans up to 1.2 MDH for firms up to
five years old with turnover up to 10 MDH. Yearly numbers of approvals are assumptions.

``select_beneficiaries`` is the single place where beneficiaries are chosen (simple
eligibility, then a draw favouring larger firms). A firm is approved at most once over the
period, by one programme, so that the effect of each approval stays apart from the others.
INTELAKA selects on past growth: its beneficiaries are drawn among the eligible firms whose
turnover grew faster than the pool's median over the two years before the approval year
(banks lend to firms already growing), the selection that a naive before/after comparison
mistakes for an effect.

Each programme carries a known effect, planted by ``marsad.synth.effects``: turnover is
multiplied by ``exp(effect)`` from the year after approval on (ISTITMAR has none).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from marsad.synth.config import YEARS
from marsad.synth.economy import Firms
from marsad.synth.population import scaled
from marsad.synth.rng import pick_weighted, uniform_dates
from marsad.synth.sectors import activity_tables


@dataclass(frozen=True)
class Programme:
    code: str
    first_year: int
    last_year: int
    approvals_per_year: int  # at scale 1.0
    share: float  # grant as a share of the project
    cap_mad: float
    median_project_mad: float
    sections: tuple[str, ...] = ()  # empty: every section
    min_turnover_mad: float = 0.0
    max_turnover_mad: float = float("inf")
    max_age: int | None = None
    legal_only: bool = True
    first_date: str | None = None
    bonus_outside_axis: float = 0.0
    effect: float = 0.0  # planted effect on log turnover, from the year after approval
    selection: Literal["size", "growth"] = "size"  # growth: among firms already growing


CATALOGUE: tuple[Programme, ...] = (
    Programme("IMTIAZ", 2016, 2025, 120, 0.20, 5_000_000, 8_000_000, min_turnover_mad=1e6,
              max_turnover_mad=175e6, effect=0.10),
    Programme("ISTITMAR", 2016, 2025, 150, 0.30, 10_000_000, 3_000_000, sections=("C",),
              max_turnover_mad=200e6, bonus_outside_axis=0.05, effect=0.0),
    Programme("TATWIR", 2022, 2025, 60, 0.60, 4_000_000, 2_500_000, sections=("C", "J", "M"),
              min_turnover_mad=10e6, effect=0.15),
    Programme("MASCIR_RD", 2022, 2025, 30, 0.50, 500_000, 600_000, sections=("C", "J", "M"),
              first_date="2022-08-31", effect=0.08),
    Programme("INTELAKA", 2020, 2025, 1_500, 1.00, 1_200_000, 250_000, max_turnover_mad=10e6,
              max_age=5, legal_only=False, effect=0.12, selection="growth"),
)  # fmt: skip
AXIS_REGIONS = ("01", "06")  # Tanger-Tétouan-Al Hoceïma and Casablanca-Settat


@dataclass
class Beneficiaries:
    firm: np.ndarray  # row index into Firms
    programme: np.ndarray  # index into CATALOGUE
    approval_date: np.ndarray  # datetime64[D]
    amount: np.ndarray  # MAD

    @property
    def size(self) -> int:
        return int(self.firm.size)


def eligible(programme: Programme, firms: Firms, y: int) -> np.ndarray:
    """Firms eligible in year index ``y``: operating, with last year's turnover in bounds."""
    prior = max(y - 1, 0)
    turnover = firms.money.turnover[:, prior]
    mask = firms.operating[:, y] & firms.operating[:, prior]
    mask &= (turnover >= programme.min_turnover_mad) & (turnover <= programme.max_turnover_mad)
    if programme.legal_only:
        mask &= firms.legal
    if programme.sections:
        wanted = [activity_tables().sections.index(s) for s in programme.sections]
        mask &= np.isin(firms.section, wanted)
    if programme.max_age is not None:
        birth_year = firms.birth_date.astype("datetime64[Y]").astype(np.int64) + 1970
        mask &= YEARS[y] - birth_year <= programme.max_age
    return mask


def past_growth(firms: Firms, y: int) -> np.ndarray:
    """Log growth of turnover over the two years before year index ``y`` (one year when
    only one is known, NaN when neither year has a positive turnover)."""
    last, first = y - 1, max(y - 3, 0)
    if last <= first:
        return np.full(firms.size, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = np.log(firms.money.turnover[:, last]) - np.log(firms.money.turnover[:, first])
    return np.where(np.isfinite(growth), growth, np.nan)


def _growing(pool: np.ndarray, firms: Firms, y: int) -> np.ndarray:
    """The firms of ``pool`` whose past growth is above the pool's median."""
    growth = past_growth(firms, y)[pool]
    known = np.isfinite(growth)
    if not known.any():
        return pool
    return pool[known & (growth > np.median(growth[known]))]


def select_beneficiaries(
    rng: np.random.Generator, firms: Firms, scale: float, region_codes: tuple[str, ...]
) -> Beneficiaries:
    """Approvals of every programme and year, with their dates and amounts."""
    firm_parts, prog_parts, date_parts, amount_parts = [], [], [], []
    taken = np.zeros(firms.size, dtype=bool)
    for p_index, programme in enumerate(CATALOGUE):
        for y, year in enumerate(YEARS):
            if not programme.first_year <= year <= programme.last_year:
                continue
            pool = np.flatnonzero(eligible(programme, firms, y) & ~taken)
            if programme.selection == "growth":
                pool = _growing(pool, firms, y)
            k = scaled(programme.approvals_per_year, scale)
            if year == programme.first_year:
                k = max(k, 1)  # every programme has approvals, even at tiny scales
            k = min(k, pool.size)
            chosen = pool[pick_weighted(rng, 0.5 + firms.rank[pool, y], k)]
            if not chosen.size:
                continue
            taken[chosen] = True
            start = programme.first_date if year == programme.first_year else None
            dates = uniform_dates(rng, np.full(chosen.size, year, dtype=np.int64), start=start)
            project = programme.median_project_mad * np.exp(rng.normal(0.0, 0.6, chosen.size))
            share = np.full(chosen.size, programme.share)
            if programme.bonus_outside_axis:
                axis = np.isin(np.asarray(region_codes)[firms.region[chosen]], AXIS_REGIONS)
                share = np.where(axis, share, share + programme.bonus_outside_axis)
            amount = np.round(np.minimum(project * share, programme.cap_mad), -2)
            firm_parts.append(chosen)
            prog_parts.append(np.full(chosen.size, p_index, dtype=np.int64))
            date_parts.append(dates)
            amount_parts.append(amount)
    if not firm_parts:
        empty = np.zeros(0, dtype=np.int64)
        return Beneficiaries(empty, empty, np.zeros(0, "datetime64[D]"), np.zeros(0))
    return Beneficiaries(
        firm=np.concatenate(firm_parts),
        programme=np.concatenate(prog_parts),
        approval_date=np.concatenate(date_parts),
        amount=np.concatenate(amount_parts),
    )
