"""The linear programs of disclosure control, solved by HiGHS (``highspy``).

``DeviationModel``: for a confidential cell p that must be able to move up by ``need`` (or
down), the cheapest deviation of the cells of a system that keeps every relation true,
keeps every cell non-negative and moves p by ``need``; the cells that must move are the
ones to hide (the incremental method of Fischetti and Salazar-González). Cells already
hidden move for free; fixed cells (published in an earlier release) cannot move. One
model is built per system and re-solved with new bounds and costs, warm-started.

``RangeModel``: the smallest and largest value of a cell under equality constraints and
non-negativity (the attacker's view, used by the audit).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import highspy
import numpy as np
from scipy import sparse

from marsad.confidentiality.system import Relation

EPS = 1e-7
INF = highspy.kHighsInf


def relation_matrix(cells: np.ndarray, relations: Sequence[Relation]) -> sparse.csr_matrix:
    """Rows: relations (total - sum of children = 0); columns: ``cells`` in their order."""
    where = {int(c): i for i, c in enumerate(cells)}
    rows: list[int] = []
    cols: list[int] = []
    data: list[float] = []
    for r, rel in enumerate(relations):
        rows.append(r)
        cols.append(where[rel.total])
        data.append(1.0)
        for child in rel.children:
            rows.append(r)
            cols.append(where[int(child)])
            data.append(-1.0)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(relations), len(cells)))


_BANNER_SHOWN = False


def _new_highs() -> highspy.Highs:
    """A solver; the first one of a process prints a banner on stdout, which is silenced."""
    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        return highspy.Highs()
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        solver = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
    _BANNER_SHOWN = True
    return solver


def _highs(
    matrix: sparse.spmatrix, lower_rows: np.ndarray, upper_rows: np.ndarray
) -> highspy.Highs:
    csc = sparse.csc_matrix(matrix)
    n_rows, n_cols = csc.shape
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.col_cost_ = np.zeros(n_cols)
    lp.col_lower_ = np.zeros(n_cols)
    lp.col_upper_ = np.full(n_cols, INF)
    lp.row_lower_ = lower_rows
    lp.row_upper_ = upper_rows
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = csc.indices.astype(np.int32)
    lp.a_matrix_.value_ = csc.data.astype(float)
    solver = _new_highs()
    solver.setOptionValue("output_flag", False)
    # re-solved many times with new costs or bounds: keep the basis (presolve would drop it)
    solver.setOptionValue("presolve", "off")
    solver.passModel(lp)
    return solver


class DeviationModel:
    """The cheapest deviation that moves one cell, for one system of cells."""

    def __init__(self, matrix: sparse.csr_matrix, value: np.ndarray) -> None:
        self.size = matrix.shape[1]
        self.value = value.astype(float)
        zeros = np.zeros(matrix.shape[0])
        self.solver = _highs(sparse.hstack([matrix, -matrix]), zeros, zeros)
        self.index = np.arange(2 * self.size, dtype=np.int32)

    def solve(
        self,
        target: int,
        need: float,
        upwards: bool,
        cost: np.ndarray,
        fixed: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """How much each cell must move up and down; None when no deviation exists."""
        size = self.size
        plus_upper = np.full(size, INF)
        minus_upper = self.value.copy()
        if fixed is not None:
            plus_upper[fixed] = 0.0
            minus_upper[fixed] = 0.0
        lower = np.zeros(2 * size)
        if upwards:
            lower[target] = need
            minus_upper[target] = 0.0
        else:
            if need > self.value[target] + EPS:
                return None
            lower[size + target] = need
            plus_upper[target] = 0.0
        upper = np.concatenate([plus_upper, minus_upper])
        self.solver.changeColsCost(2 * size, self.index, np.concatenate([cost, cost]))
        self.solver.changeColsBounds(2 * size, self.index, lower, upper)
        self.solver.run()
        if self.solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        x = np.asarray(self.solver.getSolution().col_value)
        return x[:size], x[size:]


class RangeModel:
    """min or max of one variable subject to ``matrix @ x = rhs`` and ``x >= 0``."""

    def __init__(self, matrix: sparse.spmatrix, rhs: np.ndarray) -> None:
        self.size = matrix.shape[1]
        self.solver = _highs(matrix, rhs, rhs)
        # a new objective keeps the last basis primal feasible: primal simplex restarts from it
        self.solver.setOptionValue("simplex_strategy", 4)
        self.index = np.arange(self.size, dtype=np.int32)
        self.last: int | None = None

    def extreme(self, column: int, *, maximise: bool) -> tuple[float, np.ndarray | None]:
        """The optimum and an optimal point; ``inf`` and no point when unbounded above.

        A solve that ends neither optimal nor unbounded is tried once more from scratch;
        if it fails again the optimum is ``nan``, which no protection goal accepts.
        """
        if self.last is not None and self.last != column:
            self.solver.changeColCost(self.last, 0.0)
        self.solver.changeColCost(column, -1.0 if maximise else 1.0)
        self.last = column
        for attempt in range(2):
            if attempt:
                self.solver.clearSolver()
            self.solver.run()
            status = self.solver.getModelStatus()
            if status == highspy.HighsModelStatus.kOptimal:
                point = np.asarray(self.solver.getSolution().col_value, dtype=float)
                return float(point[column]), point
            if status == highspy.HighsModelStatus.kUnbounded and maximise:
                return float(np.inf), None
        return float(np.nan), None
