"""The same register and the same release on Spark (local) as on DuckDB.

A small synthetic economy is linked once on DuckDB to train the model; that model is then
fixed, and the register is built from the same deliveries on both engines, then a release
on each: the units, enterprise ids, panel and events must be the same, and every published
cell (value and flags) too. Skipped with its reason when PySpark or Java is missing, except
in CI (``CI`` set), where Spark must run.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from marsad.engines.session import spark_available
from marsad.ingest import Deliverer
from marsad.settings import Settings, get_settings

pytestmark = pytest.mark.slow

# a map table, a small one, a ratio and a magnitude (with its three largest contributors)
TABLES = [
    "active_region_section",
    "active_legal_form",
    "birth_rate_region_section",
    "turnover_region_section_size",
]
SPARK = {"spark_master": "local[2]", "spark_shuffle_partitions": 4}


@pytest.fixture(scope="module")
def spark_ready() -> Iterator[None]:
    missing = spark_available()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"Spark must run in CI: {missing}")
        pytest.skip(f"Spark tests skipped: {missing}")
    yield


@pytest.fixture(scope="module")
def two_registers(
    spark_ready: None, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Settings]:
    """The same deliveries built on DuckDB and on Spark with one fixed linkage model."""
    from marsad.ingest import ingest_folder
    from marsad.register.build import build_register, current_build
    from marsad.synth import generate

    root = tmp_path_factory.mktemp("engines")
    trained = get_settings(root / "trained")
    generate(out=root / "synth", scale=0.002, seed=11, progress=False)
    ingest_folder(Deliverer(trained), root / "synth")
    build_register(trained)
    build = current_build(trained)
    assert build is not None
    model = build / "model.json"
    homes: dict[str, Settings] = {}
    for engine in ("duckdb", "spark"):
        shutil.copytree(trained.staging_dir, root / engine / "staging")
        homes[engine] = get_settings(
            root / engine, engine=engine, linkage_model=model, release_years=2, **SPARK
        )
        build_register(homes[engine])
    return homes


def _read(settings: Settings, name: str) -> pd.DataFrame:
    from marsad.register.build import current_build

    build = current_build(settings)
    assert build is not None
    frame = pd.read_parquet(build / f"{name}.parquet")
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.mark.parametrize(
    "name", ["units", "rows", "enterprises", "panel", "events", "changes", "review_queue"]
)
def test_the_register_is_the_same_on_spark(two_registers: dict[str, Settings], name: str) -> None:
    duck, spark = (_read(two_registers[e], name) for e in ("duckdb", "spark"))
    assert len(duck) > 0
    pd.testing.assert_frame_equal(duck, spark[duck.columns], check_dtype=False)


@pytest.mark.parametrize("name", ["links", "model_pairs"])
def test_the_same_pairs_are_linked_on_spark(two_registers: dict[str, Settings], name: str) -> None:
    """The same pairs, of the same kind, on the same side of every threshold. Splink's
    Jaro-Winkler on Spark (its Java similarity library) and DuckDB's differ in the last
    digits for a few names, which moves those pairs' probabilities, never a decision."""
    from marsad.register.build import current_build
    from marsad.register.operating_point import Calibration

    points = []
    for engine in ("duckdb", "spark"):
        build = current_build(two_registers[engine])
        assert build is not None
        points.append(json.loads((build / "operating_point.json").read_text()))
    assert points[0] == points[1]  # the fixed model's saved point, on both engines
    assert points[0]["chosen_by"] == "fixed model"
    duck, spark = (_read(two_registers[e], name) for e in ("duckdb", "spark"))
    keys = ["unit_a", "unit_b", "kind"]
    pd.testing.assert_frame_equal(duck[keys], spark[keys])
    if name == "model_pairs":
        calibration = Calibration(**points[0]["calibration"])
        duck, spark = (
            f.assign(
                probability=calibration.probability(
                    (f["match_weight"] - f["ice_weight"]).to_numpy(), f["ice_weight"].to_numpy()
                )
            )
            for f in (duck, spark)
        )
    for threshold in (points[0]["threshold"], points[0]["review_floor"]):
        assert ((duck["probability"] >= threshold) == (spark["probability"] >= threshold)).all()
    close = (duck["probability"] - spark["probability"]).abs() < 1e-9
    assert close.mean() > 0.99


def test_the_release_is_the_same_on_spark(two_registers: dict[str, Settings]) -> None:
    from marsad.release import make_release

    folders = {
        engine: Path(make_release(settings, table_ids=TABLES, formats=False).path)
        for engine, settings in two_registers.items()
    }
    tables = sorted(p.name for p in (folders["duckdb"] / "tables").glob("*.parquet"))
    assert set(TABLES) <= {t.removesuffix(".parquet") for t in tables}
    for table in tables:
        duck, spark = (pd.read_parquet(folders[e] / "tables" / table) for e in folders)
        dims = [c for c in duck.columns if c not in ("OBS_VALUE", "CONF_STATUS", "OBS_STATUS")]
        duck, spark = (f.sort_values(dims).reset_index(drop=True) for f in (duck, spark))
        assert (duck["CONF_STATUS"] == "F").any(), table
        pd.testing.assert_frame_equal(duck, spark, check_exact=True, obj=table)


def test_a_spark_error_names_the_sql_in_both_dialects(
    two_registers: dict[str, Settings], tmp_path: Path
) -> None:
    from marsad.engines import EngineError, open_engine

    engine = open_engine(two_registers["spark"], tmp_path)
    try:
        with pytest.raises(EngineError) as caught:
            engine.frame("SELECT no_such_column FROM read_parquet('/no/such/file.parquet')")
    finally:
        engine.close()
    text = str(caught.value)
    assert "failing SQL:\nSELECT no_such_column FROM read_parquet(" in text
    assert (
        "as Spark SQL:\nSELECT no_such_column FROM parquet.`file:///no/such/file.parquet`" in text
    )
