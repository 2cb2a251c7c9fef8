"""The attacker's bounds on the hidden cells of one linked component, proved exactly.

The attacker knows that the hidden cells ``x`` of a component satisfy ``A x = b`` (every
additive relation, the published cells moved to the right-hand side) and ``x >= 0``. A
confidential cell ``j`` is protected upwards when ``max x_j >= goal_high[j]`` and downwards
when ``min x_j <= goal_low[j]``.

Two kinds of proof, both exact:

- A *witness*: any point ``w`` with ``A w = b`` and ``w >= 0`` is a value of the hidden cells
  the attacker cannot rule out, so ``max x_j >= w_j`` and ``min x_j <= w_j`` for every
  cell ``j`` at once. A witness proves the upper side of every cell with
  ``w_j >= goal_high[j]`` and the lower side of every cell with ``w_j <= goal_low[j]``,
  without a linear program of its own. Every witness is checked here, against ``A`` and
  ``b`` (residuals and signs), whatever produced it: the true values of the cells, the
  optimal vertices of the linear programs solved for other cells, or a point given by the
  caller. A point that fails the check proves nothing and is ignored.
- A *linear program*: for a side no witness proves, HiGHS gives ``max x_j`` (or
  ``min x_j``); its optimal vertex is then itself a witness for the other cells.

A side is exposed only when its linear program's optimum misses the goal; the cell then
gets both linear programs, so that the report gives the exact interval the attacker
derives. With ``exhaustive=True`` every side gets its linear program (the reference
behaviour, for tests and benchmarks): the findings are the same, only slower.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from marsad.confidentiality.lp import RangeModel

# a witness may miss a relation by this much (relative to the size of its terms), the
# feasibility tolerance of the solver whose optima the audit would otherwise accept
RESIDUAL = 1e-9
ABSOLUTE = 1e-7


@dataclass
class ComponentBounds:
    """For each target: the derived interval when solved, and whether each side is safe."""

    low: np.ndarray  # derived minimum (nan when a witness proved the side)
    high: np.ndarray  # derived maximum (nan when a witness proved the side)
    low_safe: np.ndarray
    high_safe: np.ndarray
    programs: int  # linear programs solved


class Witnesses:
    """Checks candidate points of one component and records which sides they prove."""

    def __init__(
        self,
        matrix: sparse.csr_matrix,
        rhs: np.ndarray,
        targets: np.ndarray,
        goal_low: np.ndarray,
        goal_high: np.ndarray,
    ) -> None:
        self.matrix = matrix
        self.magnitude = abs(matrix)
        self.rhs = rhs
        self.targets = targets
        self.goal_low = goal_low
        self.goal_high = goal_high
        self.low_safe = np.zeros(len(targets), dtype=bool)
        self.high_safe = np.zeros(len(targets), dtype=bool)

    def feasible(self, point: np.ndarray) -> bool:
        if point.shape != (self.matrix.shape[1],) or not np.all(np.isfinite(point)):
            return False
        if (point < -ABSOLUTE).any():
            return False
        residual = np.abs(self.matrix @ point - self.rhs)
        allowed = ABSOLUTE + RESIDUAL * (self.magnitude @ np.abs(point) + np.abs(self.rhs))
        return bool(np.all(residual <= allowed))

    def offer(self, point: np.ndarray) -> bool:
        """Record what ``point`` proves, if it is a point of the attacker's polytope."""
        if not self.feasible(point):
            return False
        values = point[self.targets]
        self.low_safe |= values <= self.goal_low
        self.high_safe |= values >= self.goal_high
        return True


def component_bounds(
    model: RangeModel,
    witnesses: Witnesses,
    *,
    exhaustive: bool = False,
) -> ComponentBounds:
    """Prove or refute both sides of every target of one component."""
    size = len(witnesses.targets)
    low = np.full(size, np.nan)
    high = np.full(size, np.nan)
    solved_low = np.zeros(size, dtype=bool)
    solved_high = np.zeros(size, dtype=bool)
    programs = 0

    def solve(i: int, upwards: bool) -> None:
        nonlocal programs
        programs += 1
        value, point = model.extreme(int(witnesses.targets[i]), maximise=upwards)
        if point is not None and not exhaustive:
            witnesses.offer(point)
        if upwards:
            high[i], solved_high[i] = value, True
            witnesses.high_safe[i] |= bool(value >= witnesses.goal_high[i])
        else:
            low[i], solved_low[i] = value, True
            witnesses.low_safe[i] |= bool(value <= witnesses.goal_low[i])

    for i in range(size):
        if exhaustive or not witnesses.high_safe[i]:
            solve(i, upwards=True)
        if exhaustive or not witnesses.low_safe[i]:
            solve(i, upwards=False)
    # an exposed cell is reported with the exact interval the attacker derives
    for unsafe in np.flatnonzero(~(witnesses.low_safe & witnesses.high_safe)).tolist():
        if not solved_high[unsafe]:
            solve(unsafe, upwards=True)
        if not solved_low[unsafe]:
            solve(unsafe, upwards=False)
    return ComponentBounds(low, high, witnesses.low_safe, witnesses.high_safe, programs)
