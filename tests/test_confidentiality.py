"""Disclosure control: primary rules, secondary suppression and the attacker's audit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marsad.confidentiality import (
    Dimension,
    DisclosureRules,
    ProtectionTable,
    audit,
    cell_keys,
    load_rules,
    primary_status,
    protect,
)
from marsad.confidentiality.synthetic import (
    aggregate,
    flat_dimension,
    random_micro,
    two_level_dimension,
)
from marsad.errors import ConfigurationError

ROWS, COLS = ["r1", "r2", "r3"], ["c1", "c2", "c3"]


def table_2d(inner: dict[tuple[str, str], float], kind: str = "count") -> ProtectionTable:
    """A 3 x 3 table with its margins; counts have one contributor per unit."""
    records = []
    for r in [*ROWS, "_T"]:
        for c in [*COLS, "_T"]:
            rows = ROWS if r == "_T" else [r]
            cols = COLS if c == "_T" else [c]
            v = sum(inner[(a, b)] for a in rows for b in cols)
            n = int(v) if kind == "count" else (1 if (r, c) == ("r1", "c1") else 10)
            records.append(
                {"ROW": r, "COL": c, "value": float(v), "n": n,
                 "top1": 1.0 if v else 0.0, "top2": 1.0 if v > 1 else 0.0,
                 "top3": 1.0 if v > 2 else 0.0}
            )  # fmt: skip
    dims = (flat_dimension("ROW", ROWS), flat_dimension("COL", COLS))
    return ProtectionTable("t", "m", kind, dims, pd.DataFrame(records))  # type: ignore[arg-type]


def statuses(result, table_id: str = "t") -> dict[tuple[str, ...], str]:
    frame = result.tables[table_id]
    dims = [c for c in frame.columns if c.isupper()]
    return {tuple(row[d] for d in dims): row["status"] for _, row in frame.iterrows()}


def test_one_primary_cell_needs_exactly_three_secondaries() -> None:
    inner = {("r1", "c1"): 1, ("r1", "c2"): 5, ("r1", "c3"): 20, ("r2", "c1"): 4,
             ("r2", "c2"): 6, ("r2", "c3"): 30, ("r3", "c1"): 25, ("r3", "c2"): 25,
             ("r3", "c3"): 40}  # fmt: skip
    result = protect([table_2d(inner)], DisclosureRules())
    status = statuses(result)
    assert status[("r1", "c1")] == "C"
    secondary = {cell for cell, s in status.items() if s == "N"}
    # the cheapest rectangle through the primary cell: the three smallest partners
    assert secondary == {("r1", "c2"), ("r2", "c1"), ("r2", "c2")}
    assert result.audit is not None and result.audit.valid


def test_the_audit_finds_the_exposure_when_a_secondary_is_removed() -> None:
    inner = {("r1", "c1"): 1, ("r1", "c2"): 5, ("r1", "c3"): 20, ("r2", "c1"): 4,
             ("r2", "c2"): 6, ("r2", "c3"): 30, ("r3", "c1"): 25, ("r3", "c2"): 25,
             ("r3", "c3"): 40}  # fmt: skip
    table = table_2d(inner)
    rules = DisclosureRules()
    result = protect([table], rules)
    frame = result.tables["t"]
    frame.loc[(frame["ROW"] == "r2") & (frame["COL"] == "c2"), "status"] = "F"
    report = audit([table], result, rules)
    assert not report.valid
    exposed = report.exposed[0]
    assert exposed.key == "m|COL=c1;ROW=r1;"
    assert exposed.derived_min == pytest.approx(1.0) and exposed.derived_max == pytest.approx(1.0)


def test_a_hierarchical_table_protects_across_levels() -> None:
    region = flat_dimension("REGION", ["01", "02", "03"])
    activity = two_level_dimension("ACTIVITY", {"C": ["C10", "C11"], "G": ["G45", "G46"]})
    micro = pd.DataFrame(
        {
            "REGION": ["01"] * 9 + ["02"] * 8 + ["03"] * 9,
            "ACTIVITY": (["C10"] * 1 + ["C11"] * 4 + ["G45"] * 2 + ["G46"] * 2)
            + (["C10"] * 3 + ["C11"] * 2 + ["G45"] * 1 + ["G46"] * 2)
            + (["C10"] * 3 + ["C11"] * 3 + ["G45"] * 1 + ["G46"] * 2),
            "value": 1.0,
        }
    )
    table = aggregate(micro, (region, activity), table_id="h", measure="n", kind="count")
    rules = DisclosureRules()
    result = protect([table], rules)
    frame = result.tables["h"]
    primary = frame[frame["status"] == "C"]
    # cells with 1 or 2 enterprises: divisions and the section G of region 02 (3 firms? no)
    expected = table.cells[(table.cells["n"] > 0) & (table.cells["n"] < 3)]
    assert len(primary) == len(expected)
    assert result.audit is not None and result.audit.valid
    assert audit([table], result, rules).valid
    # no section total is left alone with a single hidden division under it
    hidden = frame[frame["status"] != "F"]
    for (reg, sec), group in hidden[hidden["ACTIVITY"].str.len() == 3].groupby(
        [hidden["REGION"], hidden["ACTIVITY"].str[0]]
    ):
        section_hidden = ((frame["REGION"] == reg) & (frame["ACTIVITY"] == sec)).any() and (
            frame[(frame["REGION"] == reg) & (frame["ACTIVITY"] == sec)]["status"].iloc[0] != "F"
        )
        assert len(group) >= 2 or section_hidden


def test_linked_tables_sharing_a_margin_are_protected_together() -> None:
    rng = np.random.default_rng(4)
    region = flat_dimension("REGION", ["01", "02", "03", "04"])
    activity = flat_dimension("ACTIVITY", ["C", "F", "G"])
    size = flat_dimension("SIZE", ["MICRO", "PE", "GE"])
    micro = random_micro(rng, 60, (region, activity, size))
    by_activity = aggregate(micro, (region, activity), table_id="a", measure="firms", kind="count")
    by_size = aggregate(micro, (region, size), table_id="b", measure="firms", kind="count")
    keys_a = set(cell_keys(by_activity))
    keys_b = set(cell_keys(by_size))
    shared = keys_a & keys_b
    assert shared == {"firms|", *{f"firms|REGION={r};" for r in ["01", "02", "03", "04"]}}
    rules = DisclosureRules()
    result = protect([by_activity, by_size], rules)
    assert result.audit is not None and result.audit.valid
    # a shared cell has the same status in both tables
    status_a = dict(zip(cell_keys(by_activity), result.tables["a"]["status"], strict=True))
    status_b = dict(zip(cell_keys(by_size), result.tables["b"]["status"], strict=True))
    assert all(status_a[k] == status_b[k] for k in shared)
    # each table alone would not be audited safe with the other's pattern ignored? the joint
    # audit is what counts: it passes
    assert audit([by_activity, by_size], result, rules).valid


def contributions(values: list[float]) -> pd.DataFrame:
    top = [*sorted(values, reverse=True), 0.0, 0.0, 0.0]
    return pd.DataFrame(
        [{"D": "a", "value": sum(values), "n": len(values),
          "top1": top[0], "top2": top[1], "top3": top[2]}]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("values", "rule", "upper"),
    [
        ([100.0, 95.0, 3.0], "p_percent", 7.0),  # 10% of 100 - 3 = 7
        ([100.0, 50.0, 20.0], None, 0.0),  # 20 >= 10: safe
        ([100.0, 1.0], "frequency", 30.3),  # two contributors: frequency rule first
        ([60.0, 30.0, 5.0, 5.0], None, 0.0),  # remainder 10 >= 6
        ([60.0, 30.0, 2.0, 2.0], "p_percent", 2.0),  # 6 - 4 = 2
    ],
)
def test_the_p_percent_rule_on_crafted_contributions(
    values: list[float], rule: str | None, upper: float
) -> None:
    table = ProtectionTable(
        "p", "x", "magnitude", (Dimension("D", {"a": None}, additive=False),),
        contributions(values),
    )  # fmt: skip
    out = primary_status(table, DisclosureRules(p_percent=10))
    assert out["rule"].iloc[0] == rule
    assert out["upper"].iloc[0] == pytest.approx(upper)


@pytest.mark.parametrize(
    ("values", "hit", "upper"),
    [
        ([80.0, 10.0, 5.0, 5.0], True, 90 / 0.85 - 100),  # top 2 = 90% > 85%
        ([40.0, 40.0, 10.0, 10.0], False, 0.0),  # 80% <= 85%
    ],
)
def test_n_k_dominance_on_crafted_contributions(
    values: list[float], hit: bool, upper: float
) -> None:
    table = ProtectionTable(
        "d", "x", "magnitude", (Dimension("D", {"a": None}, additive=False),),
        contributions(values),
    )  # fmt: skip
    out = primary_status(table, DisclosureRules(p_percent=None, dominance=(2, 85.0)))
    assert (out["rule"].iloc[0] == "dominance") is hit
    assert out["upper"].iloc[0] == pytest.approx(upper)


def test_rules_are_private_configuration(tmp_path) -> None:
    rules = load_rules(tmp_path)
    assert rules.min_frequency == 3 and rules.p_percent == 10
    description = rules.public_description()
    assert "3" not in str(description.values()) and "10" not in str(description.values())
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "disclosure.yaml").write_text("min_frequency: 0\ncost: bogus\n")
    with pytest.raises(ConfigurationError) as caught:
        load_rules(tmp_path)
    assert "min_frequency" in str(caught.value) and "cost" in str(caught.value)


def random_table(seed: int, size: int, kind: str) -> ProtectionTable:
    rng = np.random.default_rng(seed)
    region = flat_dimension("REGION", ["01", "02", "03"])
    activity = two_level_dimension("ACTIVITY", {"C": ["C10", "C11"], "G": ["G45", "G46", "G47"]})
    year = Dimension("TIME_PERIOD", {"2023": None, "2024": None}, additive=False)
    micro = random_micro(rng, size, (region, activity, year))
    return aggregate(micro, (region, activity, year), table_id="r", measure="m", kind=kind)  # type: ignore[arg-type]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    size=st.integers(5, 80),
    kind=st.sampled_from(["count", "magnitude"]),
)
def test_protected_random_tables_pass_the_audit_and_fail_without_a_secondary(
    seed: int, size: int, kind: str
) -> None:
    table = random_table(seed, size, kind)
    rules = DisclosureRules()
    result = protect([table], rules)
    assert audit([table], result, rules).valid
    frame = result.tables["r"]
    secondaries = frame.index[frame["status"] == "N"]
    if len(secondaries) == 0:
        return
    # removing every secondary exposes at least one primary cell
    frame.loc[secondaries, "status"] = "F"
    assert not audit([table], result, rules).valid


def test_an_earlier_release_cannot_be_differenced() -> None:
    inner = {("r1", "c1"): 1, ("r1", "c2"): 5, ("r1", "c3"): 20, ("r2", "c1"): 4,
             ("r2", "c2"): 6, ("r2", "c3"): 30, ("r3", "c1"): 25, ("r3", "c2"): 25,
             ("r3", "c3"): 40}  # fmt: skip
    table = table_2d(inner)
    rules = DisclosureRules()
    # an earlier release published r2/c2 (unchanged since): it cannot hide the primary now
    known = {"m|COL=c2;ROW=r2;": 6.0}
    result = protect([table], rules, known=known)
    status = statuses(result)
    assert status[("r2", "c2")] == "F" or audit([table], result, rules, known=known).valid
    assert audit([table], result, rules, known=known).valid
