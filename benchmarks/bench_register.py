"""Benchmark: register build quality, time and memory, beside a plain Splink model.

    python benchmarks/bench_register.py --scale 0.1 [--scale 1.0] [--economy second] [--json]
    python benchmarks/bench_register.py --root DIR [--json]   # DIR/home ingested, DIR/synth

``--economy second`` measures on the second test economy (``benchmarks/second_economy``,
written from the partners' data dictionary alone, with a messiness profile of its own)
instead of marsad's own synthetic economy.

For each scale: synthetic economy, ingestion, then (each in its own process, so that peak
memory is its own) marsad's full register build with its evaluation, and a plain Splink
model on the same source units without marsad's standardisation and identifier logic
(raw names, raw identifiers, raw places; candidate pairs share the raw name in one
commune or the raw ICE), clustered at the same threshold.

``--root`` names a folder already prepared (``home/`` with the deliveries ingested and
``synth/truth/``, e.g. links to a kept synthetic economy and its home), for scales whose
preparation takes long; marsad's full build then replaces the home's current build.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import tempfile
import time
from pathlib import Path
from queue import Empty
from typing import Any


def _prepare(root: str, scale: float, seed: int, economy: str, queue: Any) -> None:
    from marsad.ingest import Deliverer, ingest_folder
    from marsad.settings import get_settings
    from marsad.synth import generate

    started = time.perf_counter()
    if economy == "second":
        import sys

        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from second_economy.generate import generate as generate_second

        (Path(root) / "synth").mkdir(parents=True, exist_ok=True)
        generate_second(Path(root) / "synth", scale, seed, log=lambda _: None)
    else:
        generate(out=Path(root) / "synth", scale=scale, seed=seed, progress=False)
    ingest_folder(Deliverer(get_settings(Path(root) / "home")), Path(root) / "synth")
    queue.put({"seconds": time.perf_counter() - started})


def _marsad(root: str, queue: Any) -> None:
    from marsad.register.build import build_register
    from marsad.register.evaluate import evaluate_register
    from marsad.settings import get_settings

    settings = get_settings(Path(root) / "home")
    started = time.perf_counter()
    report = build_register(settings, full=True)
    seconds = time.perf_counter() - started
    quality = evaluate_register(settings, Path(root) / "synth" / "truth")
    queue.put(
        {
            "model": "marsad",
            "seconds": round(seconds, 1),
            "steps": report.seconds,
            "rows": report.rows,
            "units": report.units,
            "enterprises": report.enterprises,
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "pairwise": quality["pairwise"],
            "bcubed": quality["bcubed"],
            "true_enterprises": quality["true_enterprises"],
            "match_rate_by_source": quality["match_rate_by_source"],
            "operating_point": report.operating_point,
            "categories": quality["categories"],
            "active_counts": quality["active_counts"],
        }
    )


def _plain(root: str, queue: Any) -> None:
    """Splink with its usual comparisons on raw attributes, one record per source unit."""
    import duckdb
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from marsad.ingest import Ledger
    from marsad.register.build import current_build
    from marsad.register.evaluate import scores_from_contingency
    from marsad.register.units import load_rows
    from marsad.settings import get_settings

    settings = get_settings(Path(root) / "home")
    con = duckdb.connect(config={"threads": settings.workers})
    started = time.perf_counter()
    load_rows(con, settings)
    con.execute(
        """CREATE TABLE plain AS SELECT unit_id,
               lower(arg_max(name, period)) AS name, arg_max(ice, period) AS ice,
               lower(arg_max(commune, period)) AS commune,
               arg_max(activity_code, period) AS activity_code
           FROM source_rows GROUP BY unit_id"""
    )
    spec = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unit_id",
        comparisons=[
            cl.NameComparison("name"),
            cl.ExactMatch("ice"),
            cl.ExactMatch("commune"),
            cl.ExactMatch("activity_code"),
        ],
        # The raw name alone is not a usable key at scale 1.0: 318 million pairs, whose
        # scoring filled 65 GB of temporary files; the same name in one commune is.
        blocking_rules_to_generate_predictions=[block_on("name", "commune"), block_on("ice")],
    )
    linker = Linker("plain", spec, db_api=DuckDBAPI(connection=con))
    linker.training.estimate_probability_two_random_records_match(
        [block_on("ice"), block_on("name", "commune")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("ice"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name", "commune"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, settings.link_threshold
    )
    con.execute(f"CREATE TABLE plain_clusters AS SELECT * FROM {clusters.physical_name}")
    seconds = time.perf_counter() - started
    records = Ledger(settings.ledger_path).records()
    con.register(
        "deliveries",
        pa.table(
            {
                "delivery": [r.id for r in records],
                "file": [f"deliveries/{r.partner}/{r.dataset}/{r.file_name}" for r in records],
            }
        ),
    )
    build = current_build(settings)
    assert build is not None
    truth = Path(root) / "synth" / "truth" / "rows.parquet"
    con.execute(
        f"""CREATE TABLE labelled AS
            SELECT t.enterprise_id AS truth, coalesce(c.cluster_id, s.unit_id) AS found
            FROM source_rows s JOIN deliveries d USING (delivery)
            JOIN read_parquet('{truth}') t ON t.file = d.file AND t.row = s.row
            LEFT JOIN plain_clusters c ON c.unit_id = s.unit_id"""
    )
    quality = scores_from_contingency(con, "labelled")
    queue.put(
        {
            "model": "plain splink",
            "seconds": round(seconds, 1),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "pairwise": quality["pairwise"],
            "bcubed": quality["bcubed"],
            "found_enterprises": quality["found_enterprises"],
        }
    )


def _run(target: Any, *args: Any) -> dict[str, Any]:
    """``target`` in its own process (its peak memory its own); a process that dies without
    a result (out of memory or disk) stops the benchmark instead of leaving it waiting."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    while True:
        try:
            result: dict[str, Any] = queue.get(timeout=5)
            break
        except Empty:
            if not proc.is_alive():
                raise SystemExit(f"{target.__name__} failed (exit {proc.exitcode})") from None
    proc.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, action="append")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--economy", choices=("own", "second"), default="own")
    parser.add_argument("--skip-plain", action="store_true")
    parser.add_argument("--root", type=Path, help="a prepared folder (home/, synth/truth/)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = []

    def measure(root: str) -> list[dict[str, Any]]:
        runs = [_run(_marsad, root)]
        if not args.skip_plain:
            runs.append(_run(_plain, root))
        return runs

    if args.root is not None:
        results.append({"scale": str(args.root), "runs": measure(str(args.root))})
    for scale in [] if args.root is not None and not args.scale else args.scale or [0.1]:
        with tempfile.TemporaryDirectory(prefix="marsad-bench-") as root:
            _run(_prepare, root, scale, args.seed, args.economy)
            results.append({"scale": scale, "runs": measure(root)})
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for r in results:
        for run in r["runs"]:
            pw = run["pairwise"]
            print(
                f"scale {r['scale']!s:<5} {run['model']:<13} {run['seconds']:>7.1f} s  "
                f"peak {run['peak_mb']:>6,} MB  pairwise P {pw['precision']:.4f} "
                f"R {pw['recall']:.4f} F1 {pw['f1']:.4f}"
            )
            if run.get("categories"):
                cat, counts = run["categories"], run["active_counts"] or {}
                print(
                    f"    enterprises {run['enterprises']:,} (true {run['true_enterprises']:,}); "
                    f"category accuracy {cat['accuracy']:.4f}, unknown "
                    f"{cat['unknown_share']:.2%}; active cells within 1 % "
                    f"{counts.get('cells_within_one_percent')}, largest error "
                    f"{counts.get('largest_cell_error')}; threshold "
                    f"{run['operating_point']['threshold']:.3f}"
                )


if __name__ == "__main__":
    main()
