"""Indicators computed on a crafted panel, checked by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from marsad.errors import ConfigurationError
from marsad.stats.base import create_base_views, data_years, panel_years
from marsad.stats.catalogue import load_catalogue, parse_catalogue
from marsad.stats.compute import compute_table
from marsad.stats.engine import Engine, EngineError

YEARS = list(range(2019, 2025))
# enterprise: (region, section, division, creation, {year: employees}, born, died)
E1_STAFF = dict(zip(YEARS, [10, 11, 12, 14, 16, 20], strict=True))
E2_STAFF = {2020: 10, 2021: 12, 2022: 14, 2023: 15, 2024: 20}
FIRMS = {
    "E1": ("01", "C", "10", date(2010, 1, 1), E1_STAFF, None, None),
    "E2": ("01", "G", "47", date(2020, 3, 1), E2_STAFF, 2020, None),
    "E3": ("02", "C", "10", date(2019, 6, 1), {2019: 1, 2020: 2}, 2019, 2021),
    "E4": ("02", "G", "46", date(2015, 1, 1), dict.fromkeys(YEARS, 3), None, None),
}  # fmt: skip


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    build = tmp_path_factory.mktemp("build")
    panel, events, enterprises = [], [], []
    for eid, (region, section, division, created, staff, born, died) in FIRMS.items():
        enterprises.append({"enterprise_id": eid, "creation_date": created})
        if born:
            events.append({"enterprise_id": eid, "year": born, "event": "birth"})
        if died:
            events.append({"enterprise_id": eid, "year": died, "event": "death"})
        for year in YEARS:
            active = year in staff
            panel.append(
                {
                    "enterprise_id": eid, "year": year, "observed": True, "active": active,
                    "employees": staff.get(year), "turnover_mad": 1e6 * staff.get(year, 0),
                    "credit_outstanding_mad": None, "region_code": region, "section": section,
                    "division": division, "size_omtpme_2021": "MICRO" if active else None,
                    "size_eurostat_employees": "SMALL" if staff.get(year, 0) >= 10 else "MICRO",
                    "category": "EPMA", "legal_form": "SARL", "gender": None,
                }
            )  # fmt: skip
    pd.DataFrame(panel).to_parquet(build / "panel.parquet")
    pd.DataFrame(events).to_parquet(build / "events.parquet")
    pd.DataFrame(enterprises).to_parquet(build / "enterprises.parquet")
    return build


@pytest.fixture(scope="module")
def engine(build: Path) -> Engine:
    eng = Engine()
    create_base_views(eng, build)
    return eng


def cells(engine: Engine, table_id: str) -> pd.DataFrame:
    catalogue = load_catalogue()
    table = compute_table(engine, catalogue, catalogue.table(table_id), YEARS, {})
    return table.cells


def value(frame: pd.DataFrame, **codes: str) -> float:
    mask = pd.Series(True, index=frame.index)
    for dim, code in codes.items():
        mask &= frame[dim] == code
    assert mask.sum() == 1, codes
    return float(frame.loc[mask, "value"].iloc[0])


def test_years(engine: Engine) -> None:
    years, provisional = data_years(engine)
    assert years == YEARS and provisional == set()


def test_a_release_reads_the_panel_lines_of_its_years_only(build: Path, engine: Engine) -> None:
    assert panel_years(engine, build) == data_years(engine)
    recent = YEARS[-3:]
    restricted = Engine()
    create_base_views(restricted, build, recent)
    assert restricted.scalar("SELECT count(*) FROM base_panel") == len(FIRMS) * len(recent)
    catalogue = load_catalogue()
    for spec in catalogue.tables:
        if catalogue.indicators[spec.indicator].kind == "ratio":
            continue
        # the earlier years still give growth, previous sizes and cohorts; a code seen in
        # earlier years only is no longer a row of the tables (its cells were empty)
        full = compute_table(engine, catalogue, spec, recent, {}).cells
        alone = compute_table(restricted, catalogue, spec, recent, {}).cells
        dims = [c for c in full.columns if c.isupper()]
        merged = full.merge(alone, on=dims, how="left", suffixes=("", "_alone"))
        assert len(alone) <= len(full), spec.id
        assert (merged.loc[merged["n_alone"].isna(), "n"] == 0).all(), spec.id
        kept = merged[merged["n_alone"].notna()]
        assert len(kept) == len(alone), spec.id
        for column in ("value", "n", "top1", "top2", "top3"):
            assert (kept[column] == kept[f"{column}_alone"]).all(), (spec.id, column)
    restricted.close()


def test_active_enterprises_with_totals(engine: Engine) -> None:
    frame = cells(engine, "active_region_section")
    assert value(frame, REGION="_T", ACTIVITY="_T", TIME_PERIOD="2019") == 3  # E1, E3, E4
    assert value(frame, REGION="_T", ACTIVITY="_T", TIME_PERIOD="2021") == 3  # E1, E2, E4
    assert value(frame, REGION="01", ACTIVITY="_T", TIME_PERIOD="2021") == 2
    assert value(frame, REGION="02", ACTIVITY="C", TIME_PERIOD="2020") == 1
    assert value(frame, REGION="02", ACTIVITY="C", TIME_PERIOD="2021") == 0  # a full cube


def test_divisions_add_up_to_their_section(engine: Engine) -> None:
    frame = cells(engine, "active_region_activity_size")
    assert value(frame, REGION="_T", ACTIVITY="G", SIZE_CLASS="_T", TIME_PERIOD="2022") == 2
    assert value(frame, REGION="_T", ACTIVITY="G47", SIZE_CLASS="_T", TIME_PERIOD="2022") == 1
    assert value(frame, REGION="_T", ACTIVITY="G46", SIZE_CLASS="_T", TIME_PERIOD="2022") == 1


def test_births_deaths_and_survival(engine: Engine) -> None:
    births = cells(engine, "births_region_section")
    assert value(births, REGION="_T", ACTIVITY="_T", TIME_PERIOD="2020") == 1  # E2
    deaths = cells(engine, "deaths_region_section")
    assert value(deaths, REGION="02", ACTIVITY="C", TIME_PERIOD="2021") == 1  # E3
    cohort = cells(engine, "cohort_region_horizon")
    survivors = cells(engine, "survivors_region_horizon")
    # born 2019 (E3): still active one year later, gone two years later
    assert value(cohort, REGION="_T", HORIZON="1", TIME_PERIOD="2020") == 1
    assert value(survivors, REGION="_T", HORIZON="1", TIME_PERIOD="2020") == 1
    assert value(cohort, REGION="_T", HORIZON="2", TIME_PERIOD="2021") == 1
    assert value(survivors, REGION="_T", HORIZON="2", TIME_PERIOD="2021") == 0
    # born 2020 (E2): 4 years later still active
    assert value(survivors, REGION="01", HORIZON="4", TIME_PERIOD="2024") == 1


def test_high_growth_and_gazelles(engine: Engine) -> None:
    growth = cells(engine, "high_growth_region_section")
    # E1: 14 >= 1.331 * 10 in 2022; E2 from 2023 (15 >= 13.31), E4 never (3 employees)
    assert value(growth, REGION="_T", ACTIVITY="_T", TIME_PERIOD="2021") == 0
    assert value(growth, REGION="_T", ACTIVITY="_T", TIME_PERIOD="2022") == 1
    assert value(growth, REGION="_T", ACTIVITY="_T", TIME_PERIOD="2023") == 2
    gazelles = cells(engine, "gazelles_region_section")
    assert value(gazelles, REGION="_T", ACTIVITY="_T", TIME_PERIOD="2023") == 1  # E2, age 3


def test_magnitudes_carry_their_contributions(engine: Engine) -> None:
    frame = cells(engine, "employees_region_section_size")
    national = (frame["REGION"] == "_T") & (frame["ACTIVITY"] == "_T")
    row = frame[national & (frame["SIZE_CLASS"] == "_T") & (frame["TIME_PERIOD"] == "2024")].iloc[0]
    assert row["value"] == 20 + 20 + 3 and row["n"] == 3
    assert (row["top1"], row["top2"], row["top3"]) == (20, 20, 3)


def test_a_bad_catalogue_lists_every_problem() -> None:
    text = """
indicators:
  x: {kind: ratio, unit: percent, numerator: nope, denominator: nada,
      title: {fr: a, ar: b, en: c}, definition: {fr: a, ar: b, en: c}}
  y: {kind: magnitude, unit: MAD, where: "true",
      title: {fr: a, ar: b, en: c}, definition: {fr: a, ar: b, en: c}}
tables:
  - {id: t, indicator: x, dimensions: [REGION, PLANET]}
  - {id: t, indicator: z, dimensions: [REGION]}
"""
    with pytest.raises(ConfigurationError) as caught:
        parse_catalogue(text)
    message = str(caught.value)
    for fragment in ("defined twice", "PLANET", "unknown indicator 'z'", "'nope'", "'value'"):
        assert fragment in message


def test_the_engine_names_the_failing_sql(engine: Engine) -> None:
    with pytest.raises(EngineError) as caught:
        engine.run("SELECT no_such_column FROM base_panel")
    assert "no_such_column" in str(caught.value) and "failing SQL" in str(caught.value)
