"""The state of secondary suppression on one cell system, and its steps.

``run_subtables`` protects every hidden cell with a requirement inside each subtable it
belongs to, from the top of the hierarchies down, and carries the moves of the cells it
hides into their other subtables; ``repair`` protects a cell on the whole linked system
around it; ``singletons`` hides a third cell next to a single contributor. The method is
described in ``secondary.py``.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import pandas as pd

from marsad.confidentiality.deviations import DeviationMemory
from marsad.confidentiality.lp import EPS, DeviationModel, relation_matrix
from marsad.confidentiality.model import STATUS_PRIMARY
from marsad.confidentiality.rules import DisclosureRules
from marsad.confidentiality.system import CellSystem, Relation


def _costs(value: np.ndarray, rules: DisclosureRules) -> np.ndarray:
    if rules.cost == "value":
        return value + 1e-3
    if rules.cost == "cells":
        return np.ones_like(value)
    return 1.0 + np.log1p(value)


class Protector:
    """The state of secondary suppression on one system: hidden cells, requirements, and
    the deviations found so far, subtable by subtable."""

    def __init__(self, system: CellSystem, rules: DisclosureRules, fixed: np.ndarray) -> None:
        self.system = system
        size = len(system.keys)
        self.hidden = np.zeros(size, dtype=bool)
        self.primary = np.zeros(size, dtype=bool)
        self.rule = np.full(size, None, dtype=object)
        self.up = np.zeros(size)  # own protection of primary cells
        self.down = np.zeros(size)
        # deviation a hidden cell must absorb, by the subtable whose solution moved it
        self.carried: dict[int, dict[int, tuple[float, float]]] = {}
        self.fixed = fixed
        self.cost = _costs(system.value, rules)
        self.done: dict[tuple[int, int], tuple[float, float]] = {}
        self.models: dict[int, tuple[DeviationModel, dict[int, int]]] = {}
        self.deviations = DeviationMemory(system.value)
        self.programs = 0  # linear programs solved
        self.subtables_of_cell: dict[int, list[int]] = {}
        for s_index, sub in enumerate(system.subtables):
            for cell in sub.cells:
                self.subtables_of_cell.setdefault(int(cell), []).append(s_index)

    def mark_primary(self, gidx: np.ndarray, prim: pd.DataFrame) -> None:
        hit = prim["status"].to_numpy() == STATUS_PRIMARY
        for g, rule, lower, upper in zip(
            gidx[hit], prim["rule"][hit], prim["lower"][hit], prim["upper"][hit], strict=True
        ):
            self.primary[g] = self.hidden[g] = True
            self.rule[g] = self.rule[g] or rule
            self.up[g] = max(self.up[g], float(upper))
            self.down[g] = max(self.down[g], float(lower))

    def wanted(self, g: int, s_index: int) -> tuple[float, float]:
        """What cell ``g`` must be able to move by inside subtable ``s_index``."""
        if self.primary[g]:
            return float(self.up[g]), float(self.down[g])
        up = down = 0.0
        for origin, (u, d) in self.carried.get(g, {}).items():
            if origin != s_index:
                up, down = max(up, u), max(down, d)
        return up, down

    def _solve(
        self,
        cells: np.ndarray,
        relations: list[Relation],
        target_global: int,
        need: tuple[float, float],
        origin: int,
    ) -> bool:
        """Protect one cell inside a system of cells; hide what must move. False if impossible.

        ``origin`` is the subtable solved (-1 for a whole linked system, whose deviations
        are consistent everywhere and carry nothing).
        """
        cached = self.models.get(origin)
        if cached is None:
            model = DeviationModel(relation_matrix(cells, relations), self.system.value[cells])
            where = {int(c): i for i, c in enumerate(cells)}
            if origin >= 0:
                self.models[origin] = (model, where)
        else:
            model, where = cached
        target = where[target_global]
        cost = np.where(self.hidden[cells], 0.0, self.cost[cells])
        fixed = self.fixed[cells]
        ok = True
        for upwards, amount in ((True, need[0]), (False, need[1])):
            if amount <= EPS:
                continue
            known = (
                self.deviations.reuse(origin, cells, target, amount, upwards)
                if origin >= 0
                else None
            )
            if known is not None:
                for local, delta in zip(known[0].tolist(), known[1].tolist(), strict=True):
                    if local != target:
                        self._carry(int(cells[local]), origin, max(delta, 0.0), max(-delta, 0.0))
                continue
            self.programs += 1
            result = model.solve(target, amount, upwards, cost, fixed)
            if result is None:
                ok = False
                continue
            plus, minus = result
            moved = np.flatnonzero((plus + minus) > EPS * max(1.0, amount))
            for local in moved:
                g = int(cells[local])
                if g == target_global:
                    continue
                if not self.hidden[g]:
                    self.hidden[g] = True
                    cost[local] = 0.0
                if origin >= 0:
                    self._carry(g, origin, float(plus[local]), float(minus[local]))
            if origin >= 0:
                self.deviations.remember(origin, moved, plus[moved] - minus[moved])
        return ok

    def _carry(self, g: int, origin: int, up: float, down: float) -> None:
        """Cell ``g`` moves by up to ``up``/``down`` in subtable ``origin``: the other
        subtables it belongs to must absorb that move."""
        if self.primary[g]:
            return
        carried = self.carried.setdefault(g, {})
        u, d = carried.get(origin, (0.0, 0.0))
        carried[origin] = (max(u, up), max(down, d))

    def run_subtables(self) -> None:
        queue = deque(range(len(self.system.subtables)))
        queued = set(queue)
        while queue:
            s_index = queue.popleft()
            queued.discard(s_index)
            sub = self.system.subtables[s_index]
            if not sub.relations:
                continue
            before = self.hidden.copy()
            for g in sub.cells[self.hidden[sub.cells]]:
                g = int(g)
                wanted = self.wanted(g, s_index)
                if wanted[0] <= EPS and wanted[1] <= EPS:
                    continue
                done = self.done.get((s_index, g))
                if done is not None and done[0] >= wanted[0] and done[1] >= wanted[1]:
                    continue
                self.done[(s_index, g)] = wanted
                self._solve(sub.cells, sub.relations, g, wanted, s_index)
            for g in np.flatnonzero(self.hidden & ~before):
                for other in self.subtables_of_cell.get(int(g), []):
                    if other != s_index and other not in queued:
                        queue.append(other)
                        queued.add(other)

    def component(self, start: int) -> tuple[np.ndarray, list[Relation]]:
        """Every cell and relation linked to ``start`` through relations."""
        by_cell = self.by_cell
        seen_cells = {start}
        seen_rel: set[int] = set()
        stack = [start]
        while stack:
            cell = stack.pop()
            for r in by_cell.get(cell, []):
                if r in seen_rel:
                    continue
                seen_rel.add(r)
                rel = self.system.relations[r]
                for member in (rel.total, *rel.children.tolist()):
                    if member not in seen_cells:
                        seen_cells.add(member)
                        stack.append(member)
        return np.array(sorted(seen_cells), dtype=np.int64), [
            self.system.relations[r] for r in sorted(seen_rel)
        ]

    def repair(self, exposed: list[int]) -> None:
        self.by_cell = self.system.relations_by_cell()
        for g in exposed:
            cells, relations = self.component(g)
            self._solve(cells, relations, g, (float(self.up[g]), float(self.down[g])), -1)

    def singletons(self) -> bool:
        """Hide a third cell where two hidden cells of a relation include a singleton."""
        changed = False
        for rel in self.system.relations:
            members = np.concatenate([[rel.total], rel.children])
            hidden = members[self.hidden[members]]
            singles = (self.system.n[hidden] == 1) & self.system.magnitude[hidden]
            if len(hidden) != 2 or not singles.any():
                continue
            if not self.primary[hidden].any():
                continue
            free = members[~self.hidden[members] & ~self.fixed[members]]
            if not len(free):
                continue
            pick = int(free[np.argmin(self.cost[free])])
            self.hidden[pick] = True
            changed = True
        return changed
