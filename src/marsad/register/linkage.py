"""Links between units: deterministic on trustworthy identifiers, then the Splink model."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from marsad.register.clustering import Link
from marsad.register.model import MODEL_COLUMNS, fresh_blocking_rules, settings, train


def _quiet_splink() -> None:
    """Splink reports its training steps at INFO level; marsad reports its own."""
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)


def deterministic_links(con: duckdb.DuckDBPyConnection) -> list[Link]:
    """Units sharing a valid ICE (enterprise part) or a trade-registry key, as star links."""
    links: list[Link] = []
    for kind, column in (("ice", "ice9"), ("rc", "rc_key")):
        rows = con.execute(
            f"""SELECT unit_id, min(unit_id) OVER (PARTITION BY {column}) AS hub
                FROM units WHERE {column} IS NOT NULL"""
        ).fetchall()
        links.extend(Link(u, hub, kind, 1.0) for u, hub in rows if u != hub)
    return links


@dataclass
class ModelRun:
    links: list[Link]  # pairs at or above the review threshold
    parameters: dict[str, object]


def model_links(
    con: duckdb.DuckDBPyConnection,
    *,
    review_threshold: float,
    model: dict[str, Any] | None = None,
    fresh: set[str] | None = None,
) -> ModelRun:
    """Score candidate pairs of units with the Splink model.

    Without ``model`` the model is trained on the units (a full build). With a saved
    ``model`` and the set of ``fresh`` (new or changed) units, only pairs that involve a
    fresh unit are scored (an incremental build).
    """
    from splink import DuckDBAPI, Linker

    _quiet_splink()
    columns = ", ".join(MODEL_COLUMNS)
    con.register("fresh_arrow", pa.table({"unit_id": pa.array(sorted(fresh or ()), pa.string())}))
    con.execute(
        f"CREATE OR REPLACE TABLE units_model AS SELECT {columns}, "
        "unit_id IN (SELECT unit_id FROM fresh_arrow) AS fresh FROM units "
        "WHERE name_std IS NOT NULL AND name_std <> ''"
    )
    count = con.execute("SELECT count(*) FROM units_model").fetchone()
    if count is None or count[0] < 3 or (model is not None and not fresh):
        return ModelRun(links=[], parameters=model or {})
    if model is None:
        linker = Linker("units_model", settings(), db_api=DuckDBAPI(connection=con))
        train(linker)
    else:
        saved = dict(model)
        saved["blocking_rules_to_generate_predictions"] = fresh_blocking_rules()
        linker = Linker("units_model", saved, db_api=DuckDBAPI(connection=con))
    predictions = linker.inference.predict(threshold_match_probability=review_threshold)
    con.execute("CREATE OR REPLACE TABLE model_pairs AS SELECT * FROM " + predictions.physical_name)
    pairs = con.execute(
        "SELECT unit_id_l, unit_id_r, match_probability FROM model_pairs"
    ).fetchall()
    links = [Link(a, b, "model", float(p)) for a, b, p in pairs]
    parameters = model if model is not None else linker.misc.save_model_to_json()
    return ModelRun(links=links, parameters=parameters)


def links_table(links: list[Link]) -> pa.Table:
    return pa.table(
        {
            "unit_a": pa.array([lk.a for lk in links], pa.string()),
            "unit_b": pa.array([lk.b for lk in links], pa.string()),
            "kind": pa.array([lk.kind for lk in links], pa.string()),
            "probability": pa.array([lk.probability for lk in links], pa.float64()),
        }
    )
