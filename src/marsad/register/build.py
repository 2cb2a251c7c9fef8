"""``marsad register build``: from the current deliveries to enterprises with stable ids.

Each build is written into ``<home>/register/builds/<build id>/`` and becomes current only
when complete, by replacing ``<home>/register/current.json`` atomically.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from marsad.engines.base import Connection
from marsad.ingest.rules import lit
from marsad.register.clustering import ICE, MODEL, RC, REVIEW, cluster
from marsad.register.identity import assign_ids
from marsad.register.linkage import deterministic_links, model_links
from marsad.register.model import fixed_model
from marsad.register.operating_point import apply_operating_point, saved_point
from marsad.register.panel import write_panel_and_events
from marsad.register.review_queue import review_queue
from marsad.register.reviews import ReviewLog
from marsad.register.units import build_units, load_rows
from marsad.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class BuildReport:
    build_id: str
    path: str
    mode: str  # full | incremental
    units_scored: int  # units whose pairs were scored by the model (all, or new and changed)
    rows: int
    units: int
    enterprises: int
    links: dict[str, int]
    refused_links: int
    review_queue: int
    changes: dict[str, int]
    operating_point: dict[str, Any] = field(default_factory=dict)
    operating_point_before: dict[str, Any] | None = None  # the previous build's
    panel: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def register_dir(settings: Settings) -> Path:
    return settings.home / "register"


def current_build(settings: Settings) -> Path | None:
    pointer = register_dir(settings) / "current.json"
    if not pointer.exists():
        return None
    build = json.loads(pointer.read_text(encoding="utf-8"))["build"]
    return register_dir(settings) / "builds" / build


def connect(settings: Settings, database: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB working database (a file under ``<home>/tmp`` when given, so that its tables
    can leave memory) that spills to ``<home>/tmp`` past the configured memory."""
    spill = settings.home / "tmp" / "duckdb"
    spill.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(
        str(database) if database else ":memory:",
        config={
            "threads": settings.workers,
            "memory_limit": settings.memory_limit,
            "temp_directory": str(spill),
            "preserve_insertion_order": False,
        },
    )


def open_connection(settings: Settings, database: Path) -> Connection:
    """The build's working database on the configured engine: DuckDB (``connect``) or a
    Spark session whose tables live under ``<home>/tmp``."""
    if settings.engine == "spark":
        from marsad.engines import open_spark

        return open_spark(settings, settings.home / "tmp")
    return connect(settings, database)


SIGNATURE_COLUMNS = (
    "system",
    "name_std",
    "legal_form",
    "ice9",
    "rc_key",
    "commune_code",
    "province",
    "region_code",
    "division",
    "section",
)


def _signature(alias: str) -> str:
    parts = ", ".join(f"coalesce(CAST({alias}.{c} AS VARCHAR), '')" for c in SIGNATURE_COLUMNS)
    return f"md5(concat_ws('|', {parts}))"


def _fresh_units(con: Connection, build: Path) -> int:
    """Table ``fresh_units``: units new, or whose linkage attributes changed, since ``build``."""
    con.execute(
        f"""CREATE OR REPLACE TABLE fresh_units AS SELECT u.unit_id FROM units u
            LEFT JOIN (SELECT p.unit_id, {_signature("p")} AS sig
                       FROM read_parquet({lit(str(build / "units.parquet"))}) p) old
            USING (unit_id)
            WHERE old.sig IS NULL OR old.sig <> {_signature("u")}"""
    )
    row = con.execute("SELECT count(*) FROM fresh_units").fetchone()
    return int(row[0]) if row else 0


def _link_units(con: Connection, settings: Settings, full: bool) -> tuple[dict[str, Any], str, int]:
    """Deterministic links and scored pairs; returns (model, mode, units scored)."""
    deterministic_links(con)
    previous = current_build(settings)
    incremental = (
        not full
        and previous is not None
        and all(
            (previous / name).exists()
            for name in ("model.json", "model_pairs.parquet", "silver.parquet")
        )
    )
    if not incremental or previous is None:
        model = model_links(con, floor=settings.prediction_floor, model=fixed_model(settings))
        units = con.execute("SELECT count(*) FROM units").fetchone()
        return model, "full", int(units[0]) if units else 0
    scored = _fresh_units(con, previous)
    saved = json.loads((previous / "model.json").read_text(encoding="utf-8"))
    model = model_links(
        con, floor=settings.prediction_floor, model=saved, fresh_table="fresh_units"
    )
    # the model is unchanged: its silver labels too (those of fresh units are added)
    con.execute(
        f"INSERT INTO silver SELECT weight, same, n "
        f"FROM read_parquet({lit(str(previous / 'silver.parquet'))})"
    )
    con.execute(
        f"""INSERT INTO model_pairs
            SELECT p.unit_a, p.unit_b, 'model' AS kind, p.probability, p.match_weight,
                   p.ice_weight
            FROM read_parquet({lit(str(previous / "model_pairs.parquet"))}) p
            WHERE p.unit_a IN (SELECT unit_id FROM units)
              AND p.unit_b IN (SELECT unit_id FROM units)
              AND p.unit_a NOT IN (SELECT unit_id FROM fresh_units)
              AND p.unit_b NOT IN (SELECT unit_id FROM fresh_units)"""
    )
    return model, "incremental", scored


