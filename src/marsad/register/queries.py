"""Reading a register build: review queue, explanations, one enterprise, the row export."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from marsad.audit import log_access
from marsad.errors import Conflict, NotFound
from marsad.ingest import Ledger
from marsad.ingest.rules import lit
from marsad.reference.spelling import name_skeleton
from marsad.register.build import current_build
from marsad.register.model import MODEL_COLUMNS, TF_COLUMNS
from marsad.register.operating_point import Calibration, saved_point
from marsad.register.successions import successions_of
from marsad.settings import Settings


def _build(settings: Settings) -> Path:
    build = current_build(settings)
    if build is None:
        raise NotFound("no register has been built yet: run `marsad register build`")
    return build


def _units(build: Path) -> str:
    return f"read_parquet({lit(str(build / 'units.parquet'))})"


def _place(row: dict[str, Any]) -> str:
    return " / ".join(str(row[k]) for k in ("commune_code", "region_code") if row.get(k))


def review_queue(settings: Settings, *, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
    """The queue's pairs in its order (``register.review_queue``), a page at a time."""
    build = _build(settings)
    rel = duckdb.sql(
        f"""SELECT q.unit_a, q.unit_b, q.probability, q.rank, q.pairs_settled, q.rows_moved,
                   a.name AS name_a, b.name AS name_b,
                   a.commune_code AS commune_a, b.commune_code AS commune_b,
                   a.region_code AS region_a, b.region_code AS region_b
            FROM read_parquet({lit(str(build / "review_queue.parquet"))}) q
            JOIN {_units(build)} a ON a.unit_id = q.unit_a
            JOIN {_units(build)} b ON b.unit_id = q.unit_b
            ORDER BY q.rank LIMIT {int(limit)} OFFSET {int(offset)}"""
    )
    out = []
    for row in rel.fetchall():
        d = dict(zip(rel.columns, row, strict=True))
        d["place_a"] = " / ".join(x for x in (d.pop("commune_a"), d.pop("region_a")) if x)
        d["place_b"] = " / ".join(x for x in (d.pop("commune_b"), d.pop("region_b")) if x)
        out.append(d)
    return out


def _unit_record(build: Path, unit_id: str) -> dict[str, Any]:
    rel = duckdb.sql(f"SELECT * FROM {_units(build)} WHERE unit_id = $u", params={"u": unit_id})
    row = rel.fetchone()
    if row is None:
        raise NotFound(f"unknown unit {unit_id!r}")
    return dict(zip(rel.columns, row, strict=True))


def explain_pair(settings: Settings, unit_a: str, unit_b: str) -> dict[str, Any]:
    """Match-weight waterfall of a pair under the current build's model."""
    from splink import DuckDBAPI, Linker

    build = _build(settings)
    a, b = _unit_record(build, unit_a), _unit_record(build, unit_b)
    model = json.loads((build / "model.json").read_text(encoding="utf-8"))
    con = duckdb.connect()
    for rec in (a, b):
        tokens = (rec.get("name_std") or "").split(" ")
        rec["name_tokens"] = tokens
        rec["name_sorted"] = " ".join(sorted(tokens))
        rec.setdefault("name_skeleton", name_skeleton(rec.get("name_std") or ""))
    records = [{c: rec.get(c) for c in MODEL_COLUMNS} for rec in (a, b)]
    # The model sees the whole register, so that rare names weigh more than common ones.
    select = ", ".join(
        "string_split(coalesce(name_std, ''), ' ') AS name_tokens" if c == "name_tokens" else c
        for c in MODEL_COLUMNS
    )
    present = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {_units(build)}").fetchall()}
    if set(MODEL_COLUMNS) - {"name_tokens"} - present:
        raise Conflict(
            "Ce registre a été construit par une version antérieure de marsad : "
            "reconstruisez-le (marsad register build --full) pour expliquer ses paires."
        )
    con.execute(f"CREATE TABLE units_model AS SELECT {select} FROM {_units(build)}")
    linker = Linker("units_model", model, db_api=DuckDBAPI(connection=con))
    for column in TF_COLUMNS:
        linker.table_management.compute_tf_table(column)
    scored = linker.inference.compare_two_records(records[0], records[1]).as_record_dict()[0]
    steps = []
    prior = model.get("probability_two_random_records_match", 1e-5)
    steps.append(
        {
            "comparison": "prior",
            "level": "",
            "value_a": "",
            "value_b": "",
            "bayes_factor": prior / (1 - prior),
            "log2_weight": math.log2(prior / (1 - prior)),
        }
    )
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        # a level adjusted for term frequency: its weight times that of the value's rarity
        bf = float(scored.get(f"bf_{name}", 1.0)) * float(scored.get(f"bf_tf_adj_{name}") or 1.0)
        gamma = scored.get(f"gamma_{name}")
        level = _level_label(comparison, gamma)
        cols = {"place": "commune_code", "activity": "division", "source": "system"}.get(name, name)
        steps.append(
            {
                "comparison": name,
                "level": level,
                "value_a": a.get(cols),
                "value_b": b.get(cols),
                "bayes_factor": bf,
                "log2_weight": math.log2(bf) if bf > 0 else float("-inf"),
            }
        )
    probability = float(scored["match_probability"])
    weight = float(scored["match_weight"])
    point = saved_point(build) or {}
    calibration = Calibration.of(point.get("calibration", {}))
    ice_weight = math.log2(max(float(scored.get("bf_ice") or 1.0), 1e-300))
    calibrated = float(
        calibration.probability(np.array([weight - ice_weight]), np.array([ice_weight]))[0]
    )
    same = a["enterprise_id"] == b["enterprise_id"]
    verdict = (
        f"{unit_a} and {unit_b} are in the same enterprise {a['enterprise_id']}"
        if same
        else f"{unit_a} ({a['enterprise_id']}) and {unit_b} ({b['enterprise_id']}) "
        "are different enterprises"
    )
    return {
        "unit_a": unit_a,
        "unit_b": unit_b,
        "same_enterprise": same,
        "verdict": verdict,
        "probability": probability,
        "calibrated_probability": calibrated,
        "threshold": point.get("threshold"),
        "review_floor": point.get("review_floor"),
        "match_weight": weight,
        "steps": steps,
    }


