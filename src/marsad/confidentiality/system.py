"""The linked cells of a release as one system: unique cells, additive relations, subtables.

Every cell of every table gets a global index (cells of two tables with the same key are
one). A relation says that a total equals the sum of its children along one additive
dimension, the other codes being fixed. A subtable (in the sense of the hierarchical
decomposition of tau-Argus "Modular") takes, for every additive dimension, one code that
has children and those children, and one code of every non-additive dimension: a plain
table without hierarchy whose relations are those of its totals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from marsad.confidentiality.model import ProtectionTable, cell_keys


@dataclass
class Relation:
    total: int
    children: np.ndarray  # global indices


@dataclass
class Subtable:
    table: str
    level: tuple[str, ...]  # the parent code chosen per dimension (non-additive: the code)
    depth: int
    cells: np.ndarray  # global indices
    relations: list[Relation] = field(default_factory=list)


@dataclass
class CellSystem:
    keys: np.ndarray  # key of every global cell
    value: np.ndarray
    n: np.ndarray
    magnitude: np.ndarray  # the cell belongs to a table of magnitudes (not counts)
    positions: dict[str, np.ndarray]  # table id -> global index of each of its rows
    relations: list[Relation]
    subtables: list[Subtable]

    def relations_by_cell(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for r_index, rel in enumerate(self.relations):
            out[rel.total].append(r_index)
            for child in rel.children:
                out[int(child)].append(r_index)
        return out


def _depths(parent: dict[str, str | None]) -> dict[str, int]:
    depth: dict[str, int] = {}
    for code in parent:
        d, current, seen = 0, code, set()
        while parent.get(current) is not None and current not in seen:
            seen.add(current)
            current = parent[current]  # type: ignore[assignment]
            d += 1
        depth[code] = d
    return depth


def _table_relations(table: ProtectionTable, gidx: np.ndarray) -> list[Relation]:
    frame = table.cells[table.dimension_ids].astype(str).copy()
    frame["_g"] = gidx
    out: list[Relation] = []
    for dim in table.dimensions:
        if not dim.additive:
            continue
        others = [d for d in table.dimension_ids if d != dim.id]
        kids = frame[frame[dim.id].map(lambda c, d=dim: d.parent.get(c) is not None)].copy()
        if kids.empty:
            continue
        kids["_parent"] = kids[dim.id].map(dim.parent)
        totals = frame.rename(columns={dim.id: "_parent", "_g": "_total"})
        merged = kids.merge(totals, on=[*others, "_parent"], how="inner")
        total = merged["_total"].to_numpy(dtype=np.int64)
        child = merged["_g"].to_numpy(dtype=np.int64)
        order = np.lexsort((child, total))
        total, child = total[order], child[order]
        bounds = np.flatnonzero(np.diff(total)) + 1
        for start, end in zip([0, *bounds.tolist()], [*bounds.tolist(), len(total)], strict=True):
            if end > start:
                out.append(Relation(int(total[start]), child[start:end].copy()))
    return out


def _table_subtables(table: ProtectionTable, gidx: np.ndarray) -> list[Subtable]:
    frame = table.cells[table.dimension_ids].astype(str).reset_index(drop=True)
    memberships = pd.DataFrame({"_g": gidx, "_row": np.arange(len(frame))})
    memberships["_key"] = [()] * len(frame)
    memberships["_depth"] = 0
    for dim in table.dimensions:
        codes = frame[dim.id].to_numpy()
        if not dim.additive:
            memberships["_key"] = [
                (*k, codes[r])
                for k, r in zip(memberships["_key"], memberships["_row"], strict=True)
            ]
            continue
        has_children = set(dim.children())
        depth = _depths(dict(dim.parent))
        options = [
            [o for o in (dim.parent.get(c), c if c in has_children else None) if o is not None]
            for c in codes
        ]
        memberships["_opts"] = [options[r] for r in memberships["_row"]]
        memberships = memberships.explode("_opts").dropna(subset=["_opts"])
        memberships["_key"] = [
            (*k, str(o)) for k, o in zip(memberships["_key"], memberships["_opts"], strict=True)
        ]
        memberships["_depth"] = memberships["_depth"] + memberships["_opts"].map(depth)
        memberships = memberships.drop(columns="_opts")
    out: list[Subtable] = []
    for key, group in memberships.groupby("_key", sort=False):
        out.append(
            Subtable(
                table=table.id,
                level=tuple(key),
                depth=int(group["_depth"].iloc[0]),
                cells=np.unique(group["_g"].to_numpy(dtype=np.int64)),
            )
        )
    return out


def build_system(tables: list[ProtectionTable]) -> CellSystem:
    """Index every cell, derive the additive relations and the subtables of every table."""
    keys_per_table = {t.id: cell_keys(t) for t in tables}
    all_keys = np.concatenate(list(keys_per_table.values())) if tables else np.array([])
    unique, first = np.unique(all_keys.astype(str), return_index=True)
    value = np.zeros(len(unique))
    n = np.zeros(len(unique), dtype=np.int64)
    positions: dict[str, np.ndarray] = {}
    offset = 0
    flat_value = np.concatenate([t.cells["value"].to_numpy(dtype=float) for t in tables] or [[]])
    flat_n = np.concatenate([t.cells["n"].to_numpy(dtype=np.int64) for t in tables] or [[]])
    value[:] = flat_value[first]
    n[:] = flat_n[first]
    flat_magnitude = np.concatenate(
        [np.full(len(t.cells), t.kind == "magnitude") for t in tables] or [np.zeros(0, bool)]
    ).astype(bool)
    magnitude = flat_magnitude[first]
    relations: list[Relation] = []
    subtables: list[Subtable] = []
    seen_relations: set[tuple[int, tuple[int, ...]]] = set()
    for table in tables:
        keys = keys_per_table[table.id].astype(str)
        gidx = np.searchsorted(unique, keys)
        positions[table.id] = gidx
        offset += len(keys)
        table_relations = _table_relations(table, gidx)
        for rel in table_relations:
            signature = (rel.total, tuple(int(c) for c in rel.children))
            if signature not in seen_relations:
                seen_relations.add(signature)
                relations.append(rel)
        table_subtables = _table_subtables(table, gidx)
        relation_of_total: dict[int, list[Relation]] = defaultdict(list)
        for rel in table_relations:
            relation_of_total[rel.total].append(rel)
        for sub in table_subtables:
            members = set(sub.cells.tolist())
            sub.relations = [
                rel
                for cell in sub.cells
                for rel in relation_of_total.get(int(cell), [])
                if set(rel.children.tolist()) <= members
            ]
        subtables.extend(table_subtables)
    subtables.sort(key=lambda s: (s.depth, s.table, s.level))
    return CellSystem(unique.astype(object), value, n, magnitude, positions, relations, subtables)
