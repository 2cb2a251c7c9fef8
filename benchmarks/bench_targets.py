"""Benchmark: the target list of a programme for a whole region, on a built register.

    python benchmarks/bench_targets.py --home DIR [--programme INTELAKA] [--region 06]
                                       [--repeat 3] [--json]

``DIR`` holds a register with a current build (``register/``) and the deliveries it was
built from (``staging/``). Nothing is written there: the run works in a temporary data
directory that links to both, with its own operational database. Three lists are timed:
a programme manager's (no contact details), a chamber agent's (contact details of the
chamber's members joined), and the same list written as CSV through the logged export.
Prints the enterprises examined, eligible and listed, wall time (best and median of the
repeats), enterprises examined per second and peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from marsad.operational import Database, migrate
from marsad.operational.auth import create_user
from marsad.outreach.exports import export_targets
from marsad.outreach.targets import TargetQuery, build_targets
from marsad.register.build import current_build
from marsad.settings import get_settings


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run(home: Path, programme: str, region: str, repeat: int) -> dict[str, Any]:
    if current_build(get_settings(home)) is None:
        raise SystemExit(f"no current register build under {home / 'register'}")
    with tempfile.TemporaryDirectory(prefix="bench-targets-") as tmp:
        work = Path(tmp) / "home"
        work.mkdir()
        for part in ("register", "staging"):
            (work / part).symlink_to((home / part).resolve(), target_is_directory=True)
        url = f"sqlite:///{Path(tmp) / 'operational.db'}"
        settings = get_settings(work, database_url=url)
        migrate(url)
        db = Database(url)
        manager = create_user(db, "bench.manager", "programme_manager")
        agent = create_user(db, "bench.agent", "desk_agent", chamber_code=f"CCIS{region}")
        timings: dict[str, list[float]] = {"manager": [], "agent": [], "agent_csv": []}
        found = None
        for _ in range(repeat):
            for who, actor in (("manager", manager), ("agent", agent)):
                started = time.perf_counter()
                found = build_targets(settings, db, actor, TargetQuery(programme, region))
                timings[who].append(time.perf_counter() - started)
            started = time.perf_counter()
            listed = build_targets(settings, db, agent, TargetQuery(programme, region))
            export_targets(db, agent, listed, "benchmark")
            timings["agent_csv"].append(time.perf_counter() - started)
        db.dispose()
    assert found is not None
    counts = found.counts
    best = min(timings["manager"])
    return {
        "programme": programme,
        "region": region,
        "build": current_build(get_settings(home)).name,  # type: ignore[union-attr]
        "counts": counts,
        "contact_fields_agent": found.contact_fields,
        "seconds": {
            k: {"best": round(min(v), 3), "median": round(statistics.median(v), 3)}
            for k, v in timings.items()
        },
        "examined_per_second": round(counts["examined"] / best) if best else None,
        "peak_memory_mb": _peak_mb(),
        "repeat": repeat,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--programme", default="INTELAKA")
    parser.add_argument("--region", default="06")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.home, args.programme, args.region, max(1, args.repeat))
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    c, s = result["counts"], result["seconds"]
    print(
        f"{result['programme']} region {result['region']} (build {result['build']}): "
        f"{c['examined']} enterprises examined, {c['eligible']} eligible, {c['listed']} listed"
    )
    for who, label in (
        ("manager", "programme manager, no contacts"),
        ("agent", "chamber agent, with contacts"),
        ("agent_csv", "chamber agent, list + CSV export"),
    ):
        print(f"  {label}: best {s[who]['best']} s, median {s[who]['median']} s")
    print(
        f"  {result['examined_per_second']} enterprises examined per second; "
        f"peak memory {result['peak_memory_mb']} MB"
    )


if __name__ == "__main__":
    main()
