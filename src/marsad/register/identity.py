"""Stable enterprise ids: a cluster keeps the id most of its units had; changes are recorded.

A first build names each cluster after a hash of its smallest unit id, so that the same
inputs always give the same ids. Later builds carry every id forward: a cluster takes the
id held by most of its units (ties: the smallest id); other ids of its units are recorded
as merged into it; an id whose units end up in several clusters stays with the largest
part and the others are recorded as split from it.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class IdentityChange:
    kind: str  # new | merge | split
    enterprise_id: str
    other_id: str | None
    units: int


def new_id(seed: str, taken: set[str]) -> str:
    digest = hashlib.sha256(seed.encode("utf-8")).hexdigest()
    for width in range(10, 64):
        candidate = "E" + digest[:width].upper()
        if candidate not in taken:
            return candidate
    raise RuntimeError("no free enterprise id")  # pragma: no cover - 2^40 collisions


def assign_ids(
    cluster_of: dict[str, str], previous: dict[str, str]
) -> tuple[dict[str, str], list[IdentityChange]]:
    """Enterprise id of every unit, given clusters and the previous unit -> id mapping."""
    members: dict[str, list[str]] = defaultdict(list)
    for unit, root in cluster_of.items():
        members[root].append(unit)
    # Each previous id goes to the cluster holding most of its units (largest part).
    claims: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for root, units in members.items():
        held = Counter(previous[u] for u in units if u in previous)
        for old_id, n in held.items():
            claims[old_id].append((n, root))
    owner = {old: max(parts, key=lambda p: (p[0], _neg(p[1])))[1] for old, parts in claims.items()}
    taken = set(previous.values())
    ids: dict[str, str] = {}
    changes: list[IdentityChange] = []
    for root in sorted(members, key=lambda r: min(members[r])):
        units = members[root]
        held = Counter(previous[u] for u in units if u in previous)
        mine = [(n, old) for old, n in held.items() if owner[old] == root]
        if mine:
            chosen = max(mine, key=lambda p: (p[0], _neg(p[1])))[1]
            for _, old in mine:
                if old != chosen:
                    changes.append(IdentityChange("merge", chosen, old, held[old]))
        else:
            chosen = new_id(min(units), taken)
            taken.add(chosen)
            changes.append(IdentityChange("new", chosen, None, len(units)))
        for old, n in held.items():
            if owner[old] != root:
                changes.append(IdentityChange("split", chosen, old, n))
        for u in units:
            ids[u] = chosen
    return ids, changes


def _neg(text: str) -> tuple[int, ...]:
    """Sort key that prefers the smallest string when used with max()."""
    return tuple(-ord(c) for c in text)
