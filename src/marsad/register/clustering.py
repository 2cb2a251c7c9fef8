"""Clusters of units: union-find over links, strongest first, under cannot-link constraints.

Two clusters are never merged when they hold different valid ICEs (enterprise part) or
different trade-registry keys, or when a reviewer said two of their units are different.
A reviewer's "same" is applied first and overrides the identifier constraints.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Link:
    a: str
    b: str
    kind: str  # review | ice | rc | model
    probability: float


@dataclass
class ClusterResult:
    cluster_of: dict[str, str]  # unit -> representative unit
    refused: list[tuple[Link, str]] = field(default_factory=list)  # link, why it was not used


class _Clusters:
    def __init__(self, units: dict[str, tuple[str | None, str | None]]) -> None:
        self.parent = {u: u for u in units}
        self.ice = {u: ({i} if i else set()) for u, (i, _) in units.items()}
        self.rc = {u: ({r} if r else set()) for u, (_, r) in units.items()}
        self.members: dict[str, list[str]] = {u: [u] for u in units}

    def find(self, u: str) -> str:
        root = u
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[u] != root:
            self.parent[u], u = root, self.parent[u]
        return root

    def conflict(self, ra: str, rb: str) -> str | None:
        ia, ib = self.ice[ra], self.ice[rb]
        if ia and ib and ia != ib:
            return "different ICE"
        if self.rc[ra] and self.rc[rb] and self.rc[ra] != self.rc[rb]:
            return "different trade-registry number"
        return None

    def union(self, ra: str, rb: str) -> str:
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        self.ice[ra] |= self.ice.pop(rb)
        self.rc[ra] |= self.rc.pop(rb)
        return ra


def cluster(
    units: dict[str, tuple[str | None, str | None]],
    links: Iterable[Link],
    different: Iterable[tuple[str, str]] = (),
) -> ClusterResult:
    """Cluster ``units`` (unit -> (ice9, rc_key)) with ``links``; ``different`` cannot link."""
    state = _Clusters(units)
    apart: dict[str, set[str]] = {}
    for a, b in different:
        if a in units and b in units:
            apart.setdefault(a, set()).add(b)
            apart.setdefault(b, set()).add(a)
    rank = {"review": 0, "ice": 1, "rc": 2, "model": 3}
    ordered = sorted(links, key=lambda lk: (rank.get(lk.kind, 9), -lk.probability, lk.a, lk.b))
    result = ClusterResult(cluster_of={})
    for link in ordered:
        if link.a not in units or link.b not in units:
            continue
        ra, rb = state.find(link.a), state.find(link.b)
        if ra == rb:
            continue
        why = None if link.kind == "review" else state.conflict(ra, rb)
        if why is None and apart:
            why = _reviewed_apart(state, ra, rb, apart)
        if why is not None:
            result.refused.append((link, why))
            continue
        state.union(ra, rb)
    for u in units:
        result.cluster_of[u] = state.find(u)
    return result


def _reviewed_apart(state: _Clusters, ra: str, rb: str, apart: dict[str, set[str]]) -> str | None:
    small, large = sorted((ra, rb), key=lambda r: len(state.members[r]))
    large_members = set(state.members[large])
    for u in state.members[small]:
        if apart.get(u, set()) & large_members:
            return "a reviewer said different"
    return None
