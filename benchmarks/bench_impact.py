"""Benchmark: impact estimates on a synthetic economy, time per step and known truth.

    python benchmarks/bench_impact.py --scale 0.05 [--seed 7] [--workdir DIR] [--json]

Steps: synthetic economy, ingestion, register build (skipped when ``--workdir`` already
holds a built register of an economy), loading the panel, then for each programme the
matching and the estimation, and the indicator tables under disclosure control. Prints,
per programme, the true effect, the estimate with its 95% interval and the naive
before/after estimate.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path
from typing import Any


def run(scale: float, seed: int, workdir: Path) -> dict[str, Any]:
    from marsad.impact import evaluate, impact_indicators
    from marsad.impact.data import load_impact_data
    from marsad.ingest import Deliverer, ingest_folder
    from marsad.register.build import build_register, current_build
    from marsad.settings import get_settings
    from marsad.synth import generate

    settings = get_settings(workdir / "home")
    seconds: dict[str, float] = {}

    def lap(step: str, started: float) -> None:
        seconds[step] = round(time.perf_counter() - started, 2)

    if current_build(settings) is None:
        started = time.perf_counter()
        generate(out=workdir / "synth", scale=scale, seed=seed, progress=False)
        lap("synth", started)
        started = time.perf_counter()
        ingest_folder(Deliverer(settings), workdir / "synth")
        lap("ingest", started)
        started = time.perf_counter()
        build_register(settings)
        lap("register", started)
    started = time.perf_counter()
    data = load_impact_data(settings)
    lap("load_panel", started)
    started = time.perf_counter()
    results = evaluate(settings, truth=workdir / "synth" / "truth", data=data)
    lap("evaluate", started)
    for r in results:
        seconds[f"evaluate.{r.programme}"] = round(r.seconds, 2)
    started = time.perf_counter()
    cells = impact_indicators(settings, data=data)
    lap("indicators", started)
    return {
        "scale": scale,
        "seed": seed,
        "enterprises_in_panel": data.size_n,
        "seconds": seconds,
        "impact_seconds": round(
            seconds["load_panel"] + seconds["evaluate"] + seconds["indicators"], 2
        ),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "indicator_cells": len(cells),
        "programmes": [
            {
                "programme": r.programme,
                "true_effect": r.true_effect,
                "estimate": r.estimate,
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


def _fmt(value: float | None) -> str:
    return "      —" if value is None else f"{value:+7.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        out = run(args.scale, args.seed, args.workdir)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            out = run(args.scale, args.seed, Path(tmp))
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"scale {out['scale']}, seed {out['seed']}, {out['enterprises_in_panel']:,} enterprises")
    for step, secs in out["seconds"].items():
        print(f"  {step:<24} {secs:8.2f} s")
    print(f"  impact (load + evaluate + indicators): {out['impact_seconds']} s")
    print("programme   true    estimate  [95% interval]      naive   matched")
    for p in out["programmes"]:
        interval = (
            "        —         "
            if p["ci_low"] is None
            else f"[{p['ci_low']:+.3f}, {p['ci_high']:+.3f}]"
        )
        print(
            f"{p['programme']:<10} {_fmt(p['true_effect'])} {_fmt(p['estimate'])}  {interval} "
            f"{_fmt(p['naive_estimate'])}  {p['matched']}/{p['beneficiaries']}"
        )


if __name__ == "__main__":
    main()