def _level_label(comparison: dict[str, Any], gamma: Any) -> str:
    levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
    if gamma is None or gamma == -1:
        return "missing"
    ordered = sorted(levels, key=lambda lv: -lv.get("comparison_vector_value", 0))
    for lv in ordered:
        if lv.get("comparison_vector_value") == gamma:
            return str(lv.get("label_for_charts", lv.get("sql_condition", "")))
    return str(gamma)


def show_enterprise(
    settings: Settings,
    enterprise_id: str,
    *,
    user: str | None = None,
    purpose: str = "register inspection",
) -> dict[str, Any]:
    build = _build(settings)
    rel = duckdb.sql(
        f"SELECT * FROM {_units(build)} WHERE enterprise_id = $e ORDER BY unit_id",
        params={"e": enterprise_id},
    )
    rows = [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]
    if not rows:
        raise NotFound(f"unknown enterprise {enterprise_id!r}")
    log_access(
        settings.home, action="register.show", subject=enterprise_id, purpose=purpose, user=user
    )
    return {"enterprise_id": enterprise_id, "units": rows, **successions_of(build, enterprise_id)}


def export_rows(settings: Settings, out: Path) -> int:
    """CSV of ``delivery file, row, enterprise id`` for every loaded row (plus delivery id)."""
    build = _build(settings)
    files = {
        r.id: f"{r.partner}/{r.dataset}/{r.file_name}"
        for r in Ledger(settings.ledger_path).records()
    }
    rel = duckdb.sql(
        f"SELECT delivery, row, enterprise_id FROM read_parquet("
        f"{lit(str(build / 'rows.parquet'))}) ORDER BY delivery, row"
    )
    n = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["delivery_file", "row", "enterprise_id", "delivery_id"])
        while batch := rel.fetchmany(100_000):
            for delivery, row, enterprise in batch:
                writer.writerow([files.get(delivery, delivery), row, enterprise, delivery])
                n += 1
    log_access(
        settings.home,
        action="register.export",
        subject=str(out),
        purpose="row export",
        detail={"rows": n},
    )
    return n


def review_listing(
    settings: Settings, *, page: int = 1, size: int = 50, search: str = ""
) -> dict[str, Any]:
    """One page of the review queue in its order, with the total; ``search`` keeps the
    pairs one of whose units' id or name contains it (case and accents aside)."""
    build = _build(settings)
    where, params = "", {}
    if search.strip():
        where = (
            "WHERE strip_accents(lower(a.unit_id || ' ' || coalesce(a.name, '') || ' ' || "
            "b.unit_id || ' ' || coalesce(b.name, ''))) LIKE $q"
        )
        needle = search.strip().lower().replace("%", "").replace("_", "")
        params["q"] = f"%{needle}%"
    base = f"""FROM read_parquet({lit(str(build / "review_queue.parquet"))}) q
               JOIN {_units(build)} a ON a.unit_id = q.unit_a
               JOIN {_units(build)} b ON b.unit_id = q.unit_b {where}"""
    con = duckdb.connect()
    total_row = con.execute(f"SELECT count(*) {base}", params).fetchone()
    total = int(total_row[0]) if total_row else 0
    rel = con.execute(
        f"""SELECT q.rank, q.unit_a, q.unit_b, q.probability, q.pairs_settled, q.rows_moved,
                   a.system AS system_a, b.system AS system_b, a.name AS name_a,
                   b.name AS name_b, a.commune_code AS commune_a, b.commune_code AS commune_b
            {base} ORDER BY q.rank LIMIT {int(size)} OFFSET {int((max(page, 1) - 1) * size)}""",
        params,
    )
    columns = [d[0] for d in rel.description]
    return {
        "total": total,
        "page": max(page, 1),
        "size": size,
        "pairs": [dict(zip(columns, r, strict=True)) for r in rel.fetchall()],
    }


def review_pair(settings: Settings, unit_a: str, unit_b: str, *, user: str) -> dict[str, Any]:
    """Both units of a pair side by side with the explanation of their match weight
    (logged: enterprise-level data)."""
    build = _build(settings)
    units = [_unit_record(build, u) for u in (unit_a, unit_b)]
    explained = explain_pair(settings, unit_a, unit_b)
    log_access(
        settings.home,
        action="register.review",
        subject=f"{unit_a} | {unit_b}",
        purpose="linkage review",
        user=user,
    )
    return {"units": units, **explained}
