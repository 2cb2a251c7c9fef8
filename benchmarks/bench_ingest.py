"""Benchmark: synthetic economy, then ingestion of all its deliveries.

    python benchmarks/bench_ingest.py --scale 1.0 [--synth-dir DIR] [--json]

Prints wall time, rows per second and peak memory (resident set) of each step. Each step
runs in a child process so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import tempfile
import time
from pathlib import Path
from typing import Any


def _synth(out: str, scale: float, seed: int, queue: Any) -> None:
    from marsad.synth import generate

    started = time.perf_counter()
    summary = generate(out=Path(out), scale=scale, seed=seed, progress=False)
    seconds = time.perf_counter() - started
    rows = sum(summary.to_dict().get("rows", {}).values())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put({"step": "synth", "seconds": seconds, "rows": rows, "peak_mb": peak})


def _ingest(synth_dir: str, home: str, queue: Any) -> None:
    from marsad.ingest import Deliverer, ingest_folder
    from marsad.settings import get_settings

    started = time.perf_counter()
    summary = ingest_folder(Deliverer(get_settings(home)), Path(synth_dir))
    seconds = time.perf_counter() - started
    totals = summary.totals()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(
        {
            "step": "ingest",
            "seconds": seconds,
            "rows": totals["received"],
            "peak_mb": peak,
            "totals": totals,
        }
    )


def _run(target: Any, *args: Any) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    result: dict[str, Any] = queue.get()
    proc.join()
    result["rows_per_second"] = round(result["rows"] / max(result["seconds"], 1e-9))
    result["seconds"] = round(result["seconds"], 1)
    result["peak_mb"] = round(result["peak_mb"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--synth-dir", type=Path, help="reuse an existing synth output")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="marsad-bench-") as tmp:
        results = []
        synth_dir = args.synth_dir
        if synth_dir is None:
            synth_dir = Path(tmp) / "synth"
            results.append(_run(_synth, str(synth_dir), args.scale, args.seed))
        results.append(_run(_ingest, str(synth_dir), str(Path(tmp) / "home")))
    if args.json:
        print(json.dumps({"scale": args.scale, "steps": results}, indent=2))
        return
    for r in results:
        print(
            f"{r['step']:>7}: {r['seconds']:>7.1f} s  {r['rows']:>12,} rows  "
            f"{r['rows_per_second']:>10,} rows/s  peak {r['peak_mb']:,} MB"
        )
        if "totals" in r:
            print(f"         {r['totals']}")


if __name__ == "__main__":
    main()
