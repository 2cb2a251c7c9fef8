"""Benchmark: a full release (every table, protection and audit), time and memory.

    python benchmarks/bench_release.py --home DIR            # a data directory with a register
    python benchmarks/bench_release.py --scale 0.1 [--years 5]   # builds one first

Prints the release summary, the time and peak memory of the release alone (in its own
process), and, for the largest table (region x activity x size class x year), the share of
cells and of value suppressed (primary and secondary).
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
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    queue.put({**summary.to_dict(), "wall_seconds": time.perf_counter() - started,
               "peak_rss_gb": round(peak, 2)})  # fmt: skip


def _largest(path: str) -> dict[str, Any]:
    import duckdb

    frame = duckdb.sql(
        f"SELECT CONF_STATUS, count(*) AS n FROM '{path}/tables/{LARGEST}.parquet' GROUP BY 1"
    ).fetchall()
    counts = dict(frame)
    total = sum(counts.values())
    return {
        "table": LARGEST,
        "cells": total,
        "primary_share": round(counts.get("C", 0) / total, 4),
        "secondary_share": round(counts.get("N", 0) / total, 4),
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
    result["largest"] = _largest(result["path"])
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
