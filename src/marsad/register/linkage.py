"""Links between units: deterministic on trustworthy identifiers, then the Splink model."""

from __future__ import annotations

import logging
import math
from typing import Any

import duckdb

from marsad.engines.base import Connection, EngineError, SplinkBackend
from marsad.register.model import (
    MODEL_COLUMNS,
    fresh_blocking_rules,
    model_in_dialect,
    settings,
    train,
)


def _quiet_splink() -> None:
    """Splink reports its training steps at INFO level; marsad reports its own."""
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)


def deterministic_links(con: Connection) -> None:
    """Table ``det_links``: units sharing a valid ICE (enterprise part) or a trade-registry
    key, as star links to the group's smallest unit."""
    parts = [
        f"""SELECT unit_id AS unit_a, hub AS unit_b, '{kind}' AS kind, 1.0 AS probability
            FROM (SELECT unit_id, min(unit_id) OVER (PARTITION BY {column}) AS hub
                  FROM units WHERE {column} IS NOT NULL) WHERE unit_id <> hub"""
        for kind, column in (("ice", "ice9"), ("rc", "rc_key"))
    ]
    con.execute("CREATE OR REPLACE TABLE det_links AS " + " UNION ALL ".join(parts))


def lowest_ice_weight(model: dict[str, Any]) -> float:
    """The most negative log2 weight the model's ICE comparison can give (its "different
    ICE" level), 0 when the model has none."""
    for comparison in model.get("comparisons", []):
        if comparison.get("output_column_name") != "ice":
            continue
        weights = [
            math.log2(level["m_probability"] / level["u_probability"])
            for level in comparison["comparison_levels"]
            if level.get("m_probability") and level.get("u_probability")
        ]
        return min([0.0, *weights])
    return 0.0


def model_links(
    con: Connection,
    *,
    floor: float,
    model: dict[str, Any] | None = None,
    fresh_table: str | None = None,
) -> dict[str, Any]:
    """Tables ``model_pairs`` (candidate pairs scored by the Splink model, raw probability at
    least ``floor``, with their match weight and their ICE comparison's weight) and
    ``silver`` (pairs of units that both carry a valid ICE, by their weight without the ICE
    comparison, same ICE or not, counted: ``operating_point``'s labels); returns the
    model's parameters.

    Without ``model`` the model is trained on the units (a full build). With a saved
    ``model`` and a table of fresh (new or changed) units, only pairs that involve a
    fresh unit are scored (an incremental build).
    """
    from splink import DuckDBAPI, Linker

    _quiet_splink()
    if isinstance(con, SplinkBackend):
        db_api = con.splink_api()
    elif isinstance(con, duckdb.DuckDBPyConnection):
        db_api = DuckDBAPI(connection=con)
    else:
        raise EngineError(f"Splink ne sait pas lier sur {type(con).__name__}")
    dialect = db_api.sql_dialect.sql_dialect_str
    columns = ", ".join(MODEL_COLUMNS)
    is_fresh = f"unit_id IN (SELECT unit_id FROM {fresh_table})" if fresh_table else "true"
    con.execute(
        f"CREATE OR REPLACE TABLE units_model AS SELECT {columns}, {is_fresh} AS fresh "
        "FROM units WHERE name_std IS NOT NULL AND name_std <> ''"
    )
    fresh_count = con.execute("SELECT count(*) FROM units_model WHERE fresh").fetchone()
    count = con.execute("SELECT count(*) FROM units_model").fetchone()
    con.execute(
        "CREATE OR REPLACE TABLE model_pairs (unit_a VARCHAR, unit_b VARCHAR, "
        "kind VARCHAR, probability DOUBLE, match_weight DOUBLE, ice_weight DOUBLE)"
    )
    con.execute("CREATE OR REPLACE TABLE silver (weight DOUBLE, same BOOLEAN, n BIGINT)")
    if count is None or count[0] < 3 or not fresh_count or not fresh_count[0]:
        return model or {}
    if model is None:
        linker = Linker("units_model", settings(), db_api=db_api)
        train(linker)
    elif model.get("sql_dialect", dialect) != dialect:  # trained on another engine
        linker = Linker("units_model", model_in_dialect(model, dialect, fresh=True), db_api=db_api)
    else:
        saved = dict(model)
        saved["blocking_rules_to_generate_predictions"] = fresh_blocking_rules()
        linker = Linker("units_model", saved, db_api=db_api)
    trained = model if model is not None else linker.misc.save_model_to_json()
    floor_weight = math.log2(floor / (1 - floor))
    # pairs with different valid ICEs are kept down to the floor of their other evidence
    predictions = linker.inference.predict(
        threshold_match_weight=floor_weight + lowest_ice_weight(trained)
    )
    table = predictions.physical_name
    ice = "log2(greatest(bf_ice, 1e-300))"
    con.execute(
        "INSERT INTO model_pairs SELECT unit_id_l AS unit_a, unit_id_r AS unit_b, "
        "'model' AS kind, match_probability AS probability, match_weight, "
        f"{ice} AS ice_weight FROM {table} WHERE match_weight >= {floor_weight}"
    )
    con.execute(
        f"""INSERT INTO silver
            SELECT round(match_weight - {ice}, 1) AS weight, ice9_l = ice9_r AS same,
                   count(*) AS n FROM {table}
            WHERE ice9_l IS NOT NULL AND ice9_r IS NOT NULL
              AND match_weight - {ice} >= {floor_weight}
            GROUP BY ALL"""
    )
    return trained
