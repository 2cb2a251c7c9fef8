"""Benchmark: what reviewers' decisions teach the register.

    python benchmarks/bench_review.py --home HOME --truth SYNTH/truth --decisions 200 [--json]

On a home whose register is built, a reviewer who knows the truth (the synthetic
economy's) decides the first N pairs of the review queue, in the queue's order; the
register is then rebuilt and measured again. Prints the operating point (calibration,
threshold, expected precision and recall) and the measured quality before and after.
The decisions are added to the home's review log (use a copy of a home to keep it as it
was).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any


def _true_enterprise_of_units(settings: Any, build: Path, truth: Path) -> dict[str, int]:
    import duckdb

    from marsad.ingest import Ledger

    con = duckdb.connect()
    con.execute("CREATE TABLE files (delivery VARCHAR, file VARCHAR)")
    con.executemany(
        "INSERT INTO files VALUES (?, ?)",
        [
            (r.id, f"deliveries/{r.partner}/{r.dataset}/{r.file_name}")
            for r in Ledger(settings.ledger_path).records()
        ],
    )
    rows = con.execute(
        f"""SELECT r.unit_id, arg_max(t.enterprise_id, 1)
            FROM read_parquet('{build / "rows.parquet"}') r JOIN files f USING (delivery)
            JOIN read_parquet('{truth / "rows.parquet"}') t ON t.file = f.file AND t.row = r.row
            GROUP BY r.unit_id"""
    ).fetchall()
    return {u: int(e) for u, e in rows}


def _figures(report: Any, quality: dict[str, Any]) -> dict[str, Any]:
    point = report.operating_point
    return {
        "threshold": point["threshold"],
        "expected_precision": point["expected_precision"],
        "expected_recall": point["expected_recall"],
        "calibration": point["calibration"],
        "review_queue": report.review_queue,
        "enterprises": report.enterprises,
        "pairwise": quality["pairwise"],
    }


def main() -> None:
    from marsad.register.build import build_register, current_build, register_dir
    from marsad.register.evaluate import evaluate_register
    from marsad.register.queries import review_queue
    from marsad.register.reviews import ReviewLog
    from marsad.settings import get_settings

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    parser.add_argument("--decisions", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = get_settings(args.home)
    before_report = build_register(settings)
    before = _figures(before_report, evaluate_register(settings, args.truth))
    build = current_build(settings)
    assert build is not None
    true = _true_enterprise_of_units(settings, build, args.truth)
    log = ReviewLog(register_dir(settings) / "reviews.jsonl")
    same = 0
    for pair in review_queue(settings, limit=args.decisions):
        decided = true.get(pair["unit_a"]) == true.get(pair["unit_b"])
        same += decided
        log.record(pair["unit_a"], pair["unit_b"], "same" if decided else "different", "bench")
    started = time.perf_counter()
    after_report = build_register(settings)
    seconds = time.perf_counter() - started
    after = _figures(after_report, evaluate_register(settings, args.truth))
    result = {
        "decisions": args.decisions,
        "decided_same": same,
        "rebuild_seconds": round(seconds, 1),
        "before": before,
        "after": after,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for name in ("before", "after"):
        r = result[name]
        c, pw = r["calibration"], r["pairwise"]
        print(
            f"{name:<6} threshold {r['threshold']:.3f}  γ {c['gamma']:+.3f}  α {c['alpha']:.3f} "
            f"β {c['beta']:.3f}  expected P {r['expected_precision']:.4f} "
            f"R {r['expected_recall']:.4f}  measured P {pw['precision']:.4f} "
            f"R {pw['recall']:.4f} F1 {pw['f1']:.4f}  enterprises {r['enterprises']:,}"
        )
    print(f"{args.decisions} decisions ({same} same), rebuild {seconds:.1f} s")


if __name__ == "__main__":
    main()
