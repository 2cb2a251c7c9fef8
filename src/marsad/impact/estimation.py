"""Staggered difference-in-differences on the matched stacks (Callaway and Sant'Anna).

Each stack holds one cohort (the beneficiaries approved in year ``Y``, treated from
``Y + 1``) and its own matched controls. The group-time ATTs of a stack are estimated by
the ``differences`` library (``ATTgt``: Callaway and Sant'Anna 2021, outcome regression,
never-treated comparison group, universal base period ``Y``), the outcome being the log of
declared turnover; each control weighs ``1 / k`` where ``k`` is the number of controls of
its beneficiary, so that every beneficiary's matched set counts alike. The outcome
regression is adjusted on the pre-support covariates of ``marsad.impact.adjustment``
(log turnover, its past trend, age, log employees), so that what matching left unbalanced
does not pass for an effect.

The estimand is the ATT on log turnover averaged over the beneficiary-years of the window
``Y + 1 .. Y + post_years``: the stacks' window ATTs are averaged with weights
beneficiaries x post years. Controls are drawn without replacement, so the stacks share
no enterprise and their variances add up. The interval uses Student's t with (matched
beneficiaries - 1) degrees of freedom, wider than the normal one for small samples.

A cohort of fewer than ``OWN_VARIANCE_MIN`` beneficiaries is too small for its own
variance (the influence function of one or two beneficiaries says nothing of their
spread): it borrows the variance of the matched differences (a beneficiary's change minus
its controls' mean change, both net of the stack's outcome model) pooled over the
programme's cohorts.

The pre-trend check tests that the event-study coefficients before the base year are zero
(each at 5 %, Bonferroni-adjusted). The naive estimate is the beneficiaries' own change of
log turnover between the approval year and the window, without any comparison group.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from marsad.impact.adjustment import adjusted_changes, stack_covariates
from marsad.impact.data import ImpactData
from marsad.impact.matching import Stack

OWN_VARIANCE_MIN = 5
METHOD = "reg"  # est_method of ATTgt with covariates: outcome regression on the controls


@dataclass
class StackEstimate:
    approval_year: int
    treated: int
    controls: int
    post_years: int
    att: float
    std_error: float
    events: dict[int, tuple[float, float]]  # relative period -> (ATT, standard error)
    naive: np.ndarray  # per beneficiary: mean log turnover of the window - approval year's
    window_diffs: np.ndarray  # per beneficiary: its change minus its controls' mean change
    event_diffs: dict[int, np.ndarray]  # the same for each relative period
    adjusted_for: tuple[str, ...] = ()  # covariates of the outcome model (none: plain)

    @property
    def own_variance(self) -> bool:
        return self.treated >= OWN_VARIANCE_MIN and bool(np.isfinite(self.std_error))


@dataclass
class Interval:
    estimate: float
    std_error: float
    ci_low: float
    ci_high: float

    def to_dict(self) -> dict[str, float]:
        return {
            "estimate": self.estimate,
            "std_error": self.std_error,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
        }


def interval(estimate: float, std_error: float, df: int, level: float = 0.95) -> Interval:
    q = float(stats.t.ppf(0.5 + level / 2, max(df, 1)))
    return Interval(estimate, std_error, estimate - q * std_error, estimate + q * std_error)


def stack_frame(
    data: ImpactData, stack: Stack, x: np.ndarray | None = None, names: list[str] | None = None
) -> pd.DataFrame:
    """The stack's balanced panel: unit, year, log turnover, cohort (NaN for controls), the
    matching weight and the pre-support covariates ``x`` (one column per name, constant
    over the years)."""
    rows = np.concatenate([stack.treated, stack.controls])
    cols = slice(data.year_index(stack.first_year), data.year_index(stack.last_year) + 1)
    years = data.years[cols]
    log_t = data.log_turnover()[rows, cols]
    cohort = np.concatenate(
        [
            np.full(stack.treated.size, stack.approval_year + 1.0),
            np.full(stack.controls.size, np.nan),
        ]
    )
    n, k = rows.size, years.size
    frame = pd.DataFrame(
        {
            "unit": np.repeat(np.arange(n), k),
            "year": np.tile(years, n),
            "y": log_t.reshape(-1),
            "cohort": np.repeat(cohort, k),
            "w": np.repeat(matching_weights(stack), k),
        }
    )
    for j, name in enumerate(names or []):
        assert x is not None
        frame[name] = np.repeat(x[:, j], k)
    return frame.set_index(["unit", "year"])


def matching_weights(stack: Stack) -> np.ndarray:
    """1 for each beneficiary, then ``1 / k`` for each of its ``k`` controls."""
    per_match = np.bincount(stack.match_of, minlength=stack.treated.size)
    return np.concatenate([np.ones(stack.treated.size), 1.0 / per_match[stack.match_of]])


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    found = [c for c in frame.columns if (c[-1] if isinstance(c, tuple) else c) == name]
    return frame[found[0]]


def _fit(frame: pd.DataFrame, formula: str, method: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    from differences import ATTgt

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        att = ATTgt(data=frame, cohort_column="cohort", base_period="universal")
        att.fit(formula, est_method=method, weights_column="w", progress_bar=False)
        return att.aggregate("simple"), att.aggregate("event")


def estimate_stack(data: ImpactData, stack: Stack, adjust: bool = True) -> StackEstimate:
    """The stack's window ATT and event study, adjusted on the pre-support covariates
    (``marsad.impact.adjustment``) unless ``adjust`` is false or the stack is too small
    for the model (then, as when the model is singular, a plain matched comparison)."""
    n = stack.treated.size + stack.controls.size
    x, names = stack_covariates(data, stack) if adjust else (np.zeros((n, 0)), [])
    frame = stack_frame(data, stack, x, names)
    simple, event = None, None
    if names:
        try:
            simple, event = _fit(frame, "y ~ " + " + ".join(names), METHOD)
        except (ValueError, np.linalg.LinAlgError):
            names = []
        if simple is not None and not np.isfinite(_column(simple, "ATT").iloc[0]):
            names = []
    if not names:
        x = np.zeros((x.shape[0], 0))
        simple, event = _fit(frame, "y", "reg")
    assert simple is not None and event is not None
    effects = {
        int(e): (float(a), float(s))
        for e, a, s in zip(
            event.index, _column(event, "ATT"), _column(event, "std_error"), strict=True
        )
        if not np.isnan(s)
    }
    log_t = data.log_turnover()
    base = data.year_index(stack.approval_year)
    post = slice(base + 1, data.year_index(stack.last_year) + 1)
    naive = log_t[stack.treated, post].mean(axis=1) - log_t[stack.treated, base]
    first = data.year_index(stack.first_year)
    rows = np.concatenate([stack.treated, stack.controls])
    change = log_t[rows, first : post.stop] - log_t[rows, base][:, None]  # (rows, years)
    window = change[:, base - first + 1 :].mean(axis=1)
    weights = matching_weights(stack)[stack.treated.size :]
    diffs = adjusted_changes(np.column_stack([change, window]), x, stack, weights)
    g = stack.approval_year + 1
    years = range(stack.first_year, stack.last_year + 1)
    return StackEstimate(
        approval_year=stack.approval_year,
        treated=int(stack.treated.size),
        controls=int(stack.controls.size),
        post_years=stack.post_years,
        att=float(_column(simple, "ATT").iloc[0]),
        std_error=float(_column(simple, "std_error").iloc[0]),
        events=effects,
        naive=naive,
        window_diffs=diffs[:, -1],
        event_diffs={y - g: diffs[:, j] for j, y in enumerate(years) if y != g - 1},
        adjusted_for=tuple(names),
    )


@dataclass
class Combined:
    att: Interval
    naive: Interval
    events: list[dict[str, float | int]]
    pre_trend: dict[str, float | bool | int]


def combine(estimates: list[StackEstimate], level: float = 0.95) -> Combined:
    """The window ATT, the naive estimate, the event study and the pre-trend check."""
    n = sum(e.treated for e in estimates)
    w = np.asarray([e.treated * e.post_years for e in estimates], dtype=np.float64)
    w = w / w.sum()
    att = float(sum(wi * e.att for wi, e in zip(w, estimates, strict=True)))
    pooled = _pooled_sd([e.window_diffs for e in estimates])
    errors = [_error(e, e.std_error, pooled) for e in estimates]
    se = float(np.sqrt(sum((wi * er) ** 2 for wi, er in zip(w, errors, strict=True))))
    per_firm = np.concatenate([e.naive for e in estimates])
    firm_w = np.concatenate([np.full(e.treated, float(e.post_years)) for e in estimates])
    naive = float(np.average(per_firm, weights=firm_w))
    naive_se = float(np.sqrt(((firm_w * (per_firm - naive)) ** 2).sum()) / firm_w.sum())
    events: list[dict[str, float | int]] = []
    for e in sorted({k for est in estimates for k in est.events}):
        having = [est for est in estimates if e in est.events]
        weights = np.asarray([est.treated for est in having], dtype=np.float64)
        weights /= weights.sum()
        value = float(sum(wi * est.events[e][0] for wi, est in zip(weights, having, strict=True)))
        sd = _pooled_sd([est.event_diffs[e] for est in having if e in est.event_diffs])
        parts = [
            wi * _error(est, est.events[e][1], sd) for wi, est in zip(weights, having, strict=True)
        ]
        error = float(np.sqrt(sum(part**2 for part in parts)))
        ci = interval(value, error, n - 1, level)
        events.append(
            {
                "relative_year": e + 1,  # 1: the first year after approval
                "estimate": value,
                "std_error": error,
                "ci_low": ci.ci_low,
                "ci_high": ci.ci_high,
                "beneficiaries": int(sum(est.treated for est in having)),
            }
        )
    return Combined(
        att=interval(att, se, n - 1, level),
        naive=interval(naive, naive_se, n - 1, level),
        events=events,
        pre_trend=pre_trend(events, level),
    )


def _pooled_sd(parts: list[np.ndarray]) -> float:
    values = np.concatenate(parts) if parts else np.zeros(0)
    values = values[np.isfinite(values)]
    return float(values.std(ddof=1)) if values.size > 1 else float("nan")


def _error(estimate: StackEstimate, own: float, pooled_sd: float) -> float:
    """The stack's own standard error, or the pooled one for a small cohort."""
    if estimate.own_variance and np.isfinite(own):
        return own
    return pooled_sd / np.sqrt(estimate.treated)


def pre_trend(
    events: list[dict[str, float | int]], level: float = 0.95
) -> dict[str, float | bool | int]:
    """Are the coefficients before the approval year zero? Bonferroni over the years."""
    before = [e for e in events if int(e["relative_year"]) < 0]
    if not before:
        return {"years": 0, "p_value": 1.0, "passed": True}
    p_values = []
    for e in before:
        error = float(e["std_error"])
        z = abs(float(e["estimate"])) / error if error > 0 else 0.0
        p_values.append(2 * float(stats.norm.sf(z)))
    p = min(1.0, len(p_values) * min(p_values))
    return {"years": len(before), "p_value": p, "passed": p >= 1 - level}
