"""Auto-entrepreneurs (law 114-13): registrations, deregistrations and quarterly turnover.

Registered auto-entrepreneurs follow the published counts (``config.AE_ACTIVE``); every
year a share of the registered leave the register (``AE_EXIT_HAZARD``), so that about
615,000 persons had registered by early 2024 (L'Economiste via le360). Quarterly declared
turnover is small (99.2% of auto-entrepreneurs declare at most 100,000 MAD a year, OMTPME
ed. 3), zero for a share of quarters, and never above the ceilings of the status:
500,000 MAD a year for commerce, industry and crafts, 200,000 MAD for services.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from marsad.synth.config import (
    AE_ACTIVE,
    AE_CEILING_COMMERCE,
    AE_CEILING_SERVICES,
    AE_EXIT_HAZARD,
    AE_FIRST_REGISTRATION,
    FIRST_YEAR,
    N_YEARS,
    YEARS,
)
from marsad.synth.population import scaled
from marsad.synth.rng import uniform_dates
from marsad.synth.sectors import activity_tables

ACTIVITY_KINDS: tuple[str, ...] = ("commerce", "industrie", "artisanat", "services")
QUARTERS = 4 * N_YEARS


@dataclass
class Registrations:
    registration_date: np.ndarray  # datetime64[D]
    deregistration_date: np.ndarray  # datetime64[D], NaT while registered


def simulate_registrations(rng: np.random.Generator, scale: float) -> Registrations:
    years = [FIRST_YEAR - 1, *YEARS]
    registration_year: list[np.ndarray] = []
    stock = 0
    for year in years:
        target = scaled(AE_ACTIVE[year], scale)
        leaving = scaled(AE_EXIT_HAZARD * stock, 1.0) if year > years[0] else 0
        arriving = max(target - stock + leaving, 0)
        registration_year.append(np.full(arriving, year, dtype=np.int64))
        stock = target
    reg_year = np.concatenate(registration_year)
    n = reg_year.size
    reg_date = uniform_dates(rng, reg_year, start=AE_FIRST_REGISTRATION)
    dereg = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    gone = np.zeros(n, dtype=bool)
    for year in YEARS:
        present = np.flatnonzero((reg_year < year) & ~gone)
        previous = scaled(AE_ACTIVE[year - 1], scale)
        k = min(scaled(AE_EXIT_HAZARD * previous, 1.0), present.size)
        out = rng.choice(present, size=k, replace=False) if k else present[:0]
        gone[out] = True
        dates = uniform_dates(rng, np.full(out.size, year, dtype=np.int64))
        dereg[out] = np.maximum(dates, reg_date[out] + np.timedelta64(30, "D"))
    return Registrations(reg_date, dereg)


def activity_kind(rng: np.random.Generator, section: np.ndarray) -> np.ndarray:
    """Index into ``ACTIVITY_KINDS`` from the NMA section (crafts: part of C, F and S)."""
    codes = np.asarray(activity_tables().sections, dtype=object)[section]
    u = rng.random(section.size)
    kind = np.full(section.size, 3, dtype=np.int8)
    kind[codes == "G"] = 0
    kind[(codes == "C") & (u < 0.4)] = 1
    kind[(codes == "C") & (u >= 0.4)] = 2
    kind[np.isin(codes, ["F", "S"]) & (u < 0.35)] = 2
    return kind


def quarterly_turnover(
    rng: np.random.Generator, registrations: Registrations, kind: np.ndarray
) -> np.ndarray:
    """Declared turnover per quarter 2016Q1..2025Q4 in MAD (-1: no declaration)."""
    n = kind.size
    q = np.arange(QUARTERS)
    year = FIRST_YEAR + q // 4
    month = (q % 4) * 3 + 1
    q_start = ((year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month - 1)).astype(
        "datetime64[D]"
    )
    q_end = (q_start.astype("datetime64[M]") + 3).astype("datetime64[D]")
    reg = registrations.registration_date
    dereg = registrations.deregistration_date
    open_ = reg[:, None] < q_end[None, :]
    open_ &= np.isnat(dereg)[:, None] | (dereg[:, None] > q_start[None, :])
    level = np.exp(rng.normal(np.log(3_300.0), 0.8, n))
    amount = level[:, None] * np.exp(rng.normal(0.0, 0.45, (n, QUARTERS)))
    amount *= 1.0 + 0.04 * (year - FIRST_YEAR)[None, :]
    covid = (year == 2020) & ((q % 4) == 1)
    amount[:, covid] *= 0.4
    amount = np.where(rng.random((n, QUARTERS)) < 0.22, 0.0, amount)
    ceiling = np.where(kind == 3, AE_CEILING_SERVICES, AE_CEILING_COMMERCE) * 0.98
    for y in range(N_YEARS):
        block = amount[:, 4 * y : 4 * y + 4]
        total = block.sum(axis=1)
        factor = np.where(total > ceiling, ceiling / np.maximum(total, 1.0), 1.0)
        amount[:, 4 * y : 4 * y + 4] = block * factor[:, None]
    declared = open_ & (rng.random((n, QUARTERS)) < 0.85)
    return np.where(declared, np.floor(amount), -1).astype(np.int32)


def yearly_turnover(quarters: np.ndarray) -> np.ndarray:
    """Sum of the declared quarters of each year (n, years)."""
    declared = np.where(quarters < 0, 0, quarters).astype(np.float64)
    return declared.reshape(quarters.shape[0], N_YEARS, 4).sum(axis=2)


def registered_matrix(registrations: Registrations) -> tuple[np.ndarray, np.ndarray]:
    """(registered at some point of the year, registered at its end), each (n, years)."""
    years = np.asarray(YEARS, dtype=np.int64)
    start = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    end = (years - 1969).astype("datetime64[Y]").astype("datetime64[D]")
    reg = registrations.registration_date[:, None]
    dereg = registrations.deregistration_date[:, None]
    open_dereg = np.isnat(dereg)
    during = (reg < end[None, :]) & (open_dereg | (dereg >= start[None, :]))
    at_end = (reg < end[None, :]) & (open_dereg | (dereg >= end[None, :]))
    return during, at_end
