"""The deviations found in each subtable, kept to protect further cells without a program.

A deviation ``d`` found by the linear program of one cell (``lp.DeviationModel``) keeps
every relation of its subtable true, keeps every cell non-negative and moves hidden cells
only (the cells it moves are hidden when it is found, and a hidden cell is not published
again while subtables are solved). So does ``t * d`` for ``0 <= t <= 1`` (non-negativity
holds between the true values and ``value + d``), and ``-t * d`` wherever no cell goes
below zero, which is checked. When one of them moves another cell by its requirement the
wanted way, it is a deviation of cost zero for that cell: the optimum its own linear
program would reach, as every cell it moves is already hidden. The program is skipped;
the cells the reused deviation moves carry their moves as a solution of the program would.
The audit checks the final pattern in any case.
"""

from __future__ import annotations

import numpy as np

from marsad.confidentiality.lp import EPS


class DeviationMemory:
    def __init__(self, value: np.ndarray) -> None:
        self.value = value  # the true value of every global cell
        self.found: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
        self.moving: dict[int, dict[int, list[int]]] = {}

    def remember(self, subtable: int, moved: np.ndarray, move: np.ndarray) -> None:
        """A deviation of ``subtable``: its local cells (ascending) and their net moves."""
        found = self.found.setdefault(subtable, [])
        moving = self.moving.setdefault(subtable, {})
        for local in moved.tolist():
            moving.setdefault(local, []).append(len(found))
        found.append((moved.astype(np.int64), move.astype(float)))

    def reuse(
        self, subtable: int, cells: np.ndarray, target: int, amount: float, upwards: bool
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """A known deviation scaled to move local cell ``target`` by ``amount`` the wanted
        way, as (local cells, moves); None when no known deviation does."""
        for index in self.moving.get(subtable, {}).get(target, []):
            moved, move = self.found[subtable][index]
            own = float(move[np.searchsorted(moved, target)])
            for sign in (1.0, -1.0):
                reach = sign * own if upwards else -sign * own
                if reach < amount:
                    continue
                step = move * (sign * amount / reach)
                values = self.value[cells[moved]]
                if (values + step < -EPS * np.maximum(1.0, values)).any():
                    continue
                return moved, step
        return None
