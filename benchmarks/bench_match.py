"""Benchmark of matchmaking: quality against the planted pairs and time to match everything.

    python benchmarks/bench_match.py --scale 1.0 [--truth DIR] [--database] [--json]

The synthetic economy is generated at ``--scale`` (or an existing ``truth`` folder of
``marsad synth`` is read; its profiles are planted in a temporary folder when it has
none). Reported: precision@5, recall@10 and MRR of the matcher and of the sector-only
baseline; the time to load the profiles and the register's facts, to score every request
against every offer and keep the best pairs, and to explain each kept pair in words. With
``--database``, the profiles are also published in a fresh SQLite database and a full
``marsad match run`` is timed (proposals written with their explanations).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from marsad.matchmaking.domain import Firm, Profile, Weights
from marsad.matchmaking.engine import Matcher
from marsad.matchmaking.evaluate import BASELINE, rank_metrics, synth_profiles, true_pairs
from marsad.matchmaking.explain import explain
from marsad.matchmaking.facts import truth_firms
from marsad.matchmaking.ranking import best_matches


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _truth(args: argparse.Namespace, tmp: Path) -> Path:
    from marsad.synth import generate
    from marsad.synth.partners import plant_partners

    if args.truth is None:
        generate(out=tmp / "synth", scale=args.scale, seed=args.seed, progress=not args.json)
        return tmp / "synth" / "truth"
    truth: Path = args.truth
    if (truth / "match_profiles.parquet").is_file():
        return truth
    planted = tmp / "truth"
    planted.mkdir()
    for name in ("enterprises.parquet", "panel.parquet"):
        (planted / name).symlink_to((truth / name).resolve())
    plant_partners(planted, args.seed, args.scale)
    return planted


def _database_run(profiles: list[Profile], firms: dict[str, Firm], as_of: date, tmp: Path) -> Any:
    from marsad.matchmaking.models import MatchProfile
    from marsad.matchmaking.proposals import run_matching
    from marsad.operational import Database, migrate
    from marsad.operational.auth import SYSTEM

    url = f"sqlite:///{tmp / 'operational.db'}"
    migrate(url)
    db = Database(url)
    with db.session() as session:
        session.add_all(
            MatchProfile(
                enterprise_id=p.enterprise_id,
                kind=p.kind,
                status="published",
                title=p.title[:300],
                description=p.description,
                tags=list(p.tags),
                activity_codes=list(p.activity_codes),
                certifications=list(p.certifications),
                capacity_mad=None if p.capacity_mad is None else Decimal(round(p.capacity_mad)),
                site_region=p.site_region,
                regions_served=list(p.regions_served),
                sizes_sought=list(p.sizes_sought),
                excluded=list(p.excluded),
                valid_from=p.valid_from,
                valid_until=p.valid_until,
            )
            for p in profiles
        )
    started = time.perf_counter()
    summary = run_matching(db, SYSTEM, lambda ids, day: firms, as_of)
    seconds = time.perf_counter() - started
    db.dispose()
    return {"seconds": round(seconds, 1), **summary.to_dict()}


def _pairs_scored(matcher: Matcher) -> int:
    """Requests times the offers of the kind that answers them."""
    from marsad.matchmaking.domain import ANSWERS

    offers = [p.kind for p in matcher.offers]
    return sum(offers.count(ANSWERS[r.kind]) for r in matcher.requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--truth", type=Path, default=None, help="truth/ of a synth output")
    parser.add_argument("--database", action="store_true", help="also time a database run")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="marsad-bench-match-") as tmp:
        truth = _truth(args, Path(tmp))
        lap = time.perf_counter()
        profiles, as_of = synth_profiles(truth)
        firms = truth_firms(truth, {p.enterprise_id for p in profiles}, as_of)
        pairs = true_pairs(truth)
        seconds = {"load": time.perf_counter() - lap}
        lap = time.perf_counter()
        matcher = Matcher(profiles, firms, as_of, Weights())
        matches = best_matches(matcher)
        seconds["match_all"] = time.perf_counter() - lap
        lap = time.perf_counter()
        for m in matches:
            explain(m.parts, m.request, m.offer, firms, matcher.weights)
        seconds["explain"] = time.perf_counter() - lap
        quality = rank_metrics(Matcher(profiles, firms, as_of, Weights()), pairs)
        baseline = rank_metrics(Matcher(profiles, firms, as_of, BASELINE), pairs)
        database = _database_run(profiles, firms, as_of, Path(tmp)) if args.database else None
    figures = {
        "scale": args.scale,
        "profiles": len(profiles),
        "requests": len(matcher.requests),
        "offers": len(matcher.offers),
        "pairs_scored": _pairs_scored(matcher),
        "proposals": len(matches),
        "true_pairs": sum(len(v) for v in pairs.values()),
        "quality": quality,
        "baseline": baseline,
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
        "database_run": database,
        "peak_rss_mb": round(peak_rss_mb()),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"scale {args.scale:g}: {len(profiles)} profiles, {figures['pairs_scored']:,} pairs")
    for key in ("precision_at_5", "recall_at_10", "mrr"):
        print(f"  {key:<16}{quality[key]:.4f}   baseline {baseline[key]:.4f}")
    print(f"  match all       {seconds['match_all']:.1f} s ({len(matches)} proposals)")
    print(f"  explain         {seconds['explain']:.1f} s;  load {seconds['load']:.1f} s")
    if database:
        print(f"  database run    {database['seconds']} s")
    print(f"  peak memory     {figures['peak_rss_mb']} MB")


if __name__ == "__main__":
    main()
