"""Measured quality of the matcher against the pairs a synthetic economy planted.

Every request with at least one true partner is a query; the offers that answer it are
ranked by the matcher and, as a baseline, by sector proximity alone (the NMA codes, same
hard filters, same tie-breaking). Reported: precision at 5 (true partners among the first
five, over five), recall at 10 (true partners among the first ten, over all true partners
of the request, filtered out or not) and the mean reciprocal rank of the first true
partner (0 when none is reachable), each averaged over the queries.
"""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from marsad.errors import NotFound
from marsad.matchmaking.domain import Profile, Weights
from marsad.matchmaking.engine import Matcher
from marsad.matchmaking.facts import truth_firms

BASELINE = Weights(capability=0.0, sector=1.0, distance=0.0, size=0.0, track_record=0.0)


def _strings(values: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in (values if values is not None else ()))


def synth_profiles(truth: Path) -> tuple[list[Profile], date]:
    """The profiles brokers drafted in a synthetic economy, and their reference date."""
    path = truth / "match_profiles.parquet"
    if not path.is_file():
        raise NotFound(
            f"Aucun profil synthétique dans {truth} : générez l'économie avec `marsad synth`."
        )
    table = pq.read_table(path)
    meta = json.loads((table.schema.metadata or {}).get(b"marsad.partners", b"{}"))
    as_of = date.fromisoformat(meta["as_of"])
    profiles = [
        Profile(
            id=row["profile_key"],
            enterprise_id=str(row["enterprise_id"]),
            kind=row["kind"],
            title=row["title"],
            description=row["description"],
            tags=_strings(row["tags"]),
            activity_codes=_strings(row["activity_codes"]),
            certifications=_strings(row["certifications"]),
            capacity_mad=row["capacity_mad"],
            site_region=row["site_region"],
            regions_served=_strings(row["regions_served"]),
            sizes_sought=_strings(row["sizes_sought"]),
            excluded=_strings(row["excluded"]),
            valid_from=row["valid_from"],
            valid_until=row["valid_until"],
        )
        for row in table.to_pylist()
    ]
    return profiles, as_of


def true_pairs(truth: Path) -> dict[str, set[str]]:
    pairs: dict[str, set[str]] = {}
    for row in pq.read_table(truth / "match_pairs.parquet").to_pylist():
        pairs.setdefault(row["request_key"], set()).add(row["offer_key"])
    return pairs


def rank_metrics(matcher: Matcher, truth: dict[str, set[str]]) -> dict[str, float | int]:
    """precision@5, recall@10 and MRR of a matcher's rankings over the requests in ``truth``."""
    p5: list[float] = []
    r10: list[float] = []
    rr: list[float] = []
    for block in matcher.blocks():
        for i, req in enumerate(block.rows):
            wanted = truth.get(matcher.requests[req].id)
            if not wanted:
                continue
            score = block.score[i]
            is_true = np.array([matcher.offers[o].id in wanted for o in block.cols])
            order = np.argsort(-score, kind="stable")
            reachable = order[np.isfinite(score[order])]
            top = is_true[reachable[:10]]
            p5.append(float(top[:5].sum()) / 5.0)
            r10.append(float(top.sum()) / len(wanted))
            hits = np.flatnonzero(is_true[reachable])
            rr.append(1.0 / (hits[0] + 1) if hits.size else 0.0)
    return {
        "precision_at_5": round(float(np.mean(p5)), 4) if p5 else 0.0,
        "recall_at_10": round(float(np.mean(r10)), 4) if r10 else 0.0,
        "mrr": round(float(np.mean(rr)), 4) if rr else 0.0,
        "queries": len(p5),
    }


def evaluate(truth: Path, weights: Weights | None = None) -> dict[str, Any]:
    """The matcher against the planted pairs, next to the sector-only baseline."""
    started = time.perf_counter()
    profiles, as_of = synth_profiles(truth)
    firms = truth_firms(truth, {p.enterprise_id for p in profiles}, as_of)
    pairs = true_pairs(truth)
    loaded = time.perf_counter()
    matcher = Matcher(profiles, firms, as_of, weights or Weights())
    result = rank_metrics(matcher, pairs)
    matched = time.perf_counter()
    baseline = rank_metrics(Matcher(profiles, firms, as_of, BASELINE), pairs)
    return {
        **{k: result[k] for k in ("precision_at_5", "recall_at_10", "mrr")},
        "baseline": {k: baseline[k] for k in ("precision_at_5", "recall_at_10", "mrr")},
        "queries": result["queries"],
        "requests": len(matcher.requests),
        "offers": len(matcher.offers),
        "true_pairs": sum(len(v) for v in pairs.values()),
        "removed_by_filter": dict(matcher.removed),
        "weights": (weights or Weights()).as_dict(),
        "as_of": as_of.isoformat(),
        "seconds": {
            "load": round(loaded - started, 2),
            "match": round(matched - loaded, 2),
            "total": round(time.perf_counter() - started, 2),
        },
    }
