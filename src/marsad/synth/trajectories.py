"""Yearly trajectories of registry firms: turnover, employees, payroll, results, assets, credit.

Each firm carries a latent size that follows a random walk with a firm-specific drift
(growth persists), faster growth while young, a few high-growth episodes and a 2020 shock
concentrated in tourism, transport and services. Turnover is the latent size mapped, by
rank among the active firms of the year, onto a distribution that passes through the
published turnover bands (OMTPME editions 2, 4 and 6: 84.4% under 1 MDH and 7.5% between
1 and 3 MDH in 2019; about 80% under 3 MDH and 94% under 10 MDH in 2024; 99.4% under
175 MDH). Above 175 MDH the tail is Pareto. Employees follow turnover with a firm-specific
productivity, so that most employers stay at 10 employees or fewer (86.8% of CNSS
employers in 2019, le360, October 2021).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from marsad.synth.config import N_YEARS, YEARS

# Cumulative shares of active legal persons under 1, 3, 10, 50 and 175 MDH, by year.
LEGAL_BANDS: dict[int, tuple[float, float, float, float, float]] = {
    2016: (0.860, 0.930, 0.975, 0.9935, 0.9950),
    2017: (0.855, 0.927, 0.973, 0.9932, 0.9950),
    2018: (0.850, 0.923, 0.972, 0.9930, 0.9950),
    2019: (0.844, 0.919, 0.970, 0.9930, 0.9950),
    2020: (0.865, 0.930, 0.975, 0.9940, 0.9955),
    2021: (0.800, 0.880, 0.955, 0.9900, 0.9950),
    2022: (0.770, 0.855, 0.948, 0.9900, 0.9950),
    2023: (0.740, 0.830, 0.944, 0.9890, 0.9950),
    2024: (0.700, 0.800, 0.940, 0.9880, 0.9950),
    2025: (0.690, 0.790, 0.937, 0.9870, 0.9950),
}
BAND_LIMITS_LOG10 = np.log10([1e6, 3e6, 1e7, 5e7, 1.75e8])
ZERO_SHARE_LEGAL = 0.05
TAIL_ALPHA = 1.08
TAIL_CAP = 2.5e10
JITTER = 0.05  # firm-year noise around the mapped value (log scale)
# Natural-person traders: smaller (cumulative share, log10 MAD) points, all years.
NATURAL_POINTS = (
    (0.06, 2.0),
    (0.20, 4.0),
    (0.55, 5.0),
    (0.93, 6.0),
    (0.985, 6.477),
    (0.998, 7.0),
    (1.0, 7.7),
)


@dataclass
class Money:
    turnover: np.ndarray  # float64 (n, years), 0 when not operating
    employees: np.ndarray  # int32
    payroll: np.ndarray  # float64
    net_result: np.ndarray  # float64
    total_assets: np.ndarray  # float64
    credit: np.ndarray  # float64, 0 without credit
    bank_count: np.ndarray  # int8


def latent_size(
    rng: np.random.Generator,
    birth_year: np.ndarray,
    entrant: np.ndarray,
    shocked: np.ndarray,
) -> np.ndarray:
    """Latent log-size (n, 1 + years): column 0 is 2015, then 2016..2025 (NaN before birth)."""
    n = birth_year.size
    years = np.asarray(YEARS, dtype=np.int64)
    born = birth_year.astype(np.int64)
    age_2015 = np.clip(2015 - born, 0, 30)
    start = np.where(entrant, rng.normal(-0.9, 0.9, n), rng.normal(0.0, 1.0, n) + 0.03 * age_2015)
    drift = rng.normal(0.0, 0.05, n)
    steps = drift[:, None] + rng.normal(0.0, 0.22, (n, N_YEARS))
    age = years[None, :] - born[:, None]
    steps += np.where((age >= 1) & (age < 5), 0.12, 0.0)
    y2020 = YEARS.index(2020)
    steps[:, y2020] -= np.where(shocked, 0.5, 0.0)
    steps[:, y2020 + 1] += np.where(shocked, 0.3, 0.0)
    gazelle = rng.random(n) < 0.02
    first = rng.integers(0, N_YEARS - 2, n)
    for k in range(3):
        rows = np.flatnonzero(gazelle)
        steps[rows, first[rows] + k] += 0.5
    steps[years[None, :] <= born[:, None]] = 0.0
    size = np.empty((n, N_YEARS + 1), dtype=np.float64)
    size[:, 0] = start
    size[:, 1:] = start[:, None] + np.cumsum(steps, axis=1)
    before = np.concatenate([[2015], years])[None, :] < born[:, None]
    size[before] = np.nan
    return size


def _legal_points(year: int) -> tuple[np.ndarray, np.ndarray]:
    bands = LEGAL_BANDS[year]
    p1 = bands[0]
    probs = [ZERO_SHARE_LEGAL, max(0.15 * p1, ZERO_SHARE_LEGAL + 0.01), 0.5 * p1, *bands]
    logs = [2.0, 4.0, 5.0, *BAND_LIMITS_LOG10]
    return np.asarray(probs), np.asarray(logs)


def quantile_turnover(u: np.ndarray, year: int, legal: bool) -> np.ndarray:
    """Turnover at rank ``u`` in (0, 1) of the year's active firms of the category."""
    if legal:
        probs, logs = _legal_points(year)
    else:
        probs = np.array([p for p, _ in NATURAL_POINTS])
        logs = np.array([v for _, v in NATURAL_POINTS])
    out = 10.0 ** np.interp(u, probs, logs)
    if legal:
        top = probs[-1]
        tail = u > top
        ratio = (1.0 - top) / np.maximum(1.0 - u[tail], 1e-12)
        out[tail] = np.minimum(1.75e8 * ratio ** (1.0 / TAIL_ALPHA), TAIL_CAP)
    out[u < probs[0]] = 0.0
    return np.round(out, 2)


