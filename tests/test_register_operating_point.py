"""The linkage's operating point: calibration on labels, the threshold chosen by its
objective, and reviewers' decisions that move them."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pytest
from typer.testing import CliRunner

from marsad.cli.app import app
from marsad.ingest import Deliverer, Ledger, ingest_folder
from marsad.register.build import build_register, register_dir
from marsad.register.operating_point import calibrate, choose, figures_at
from marsad.register.queries import review_queue
from marsad.register.reviews import ReviewLog
from marsad.settings import Settings, get_settings


def test_calibration_recovers_known_parameters() -> None:
    rng = np.random.default_rng(3)
    weight = rng.normal(0.0, 6.0, 40_000)  # log2 odds
    same = rng.random(weight.size) < 1 / (1 + np.exp(-(-1.5 + 0.6 * np.log(2) * weight)))
    fitted = calibrate(weight, same, np.ones(weight.size), *(np.empty(0),) * 2, np.empty(0))
    assert fitted.alpha == pytest.approx(-1.5, abs=0.1)
    assert fitted.beta == pytest.approx(0.6, abs=0.03)
    assert (fitted.silver_pairs, fitted.reviewed_pairs) == (40_000, 0)


def test_reviewers_decisions_join_the_labels() -> None:
    rng = np.random.default_rng(4)
    weight = rng.normal(0.0, 6.0, 2_000)
    same = rng.random(weight.size) < 1 / (1 + np.exp(-np.log(2) * weight))
    # reviewers find that pairs the model scores at +2 (80 %) are mostly different
    reviewed = np.full(60, 2.0)
    decided_same = np.arange(60) < 12
    fitted = calibrate(weight, same, np.ones(weight.size), reviewed, np.zeros(60), decided_same)
    prior = calibrate(weight, same, np.ones(weight.size), *(np.empty(0),) * 2, np.empty(0))
    assert fitted.reviewed_pairs == 60
    p_before = prior.probability(np.array([2.0]), np.array([0.0]))[0]
    p_after = fitted.probability(np.array([2.0]), np.array([0.0]))[0]
    assert p_after < p_before  # the decisions pull the calibration where they were taken
    assert (fitted.alpha, fitted.beta) != (prior.alpha, prior.beta)


def test_the_threshold_maximises_expected_f1_under_the_precision_floor() -> None:
    p = np.array([0.999] * 900 + [0.9] * 50 + [0.7] * 50 + [0.55] * 40 + [0.1] * 100)
    free = choose(p, 0, min_precision=0.5)
    assert free == pytest.approx(0.55)  # every pair above F1/2 adds to the expected F1
    strict = choose(p, 0, min_precision=0.99)
    assert strict == pytest.approx(0.9)  # 0.7 would bring the expected precision under 0.99
    floor, figures = figures_at(p, 0, strict, review_capacity=60)
    assert floor == pytest.approx(0.55)  # the 60 most probable pairs below the threshold
    assert figures["expected_precision"] >= 0.99
    # (every pair tied at the floor is in the band)
    assert figures["review_queue_expected_matches"] == pytest.approx(50 * 0.7 + 40 * 0.55)
    assert choose(p, 0, min_precision=0.9999) == 0.995  # unreachable: the most cautious


@pytest.fixture(scope="module")
def economy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Path]:
    from marsad.synth import generate

    root = tmp_path_factory.mktemp("operating-point")
    generate(out=root / "synth", scale=0.003, seed=5, progress=False)
    settings = get_settings(root / "home")
    ingest_folder(Deliverer(settings), root / "synth")
    return settings, root / "synth" / "truth"


def _true_enterprise_of_units(settings: Settings, truth: Path) -> dict[str, int]:
    build = json.loads((register_dir(settings) / "current.json").read_text())["build"]
    rows = register_dir(settings) / "builds" / build / "rows.parquet"
    files = {
        r.id: f"deliveries/{r.partner}/{r.dataset}/{r.file_name}"
        for r in Ledger(settings.ledger_path).records()
    }
    con = duckdb.connect()
    con.execute("CREATE TABLE files (delivery VARCHAR, file VARCHAR)")
    con.executemany("INSERT INTO files VALUES (?, ?)", list(files.items()))
    pairs = con.execute(
        f"""SELECT r.unit_id, arg_max(t.enterprise_id, 1) FROM read_parquet('{rows}') r
            JOIN files f USING (delivery)
            JOIN read_parquet('{truth / "rows.parquet"}') t ON t.file = f.file AND t.row = r.row
            GROUP BY r.unit_id"""
    ).fetchall()
    return {u: int(e) for u, e in pairs}


def test_fifty_decisions_move_the_calibration_and_the_next_build_follows(
    economy: tuple[Settings, Path],
) -> None:
    settings, truth = economy
    first = build_register(settings, full=True)
    point = first.operating_point
    assert point["chosen_by"] == "objective"
    assert 0.5 <= point["threshold"] <= 0.995
    assert point["expected_precision"] >= settings.min_link_precision
    assert 0 < point["review_floor"] <= point["threshold"]
    assert point["calibration"]["silver_pairs"] > 0
    assert point["calibration"]["reviewed_pairs"] == 0
    assert first.operating_point_before is None

    queue = review_queue(settings, limit=50)
    assert len(queue) == 50
    ranks = [p["rank"] for p in queue]
    assert ranks == sorted(ranks)
    keys = [(p["pairs_settled"], p["rows_moved"]) for p in queue]
    assert keys == sorted(keys, reverse=True)  # the decisions that change most first

    true = _true_enterprise_of_units(settings, truth)
    log = ReviewLog(register_dir(settings) / "reviews.jsonl")
    decided = {}
    for pair in queue:
        same = true[pair["unit_a"]] == true[pair["unit_b"]]
        log.record(pair["unit_a"], pair["unit_b"], "same" if same else "different", "test")
        decided[(pair["unit_a"], pair["unit_b"])] = same

    second = build_register(settings)
    moved = second.operating_point
    assert second.operating_point_before == point
    assert moved["calibration"]["reviewed_pairs"] == 50
    before, after = point["calibration"], moved["calibration"]
    assert (after["alpha"], after["beta"]) != (before["alpha"], before["beta"])
    assert (moved["threshold"], moved["calibration"]) != (point["threshold"], point["calibration"])
    # every decision holds in the next build, and none of the decided pairs is queued again
    units = duckdb.sql(
        f"SELECT unit_id, enterprise_id FROM read_parquet('{second.path}/units.parquet')"
    ).fetchall()
    enterprise = dict(units)
    for (a, b), same in decided.items():
        assert (enterprise[a] == enterprise[b]) == same
    queued = {(p["unit_a"], p["unit_b"]) for p in review_queue(settings, limit=10_000)}
    assert not queued & set(decided)

    runner = CliRunner()
    shown = runner.invoke(app, ["--home", str(settings.home), "register", "build", "--json"])
    assert shown.exit_code == 0, shown.output
    report = json.loads(shown.stdout)
    assert report["operating_point"]["threshold"] == pytest.approx(moved["threshold"])
    assert report["operating_point_before"]["calibration"]["reviewed_pairs"] == 50


def test_pairs_count_the_rows_they_join() -> None:
    # a doubtful pair between two units of many rows weighs more than many sure pairs of one
    p = np.array([0.999] * 100 + [0.8])
    unweighted = choose(p, 0, min_precision=0.995)
    assert unweighted == pytest.approx(0.8)
    weights = np.array([1.0] * 100 + [100.0])
    # (the most cautious threshold allowed: the sure pairs only)
    assert choose(p, 0, min_precision=0.995, weights=weights) == pytest.approx(0.995)
    _, figures = figures_at(p, 0, 0.8, review_capacity=10, weights=weights)
    assert figures["expected_precision"] == pytest.approx((99.9 + 80) / 200)
