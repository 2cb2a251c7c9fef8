"""Secondary suppression: hide enough other cells that every confidential cell stays protected.

Method (documented in docs/confidentiality.md):

1. Primary cells and their protection levels come from the rules (``primary.py``).
2. Subtables are processed from the top of the hierarchies down (tau-Argus "Modular"
   decomposition). In each subtable, every hidden cell with a protection requirement gets
   the cheapest deviation that moves it by its requirement up and down (``lp.py``); the
   cells that must move are hidden. A cell hidden in one subtable carries the deviation it
   must absorb into the other subtables it belongs to (where it is a total of lower
   codes, or a cell of a linked table), which are processed again until nothing changes.
3. An attacker's view is then checked on the whole system (``audit.py``, an independent
   implementation). A cell still exposed gets the same linear program on every cell
   linked to it; this repeats until the audit finds nothing.
4. In a table of magnitudes, a relation in which exactly two cells are hidden and one of
   them has a single contributor would let that contributor, who knows their own value,
   compute the other: a third cell is hidden.
"""

from __future__ import annotations

import multiprocessing as mp
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from marsad.confidentiality.audit import AuditReport, audit
from marsad.confidentiality.lp import EPS, DeviationModel, relation_matrix
from marsad.confidentiality.model import (
    STATUS_FREE,
    STATUS_PRIMARY,
    STATUS_SECONDARY,
    ProtectionTable,
)
from marsad.confidentiality.periods import merge_results, split_periods
from marsad.confidentiality.primary import primary_status
from marsad.confidentiality.rules import DisclosureRules
from marsad.confidentiality.system import CellSystem, Relation, build_system
from marsad.errors import InvalidInput

MAX_REPAIR_ROUNDS = 20
REDUNDANCY_LIMIT = 40


@dataclass
class ProtectionResult:
    """Every table's cells with ``status`` (F, C, N), the primary ``rule`` and protection."""

    tables: dict[str, pd.DataFrame]
    summary: dict[str, dict[str, Any]] = field(default_factory=dict)
    repair_rounds: int = 0
    audit: AuditReport | None = None  # the independent audit of the final pattern

    def status(self, table_id: str) -> pd.Series:
        return self.tables[table_id]["status"]


def _costs(value: np.ndarray, rules: DisclosureRules) -> np.ndarray:
    if rules.cost == "value":
        return value + 1e-3
    if rules.cost == "cells":
        return np.ones_like(value)
    return 1.0 + np.log1p(value)


class _Protector:
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
                if origin >= 0 and not self.primary[g]:
                    carried = self.carried.setdefault(g, {})
                    u, d = carried.get(origin, (0.0, 0.0))
                    carried[origin] = (max(u, float(plus[local])), max(d, float(minus[local])))
        return ok

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


def protect(
    tables: list[ProtectionTable] | tuple[ProtectionTable, ...],
    rules: DisclosureRules,
    *,
    known: dict[str, float] | None = None,
    workers: int = 1,
) -> ProtectionResult:
    """Primary and secondary suppression of the tables of one release, together.

    ``known``: cell keys whose value an attacker already knows (published unchanged by an
    earlier release); they cannot hide anything. Cells of different codes of a
    non-additive dimension that every table has (the year) are never linked, so each code
    is protected apart, on ``workers`` processes.
    """
    parts = split_periods(list(tables))
    if len(parts) <= 1:
        return _protect(list(tables), rules, known)
    if workers > 1:
        context = mp.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            results = list(pool.map(_protect, parts, [rules] * len(parts), [known] * len(parts)))
    else:
        results = [_protect(part, rules, known) for part in parts]
    return merge_results(list(tables), results)


def _protect(
    tables: list[ProtectionTable],
    rules: DisclosureRules,
    known: dict[str, float] | None,
) -> ProtectionResult:

    tables = list(tables)
    ids = [t.id for t in tables]
    if len(set(ids)) != len(ids):
        raise InvalidInput("Two tables of a release have the same id.")
    for table in tables:
        table.validate()
    system = build_system(tables)
    fixed = np.isin(system.keys, list(known or {}))
    protector = _Protector(system, rules, fixed)
    primaries = {t.id: primary_status(t, rules) for t in tables}
    for table in tables:
        protector.mark_primary(system.positions[table.id], primaries[table.id])

    protector.run_subtables()
    rounds = 0
    while True:
        changed = protector.singletons()
        result = _result(tables, system, protector, primaries, rounds)
        report = audit(tables, result, rules, known=known)
        result.audit = report
        if report.valid and not changed:
            return _drop_redundant(tables, system, protector, primaries, rules, known, result)
        if rounds >= MAX_REPAIR_ROUNDS:
            return result  # after too many rounds the caller refuses what the audit finds
        rounds += 1
        keys = {c.key for c in report.exposed}
        exposed = [int(g) for g in np.flatnonzero(np.isin(system.keys, list(keys)))]
        protector.repair(exposed)
        protector.run_subtables()


def _drop_redundant(
    tables: list[ProtectionTable],
    system: CellSystem,
    protector: _Protector,
    primaries: dict[str, pd.DataFrame],
    rules: DisclosureRules,
    known: dict[str, float] | None,
    result: ProtectionResult,
) -> ProtectionResult:
    """Publish again, costliest first, every secondary cell the audit does not need.

    Each try is a full audit, so this runs only on small systems (``REDUNDANCY_LIMIT``
    secondary cells); on larger ones the pattern of the linear programs is kept.
    """
    candidates = np.flatnonzero(protector.hidden & ~protector.primary)
    if not 0 < len(candidates) <= REDUNDANCY_LIMIT:
        return result
    for g in candidates[np.argsort(-protector.cost[candidates], kind="stable")]:
        protector.hidden[g] = False
        trial = _result(tables, system, protector, primaries, result.repair_rounds)
        report = audit(tables, trial, rules, known=known)
        if report.valid:
            trial.audit = report
            result = trial
        else:
            protector.hidden[g] = True
    return result


def _result(
    tables: list[ProtectionTable],
    system: CellSystem,
    protector: _Protector,
    primaries: dict[str, pd.DataFrame],
    rounds: int,
) -> ProtectionResult:
    out: dict[str, pd.DataFrame] = {}
    summary: dict[str, dict[str, Any]] = {}
    for table in tables:
        gidx = system.positions[table.id]
        frame = table.cells[[*table.dimension_ids, "value"]].copy()
        status = np.where(
            protector.primary[gidx],
            STATUS_PRIMARY,
            np.where(protector.hidden[gidx], STATUS_SECONDARY, STATUS_FREE),
        )
        frame["status"] = status
        frame["rule"] = protector.rule[gidx]
        frame["lower"] = np.where(protector.primary[gidx], protector.down[gidx], 0.0)
        frame["upper"] = np.where(protector.primary[gidx], protector.up[gidx], 0.0)
        frame["key"] = system.keys[gidx]
        out[table.id] = frame
        total_value = float(frame["value"].sum()) or 1.0
        summary[table.id] = {
            "cells": len(frame),
            "primary": int((status == STATUS_PRIMARY).sum()),
            "secondary": int((status == STATUS_SECONDARY).sum()),
            "secondary_value_share": float(
                frame["value"][status == STATUS_SECONDARY].sum() / total_value
            ),
        }
    del primaries
    return ProtectionResult(out, summary, rounds)
