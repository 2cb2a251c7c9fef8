"""The attacker's audit: witnesses prove what they can, linear programs the rest, and the
findings are those of a linear program for every side of every confidential cell."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse

from marsad.confidentiality import Dimension, DisclosureRules, ProtectionTable, audit, protect
from marsad.confidentiality.attacker import Witnesses
from marsad.confidentiality.synthetic import (
    aggregate,
    flat_dimension,
    random_micro,
    two_level_dimension,
)


def linked_tables(seed: int, size: int, kind: str) -> list[ProtectionTable]:
    """Two tables of one measure sharing their regional margins, over two years."""
    rng = np.random.default_rng(seed)
    region = flat_dimension("REGION", ["01", "02", "03", "04"])
    activity = two_level_dimension("ACTIVITY", {"C": ["C10", "C11"], "G": ["G45", "G46", "G47"]})
    size_class = flat_dimension("SIZE", ["MICRO", "PE", "ME"])
    year = Dimension("TIME_PERIOD", {"2023": None, "2024": None}, additive=False)
    micro = random_micro(rng, size, (region, activity, size_class, year))
    return [
        aggregate(micro, (region, activity, year), table_id="a", measure="m", kind=kind),  # type: ignore[arg-type]
        aggregate(micro, (region, size_class, year), table_id="b", measure="m", kind=kind),  # type: ignore[arg-type]
    ]


def findings(report) -> dict[str, tuple[float, float]]:
    return {e.key: (e.derived_min, e.derived_max) for e in report.exposed}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    size=st.integers(10, 120),
    kind=st.sampled_from(["count", "magnitude"]),
    published_share=st.sampled_from([0.0, 0.3, 1.0]),
)
def test_witnesses_reach_the_findings_of_every_linear_program(
    seed: int, size: int, kind: str, published_share: float
) -> None:
    tables = linked_tables(seed, size, kind)
    rules = DisclosureRules()
    result = protect(tables, rules)
    # plant exposures: publish again a share of the secondary cells
    rng = np.random.default_rng(seed)
    for table in tables:
        frame = result.tables[table.id]
        secondary = frame.index[frame["status"] == "N"]
        chosen = secondary[rng.random(len(secondary)) < published_share]
        frame.loc[chosen, "status"] = "F"
    fast = audit(tables, result, rules)
    reference = audit(tables, result, rules, exhaustive=True)
    assert fast.valid == reference.valid
    assert fast.checked == reference.checked
    assert set(findings(fast)) == set(findings(reference))
    for key, (low, high) in findings(reference).items():
        assert findings(fast)[key] == pytest.approx((low, high), rel=1e-6, abs=1e-6)
    assert fast.programs <= reference.programs


def test_the_witnesses_spare_most_linear_programs() -> None:
    tables = linked_tables(3, 400, "magnitude")
    rules = DisclosureRules()
    result = protect(tables, rules)
    fast = audit(tables, result, rules)
    reference = audit(tables, result, rules, exhaustive=True)
    assert fast.valid and reference.valid
    assert reference.programs == 2 * reference.checked
    assert fast.programs < reference.programs / 2


def polytope() -> tuple[sparse.csr_matrix, np.ndarray]:
    """x0 = x1 + x2 and x1 + x2 = 10: the hidden total of two hidden cells, total known."""
    matrix = sparse.csr_matrix(np.array([[1.0, -1.0, -1.0], [0.0, 1.0, 1.0]]))
    return matrix, np.array([0.0, 10.0])


def test_a_witness_proves_the_sides_it_reaches() -> None:
    matrix, rhs = polytope()
    # cell 1 (true value 4) must be able to go down to 2 and up to 7
    witnesses = Witnesses(matrix, rhs, np.array([1]), np.array([2.0]), np.array([7.0]))
    assert witnesses.offer(np.array([10.0, 4.0, 6.0]))  # the truth: proves nothing
    assert not witnesses.low_safe[0] and not witnesses.high_safe[0]
    assert witnesses.offer(np.array([10.0, 8.0, 2.0]))
    assert witnesses.high_safe[0] and not witnesses.low_safe[0]
    assert witnesses.offer(np.array([10.0, 0.0, 10.0]))
    assert witnesses.low_safe[0]


@pytest.mark.parametrize(
    "point",
    [
        [10.0, 9.0, 2.0],  # breaks x1 + x2 = 10
        [10.0, 12.0, -2.0],  # negative cell
        [10.0, np.nan, 10.0],
        [10.0, 10.0],  # wrong size
    ],
)
def test_a_point_outside_the_attackers_polytope_proves_nothing(point: list[float]) -> None:
    matrix, rhs = polytope()
    witnesses = Witnesses(matrix, rhs, np.array([1]), np.array([100.0]), np.array([-100.0]))
    assert not witnesses.offer(np.array(point))
    assert not witnesses.low_safe[0] and not witnesses.high_safe[0]
