"""A comparison group for each programme: non-beneficiaries matched on pre-support traits.

For the beneficiaries approved in year ``Y`` (the support shows from ``Y + 1``), the
pre-support characteristics are those of the year before approval, ``Y - 1``: category,
section, age band, size class and region (matched exactly where possible), the
enterprise's age in ``Y``, its log turnover in ``Y - 1`` and its past trend, the yearly log
growth of turnover from ``Y - 3`` to ``Y - 1`` (matched by nearest neighbours on the three,
standardised by their standard deviations among beneficiaries and candidates).

Exact matching is relaxed step by step when a beneficiary finds no neighbour within the
caliper: first the region is dropped, then the size class; category, section and age band
(young firms grow faster) always match. Controls are drawn without replacement within a
programme, so that each cohort's comparison group is its own (the estimates of different
cohorts are independent).

Both beneficiaries and candidates need a declared turnover in every year of the window,
from ``Y - 3`` to ``Y + post_years`` (cut at the last year of the panel). Candidates are
enterprises that no programme supported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from marsad.impact.data import ImpactData

EXACT_LEVELS = (
    "category+section+age+size+region",
    "category+section+age+size",
    "category+section+age",
)
KEY_COLUMNS = ("category", "section", "age", "size", "region")
AGE_BANDS = (3, 6, 11, 21)  # lower bounds of the bands after 0-2: 3-5, 6-10, 11-20, 21+


@dataclass(frozen=True)
class MatchingSpec:
    controls_per_beneficiary: int = 4
    caliper: float = 0.5  # Euclidean distance over the standardised features
    pre_years: int = 3  # declared turnover needed from Y - pre_years
    post_years: int = 3  # the window of the estimate: Y + 1 .. Y + post_years
    seed: int = 20240101  # order in which beneficiaries pick their neighbours


@dataclass
class Stack:
    """One cohort: the beneficiaries approved in ``approval_year`` and their controls."""

    approval_year: int
    first_year: int  # first year of the window (Y - pre_years)
    last_year: int  # last year of the window (Y + post_years, cut at the panel's end)
    treated: np.ndarray  # rows of ImpactData
    controls: np.ndarray
    match_of: np.ndarray  # index into ``treated`` of each control's beneficiary

    @property
    def post_years(self) -> int:
        return self.last_year - self.approval_year


@dataclass
class MatchReport:
    beneficiaries: int = 0  # distinct enterprises approved by the programme
    other_programme: int = 0  # also supported by another programme (left out)
    outside_years: int = 0  # approved too early or too late for a window in the panel
    incomplete: int = 0  # a declared turnover missing in the window (or unknown age)
    unmatched: int = 0  # no neighbour within the caliper
    matched: int = 0
    controls: int = 0
    exact_levels: dict[str, int] = field(default_factory=dict)
    balance: list[dict[str, float | str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "beneficiaries": self.beneficiaries,
            "other_programme": self.other_programme,
            "outside_years": self.outside_years,
            "incomplete": self.incomplete,
            "unmatched": self.unmatched,
            "matched": self.matched,
            "controls": self.controls,
            "exact_levels": dict(self.exact_levels),
            "balance": [dict(b) for b in self.balance],
        }


FEATURES = ("age", "log_turnover", "trend")


def baseline(data: ImpactData, rows: np.ndarray, year: int, spec: MatchingSpec) -> np.ndarray:
    """(rows, 3) features at approval year ``year``: age, log turnover of ``year - 1`` and
    the yearly log growth from ``year - pre_years`` to ``year - 1``; NaN when unknown."""
    log_t = data.log_turnover()
    last, first = data.year_index(year - 1), data.year_index(year - spec.pre_years)
    age = year - data.creation_year[rows]
    level = log_t[rows, last]
    trend = (level - log_t[rows, first]) / max(spec.pre_years - 1, 1)
    return np.column_stack([age, level, trend])


def complete_window(data: ImpactData, year: int, spec: MatchingSpec) -> np.ndarray:
    """Enterprises with a declared turnover in every year of the window of ``year``."""
    first = data.year_index(year - spec.pre_years)
    last = data.year_index(min(year + spec.post_years, int(data.years[-1])))
    if first < 0 or last < 0 or year + 1 > data.years[-1]:
        return np.zeros(data.size_n, dtype=bool)
    return bool_all(~np.isnan(data.turnover[:, first : last + 1]))


def bool_all(values: np.ndarray) -> np.ndarray:
    return np.asarray(values.all(axis=1), dtype=bool)


def _key_frame(data: ImpactData, rows: np.ndarray, year: int) -> pd.DataFrame:
    size = data.size[rows, data.year_index(year - 1)]
    age = np.digitize(year - data.creation_year[rows], AGE_BANDS)
    return pd.DataFrame(
        {
            "category": data.category[rows].astype(str),
            "section": data.section[rows].astype(str),
            "age": age,
            "size": size.astype(str),
            "region": data.region[rows].astype(str),
        }
    )


def _cells(
    treated: pd.DataFrame, pool: pd.DataFrame, level: int
) -> tuple[list[tuple[str, ...]], dict[tuple[str, ...], np.ndarray]]:
    """The exact-matching key of each beneficiary and the candidates of every key."""
    columns = list(KEY_COLUMNS[: len(KEY_COLUMNS) - level])
    keys = list(treated[columns].itertuples(index=False, name=None))
    cells = {
        tuple(k) if isinstance(k, tuple) else (k,): np.asarray(v, dtype=np.int64)
        for k, v in pool.groupby(columns, sort=False).indices.items()
    }
    return keys, cells


def match_programme(
    data: ImpactData, programme: str, spec: MatchingSpec
) -> tuple[list[Stack], MatchReport]:
    """Stacks of matched beneficiaries and controls for ``programme``, and the counts."""
    approvals = data.approvals
    mine = approvals[approvals["programme_code"] == programme]
    others = approvals[approvals["programme_code"] != programme]
    report = MatchReport(beneficiaries=int(mine["row"].nunique()))
    clash = set(others["row"].tolist())
    report.other_programme = int(sum(1 for r in set(mine["row"].tolist()) if r in clash))
    mine = mine[~mine["row"].isin(clash)]
    supported = data.supported_rows()
    used = np.zeros(data.size_n, dtype=bool)
    rng = np.random.default_rng(spec.seed)
    stacks: list[Stack] = []
    levels = dict.fromkeys(EXACT_LEVELS, 0)
    treated_x: list[np.ndarray] = []
    control_x: list[np.ndarray] = []
    for year, group in mine.groupby("approval_year", sort=True):
        year = int(year)
        rows = group["row"].to_numpy(dtype=np.int64)
        if year - spec.pre_years < data.years[0] or year + 1 > data.years[-1]:
            report.outside_years += rows.size
            continue
        window = complete_window(data, year, spec)
        x_treated = baseline(data, rows, year, spec)
        ok = window[rows] & ~np.isnan(x_treated).any(axis=1)
        report.incomplete += int((~ok).sum())
        rows, x_treated = rows[ok], x_treated[ok]
        pool = np.flatnonzero(window & ~supported & ~used)
        x_pool = baseline(data, pool, year, spec)
        known = ~np.isnan(x_pool).any(axis=1)
        pool, x_pool = pool[known], x_pool[known]
        if not rows.size or not pool.size:
            report.unmatched += rows.size
            continue
        scale = np.nanstd(np.vstack([x_treated, x_pool]), axis=0)
        scale[~(scale > 0)] = 1.0
        z_treated, z_pool = x_treated / scale, x_pool / scale
        taken = np.zeros(pool.size, dtype=bool)
        treated: list[int] = []
        controls: list[int] = []
        match_of: list[int] = []
        t_frame, p_frame = _key_frame(data, rows, year), _key_frame(data, pool, year)
        cells = [_cells(t_frame, p_frame, level) for level in range(3)]
        for i in rng.permutation(rows.size):
            for lv, (t_keys, p_cells) in enumerate(cells):
                cand = p_cells.get(t_keys[i])
                if cand is None:
                    continue
                cand = cand[~taken[cand]]
                dist = np.sqrt(((z_pool[cand] - z_treated[i]) ** 2).sum(axis=1))
                near = cand[dist <= spec.caliper]
                if not near.size:
                    continue
                best = near[np.argsort(dist[dist <= spec.caliper], kind="stable")]
                best = best[: spec.controls_per_beneficiary]
                taken[best] = True
                match_of.extend([len(treated)] * best.size)
                treated.append(int(rows[i]))
                controls.extend(best.tolist())
                levels[EXACT_LEVELS[lv]] += 1
                treated_x.append(x_treated[i])
                control_x.append(x_pool[best].mean(axis=0))
                break
            else:
                report.unmatched += 1
        if not treated:
            continue
        control_rows = pool[np.asarray(controls, dtype=np.int64)]
        used[control_rows] = True
        stacks.append(
            Stack(
                approval_year=year,
                first_year=year - spec.pre_years,
                last_year=min(year + spec.post_years, int(data.years[-1])),
                treated=np.asarray(treated, dtype=np.int64),
                controls=control_rows,
                match_of=np.asarray(match_of, dtype=np.int64),
            )
        )
    report.matched = sum(s.treated.size for s in stacks)
    report.controls = sum(s.controls.size for s in stacks)
    report.exact_levels = levels
    report.balance = _balance(np.asarray(treated_x), np.asarray(control_x))
    return stacks, report


def _balance(treated: np.ndarray, controls: np.ndarray) -> list[dict[str, float | str]]:
    """Means of the matched beneficiaries and of their controls, and the standardised
    difference (in pooled standard deviations)."""
    if not treated.size:
        return []
    out: list[dict[str, float | str]] = []
    for j, name in enumerate(FEATURES):
        sd = float(np.sqrt((treated[:, j].var() + controls[:, j].var()) / 2)) or 1.0
        out.append(
            {
                "feature": name,
                "beneficiaries": round(float(treated[:, j].mean()), 4),
                "controls": round(float(controls[:, j].mean()), 4),
                "standardised_difference": round(
                    float(treated[:, j].mean() - controls[:, j].mean()) / sd, 4
                ),
            }
        )
    return out
