"""Benchmark: the register build and the release computations on DuckDB and on Spark.

    python benchmarks/bench_engines.py --scale 0.1                 # synth + ingest first
    python benchmarks/bench_engines.py --scale 0.1 --scale 1.0     # both, then the crossover
    python benchmarks/bench_engines.py --staging DIR --scale 1.0   # deliveries already staged
    python benchmarks/bench_engines.py --staging DIR --model FILE --scale 1.0 --out runs.jsonl

Both engines build the register from the same deliveries with the same linkage model
(trained once on DuckDB, then fixed, so that both score the same pairs), then compute the
release's tables. Each engine runs in its own process; Spark runs on ``local[*]`` unless
``MARSAD_SPARK_MASTER`` says otherwise. Prints the seconds of each step (standardise,
link, cluster, write, panel and events, release compute) per engine and scale, the
Spark session's start apart, and where the two engines' times would cross, from a straight
line through the measured points (fixed cost + cost per unit of scale) of each step.

``--model`` gives the linkage model (a build's ``model.json``) instead of training one on
the staged deliveries; ``--out`` appends each scale's figures to a JSON-lines file as soon
as they are measured, and the crossover is then drawn through every run of that file, so
that scales measured in separate runs (a long one at scale 1.0) meet in one verdict. Each
step's seconds are logged as the build goes.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing as mp
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

STEPS = ("standardise", "link", "cluster", "write", "panel", "release_compute")


def _stage(root: Path, scale: float, seed: int) -> tuple[Path, Path]:
    """Staged deliveries and a linkage model trained on them (DuckDB, full build)."""
    from marsad.ingest import Deliverer, ingest_folder
    from marsad.register.build import build_register, current_build
    from marsad.settings import get_settings
    from marsad.synth import generate

    home = root / "trained"
    settings = get_settings(home)
    if not (home / "register" / "current.json").is_file():
        generate(out=root / "synth", scale=scale, seed=seed, progress=False)
        ingest_folder(Deliverer(settings), root / "synth")
        shutil.rmtree(root / "synth")
        build_register(settings, full=True)
    build = current_build(settings)
    assert build is not None
    return settings.staging_dir, build / "model.json"


def _run(engine: str, staging: str, model: str, home: str, queue: Any) -> None:
    """One engine: the register from the staged deliveries, then the release's tables."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    for name in ("py4j", "splink", "pyspark", "sqlglot"):
        logging.getLogger(name).setLevel(logging.WARNING)
    from marsad.register.build import build_register
    from marsad.release import make_release
    from marsad.settings import get_settings

    shutil.copytree(staging, Path(home) / "staging")
    settings = get_settings(Path(home), engine=engine, linkage_model=Path(model))
    result: dict[str, Any] = {"engine": engine}
    if engine == "spark":
        from marsad.engines.session import spark_session

        started = time.perf_counter()
        spark_session(settings)
        result["session_start"] = round(time.perf_counter() - started, 1)
    report = build_register(settings)
    release = make_release(settings, formats=False)
    seconds = dict(report.seconds)
    seconds["release_compute"] = release.phases.get("compute", 0.0)
    result.update(
        units=report.units,
        enterprises=report.enterprises,
        panel_rows=report.panel.get("panel_rows", 0),
        cells=release.cells,
        seconds={s: round(seconds.get(s, 0.0), 1) for s in STEPS},
        peak_rss_gb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 2),
    )
    queue.put(result)


def measure(
    scale: float, seed: int, staging: Path | None, engines: list[str], model: Path | None = None
) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix=f"marsad-bench-engines-{scale}-"))
    try:
        if staging is not None and model is not None:
            staged = staging
        else:
            if staging is not None:
                shutil.copytree(staging, root / "trained" / "staging")
            staged, model = _stage(root, scale, seed)
        out: dict[str, Any] = {"scale": scale}
        ctx = mp.get_context("spawn")
        for engine in engines:
            queue = ctx.Queue()
            home = root / engine
            process = ctx.Process(
                target=_run, args=(engine, str(staged), str(model), str(home), queue)
            )
            started = time.perf_counter()
            process.start()
            process.join()
            if process.exitcode != 0:
                raise SystemExit(f"{engine} failed at scale {scale} (exit {process.exitcode})")
            result = queue.get(timeout=10)
            result["wall_seconds"] = round(time.perf_counter() - started, 1)
            out[engine] = result
            shutil.rmtree(home, ignore_errors=True)
        return out
    finally:
        shutil.rmtree(root, ignore_errors=True)


