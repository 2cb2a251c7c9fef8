"""Indicators of what support changes, per programme and breakdown, as aggregated tables.

Breakdowns: the total, the region, the size class and the section in the approval year,
the manager's gender and the approval year (period). Indicators (each with ``n``, the
number of enterprises it is computed on):

- ``supported``: distinct enterprises supported;
- revenue stabilised: ``volatility_before`` / ``volatility_after`` (mean standard
  deviation of the yearly log growth of declared turnover, over the up to four years
  before and after the approval year, at least three growths each) and
  ``drawdown_before`` / ``drawdown_after`` (mean largest fall of turnover from a previous
  peak, as a share of the peak, over the same years);
- formalisation: ``first_cnss_affiliation`` (share of the enterprises without any CNSS
  employee up to the approval year that declare one later) and ``ice_held`` (share with
  an ICE in the register; the register keeps no date of attribution, so it is a state,
  not a change);
- resilience to the 2020 shock, for the enterprises approved before 2020 and active in
  2019: ``survival_2021`` (still active in 2021), ``recovered_by_2022`` (turnover back to
  its 2019 level by 2022, among those whose turnover fell in 2020) and
  ``recovery_years`` (mean years to get back to it, among those that did).

Not measured, and said so in ``NOT_MEASURED``: the passage from auto-entrepreneur to
company (the register does not link an auto-entrepreneur to the company he founds) and
market access (matches that became agreements live in the matchmaking tables and have
their own indicator, not joined to these tables yet).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from marsad.impact.data import ImpactData

SHOCK_YEAR = 2020
BREAKDOWNS = ("total", "region", "size_class", "section", "gender", "approval_year")
NOT_MEASURED = {
    "auto_entrepreneur_to_company": "le registre ne relie pas un auto-entrepreneur à la "
    "société qu'il crée : passage non mesurable",
    "market_access": "accès aux marchés : les mises en relation devenues accords relèvent de "
    "l'indicateur de `marsad match indicator`, pas encore repris dans ces tables",
}
SPAN = 4  # years before and after the approval year for stability


def _volatility(log_t: np.ndarray) -> np.ndarray:
    growth = np.diff(log_t, axis=1)
    enough = (~np.isnan(growth)).sum(axis=1) >= 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sd = np.nanstd(growth, axis=1, ddof=1)
    return np.where(enough, sd, np.nan)


def _drawdown(turnover: np.ndarray) -> np.ndarray:
    filled = np.where(np.isnan(turnover), -np.inf, turnover)
    peak = np.maximum.accumulate(filled, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        fall = np.where(np.isnan(turnover) | (peak <= 0), np.nan, 1.0 - turnover / peak)
    enough = (~np.isnan(turnover)).sum(axis=1) >= 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        worst = np.nanmax(fall, axis=1)
    return np.where(enough, worst, np.nan)


def enterprise_measures(data: ImpactData, rows: np.ndarray, years: np.ndarray) -> pd.DataFrame:
    """One line per supported enterprise (protected side): its measures around approval."""
    log_t = data.log_turnover()
    k = data.years.size
    offsets = np.arange(-SPAN, SPAN + 1)
    cols = np.searchsorted(data.years, years)[:, None] + offsets[None, :]
    inside = (cols >= 0) & (cols < k)
    safe = np.clip(cols, 0, k - 1)
    around = np.where(inside, data.turnover[rows[:, None], safe], np.nan)
    around_log = np.where(inside, log_t[rows[:, None], safe], np.nan)
    before, after = slice(0, SPAN + 1), slice(SPAN, 2 * SPAN + 1)
    emp = np.nan_to_num(data.employees[rows], nan=0.0) > 0
    upto = np.arange(k)[None, :] <= np.searchsorted(data.years, years)[:, None]
    never_before = ~(emp & upto).any(axis=1)
    later = (emp & ~upto).any(axis=1)
    out = pd.DataFrame(
        {
            "volatility_before": _volatility(around_log[:, before]),
            "volatility_after": _volatility(around_log[:, after]),
            "drawdown_before": _drawdown(around[:, before]),
            "drawdown_after": _drawdown(around[:, after]),
            "first_cnss_affiliation": np.where(never_before, later.astype(float), np.nan),
            "ice_held": data.has_ice[rows].astype(float),
        }
    )
    y19, y20, y21 = (data.year_index(y) for y in (SHOCK_YEAR - 1, SHOCK_YEAR, SHOCK_YEAR + 1))
    if min(y19, y20, y21) >= 0:
        exposed = (years < SHOCK_YEAR) & data.active[rows, y19]
        out["survival_2021"] = np.where(exposed, data.active[rows, y21].astype(float), np.nan)
        level = data.turnover[rows, y19]
        hit = exposed & (data.turnover[rows, y20] < level)
        back = data.turnover[rows, y20 + 1 :] >= level[:, None]
        recovered = back.any(axis=1)
        delay = np.argmax(back, axis=1) + 1.0
        last = data.year_index(SHOCK_YEAR + 2)
        by_2022 = back[:, : max(last - y20, 0)].any(axis=1)
        out["recovered_by_2022"] = np.where(hit, by_2022.astype(float), np.nan)
        out["recovery_years"] = np.where(hit & recovered, delay, np.nan)
    return out


def indicator_cells(data: ImpactData) -> pd.DataFrame:
    """Long table: programme, breakdown, code, indicator, value, n (before disclosure)."""
    approvals = data.approvals
    frames = []
    for programme, group in approvals.groupby("programme_code", sort=True):
        first = group.sort_values("approval_year").drop_duplicates("row")
        rows = first["row"].to_numpy(dtype=np.int64)
        years = first["approval_year"].to_numpy(dtype=np.int64)
        measures = enterprise_measures(data, rows, years)
        base = np.clip(np.searchsorted(data.years, years - 1), 0, data.years.size - 1)
        keys = {
            "total": np.full(rows.size, "_T", dtype=object),
            "region": data.region[rows],
            "size_class": np.asarray([s or "?" for s in data.size[rows, base]], dtype=object),
            "section": data.section[rows],
            "gender": data.gender[rows],
            "approval_year": years.astype(str).astype(object),
        }
        for breakdown in BREAKDOWNS:
            frame = measures.assign(code=keys[breakdown], supported=1.0)
            grouped = frame.groupby("code", sort=True)
            for indicator in ["supported", *measures.columns]:
                values = grouped[indicator]
                cells = pd.DataFrame(
                    {
                        "value": values.sum() if indicator == "supported" else values.mean(),
                        "n": values.count(),
                    }
                ).reset_index()
                cells.insert(0, "indicator", indicator)
                cells.insert(0, "breakdown", breakdown)
                cells.insert(0, "programme", str(programme))
                frames.append(cells)
    if not frames:
        return pd.DataFrame(columns=["programme", "breakdown", "indicator", "code", "value", "n"])
    out = pd.concat(frames, ignore_index=True)
    return out[["programme", "breakdown", "code", "indicator", "value", "n"]]
