"""Clusters of units: union-find over links, strongest first, under cannot-link constraints.

Two clusters are never merged when they hold different valid ICEs (enterprise part) or
different trade-registry keys, or when a reviewer said two of their units are different.
A reviewer's "same" is applied first and overrides the identifier constraints. A shared
valid ICE overrides different trade-registry keys: a registry number belongs to one
court, and an enterprise that moves its seat to another court's area is registered there
again, while its ICE stays.

Units are integers here (their rank by unit id) and identifiers integer codes (-1 when
missing), so that a national register fits in a few flat lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

REVIEW, ICE, RC, MODEL = 0, 1, 2, 3
KIND_RANK = {"review": REVIEW, "ice": ICE, "rc": RC, "model": MODEL}
_MIXED = -2  # a cluster a reviewer joined across two identifiers


@dataclass
class ClusterResult:
    roots: list[int]  # representative unit of each unit
    used: list[bool]  # per link: did it join two clusters (or confirm one)
    refused: dict[str, int]  # why links were not used, with counts


def cluster(
    n_units: int,
    ice: Sequence[int],
    rc: Sequence[int],
    link_a: Sequence[int],
    link_b: Sequence[int],
    link_kind: Sequence[int],
    apart: Sequence[tuple[int, int]] = (),
) -> ClusterResult:
    """Apply links in the order given (strongest first) under the constraints."""
    parent = list(range(n_units))
    size = [1] * n_units
    ice_of = list(ice)
    rc_of = list(rc)
    apart_of: dict[int, set[int]] = {}
    for a, b in apart:
        apart_of.setdefault(a, set()).add(b)
        apart_of.setdefault(b, set()).add(a)
    members: dict[int, list[int]] = {u: [u] for u in apart_of}  # only clusters with decisions

    def find(u: int) -> int:
        root = u
        while parent[root] != root:
            root = parent[root]
        while parent[u] != root:
            parent[u], u = root, parent[u]
        return root

    used = [False] * len(link_a)
    refused: dict[str, int] = {}
    for i, (a, b, kind) in enumerate(zip(link_a, link_b, link_kind, strict=True)):
        ra, rb = find(a), find(b)
        if ra == rb:
            used[i] = True
            continue
        why = None
        if kind != REVIEW:
            why = _conflict(ice_of[ra], ice_of[rb], "different ICE")
            if why is None and kind != ICE:
                why = _conflict(rc_of[ra], rc_of[rb], "different trade-registry number")
            if why is None and ra in members and rb in members:
                other = set(members[rb])
                if any(apart_of.get(u, set()) & other for u in members[ra]):
                    why = "a reviewer said different"
        if why is not None:
            refused[why] = refused.get(why, 0) + 1
            continue
        if size[ra] < size[rb]:
            ra, rb = rb, ra
        parent[rb] = ra
        size[ra] += size[rb]
        ice_of[ra] = _merge(ice_of[ra], ice_of[rb])
        rc_of[ra] = _merge(rc_of[ra], rc_of[rb])
        if rb in members:
            members.setdefault(ra, []).extend(members.pop(rb))
        used[i] = True
    return ClusterResult(roots=[find(u) for u in range(n_units)], used=used, refused=refused)


def _conflict(x: int, y: int, why: str) -> str | None:
    if x == -1 or y == -1:
        return None
    if x == _MIXED or y == _MIXED or x != y:
        return why
    return None


def _merge(x: int, y: int) -> int:
    if x == -1:
        return y
    if y == -1 or x == y:
        return x
    return _MIXED
