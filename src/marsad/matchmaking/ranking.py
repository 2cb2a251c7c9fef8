"""The pairs worth proposing: the best offers of each request and the best requests of each
offer, above a floor score, each pair once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from marsad.matchmaking.domain import Profile
from marsad.matchmaking.engine import PARTS, Matcher


@dataclass(frozen=True)
class Match:
    request: Profile
    offer: Profile
    score: float
    parts: dict[str, float]


def best_matches(
    matcher: Matcher, per_request: int = 5, per_offer: int = 3, min_score: float = 0.3
) -> list[Match]:
    """Top ``per_request`` offers of every request and top ``per_offer`` requests of every
    offer (pairs scoring under ``min_score`` are never proposed), best first."""
    found: dict[tuple[int, int], Match] = {}
    # per offer: the best scores seen so far and where they are (request, its parts)
    column_best: dict[int, list[tuple[float, int, dict[str, float]]]] = {}

    def keep(req: int, off: int, score: float, parts: dict[str, float]) -> None:
        if (req, off) not in found:
            found[(req, off)] = Match(
                matcher.requests[req], matcher.offers[off], round(score, 4), parts
            )

    for block in matcher.blocks():
        score = block.score
        k = min(per_request, score.shape[1])
        if k > 0:
            top = np.argpartition(-score, k - 1, axis=1)[:, :k]
            for i, row in enumerate(top):
                for j in row:
                    if score[i, j] >= min_score:
                        keep(
                            int(block.rows[i]),
                            int(block.cols[j]),
                            float(score[i, j]),
                            {p: float(block.parts[p][i, j]) for p in PARTS},
                        )
        k = min(per_offer, score.shape[0])
        if k > 0:
            top = np.argpartition(-score, k - 1, axis=0)[:k, :]
            for j in range(score.shape[1]):
                kept = column_best.setdefault(int(block.cols[j]), [])
                for i in top[:, j]:
                    if score[i, j] >= min_score:
                        parts = {p: float(block.parts[p][i, j]) for p in PARTS}
                        kept.append((float(score[i, j]), int(block.rows[i]), parts))
                kept.sort(key=lambda x: -x[0])
                del kept[per_offer:]
    for off, kept in column_best.items():
        for value, req, parts in kept:
            keep(req, off, value, parts)
    return sorted(found.values(), key=lambda m: (-m.score, m.request.id, m.offer.id))
