"""Regression adjustment of the matched comparison on pre-support covariates.

Matching leaves gaps: nearest neighbours within a caliper are close, not equal; at the top
of the size distribution the closest comparable firms are mostly smaller than the
beneficiary, and employment is not matched at all. When turnover growth depends on size,
age, past growth or employment, a difference-in-differences on the matched sample turns
such a gap into a bias. Each stack's comparison is therefore adjusted on covariates
measured before the support: the outcome-regression difference-in-differences (Heckman,
Ichimura and Todd 1997; ``est_method="reg"`` of ``ATTgt`` with covariates, Sant'Anna and
Zhao 2020), which on a matched sample is the bias-corrected matching estimator of Abadie
and Imbens (2011). Matching and the regression protect each other: the estimate holds if
the matched sets are balanced or if the outcome model is right (Ho, Imai, King and Stuart
2007). The covariates:

- ``log_turnover``: log of declared turnover in ``Y - 1``;
- ``trend``: yearly log growth of turnover from ``Y - pre_years`` to ``Y - 1``;
- ``age``: the enterprise's age in ``Y`` (capped at ``AGE_CAP`` years);
- ``log_employees``: ``log(1 + employees)`` declared in ``Y - 1`` (0 without any).

Category, section, age band, size class and region are matched exactly (or nearly) and
enter through the matching. A covariate without any variance among a stack's controls is
left out of that stack's model, and a stack with fewer than
``MIN_CONTROLS_PER_COVARIATE`` controls per coefficient is compared without adjustment.
The propensity-weighted doubly robust estimator (``est_method="dr"``) was not kept: after
matching the propensity is nearly flat within a stack, a logistic model of a cohort of a
few beneficiaries separates, and on synthetic economies both gave the same estimates.

The model holds turnover in ``Y - pre_years`` and ``Y - 1`` (level and trend), so the
event-study coefficients of those two years show the same gap (the one left in the base
year ``Y``); the years between them remain a free check of the trends before support.

``adjusted_changes`` gives, for the pooled variance of small cohorts, each beneficiary's
change minus its controls' mean change after the same adjustment: the outcome model is
fitted by weighted least squares on the controls and its prediction removed from both
sides (the bias-corrected matched difference).
"""

from __future__ import annotations

import numpy as np

from marsad.impact.data import ImpactData
from marsad.impact.matching import Stack

COVARIATES = ("log_turnover", "trend", "age", "log_employees")
AGE_CAP = 30  # years: beyond, age says little more about growth
MIN_CONTROLS_PER_COVARIATE = 5


def covariates(data: ImpactData, rows: np.ndarray, year: int, pre_years: int) -> np.ndarray:
    """(rows, len(COVARIATES)) pre-support covariates of cohort ``year`` (NaN: unknown)."""
    log_t = data.log_turnover()
    last, first = data.year_index(year - 1), data.year_index(year - pre_years)
    level = log_t[rows, last]
    trend = (level - log_t[rows, first]) / max(pre_years - 1, 1)
    age = np.minimum(year - data.creation_year[rows], AGE_CAP)
    employees = np.nan_to_num(data.employees[rows, last], nan=0.0)
    return np.column_stack([level, trend, age, np.log1p(np.maximum(employees, 0.0))])


def usable(x_controls: np.ndarray) -> list[int]:
    """The covariates that a stack's outcome model can use: varying among the controls,
    known everywhere, and few enough for the number of controls."""
    if not np.isfinite(x_controls).all():
        return []
    varying = [j for j in range(x_controls.shape[1]) if np.ptp(x_controls[:, j]) > 0]
    if x_controls.shape[0] < MIN_CONTROLS_PER_COVARIATE * (len(varying) + 1):
        return []
    return varying


def stack_covariates(data: ImpactData, stack: Stack) -> tuple[np.ndarray, list[str]]:
    """The covariates of the stack's rows (beneficiaries, then controls) that its outcome
    model uses, and their names."""
    rows = np.concatenate([stack.treated, stack.controls])
    pre_years = stack.approval_year - stack.first_year
    x = covariates(data, rows, stack.approval_year, pre_years)
    kept = usable(x[stack.treated.size :])
    return x[:, kept], [COVARIATES[j] for j in kept]


def adjusted_changes(
    changes: np.ndarray, x: np.ndarray, stack: Stack, weights: np.ndarray
) -> np.ndarray:
    """(beneficiaries, periods): each beneficiary's change minus its controls' mean change,
    both net of the outcome model fitted on the controls (one model per period).

    ``changes`` holds the stack's rows (beneficiaries, then controls), ``x`` their
    covariates (no column: plain matched differences) and ``weights`` the controls'."""
    n = stack.treated.size
    design = np.column_stack([np.ones(changes.shape[0]), x])
    root = np.sqrt(weights)[:, None]
    beta, *_ = np.linalg.lstsq(design[n:] * root, changes[n:] * root, rcond=None)
    residual = changes - design @ beta
    own = residual[:n]
    per_match = np.bincount(stack.match_of, minlength=n)[:, None]
    theirs = np.zeros_like(own)
    np.add.at(theirs, stack.match_of, residual[n:])
    return np.asarray(own - theirs / per_match)
