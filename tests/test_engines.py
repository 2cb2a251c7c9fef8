"""The engine seam without Spark: DuckDB statements transpiled to Spark SQL, the settings
that choose an engine, the saved linkage model carried from one engine to another."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from marsad.engines import DuckDBEngine, EngineError, open_engine
from marsad.engines.sql import copy_statement, parse, to_spark
from marsad.errors import ConfigurationError
from marsad.register.model import fixed_model, model_in_dialect, settings
from marsad.settings import get_settings


def test_read_parquet_becomes_a_parquet_path_or_a_registered_view() -> None:
    asked: list[tuple[list[str], bool]] = []

    def resolve(paths: list[str], by_name: bool) -> str:
        asked.append((paths, by_name))
        return "_files_0"

    sql = to_spark(
        "SELECT * FROM read_parquet('/data/a b.parquet') p "
        "JOIN read_parquet(['/x.parquet', '/y.parquet'], union_by_name = true) s USING (k)",
        resolve,
    )
    assert "parquet.`file:///data/a b.parquet` AS p" in sql
    assert "_files_0 AS s" in sql
    assert asked == [(["/x.parquet", "/y.parquet"], True)]
    with pytest.raises(ValueError, match="engine to register"):
        to_spark("SELECT * FROM read_parquet(['/x.parquet', '/y.parquet'])")


def test_duckdb_functions_without_a_spark_twin_are_rewritten() -> None:
    sql = to_spark(
        "SELECT coalesce(max(_x, 3)[2], 0.0) AS top2, "
        "list_has_any(systems, ['ae']) AS a, list_has_all(['ae', 'rc'], systems) AS b, "
        "length(list_distinct(string_split(name, ' '))) AS words, length(name) AS letters, "
        "arg_max(name, latest) FILTER (WHERE name IS NOT NULL) AS latest_name "
        "FROM t GROUP BY ALL"
    )
    assert "SORT_ARRAY(COLLECT_LIST(_x), FALSE)[1]" in sql  # DuckDB lists count from 1
    assert "ARRAYS_OVERLAP(systems, ARRAY('ae'))" in sql
    assert "SIZE(ARRAY_EXCEPT(systems, ARRAY('ae', 'rc'))) = 0" in sql
    assert "SIZE(ARRAY_DISTINCT(SPLIT(" in sql and "LENGTH(name)" in sql
    assert "MAX_BY(name, latest) FILTER(WHERE NOT name IS NULL)" in sql
    assert "GROUP BY ALL" in sql


def test_copy_statement_names_its_file_and_metadata() -> None:
    copy = copy_statement(
        parse(
            "COPY (SELECT 1 AS x) TO '/b/panel.parquet' "
            "(FORMAT parquet, KV_METADATA {aggregate_only: 'credit_outstanding_mad'})"
        )
    )
    assert copy.path == "/b/panel.parquet"
    assert copy.metadata == {"aggregate_only": "credit_outstanding_mad"}
    with pytest.raises(ValueError, match="Parquet only"):
        copy_statement(parse("COPY (SELECT 1) TO '/b/x.csv' (FORMAT csv)"))


def test_duckdb_engine_names_the_failing_sql(tmp_path: Path) -> None:
    engine = open_engine(get_settings(tmp_path), tmp_path / "tmp")
    assert isinstance(engine, DuckDBEngine)
    try:
        with pytest.raises(EngineError) as caught:
            engine.frame("SELECT no_such_column FROM range(3)")
    finally:
        engine.close()
    assert "failing SQL:\nSELECT no_such_column" in str(caught.value)


def test_engine_settings_are_validated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert get_settings(tmp_path).engine == "duckdb"
    with pytest.raises(ValidationError):
        get_settings(tmp_path, engine="oracle")
    with pytest.raises(ValidationError):
        get_settings(tmp_path, spark_driver_memory="lots")
    monkeypatch.setenv("MARSAD_ENGINE", "spark")
    monkeypatch.setenv("MARSAD_SPARK_MASTER", "spark://cluster:7077")
    monkeypatch.setenv("MARSAD_SPARK_CONF", json.dumps({"spark.executor.memory": "8g"}))
    chosen = get_settings(tmp_path)
    assert chosen.engine == "spark" and chosen.spark_master == "spark://cluster:7077"
    assert chosen.spark_conf == {"spark.executor.memory": "8g"}


def _saved_model() -> dict[str, object]:
    model = settings(2e-4).create_settings_dict("duckdb")
    for i, comparison in enumerate(model["comparisons"]):
        for j, level in enumerate(comparison["comparison_levels"]):
            if not level.get("is_null_level"):
                level["m_probability"] = 0.01 * (i + 1) + 0.001 * j
                level["u_probability"] = 0.002 * (j + 1)
    return model


def test_a_model_trained_on_duckdb_is_rebuilt_for_spark() -> None:
    saved = _saved_model()
    spark = model_in_dialect(saved, "spark", fresh=True)
    assert spark["probability_two_random_records_match"] == 2e-4
    names = spark["comparisons"][0]["comparison_levels"]
    assert any("jaro_winkler(" in level["sql_condition"] for level in names)
    for new, old in zip(spark["comparisons"], saved["comparisons"], strict=True):
        for a, b in zip(new["comparison_levels"], old["comparison_levels"], strict=True):
            assert a.get("m_probability") == b.get("m_probability")
            assert a.get("u_probability") == b.get("u_probability")
    source = spark["comparisons"][-1]["comparison_levels"]
    assert source[2]["sql_condition"] == "`person_l` <> `person_r`"  # columns, not strings
    near = source[0]["sql_condition"]  # DuckDB's functions written for Spark
    assert "LEVENSHTEIN(CAST(`unit_key_l` AS STRING), CAST(`unit_key_r` AS STRING))" in near
    assert all(
        "fresh" in r["blocking_rule"] for r in spark["blocking_rules_to_generate_predictions"]
    )
    broken = dict(saved, comparisons=saved["comparisons"][:-1])
    with pytest.raises(ConfigurationError, match="réentraînez"):
        model_in_dialect(broken, "spark", fresh=False)


def test_a_fixed_linkage_model_must_be_a_saved_model(tmp_path: Path) -> None:
    assert fixed_model(get_settings(tmp_path)) is None
    missing = get_settings(tmp_path, linkage_model=tmp_path / "none.json")
    with pytest.raises(ConfigurationError, match="illisible"):
        fixed_model(missing)
    (tmp_path / "other.json").write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="pas un modèle"):
        fixed_model(get_settings(tmp_path, linkage_model=tmp_path / "other.json"))
    (tmp_path / "model.json").write_text(json.dumps(_saved_model()), encoding="utf-8")
    model = fixed_model(get_settings(tmp_path, linkage_model=tmp_path / "model.json"))
    assert model is not None and len(model["comparisons"]) == 6