def _reviews_table(con: Connection, settings: Settings) -> None:
    reviews = ReviewLog(register_dir(settings) / "reviews.jsonl").decisions()
    con.register(
        "reviews_arrow",
        pa.table(
            {
                "unit_a": pa.array([a for a, _ in reviews], pa.string()),
                "unit_b": pa.array([b for _, b in reviews], pa.string()),
                "decision": pa.array([r.decision for r in reviews.values()], pa.string()),
            }
        ),
    )
    con.execute("CREATE OR REPLACE TABLE reviews AS SELECT * FROM reviews_arrow")


def _cluster(con: Connection, threshold: float) -> dict[str, int]:
    """Tables ``used_links`` and ``clusters(unit_id, root)``; returns refusal counts."""
    con.execute(
        """CREATE OR REPLACE TABLE unit_index AS
           SELECT unit_id, row_number() OVER (ORDER BY unit_id) - 1 AS idx,
                  coalesce(dense_rank() OVER (ORDER BY ice9) - 1, -1) AS ice_code,
                  coalesce(dense_rank() OVER (ORDER BY rc_key) - 1, -1) AS rc_code,
                  ice9 IS NULL AS no_ice, rc_key IS NULL AS no_rc
           FROM units"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE candidate_links AS
            SELECT *, row_number() OVER (
                       ORDER BY rank, probability DESC, unit_a, unit_b) - 1 AS i
            FROM (
            SELECT l.*, a.idx AS a_idx, b.idx AS b_idx,
                   CASE l.kind WHEN 'review' THEN {REVIEW} WHEN 'ice' THEN {ICE}
                               WHEN 'rc' THEN {RC} ELSE {MODEL} END AS rank
            FROM (
                SELECT unit_a, unit_b, 'review' AS kind, 1.0 AS probability
                FROM reviews WHERE decision = 'same'
                UNION ALL SELECT * FROM det_links
                UNION ALL SELECT unit_a, unit_b, kind, calibrated FROM model_pairs
                WHERE calibrated >= {threshold!r}
            ) l
            JOIN unit_index a ON a.unit_id = l.unit_a
            JOIN unit_index b ON b.unit_id = l.unit_b
            )"""
    )
    units = con.execute(
        "SELECT CASE WHEN no_ice THEN -1 ELSE ice_code END, "
        "CASE WHEN no_rc THEN -1 ELSE rc_code END FROM unit_index ORDER BY idx"
    ).fetchnumpy()
    links = con.execute("SELECT a_idx, b_idx, rank FROM candidate_links ORDER BY i").fetchnumpy()
    apart = con.execute(
        """SELECT a.idx, b.idx FROM reviews r
           JOIN unit_index a ON a.unit_id = r.unit_a JOIN unit_index b ON b.unit_id = r.unit_b
           WHERE r.decision = 'different'"""
    ).fetchall()
    ice_codes, rc_codes = (list(units[k].tolist()) for k in units)
    result = cluster(
        len(ice_codes),
        ice_codes,
        rc_codes,
        links["a_idx"].tolist(),
        links["b_idx"].tolist(),
        links["rank"].tolist(),
        [(int(a), int(b)) for a, b in apart],
    )
    con.register(
        "roots_arrow",
        pa.table(
            {
                "idx": pa.array(range(len(result.roots)), pa.int64()),
                "root": pa.array(result.roots, pa.int64()),
            }
        ),
    )
    con.execute(
        "CREATE OR REPLACE TABLE clusters AS SELECT u.unit_id, r.root "
        "FROM unit_index u JOIN roots_arrow r USING (idx)"
    )
    used = [i for i, ok in enumerate(result.used) if ok]
    con.register("used_arrow", pa.table({"i": pa.array(used, pa.int64())}))
    con.execute(
        "CREATE OR REPLACE TABLE used_links AS SELECT unit_a, unit_b, kind, probability "
        "FROM candidate_links WHERE i IN (SELECT i FROM used_arrow)"
    )
    return result.refused


