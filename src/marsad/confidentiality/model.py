"""What disclosure control works on: tables of cells with dimensions and hierarchies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from marsad.errors import InvalidInput

CONTRIBUTION_COLUMNS = ("value", "n", "top1", "top2", "top3")
STATUS_FREE, STATUS_PRIMARY, STATUS_SECONDARY = "F", "C", "N"


@dataclass(frozen=True)
class Dimension:
    """A dimension's codes as a tree: ``parent[code]`` is the code it adds up into.

    The root (the total, usually ``_T``) has parent None. A dimension that is not
    additive (the year) has no total: cells of different codes are never summed.
    """

    id: str
    parent: Mapping[str, str | None]
    additive: bool = True

    def children(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for code, parent in self.parent.items():
            if parent is not None:
                out.setdefault(parent, []).append(code)
        return out

    def is_root(self, code: str) -> bool:
        return self.additive and self.parent.get(code, "") is None


@dataclass(frozen=True)
class ProtectionTable:
    """One table of a release: every cell (totals included) with its contributions.

    ``cells`` has one column per dimension id (codes), ``value`` (>= 0), ``n`` (number of
    contributors) and ``top1``..``top3`` (largest contributions, 0 when fewer). Cells of
    two tables with the same ``measure`` and the same key are one cell.
    """

    id: str
    measure: str
    kind: Literal["count", "magnitude"]
    dimensions: tuple[Dimension, ...]
    cells: pd.DataFrame

    @property
    def dimension_ids(self) -> list[str]:
        return [d.id for d in self.dimensions]

    def validate(self) -> None:
        problems: list[str] = []
        missing = [c for c in (*self.dimension_ids, *CONTRIBUTION_COLUMNS) if c not in self.cells]
        if missing:
            problems.append(f"missing columns {missing}")
        else:
            if self.cells.duplicated(self.dimension_ids).any():
                problems.append("duplicated cells")
            if (self.cells["value"] < 0).any() or self.cells["value"].isna().any():
                problems.append("values must be >= 0")
            for dim in self.dimensions:
                unknown = set(self.cells[dim.id].astype(str)) - set(dim.parent)
                if unknown:
                    problems.append(f"{dim.id}: codes without a parent entry {sorted(unknown)[:5]}")
        if problems:
            raise InvalidInput(f"Table {self.id}: " + "; ".join(problems))


def cell_keys(table: ProtectionTable) -> np.ndarray:
    """The key of every cell: measure and the codes of its dimensions not at their root.

    Dimensions enter the key in the order of their ids, so that two tables with the same
    measure give the same key to the same cell whatever the order of their dimensions.
    """
    key = pd.Series(table.measure + "|", index=table.cells.index, dtype=object)
    for dim in sorted(table.dimensions, key=lambda d: d.id):
        codes = table.cells[dim.id].astype(str)
        at_root = codes.map(dim.is_root).astype(bool)
        key = key + pd.Series(np.where(at_root, "", dim.id + "=" + codes + ";"), index=key.index)
    return key.to_numpy(dtype=object)
