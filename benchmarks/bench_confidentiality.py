"""Secondary suppression against the exact optimum, and at the scale of real tables.

    python benchmarks/bench_confidentiality.py [--tables 20] [--seed 1] [--large]

1. Information loss: on random tables small enough for an exact mixed-integer program
   (every primary cell protected upwards and downwards by its own deviation vector, the
   classical model of Fischetti and Salazar-González written out in full and solved by
   HiGHS), marsad's suppressions against the optimum, in cost (value suppressed), number
   of cells and time.
2. ``--large``: a real-shaped table, region x activity (21 sections, ~88 divisions) x size
   class x one year, of counts and of a magnitude; time, share of cells and of value
   suppressed, audit time, and the linear programs the audit solved (two per confidential
   cell without witnesses; ``audit_programs``) against that reference.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from marsad.confidentiality import DisclosureRules, ProtectionTable, audit, protect
from marsad.confidentiality.lp import relation_matrix
from marsad.confidentiality.primary import primary_status
from marsad.confidentiality.synthetic import (
    aggregate,
    flat_dimension,
    random_micro,
    two_level_dimension,
)
from marsad.confidentiality.system import build_system


def exact(table: ProtectionTable, rules: DisclosureRules) -> tuple[float, int, float]:
    """The optimal suppression pattern's cost and number of secondary cells."""
    system = build_system([table])
    cells = np.arange(len(system.keys))
    a = relation_matrix(cells, system.relations).toarray()
    value = system.value
    prim = primary_status(table, rules)
    gidx = system.positions[table.id]
    primary = np.zeros(len(cells), bool)
    up = np.zeros(len(cells))
    down = np.zeros(len(cells))
    hit = prim["status"].to_numpy() == "C"
    primary[gidx[hit]] = True
    up[gidx[hit]] = prim["upper"].to_numpy()[hit]
    down[gidx[hit]] = prim["lower"].to_numpy()[hit]
    n = len(cells)
    big = float(value.sum()) + 1.0
    targets = [(p, True) for p in np.flatnonzero(primary) if up[p] > 0]
    targets += [(p, False) for p in np.flatnonzero(primary) if down[p] > 0]
    n_var = n + len(targets) * 2 * n
    cost = np.zeros(n_var)
    cost[:n] = np.where(primary, 0.0, value + 1e-3)
    rows, lower, upper = [], [], []
    lb = np.zeros(n_var)
    ub = np.full(n_var, np.inf)
    ub[:n] = 1.0
    lb[:n] = primary.astype(float)
    for t, (p, upwards) in enumerate(targets):
        base = n + t * 2 * n
        plus, minus = base, base + n
        block = np.zeros((a.shape[0], n_var))
        block[:, plus : plus + n] = a
        block[:, minus : minus + n] = -a
        rows.append(block)
        lower += [0.0] * a.shape[0]
        upper += [0.0] * a.shape[0]
        for i in range(n):
            link = np.zeros((2, n_var))
            link[0, plus + i] = 1.0
            link[0, i] = -big
            link[1, minus + i] = 1.0
            link[1, i] = -value[i]
            rows.append(link)
            lower += [-np.inf, -np.inf]
            upper += [0.0, 0.0]
        if upwards:
            lb[plus + p] = up[p]
            ub[minus + p] = 0.0
        else:
            lb[minus + p] = down[p]
            ub[plus + p] = 0.0
    matrix = sparse.csr_matrix(np.vstack(rows)) if rows else sparse.csr_matrix((0, n_var))
    integrality = np.zeros(n_var)
    integrality[:n] = 1
    started = time.perf_counter()
    result = milp(
        cost,
        constraints=[LinearConstraint(matrix, lower, upper)] if rows else [],
        integrality=integrality,
        bounds=Bounds(lb, ub),
        options={"time_limit": 120},
    )
    seconds = time.perf_counter() - started
    chosen = np.round(result.x[:n]).astype(bool) & ~primary
    return float(value[chosen].sum()), int(chosen.sum()), seconds


def small_table(rng: np.random.Generator, index: int) -> ProtectionTable:
    rows = flat_dimension("REGION", [f"R{i}" for i in range(int(rng.integers(3, 6)))])
    cols = flat_dimension("ACTIVITY", [f"A{i}" for i in range(int(rng.integers(3, 6)))])
    micro = random_micro(rng, int(rng.integers(15, 60)), (rows, cols))
    return aggregate(micro, (rows, cols), table_id=f"s{index}", measure="m", kind="count")


def large_tables(rng: np.random.Generator) -> list[ProtectionTable]:
    regions = flat_dimension("REGION", [f"{i:02d}" for i in range(1, 13)])
    sections = {
        chr(65 + i): [f"{chr(65 + i)}{j:02d}" for j in range(int(rng.integers(1, 9)))]
        for i in range(21)
    }
    activity = two_level_dimension("ACTIVITY", sections)
    size = flat_dimension("SIZE_CLASS", ["MICRO", "TPE", "PE", "ME", "GE"])
    dims = (regions, activity, size)
    micro = random_micro(rng, 60_000, dims)
    return [
        aggregate(micro, dims, table_id="count", measure="firms", kind="count"),
        aggregate(micro, dims, table_id="value", measure="turnover", kind="magnitude"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tables", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--large", action="store_true")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    rules = DisclosureRules(cost="value")
    comparisons = []
    for index in range(args.tables):
        table = small_table(rng, index)
        started = time.perf_counter()
        result = protect([table], rules)
        heuristic_seconds = time.perf_counter() - started
        frame = result.tables[table.id]
        secondary = frame["status"] == "N"
        if not (frame["status"] == "C").any():
            continue
        optimum_value, optimum_cells, exact_seconds = exact(table, rules)
        comparisons.append(
            {
                "cells": len(frame),
                "primary": int((frame["status"] == "C").sum()),
                "marsad_value": float(frame["value"][secondary].sum()),
                "marsad_cells": int(secondary.sum()),
                "optimum_value": optimum_value,
                "optimum_cells": optimum_cells,
                "marsad_seconds": round(heuristic_seconds, 3),
                "exact_seconds": round(exact_seconds, 3),
                "audit_valid": bool(audit([table], result, rules).valid),
            }
        )
    value_ratio = [
        c["marsad_value"] / c["optimum_value"] for c in comparisons if c["optimum_value"]
    ]
    cell_ratio = [c["marsad_cells"] / c["optimum_cells"] for c in comparisons if c["optimum_cells"]]
    report: dict[str, object] = {
        "small_tables": len(comparisons),
        "value_over_optimum_mean": round(float(np.mean(value_ratio)), 3) if value_ratio else None,
        "value_over_optimum_max": round(float(np.max(value_ratio)), 3) if value_ratio else None,
        "cells_over_optimum_mean": round(float(np.mean(cell_ratio)), 3) if cell_ratio else None,
        "all_audits_valid": all(c["audit_valid"] for c in comparisons),
        "tables": comparisons,
    }
    if args.large:
        tables = large_tables(rng)
        started = time.perf_counter()
        result = protect(tables, DisclosureRules())
        protect_seconds = time.perf_counter() - started
        started = time.perf_counter()
        check = audit(tables, result, DisclosureRules())
        report["large"] = {
            "cells": sum(len(t.cells) for t in tables),
            "protect_seconds": round(protect_seconds, 1),
            "audit_seconds": round(time.perf_counter() - started, 1),
            "audit_valid": check.valid,
            "audit_programs": check.programs,
            "audit_programs_without_witnesses": 2 * check.checked,
            "summary": result.summary,
        }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
