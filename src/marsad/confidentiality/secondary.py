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
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from marsad.confidentiality.audit import AuditReport, audit
from marsad.confidentiality.model import (
    STATUS_FREE,
    STATUS_PRIMARY,
    STATUS_SECONDARY,
    ProtectionTable,
)
from marsad.confidentiality.periods import merge_results, split_periods
from marsad.confidentiality.primary import primary_status
from marsad.confidentiality.protector import Protector
from marsad.confidentiality.rules import DisclosureRules
from marsad.confidentiality.system import CellSystem, build_system
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
    protector = Protector(system, rules, fixed)
    primaries = {t.id: primary_status(t, rules) for t in tables}
    for table in tables:
        protector.mark_primary(system.positions[table.id], primaries[table.id])

    protector.run_subtables()
    rounds = 0
    while True:
        while protector.singletons():  # each pass hides more cells: it ends
            pass
        result = _result(tables, system, protector, primaries, rounds)
        report = audit(tables, result, rules, known=known)
        result.audit = report
        if report.valid:
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
    protector: Protector,
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
    protector: Protector,
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