def rank_share(values: np.ndarray) -> np.ndarray:
    """Rank of each value among ``values`` as a share in (0, 1)."""
    order = np.argsort(values, kind="stable")
    ranks = np.empty(values.size, dtype=np.float64)
    ranks[order] = np.arange(values.size, dtype=np.float64)
    return (ranks + 0.5) / max(values.size, 1)


def simulate_money(
    rng: np.random.Generator,
    size: np.ndarray,
    operating: np.ndarray,
    legal: np.ndarray,
    capital: np.ndarray,
) -> tuple[Money, np.ndarray]:
    """Money flows of operating firms; also returns the rank share ``u`` (n, years)."""
    n = legal.size
    rank = np.zeros((n, N_YEARS), dtype=np.float64)
    turnover = np.zeros((n, N_YEARS), dtype=np.float64)
    for y, year in enumerate(YEARS):
        for is_legal in (True, False):
            rows = np.flatnonzero(operating[:, y] & (legal == is_legal))
            if not rows.size:
                continue
            u = rank_share(size[rows, y + 1])
            rank[rows, y] = u
            jitter = np.exp(rng.normal(0.0, JITTER, rows.size))
            turnover[rows, y] = np.round(quantile_turnover(u, year, is_legal) * jitter, 2)
    employees = _employees(rng, rank, turnover, operating, legal)
    wage = np.exp(rng.normal(np.log(3_800.0), 0.3, n))
    indexation = 1.03 ** np.arange(N_YEARS, dtype=np.float64)
    months = rng.uniform(10.5, 12.0, (n, N_YEARS))
    payroll = np.round(employees * wage[:, None] * indexation[None, :] * months, 2)
    margin = rng.normal(0.02, 0.08, n)[:, None] + rng.normal(0.0, 0.05, (n, N_YEARS))
    loss_when_idle = -rng.uniform(1_000.0, 60_000.0, (n, N_YEARS))
    net_result = np.where(turnover > 0, turnover * margin, loss_when_idle)
    net_result = np.round(np.where(operating, net_result, 0.0), 2)
    asset_ratio = np.exp(rng.normal(np.log(0.7), 0.6, n))
    cap = np.nan_to_num(capital, nan=10_000.0)
    idle_assets = cap[:, None] * rng.uniform(0.5, 3.0, (n, N_YEARS))
    total_assets = np.where(
        turnover > 0, turnover * asset_ratio[:, None] + cap[:, None], idle_assets
    )
    total_assets = np.round(np.where(operating, total_assets, 0.0), 2)
    credit, bank_count = _credit(rng, rank, total_assets, turnover, legal)
    money = Money(turnover, employees, payroll, net_result, total_assets, credit, bank_count)
    return money, rank


