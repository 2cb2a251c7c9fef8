"""Random tables built from random microdata, for tests and benchmarks.

Cells are aggregated from contributors, so that counts, totals and top contributions are
consistent, as in a real release.
"""

from __future__ import annotations

import itertools
from typing import Literal

import numpy as np
import pandas as pd

from marsad.confidentiality.model import Dimension, ProtectionTable

TOTAL = "_T"


def flat_dimension(dim_id: str, codes: list[str]) -> Dimension:
    return Dimension(dim_id, {TOTAL: None, **{c: TOTAL for c in codes}})


def two_level_dimension(dim_id: str, groups: dict[str, list[str]]) -> Dimension:
    parent: dict[str, str | None] = {TOTAL: None}
    for group, members in groups.items():
        parent[group] = TOTAL
        parent.update({m: group for m in members})
    return Dimension(dim_id, parent)


def aggregate(
    micro: pd.DataFrame,
    dimensions: tuple[Dimension, ...],
    *,
    table_id: str,
    measure: str,
    kind: Literal["count", "magnitude"],
) -> ProtectionTable:
    """Every cell (totals and subtotals) of ``micro`` (one row per contributor).

    ``micro`` has one column per dimension with the most detailed codes, and ``value``.
    """
    frames = []
    ancestry = {}
    for dim in dimensions:
        chains = {}
        for code in dim.parent:
            chain, current = [code], dim.parent[code]
            while current is not None:
                chain.append(current)
                current = dim.parent[current]
            chains[code] = chain if dim.additive else [code]
        ancestry[dim.id] = chains
    expanded = micro
    for dim in dimensions:
        expanded = expanded.assign(**{dim.id: expanded[dim.id].map(ancestry[dim.id])}).explode(
            dim.id
        )
    contributions = expanded["value"] if kind == "magnitude" else pd.Series(1.0, expanded.index)
    expanded = expanded.assign(_c=contributions.astype(float))
    grouped = expanded.groupby([d.id for d in dimensions], sort=True)["_c"]
    frames.append(grouped.sum().rename("value"))
    frames.append(grouped.size().rename("n"))
    for rank in (1, 2, 3):
        frames.append(
            grouped.apply(
                lambda s, r=rank: np.sort(s.to_numpy())[::-1][r - 1] if len(s) >= r else 0.0
            ).rename(f"top{rank}")
        )
    cells = pd.concat(frames, axis=1).reset_index()
    codes = [[c for c in d.parent if not (d.additive is False and c == TOTAL)] for d in dimensions]
    full = pd.DataFrame(list(itertools.product(*codes)), columns=[d.id for d in dimensions])
    cells = full.merge(cells, how="left").fillna(
        {"value": 0.0, "n": 0, "top1": 0.0, "top2": 0.0, "top3": 0.0}
    )
    cells["n"] = cells["n"].astype(np.int64)
    return ProtectionTable(table_id, measure, kind, dimensions, cells)


def random_micro(
    rng: np.random.Generator, size: int, dimensions: tuple[Dimension, ...]
) -> pd.DataFrame:
    """Contributors spread unevenly over the most detailed codes, with skewed values."""
    data: dict[str, object] = {}
    for dim in dimensions:
        children = dim.children()
        leaves = [
            c
            for c in dim.parent
            if c not in children and (dim.parent[c] is not None or not dim.additive)
        ]
        weights = rng.pareto(1.2, len(leaves)) + 0.05
        data[dim.id] = rng.choice(leaves, size=size, p=weights / weights.sum())
    data["value"] = np.round(rng.lognormal(12.0, 1.5, size), 0)
    return pd.DataFrame(data)
