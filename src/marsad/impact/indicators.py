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
  ``recovery_years`` (mean years to get back to it, among those that did);
- formalisation of auto-entrepreneurs: ``ae_to_company`` (share of the supported
  auto-entrepreneurs whose activity a company created in the support year or later
  carries on: a succession link of the register);
- market access: ``market_access`` (share of the supported enterprises that a
  matchmaking proposal validated by a broker reached, whose proposals became at least one
  agreement signed in the support year or later).

Besides Maroc PME's programmes, the auto-entrepreneur desk (``GUICHET_AE``, the persons
the chambers helped to register, supported in the year their case closed) has the same
tables. What cannot be measured on a given build is said by ``not_measured``: the
passage to a company without a succession table, market access without an operational
database.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from marsad.impact.data import ImpactData
from marsad.impact.operational import DESK_PROGRAMME

SHOCK_YEAR = 2020
BREAKDOWNS = ("total", "region", "size_class", "section", "gender", "approval_year")
NOT_MEASURED = {
    "ae_to_company": "passage de l'auto-entrepreneur à la société non mesurable : la version "
    "du registre n'a pas de table des successions (reconstruisez le registre)",
    "market_access": "accès aux marchés non mesurable : aucune base opérationnelle "
    "(propositions de mise en relation et accords) n'est disponible",
}


def not_measured(data: ImpactData) -> dict[str, str]:
    """The indicators that this data cannot give, with the reason (French)."""
    missing = {
        "ae_to_company": data.successor_year is None,
        "market_access": data.market is None,
    }
    return {k: v for k, v in NOT_MEASURED.items() if missing[k]}


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
    if data.successor_year is not None:
        ae = data.category[rows] == "AE"
        later = data.successor_year[rows] >= years
        out["ae_to_company"] = np.where(ae, later.astype(float), np.nan)
    if data.market is not None:
        out["market_access"] = _market_access(data, rows, years)
    return out


def _market_access(data: ImpactData, rows: np.ndarray, years: np.ndarray) -> np.ndarray:
    """1 when a validated proposal reached the enterprise and one became an agreement
    signed in the support year or later, 0 when none did, NaN when none reached it."""
    market = data.market
    assert market is not None
    validated = np.zeros(data.size_n)
    first = np.full(data.size_n, np.nan)
    idx = market["row"].to_numpy(dtype=np.int64)
    validated[idx] = market["validated"].to_numpy(dtype=np.float64)
    first[idx] = pd.to_numeric(market["first_agreement_year"], errors="coerce").to_numpy(
        dtype=np.float64
    )
    agreed = (first[rows] >= years).astype(float)
    return np.where(validated[rows] > 0, agreed, np.nan)


def _supports(data: ImpactData) -> list[tuple[str, pd.DataFrame]]:
    """Each programme's approvals (first per enterprise), then the desk's registrations."""
    out = [
        (str(programme), group.sort_values("approval_year").drop_duplicates("row"))
        for programme, group in data.approvals.groupby("programme_code", sort=True)
    ]
    if data.desk is not None and not data.desk.empty:
        desk = data.desk.sort_values("approval_year").drop_duplicates("row")
        out.append((DESK_PROGRAMME, desk))
    return out


def indicator_cells(data: ImpactData) -> pd.DataFrame:
    """Long table: programme, breakdown, code, indicator, value, n (before disclosure)."""
    frames = []
    for programme, first in _supports(data):
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