def _employees(
    rng: np.random.Generator,
    rank: np.ndarray,
    turnover: np.ndarray,
    operating: np.ndarray,
    legal: np.ndarray,
) -> np.ndarray:
    n = legal.size
    propensity = rng.random(n)[:, None]
    p_legal = 0.15 + 0.85 * rank**0.8
    p_natural = 0.06 + 0.6 * rank**1.5
    employer = (
        operating & (turnover > 0) & (propensity < np.where(legal[:, None], p_legal, p_natural))
    )
    productivity = np.exp(rng.normal(np.log(150_000.0), 0.6, n))[:, None]
    noise = np.exp(rng.normal(0.0, 0.1, (n, N_YEARS)))
    count = np.maximum(1.0, np.round((turnover / productivity) ** 0.8 * noise))
    return np.where(employer, np.minimum(count, 60_000), 0).astype(np.int32)


def _credit(
    rng: np.random.Generator,
    rank: np.ndarray,
    total_assets: np.ndarray,
    turnover: np.ndarray,
    legal: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    n = legal.size
    propensity = rng.random(n)[:, None]
    p = np.where(legal[:, None], 0.05 + 0.5 * rank**2, 0.02 + 0.15 * rank**2)
    borrower = (turnover > 0) & (propensity < p)
    leverage = np.minimum(np.exp(rng.normal(np.log(0.3), 0.5, n)), 0.9)[:, None]
    wobble = np.exp(rng.normal(0.0, 0.15, (n, N_YEARS)))
    credit = np.round(np.where(borrower, total_assets * leverage * wobble, 0.0), 2)
    banks = 1 + (rank > 0.9) + (rank > 0.98) + rng.poisson(0.2, (n, N_YEARS))
    return credit, np.where(borrower, banks, 0).astype(np.int8)


def draw_capital(
    rng: np.random.Generator, legal_form: np.ndarray, forms: tuple[str, ...]
) -> np.ndarray:
    """Registered capital in MAD by legal form (NaN for natural persons).

    Law 17-95 sets a minimum of 300,000 MAD for a public limited company (SA) without a
    public offering; law 24-10 (2011) removed the 10,000 MAD minimum of the SARL (law
    5-96), 10,000 and 100,000 MAD remaining the usual choices.
    """
    n = legal_form.size
    code = np.asarray(forms, dtype=object)[legal_form]
    round_small = rng.choice([10_000.0, 100_000.0, 50_000.0, 20_000.0], n, p=[0.45, 0.35, 0.1, 0.1])
    free = np.round(np.exp(rng.normal(np.log(150_000.0), 1.0, n)), -3)
    sarl = np.where(rng.random(n) < 0.8, round_small, free)
    sa = np.maximum(300_000.0, np.round(np.exp(rng.normal(np.log(3e6), 1.2, n)), -4))
    other = np.maximum(1_000.0, np.round(np.exp(rng.normal(np.log(100_000.0), 1.0, n)), -3))
    out = np.where(np.isin(code, ["SARL", "SARL_AU"]), sarl, other)
    out = np.where(code == "SA", sa, out)
    return np.where(code == "PP", np.nan, out)
