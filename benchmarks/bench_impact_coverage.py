"""Benchmark: coverage of the impact intervals over several synthetic economies.

    python benchmarks/bench_impact_coverage.py --scale 0.25 --seeds 8 [--first-seed 101]
        [--workdir DIR] [--keep] [--reevaluate] [--json]

For each seed: a synthetic economy with known effects, its ingestion and register, then
``marsad impact evaluate`` against the truth. Per programme, over the seeds where it was
estimated: the empirical coverage of the 95% interval (the share of intervals holding the
true effect, with its binomial 95% interval), the mean bias of the estimate and of the
naive before/after figure, with the Monte Carlo standard error of the mean bias (the
spread of the estimates over the square root of the runs: a mean bias within about two of
them is chance, not bias), the mean interval width and the spread of the estimates
beside the mean standard error (an interval too narrow shows as a spread larger than
the standard errors). Each seed's figures are written as they come to
``<workdir>/coverage.jsonl`` so that a long run can be followed and resumed; with
``--keep``, each seed's register stays in the work folder and ``--reevaluate`` runs the
estimator again on the kept registers (after a change of method) without rebuilding them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats


def run_seed(scale: float, seed: int, workdir: Path, keep: bool) -> dict[str, Any]:
    from marsad.impact import evaluate
    from marsad.impact.data import load_impact_data
    from marsad.ingest import Deliverer, ingest_folder
    from marsad.register.build import build_register, current_build
    from marsad.settings import get_settings
    from marsad.synth import generate

    root = workdir / f"seed-{seed}"
    settings = get_settings(root / "home")
    started = time.perf_counter()
    if current_build(settings) is None:
        generate(out=root / "synth", scale=scale, seed=seed, progress=False)
        ingest_folder(Deliverer(settings), root / "synth")
        build_register(settings)
    built = time.perf_counter() - started
    started = time.perf_counter()
    data = load_impact_data(settings)
    results = evaluate(settings, truth=root / "synth" / "truth", data=data)
    out = {
        "seed": seed,
        "scale": scale,
        "build_seconds": round(built, 1),
        "impact_seconds": round(time.perf_counter() - started, 1),
        "programmes": [
            {
                "programme": r.programme,
                "status": r.status,
                "true_effect": r.true_effect,
                "estimate": r.estimate,
                "std_error": r.std_error,
                "ci_low": r.ci_low,
                "ci_high": r.ci_high,
                "naive_estimate": r.naive_estimate,
                "matched": r.matching.matched,
                "beneficiaries": r.matching.beneficiaries,
                "pre_trend_passed": r.pre_trend.get("passed"),
            }
            for r in results
        ],
    }
    if not keep:
        shutil.rmtree(root, ignore_errors=True)
    return out


def _binomial_interval(hits: int, n: int) -> tuple[float, float]:
    """Clopper-Pearson 95% interval of a share."""
    low = float(stats.beta.ppf(0.025, hits, n - hits + 1)) if hits else 0.0
    high = float(stats.beta.ppf(0.975, hits + 1, n - hits)) if hits < n else 1.0
    return low, high


def summarise(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per programme: coverage, mean biases, width, spread of the estimates."""
    by: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        for p in run["programmes"]:
            if p["status"] == "estimated" and p["true_effect"] is not None:
                by.setdefault(p["programme"], []).append(p)
    out = []
    for programme in sorted(by):
        rows = by[programme]
        true = np.asarray([r["true_effect"] for r in rows], dtype=float)
        est = np.asarray([r["estimate"] for r in rows], dtype=float)
        low = np.asarray([r["ci_low"] for r in rows], dtype=float)
        high = np.asarray([r["ci_high"] for r in rows], dtype=float)
        naive = np.asarray([r["naive_estimate"] for r in rows], dtype=float)
        se = np.asarray([r["std_error"] for r in rows], dtype=float)
        hits = int(((low <= true) & (true <= high)).sum())
        c_low, c_high = _binomial_interval(hits, len(rows))
        out.append(
            {
                "programme": programme,
                "runs": len(rows),
                "true_effect": round(float(true.mean()), 4),
                "coverage": round(hits / len(rows), 3),
                "coverage_ci": [round(c_low, 3), round(c_high, 3)],
                "mean_bias": round(float((est - true).mean()), 4),
                # Monte Carlo standard error of the mean bias: a mean bias within about
                # two of them is what the spread of the estimates gives by chance
                "mean_bias_se": (
                    round(float((est - true).std(ddof=1) / np.sqrt(len(rows))), 4)
                    if len(rows) > 1
                    else None
                ),
                "mean_naive_bias": round(float((naive - true).mean()), 4),
                "mean_width": round(float((high - low).mean()), 4),
                "sd_of_estimates": round(float(est.std(ddof=1)), 4) if len(rows) > 1 else None,
                "mean_std_error": round(float(se.mean()), 4),
                "mean_matched": round(float(np.mean([r["matched"] for r in rows])), 1),
                "pre_trend_passed": int(sum(bool(r["pre_trend_passed"]) for r in rows)),
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.25)
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--first-seed", type=int, default=101)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep each seed's data directory")
    parser.add_argument(
        "--reevaluate", action="store_true", help="evaluate the kept registers again"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="impact-coverage-"))
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "coverage.jsonl"
    done = {}
    if args.reevaluate and log.exists():
        log.rename(log.with_suffix(f".{int(time.time())}.jsonl"))
    if log.exists():
        for line in log.read_text("utf-8").splitlines():
            run = json.loads(line)
            if run["scale"] == args.scale:
                done[run["seed"]] = run
    runs = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        run = done.get(seed)
        if run is None:
            run = run_seed(args.scale, seed, workdir, args.keep)
            with log.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(run) + "\n")
        runs.append(run)
        if not args.json:
            print(
                f"seed {seed}: built in {run['build_seconds']} s, impact {run['impact_seconds']} s"
            )
    summary = summarise(runs)
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        print(json.dumps({"scale": args.scale, "seeds": len(runs), "programmes": summary}))
        return
    print(f"scale {args.scale}, {len(runs)} seeds")
    print(
        "programme  runs  true    coverage [95%]       bias (± MC se)      naive bias  "
        "width   sd    se"
    )
    for p in summary:
        print(
            f"{p['programme']:<10} {p['runs']:>4} {p['true_effect']:+.3f}  {p['coverage']:.2f} "
            f"[{p['coverage_ci'][0]:.2f}, {p['coverage_ci'][1]:.2f}]  {p['mean_bias']:+.4f} "
            f"(± {p['mean_bias_se'] or 0:.4f})  {p['mean_naive_bias']:+.4f}     "
            f"{p['mean_width']:.3f}  {p['sd_of_estimates'] or 0:.3f} {p['mean_std_error']:.3f}"
        )


if __name__ == "__main__":
    main()