def build_register(settings: Settings, *, full: bool = False) -> BuildReport:
    """Build the register; incrementally (only new or changed units scored) when a complete
    previous build exists and ``full`` is not asked."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[step] = round(now - clock, 2)
        clock = now
        log.info("register build: %s in %.1f s", step, timings[step])

    work = settings.home / "tmp" / f"register-{uuid.uuid4().hex[:8]}.duckdb"
    con = open_connection(settings, work)
    try:
        load_rows(con, settings)
        build_units(con, settings.max_block_size)
        lap("standardise")
        model, mode, scored = _link_units(con, settings, full)
        lap("link")
        _reviews_table(con, settings)
        point = apply_operating_point(con, settings)
        refused = _cluster(con, point.threshold)
        con.execute("CREATE OR REPLACE TABLE previous_ids (unit_id VARCHAR, enterprise_id VARCHAR)")
        previous = current_build(settings)
        if previous is not None:
            con.execute(
                "INSERT INTO previous_ids SELECT unit_id, enterprise_id FROM "
                f"read_parquet({lit(str(previous / 'units.parquet'))})"
            )
        assign_ids(con)
        lap("cluster")
        review_queue(con, point)
        build_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        out = register_dir(settings) / "builds" / build_id
        tmp = register_dir(settings) / "builds" / f".{build_id}.tmp"
        tmp.mkdir(parents=True)
        try:
            _write(con, tmp, model)
            (tmp / "operating_point.json").write_text(
                json.dumps(point.to_dict(), indent=2), encoding="utf-8"
            )
            lap("write")
            panel = write_panel_and_events(con, settings, tmp)
            lap("panel")
            os.replace(tmp, out)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        pointer = register_dir(settings) / "current.json"
        pointer_tmp = pointer.with_suffix(".json.tmp")
        pointer_tmp.write_text(json.dumps({"build": build_id}), encoding="utf-8")
        os.replace(pointer_tmp, pointer)

        def count(sql: str) -> int:
            row = con.execute(sql).fetchone()
            return int(row[0]) if row else 0

        return BuildReport(
            build_id=build_id,
            path=str(out),
            mode=mode,
            units_scored=scored,
            rows=count("SELECT count(*) FROM source_rows"),
            units=count("SELECT count(*) FROM units"),
            enterprises=count("SELECT count(DISTINCT enterprise_id) FROM unit_ids"),
            links=dict(
                con.execute("SELECT kind, count(*) FROM used_links GROUP BY kind").fetchall()
            ),
            refused_links=sum(refused.values()),
            review_queue=count("SELECT count(*) FROM review_queue"),
            changes=dict(
                con.execute("SELECT kind, count(*) FROM identity_changes GROUP BY kind").fetchall()
            ),
            operating_point=point.to_dict(),
            operating_point_before=saved_point(previous),
            panel=panel,
            seconds=timings,
        )
    finally:
        con.close()
        for leftover in (work, work.with_suffix(".duckdb.wal")):
            leftover.unlink(missing_ok=True)


def _write(con: Connection, out: Path, model: dict[str, Any]) -> None:
    def copy(sql: str, name: str) -> None:
        con.execute(f"COPY ({sql}) TO {lit(str(out / name))} (FORMAT parquet)")

    copy(
        "SELECT u.* EXCLUDE (name_tokens), i.enterprise_id FROM units u "
        "JOIN unit_ids i USING (unit_id) ORDER BY unit_id",
        "units.parquet",
    )
    copy(
        "SELECT s.delivery, s.row, s.dataset, s.period, s.unit_id, i.enterprise_id "
        "FROM source_rows s JOIN unit_ids i USING (unit_id) ORDER BY delivery, row",
        "rows.parquet",
    )
    copy("SELECT * FROM used_links ORDER BY unit_a, unit_b", "links.parquet")
    copy(
        "SELECT * EXCLUDE (calibrated) FROM model_pairs ORDER BY unit_a, unit_b",
        "model_pairs.parquet",
    )
    copy("SELECT * FROM silver ORDER BY weight, same", "silver.parquet")
    copy("SELECT * FROM review_queue ORDER BY unit_a, unit_b", "review_queue.parquet")
    copy("SELECT * FROM identity_changes ORDER BY kind, enterprise_id", "changes.parquet")
    (out / "model.json").write_text(json.dumps(model, default=str), encoding="utf-8")
