"""Benchmark of ``marsad synth``: wall time, rows written, rows per second, peak memory.

Usage: ``python benchmarks/bench_synth.py --scale 1.0 [--seed 2026] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from marsad.synth import generate


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports kilobytes, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", type=Path, default=None, help="write here and keep the files")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="marsad-bench-synth-") as tmp:
        out = args.keep or Path(tmp)
        started = time.perf_counter()
        summary = generate(out=out, scale=args.scale, seed=args.seed, progress=not args.json)
        wall = time.perf_counter() - started
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    figures = {
        "scale": args.scale,
        "seed": args.seed,
        "wall_seconds": round(wall, 1),
        "rows_by_dataset": summary.rows,
        "rows_total": summary.total_rows,
        "rows_per_second": round(summary.total_rows / wall),
        "truth_rows": summary.truth_rows,
        "enterprises": summary.enterprises,
        "files": len(summary.files),
        "bytes_written": size,
        "peak_rss_mb": round(peak_rss_mb()),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"scale {args.scale:g}, seed {args.seed}")
    print(f"wall time        {wall:8.1f} s")
    for key, count in summary.rows.items():
        print(f"  {key:<28}{count:>12,}")
    print(f"rows written     {summary.total_rows:>12,} in {len(summary.files)} files")
    print(f"rows per second  {summary.total_rows / wall:>12,.0f}")
    print(f"bytes written    {size / 1e9:>12.2f} GB")
    print(f"peak memory      {peak_rss_mb():>12,.0f} MB")


if __name__ == "__main__":
    main()
