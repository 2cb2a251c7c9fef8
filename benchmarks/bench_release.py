"""Benchmark: a full release (every table, protection and audit), time and memory.

    python benchmarks/bench_release.py --home DIR            # a data directory with a register
    python benchmarks/bench_release.py --scale 0.1 [--years 5]   # builds one first

Prints the release summary with the seconds of each step, the wall and CPU time and the
peak memory of the release alone (in its own process; CPU time and the workers' peak
include the processes that protect the years in parallel), and, for the largest table
(region x activity x size class x year), the share of cells and of value suppressed
(primary and secondary). On a shared machine the wall time depends on the other load; the
CPU time much less.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import queue as queue_module
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

LARGEST = "active_region_activity_size"


def _build(home: str, scale: float, seed: int) -> None:
    from marsad.ingest import Deliverer, ingest_folder
    from marsad.register.build import build_register
    from marsad.settings import get_settings
    from marsad.synth import generate

    settings = get_settings(Path(home))
    generate(out=Path(home) / "synth", scale=scale, seed=seed, progress=False)
    ingest_folder(Deliverer(settings), Path(home) / "synth")
    build_register(settings)


def _release(home: str, years: int, queue: Any) -> None:
    from marsad.release import make_release
    from marsad.settings import get_settings

    started = time.perf_counter()
    summary = make_release(get_settings(Path(home), release_years=years))
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the protection's processes
    cpu = own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime
    queue.put({**summary.to_dict(), "wall_seconds": time.perf_counter() - started,
               "cpu_seconds": round(cpu, 1),
               "peak_rss_gb": round(own.ru_maxrss / 1024**2, 2),
               "peak_rss_worker_gb": round(workers.ru_maxrss / 1024**2, 2)})  # fmt: skip


def _largest(home: str, path: str) -> dict[str, Any]:
    """Shares of the largest table's cells and of its value (the true values, from a
    recomputation of the table: the release publishes none of the suppressed ones)."""
    import pandas as pd

    from marsad.release.build import _current_build
    from marsad.settings import get_settings
    from marsad.stats.base import create_base_views
    from marsad.stats.catalogue import load_catalogue
    from marsad.stats.compute import compute_table
    from marsad.stats.engine import Engine

    published = pd.read_parquet(f"{path}/tables/{LARGEST}.parquet")
    years = sorted({int(y) for y in published["TIME_PERIOD"]})
    settings = get_settings(Path(home))
    engine = Engine(settings.memory_limit, settings.home / "tmp" / "stats")
    try:
        create_base_views(engine, _current_build(settings)[1], years)
        catalogue = load_catalogue()
        table = compute_table(engine, catalogue, catalogue.table(LARGEST), years, {})
    finally:
        engine.close()
    dims = table.dimension_ids
    cells = table.cells[[*dims, "value"]].astype({d: str for d in dims})
    merged = cells.merge(published[[*dims, "CONF_STATUS"]], on=dims)
    total_value = float(merged["value"].sum()) or 1.0  # every cell, as in the release summary
    return {
        "table": LARGEST,
        "cells": len(merged),
        "primary_share": round(float((merged["CONF_STATUS"] == "C").mean()), 4),
        "secondary_share": round(float((merged["CONF_STATUS"] == "N").mean()), 4),
        "primary_value_share": round(
            float(merged.loc[merged["CONF_STATUS"] == "C", "value"].sum()) / total_value, 4
        ),
        "secondary_value_share": round(
            float(merged.loc[merged["CONF_STATUS"] == "N", "value"].sum()) / total_value, 4
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="marsad-bench-release-"))
    if not (home / "register" / "current.json").is_file():
        _build(str(home), args.scale, args.seed)
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=_release, args=(str(home), args.years, queue))
    process.start()
    while True:  # the release runs in its own process; a crash must not hang the benchmark
        try:
            result = queue.get(timeout=5)
            break
        except queue_module.Empty:
            if not process.is_alive():
                raise SystemExit(
                    f"the release process ended with code {process.exitcode}"
                ) from None
    process.join()
    result["largest"] = _largest(str(home), result["path"])
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