def crossover(runs: list[dict[str, Any]]) -> dict[str, str]:
    """Per step, the scale from which Spark would be faster, from a line through the two
    extreme scales of each engine (seconds = fixed + per_scale * scale)."""
    if len(runs) < 2:
        return {}
    low, high = min(runs, key=lambda r: r["scale"]), max(runs, key=lambda r: r["scale"])
    span = high["scale"] - low["scale"]
    verdict: dict[str, str] = {}
    for step in (*STEPS, "total"):

        def line(engine: str, step: str = step) -> tuple[float, float]:
            def at(run: dict[str, Any]) -> float:
                seconds = run[engine]["seconds"]
                return float(sum(seconds.values()) if step == "total" else seconds[step])

            slope = (at(high) - at(low)) / span
            return at(low) - slope * low["scale"], slope

        (d0, d1), (s0, s1) = line("duckdb"), line("spark")
        if s1 >= d1:
            verdict[step] = (
                f"none on this machine: Spark adds {s1 - d1:.1f} s per unit of scale "
                f"({s1:.1f} against {d1:.1f})"
            )
        else:
            verdict[step] = f"scale {(s0 - d0) / (d1 - s1):.1f} (fixed {s0:.0f} s vs {d0:.0f} s)"
    return verdict


def _complete_runs(path: Path) -> list[dict[str, Any]]:
    """The latest run of each scale in ``path``, merging engines measured separately."""
    by_scale: dict[float, dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            run = json.loads(line)
            by_scale.setdefault(run["scale"], {"scale": run["scale"]}).update(run)
    return [r for _, r in sorted(by_scale.items())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, action="append")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--staging", type=Path, help="staged deliveries to use (one scale)")
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--model", type=Path, help="linkage model to use (with --staging)")
    parser.add_argument("--out", type=Path, help="JSON-lines file the runs are appended to")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    scales = args.scale or [0.1]
    engines = args.engines.split(",")
    runs = []
    for scale in scales:
        run = measure(scale, args.seed, args.staging, engines, args.model)
        runs.append(run)
        if args.out is not None:
            with args.out.open("a", encoding="utf-8") as out:
                out.write(json.dumps(run) + "\n")
    if args.out is not None:
        runs = _complete_runs(args.out)
    complete = [r for r in runs if "duckdb" in r and "spark" in r]
    result = {"runs": runs, "crossover": crossover(complete)}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for run in runs:
        engines = [e for e in ("duckdb", "spark") if e in run]
        print(f"scale {run['scale']}")
        print(f"  {'step':<16}" + "".join(f"{e:>10}" for e in engines))
        for step in STEPS:
            print(f"  {step:<16}" + "".join(f"{run[e]['seconds'][step]:>10}" for e in engines))
        total = {e: round(sum(run[e]["seconds"].values()), 1) for e in engines}
        print(f"  {'total':<16}" + "".join(f"{total[e]:>10}" for e in engines))
        for e in engines:
            extra = f", Spark session start {run[e]['session_start']} s" if e == "spark" else ""
            print(
                f"  {e}: {run[e]['units']} units, {run[e]['enterprises']} enterprises, "
                f"{run[e]['cells']} cells, wall {run[e]['wall_seconds']} s, "
                f"peak RSS {run[e]['peak_rss_gb']} GB (Python side){extra}"
            )
    for step, verdict in result["crossover"].items():
        print(f"crossover {step}: {verdict}")


if __name__ == "__main__":
    main()
