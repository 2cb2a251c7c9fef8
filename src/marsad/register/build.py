"""``marsad register build``: from the current deliveries to enterprises with stable ids.

Each build is written into ``<home>/register/builds/<build id>/`` and becomes current only
when complete, by replacing ``<home>/register/current.json`` atomically.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from marsad.ingest.rules import lit
from marsad.register.clustering import Link, cluster
from marsad.register.identity import assign_ids
from marsad.register.linkage import deterministic_links, links_table, model_links
from marsad.register.reviews import ReviewLog
from marsad.register.units import build_units, load_rows
from marsad.settings import Settings


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


def _previous_ids(settings: Settings) -> dict[str, str]:
    build = current_build(settings)
    if build is None:
        return {}
    rows = duckdb.sql(
        f"SELECT unit_id, enterprise_id FROM read_parquet({lit(str(build / 'units.parquet'))})"
    ).fetchall()
    return dict(rows)


def connect(settings: Settings) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(config={"threads": settings.workers, "memory_limit": "6GB"})


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


def _previous_pairs(build: Path, units: set[str], fresh: set[str]) -> list[Link]:
    rows = duckdb.sql(
        f"SELECT unit_a, unit_b, probability FROM read_parquet("
        f"{lit(str(build / 'model_pairs.parquet'))})"
    ).fetchall()
    return [
        Link(a, b, "model", float(p))
        for a, b, p in rows
        if a in units and b in units and a not in fresh and b not in fresh
    ]


def _signature(alias: str) -> str:
    parts = ", ".join(f"coalesce(CAST({alias}.{c} AS VARCHAR), '')" for c in SIGNATURE_COLUMNS)
    return f"md5(concat_ws('|', {parts}))"


def _fresh_units(con: duckdb.DuckDBPyConnection, build: Path) -> set[str]:
    """Units that are new, or whose linkage attributes changed, since ``build``."""
    rows = con.execute(
        f"""SELECT u.unit_id FROM units u
            LEFT JOIN (SELECT p.unit_id, {_signature("p")} AS sig
                       FROM read_parquet({lit(str(build / "units.parquet"))}) p) old
            USING (unit_id)
            WHERE old.sig IS NULL OR old.sig <> {_signature("u")}"""
    ).fetchall()
    return {r[0] for r in rows}


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

    con = connect(settings)
    try:
        load_rows(con, settings)
        build_units(con)
        lap("standardise")
        links = deterministic_links(con)
        previous = current_build(settings)
        incremental = (
            not full
            and previous is not None
            and (previous / "model.json").exists()
            and (previous / "model_pairs.parquet").exists()
        )
        all_units = {r[0] for r in con.execute("SELECT unit_id FROM units").fetchall()}
        if incremental:
            assert previous is not None
            fresh = _fresh_units(con, previous)
            model = json.loads((previous / "model.json").read_text(encoding="utf-8"))
            run = model_links(
                con, review_threshold=settings.review_threshold, model=model, fresh=fresh
            )
            run.links.extend(_previous_pairs(previous, all_units, fresh))
            scored = len(fresh)
        else:
            run = model_links(con, review_threshold=settings.review_threshold)
            scored = len(all_units)
        lap("link")
        reviews = ReviewLog(register_dir(settings) / "reviews.jsonl").decisions()
        review_links = [
            Link(a, b, "review", 1.0) for (a, b), r in reviews.items() if r.decision == "same"
        ]
        different = [(a, b) for (a, b), r in reviews.items() if r.decision == "different"]
        accepted = [lk for lk in run.links if lk.probability >= settings.link_threshold]
        units = {
            u: (ice9, rc)
            for u, ice9, rc in con.execute("SELECT unit_id, ice9, rc_key FROM units").fetchall()
        }
        result = cluster(units, [*review_links, *links, *accepted], different)
        ids, changes = assign_ids(result.cluster_of, _previous_ids(settings))
        lap("cluster")
        queue = [
            lk
            for lk in run.links
            if lk.probability < settings.link_threshold
            and tuple(sorted((lk.a, lk.b))) not in reviews
            and result.cluster_of[lk.a] != result.cluster_of[lk.b]
        ]
        build_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        out = register_dir(settings) / "builds" / build_id
        tmp = register_dir(settings) / "builds" / f".{build_id}.tmp"
        tmp.mkdir(parents=True)
        try:
            _write(
                con, tmp, ids, [*links, *accepted, *review_links], queue, changes, run.parameters
            )
            con.register("pairs_arrow", links_table(run.links))
            con.execute(
                f"COPY pairs_arrow TO {lit(str(tmp / 'model_pairs.parquet'))} (FORMAT parquet)"
            )
            os.replace(tmp, out)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        pointer = register_dir(settings) / "current.json"
        pointer_tmp = pointer.with_suffix(".json.tmp")
        pointer_tmp.write_text(json.dumps({"build": build_id}), encoding="utf-8")
        os.replace(pointer_tmp, pointer)
        lap("write")
        n_rows = con.execute("SELECT count(*) FROM source_rows").fetchone()
        kinds: dict[str, int] = {}
        for lk in [*links, *accepted, *review_links]:
            kinds[lk.kind] = kinds.get(lk.kind, 0) + 1
        change_counts: dict[str, int] = {}
        for c in changes:
            change_counts[c.kind] = change_counts.get(c.kind, 0) + 1
        return BuildReport(
            build_id=build_id,
            path=str(out),
            mode="incremental" if incremental else "full",
            units_scored=scored,
            rows=int(n_rows[0]) if n_rows else 0,
            units=len(units),
            enterprises=len(set(ids.values())),
            links=kinds,
            refused_links=len(result.refused),
            review_queue=len(queue),
            changes=change_counts,
            seconds=timings,
        )
    finally:
        con.close()


def _write(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    ids: dict[str, str],
    links: list[Link],
    queue: list[Link],
    changes: list[Any],
    parameters: dict[str, object],
) -> None:
    con.register(
        "id_arrow",
        pa.table({"unit_id": pa.array(list(ids)), "enterprise_id": pa.array(list(ids.values()))}),
    )
    con.execute("CREATE OR REPLACE TABLE unit_ids AS SELECT * FROM id_arrow")
    con.execute(
        f"COPY (SELECT u.* EXCLUDE (name_tokens), i.enterprise_id FROM units u "
        f"JOIN unit_ids i USING (unit_id) ORDER BY unit_id) TO {lit(str(out / 'units.parquet'))} "
        "(FORMAT parquet)"
    )
    con.execute(
        f"COPY (SELECT s.delivery, s.row, s.dataset, s.period, s.unit_id, i.enterprise_id "
        f"FROM source_rows s JOIN unit_ids i USING (unit_id) ORDER BY delivery, row) "
        f"TO {lit(str(out / 'rows.parquet'))} (FORMAT parquet)"
    )
    con.register("links_arrow", links_table(links))
    con.execute(f"COPY links_arrow TO {lit(str(out / 'links.parquet'))} (FORMAT parquet)")
    con.register("queue_arrow", links_table(queue))
    con.execute(f"COPY queue_arrow TO {lit(str(out / 'review_queue.parquet'))} (FORMAT parquet)")
    (out / "changes.json").write_text(
        json.dumps([asdict(c) for c in changes], ensure_ascii=False), encoding="utf-8"
    )
    (out / "model.json").write_text(json.dumps(parameters, default=str), encoding="utf-8")
