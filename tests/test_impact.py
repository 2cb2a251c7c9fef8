"""Impact of the programmes: known effects planted in a synthetic economy are recovered."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from impact_panels import panel
from marsad.cli.app import app
from marsad.confidentiality import load_rules
from marsad.impact import MatchingSpec, evaluate, impact_indicators
from marsad.impact.data import ImpactData, load_impact_data
from marsad.impact.report import evaluate_programme
from marsad.settings import Settings

Economy = tuple[Settings, Path]


@pytest.fixture(scope="module")
def data(impact_economy: Economy) -> ImpactData:
    return load_impact_data(impact_economy[0])


def _toy(shift: float, seed: int = 3) -> ImpactData:
    """A panel of identical-looking firms following random walks; 150 of them approved
    between 2019 and 2022, their log turnover shifted by ``shift`` after approval."""
    rng = np.random.default_rng(seed)
    n, years = 900, np.arange(2016, 2026)
    log_t = 13 + rng.normal(0, 0.5, n)[:, None] + np.cumsum(rng.normal(0, 0.2, (n, 10)), axis=1)
    approved = np.arange(150)
    approval_year = 2019 + approved % 4
    after = years[None, :] > approval_year[:, None]
    log_t[approved] += np.where(after, shift, 0.0)
    return panel(years, log_t, approved, approval_year)


def test_estimator_recovers_a_shift_on_a_known_panel() -> None:
    result = evaluate_programme(_toy(0.2), "TOY", MatchingSpec())
    assert result.status == "estimated"
    assert result.ci_low is not None and result.ci_high is not None
    assert result.ci_low <= 0.2 <= result.ci_high
    assert result.ci_high - result.ci_low < 0.3
    assert result.matching.matched >= 140  # a few outliers find no neighbour
    assert result.pre_trend["passed"]
    before = [e for e in result.event_study if int(e["relative_year"]) < 0]
    assert before and all(abs(float(e["estimate"])) < 0.1 for e in before)


def test_truth_holds_a_known_effect_per_programme(impact_economy: Economy) -> None:
    _, truth = impact_economy
    effects = pq.read_table(truth / "effects.parquet").to_pandas().set_index("programme_code")
    assert set(effects.index) == {"IMTIAZ", "ISTITMAR", "TATWIR", "MASCIR_RD", "INTELAKA"}
    assert effects.loc["ISTITMAR", "true_effect"] == 0.0
    assert effects.loc["INTELAKA", "selection"] == "growth"
    assert np.allclose(effects["true_effect"], effects["planted_effect"])
    approvals = pq.read_table(truth / "beneficiaries.parquet").to_pandas()
    assert approvals["enterprise_id"].is_unique  # one approval per firm


def test_intervals_cover_the_true_effects(impact_economy: Economy, data: ImpactData) -> None:
    settings, truth = impact_economy
    results = {r.programme: r for r in evaluate(settings, truth=truth, data=data)}
    estimated = [r for r in results.values() if r.status == "estimated"]
    assert "INTELAKA" in {r.programme for r in estimated}
    for r in estimated:
        assert r.true_effect is not None and r.ci_low is not None and r.ci_high is not None
        assert r.ci_low <= r.true_effect <= r.ci_high, r.to_dict()
    for r in results.values():
        if r.status != "estimated":
            assert r.estimate is None and "Effectif insuffisant" in r.caveats[0]


def test_naive_comparison_is_biased_where_selection_was_planted(
    impact_economy: Economy, data: ImpactData
) -> None:
    settings, truth = impact_economy
    (result,) = evaluate(settings, "intelaka", truth=truth, data=data)
    assert result.naive_estimate is not None and result.ci_high is not None
    assert result.true_effect is not None
    assert result.naive_estimate > result.ci_high  # outside the interval, upwards
    assert result.naive_estimate > result.true_effect + 0.1


def test_no_effect_programme_interval_covers_zero(data: ImpactData) -> None:
    # few beneficiaries in a small economy: estimated below the publication threshold
    result = evaluate_programme(data, "ISTITMAR", MatchingSpec(), min_matched=5)
    assert result.status == "estimated"
    assert result.ci_low is not None and result.ci_high is not None
    assert result.ci_low <= 0.0 <= result.ci_high


def test_matching_accounts_for_every_beneficiary(data: ImpactData) -> None:
    result = evaluate_programme(data, "INTELAKA", MatchingSpec())
    m = result.matching
    lost = m.other_programme + m.outside_years + m.incomplete + m.unmatched
    assert m.matched + lost == m.beneficiaries
    assert m.controls >= m.matched
    assert sum(m.exact_levels.values()) == m.matched
    assert all(abs(float(b["standardised_difference"])) < 0.25 for b in m.balance)


def test_cli_json_is_the_api(impact_economy: Economy, data: ImpactData) -> None:
    settings, truth = impact_economy
    out = CliRunner().invoke(
        app,
        ["--home", str(settings.home), "impact", "evaluate", "--truth", str(truth), "--json"],
    )
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    api = [r.to_dict() for r in evaluate(settings, truth=truth, data=data)]
    assert [p["programme"] for p in payload] == [a["programme"] for a in api]
    for got, want in zip(payload, api, strict=True):
        for key in ("programme", "estimate", "ci_low", "ci_high", "naive_estimate", "true_effect"):
            assert key in got
        got.pop("seconds"), want.pop("seconds")
        assert got == json.loads(json.dumps(want))
    one = CliRunner().invoke(
        app, ["--home", str(settings.home), "impact", "evaluate", "--programme", "NOPE"]
    )
    assert one.exit_code == 2


def test_indicator_tables_pass_the_disclosure_rules(
    impact_economy: Economy, data: ImpactData
) -> None:
    settings, _ = impact_economy
    cells = pd.DataFrame(impact_indicators(settings, data=data))
    minimum = load_rules(settings.home).min_frequency
    assert {"supported", "volatility_after", "first_cnss_affiliation", "survival_2021"} <= set(
        cells["indicator"]
    )
    free = cells[cells["status"] == "F"]
    assert ((free["n"] == 0) | (free["n"] >= minimum)).all()
    hidden = cells[cells["status"] != "F"]
    assert not hidden.empty and hidden["value"].isna().all() and hidden["n"].isna().all()
    totals = cells[cells["breakdown"] == "total"].set_index(["programme", "indicator"])
    for (programme, indicator, _), margin in cells[cells["breakdown"] != "total"].groupby(
        ["programme", "indicator", "breakdown"]
    ):
        if totals.loc[(programme, indicator), "status"] == "F":
            # a single hidden cell would be the total minus the others
            assert (margin["status"] != "F").sum() != 1
    supported = cells[(cells["indicator"] == "supported") & (cells["breakdown"] == "total")]
    assert supported.set_index("programme")["value"].to_dict()["INTELAKA"] > 0
    text = json.dumps(impact_indicators(settings, data=data))
    assert not re.search(r"E[0-9A-F]{10}", text)  # no enterprise identifier
