"""Measured quality of what the register publishes: each enterprise's category, and the
active enterprises by category, region and year, against a ground truth.

A register enterprise stands for the true enterprise most of its rows come from (table
``labelled`` of ``evaluate``). The truth gives ``enterprises.parquet`` (category, region)
and ``panel.parquet`` (active by the observatory's rule, per year); the register's
counts are those of its panel's observed years.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from marsad.ingest.rules import lit

MIN_CELL = 100  # true active enterprises a cell needs for its relative error to be read


def category_scores(
    con: duckdb.DuckDBPyConnection, build: Path, truth_dir: Path
) -> dict[str, Any] | None:
    """Accuracy of the category of the register's active enterprises (latest observed
    year), the share left unknown, and the confusion between categories."""
    truth = truth_dir / "enterprises.parquet"
    if not truth.is_file():
        return None
    panel = lit(str(build / "panel.parquet"))
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE found_categories AS
            WITH latest AS (
                SELECT max(year) AS year FROM read_parquet({panel}) WHERE observed
            )
            SELECT p.enterprise_id AS found, p.category AS found_category,
                   t.category AS true_category
            FROM read_parquet({panel}) p
            JOIN latest USING (year)
            JOIN (SELECT found, arg_max(truth, n) AS truth
                  FROM (SELECT found, truth, count(*) AS n FROM labelled GROUP BY ALL)
                  GROUP BY found) s ON s.found = p.enterprise_id
            JOIN read_parquet({lit(str(truth))}) t ON t.enterprise_id = s.truth
            WHERE p.active"""
    )
    row = con.execute(
        """SELECT count(*), avg(CASE WHEN found_category = true_category THEN 1.0 ELSE 0 END),
                  avg(CASE WHEN found_category = 'unknown' THEN 1.0 ELSE 0 END)
           FROM found_categories"""
    ).fetchone()
    if not row or not row[0]:
        return None
    confusion = con.execute(
        """SELECT true_category, found_category, count(*) FROM found_categories
           GROUP BY ALL ORDER BY ALL"""
    ).fetchall()
    return {
        "active_enterprises": int(row[0]),
        "accuracy": round(float(row[1]), 4),
        "unknown_share": round(float(row[2]), 4),
        "confusion": [{"true": t, "found": f, "enterprises": int(n)} for t, f, n in confusion],
    }


def count_scores(build: Path, truth_dir: Path) -> dict[str, Any] | None:
    """Active enterprises by category, region and year in the register beside the truth,
    over the register's observed years: totals by category and year, and the relative
    error of every cell of at least ``MIN_CELL`` true enterprises."""
    truth_panel, truth_ent = truth_dir / "panel.parquet", truth_dir / "enterprises.parquet"
    if not (truth_panel.is_file() and truth_ent.is_file()):
        return None
    con = duckdb.connect()
    panel = lit(str(build / "panel.parquet"))
    described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({lit(str(truth_panel))})")
    columns = {r[0] for r in described.fetchall()}
    region = "p.region_code" if "region_code" in columns else "e.region_code"
    con.execute(
        f"""CREATE TABLE cells AS
            WITH years AS (SELECT DISTINCT year FROM read_parquet({panel}) WHERE observed),
            found AS (
                SELECT category, coalesce(region_code, '_U') AS region, year, count(*) AS n
                FROM read_parquet({panel}) WHERE active AND year IN (SELECT year FROM years)
                GROUP BY ALL
            ), truth AS (
                SELECT p.category, coalesce({region}, '_U') AS region, p.year, count(*) AS n
                FROM read_parquet({lit(str(truth_panel))}) p
                JOIN read_parquet({lit(str(truth_ent))}) e USING (enterprise_id)
                WHERE p.active AND p.year IN (SELECT year FROM years)
                GROUP BY ALL
            )
            SELECT category, region, year, coalesce(t.n, 0) AS truth, coalesce(f.n, 0) AS found
            FROM truth t FULL JOIN found f USING (category, region, year)"""
    )
    totals = con.execute(
        """SELECT year, category, sum(truth), sum(found) FROM cells GROUP BY ALL ORDER BY ALL"""
    ).fetchall()
    worst = con.execute(
        f"""SELECT count(*),
                   avg(CASE WHEN abs(found - truth) <= 0.01 * truth THEN 1.0 ELSE 0 END),
                   max(abs(found - truth) / truth)
            FROM cells WHERE truth >= {MIN_CELL}"""
    ).fetchone()
    return {
        "by_year_and_category": [
            {
                "year": int(y),
                "category": c,
                "truth": int(t),
                "found": int(f),
                "relative_error": round((f - t) / t, 4) if t else None,
            }
            for y, c, t, f in totals
        ],
        "cells_of_at_least": MIN_CELL,
        "cells": int(worst[0]) if worst else 0,
        "cells_within_one_percent": round(float(worst[1] or 0), 4) if worst else None,
        "largest_cell_error": round(float(worst[2] or 0), 4) if worst else None,
    }
