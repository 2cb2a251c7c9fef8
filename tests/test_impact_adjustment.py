"""Regression adjustment of the matched comparison: what matching leaves unbalanced does
not pass for an effect."""

from __future__ import annotations

import numpy as np

from impact_panels import panel
from marsad.impact import MatchingSpec
from marsad.impact.adjustment import COVARIATES, adjusted_changes, usable
from marsad.impact.data import ImpactData
from marsad.impact.estimation import estimate_stack
from marsad.impact.matching import Stack, match_programme
from marsad.impact.report import evaluate_programme

TRUE_EFFECT = 0.2


def _employers_grow_faster(seed: int = 3, n: int = 2000) -> ImpactData:
    """Firms whose yearly growth rises with their (constant) employment; 150 employers of
    five or more are approved between 2019 and 2022. Matching on turnover, its trend and
    age does not balance employment, so the plain comparison credits the programme with
    the employers' faster growth."""
    rng = np.random.default_rng(seed)
    years = np.arange(2016, 2026)
    employees = np.where(rng.random(n) < 0.5, 0.0, np.round(np.exp(rng.normal(1.5, 1.0, n))))
    growth = 0.02 + 0.04 * np.log1p(employees)
    log_t = (
        13
        + rng.normal(0, 1, n)[:, None]
        + growth[:, None] * np.arange(years.size)
        + rng.normal(0, 0.15, (n, years.size))
    )
    approved = np.sort(rng.choice(np.flatnonzero(employees >= 5), 150, replace=False))
    approval_year = 2019 + approved % 4
    log_t[approved] += np.where(years[None, :] > approval_year[:, None], TRUE_EFFECT, 0.0)
    return panel(
        years,
        log_t,
        approved,
        approval_year,
        employees=employees,
        creation_year=2000.0 + rng.integers(0, 10, n),
    )


def test_adjustment_removes_the_gap_that_matching_left() -> None:
    data = _employers_grow_faster()
    plain = evaluate_programme(data, "TOY", MatchingSpec(), adjust=False)
    adjusted = evaluate_programme(data, "TOY", MatchingSpec())
    assert plain.matching.matched == adjusted.matching.matched >= 140
    assert plain.estimate is not None and plain.ci_low is not None
    assert plain.ci_low > TRUE_EFFECT + 0.05  # the employers' growth taken for an effect
    assert not plain.pre_trend["passed"]
    assert adjusted.estimate is not None
    assert adjusted.ci_low is not None and adjusted.ci_high is not None
    assert adjusted.ci_low <= TRUE_EFFECT <= adjusted.ci_high
    assert abs(adjusted.estimate - TRUE_EFFECT) < 0.03
    assert adjusted.pre_trend["passed"]
    assert adjusted.adjusted_on == ["log_turnover", "trend", "age", "log_employees"]
    assert plain.adjusted_on == []


def test_matched_differences_are_the_estimate_of_the_library() -> None:
    # the per-beneficiary differences behind the pooled variance of small cohorts are the
    # same estimator as ATTgt's outcome regression, for the window and every period
    data = _employers_grow_faster()
    stacks, _ = match_programme(data, "TOY", MatchingSpec())
    for stack in stacks:
        for adjust in (False, True):
            found = estimate_stack(data, stack, adjust)
            assert bool(found.adjusted_for) == adjust
            assert np.isclose(found.att, found.window_diffs.mean())
            for period, (att, _) in found.events.items():
                assert np.isclose(att, found.event_diffs[period].mean())


def _stack() -> Stack:
    # two beneficiaries (rows 0, 1) with two controls each (rows 2-5)
    return Stack(
        approval_year=2020,
        first_year=2017,
        last_year=2023,
        treated=np.array([0, 1]),
        controls=np.array([2, 3, 4, 5]),
        match_of=np.array([0, 0, 1, 1]),
    )


def test_adjusted_changes_net_of_the_outcome_model() -> None:
    stack = _stack()
    x = np.array([[3.0], [1.0], [2.0], [2.0], [0.0], [1.0]])
    effect = np.array([0.5, 0.5, 0, 0, 0, 0])
    changes = (0.1 + 0.3 * x[:, 0] + effect)[:, None]  # growth rises with the covariate
    weights = np.full(4, 0.5)
    plain = adjusted_changes(changes, np.zeros((6, 0)), stack, weights)
    assert np.allclose(plain[:, 0], [0.5 + 0.3 * (3 - 2), 0.5 + 0.3 * (1 - 0.5)])
    adjusted = adjusted_changes(changes, x, stack, weights)
    assert np.allclose(adjusted[:, 0], [0.5, 0.5])


def test_a_stack_adjusts_only_on_what_its_controls_can_carry() -> None:
    rng = np.random.default_rng(1)
    many = rng.normal(size=(40, len(COVARIATES)))
    assert usable(many) == list(range(len(COVARIATES)))
    constant = many.copy()
    constant[:, 3] = 0.0  # no employee anywhere: the covariate says nothing
    assert usable(constant) == [0, 1, 2]
    assert usable(many[:12]) == []  # too few controls for the model
    unknown = many.copy()
    unknown[0, 1] = np.nan
    assert usable(unknown) == []
