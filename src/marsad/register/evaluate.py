"""Measured quality of a register build against a ground truth (synthetic economy)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from marsad.errors import NotFound
from marsad.ingest import Ledger
from marsad.ingest.rules import lit
from marsad.register.build import current_build
from marsad.register.evaluate_counts import category_scores, count_scores
from marsad.settings import Settings


def _prf(precision: float, recall: float) -> dict[str, float]:
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def scores_from_contingency(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, Any]:
    """Pairwise and B-cubed scores from a table of (truth, found) labels, one row per item."""
    row = con.execute(
        f"""
        WITH cells AS (SELECT truth, found, count(*) AS n FROM {table} GROUP BY ALL),
             t AS (SELECT truth, sum(n) AS a FROM cells GROUP BY truth),
             f AS (SELECT found, sum(n) AS b FROM cells GROUP BY found),
             joined AS (SELECT c.n, t.a, f.b FROM cells c JOIN t USING (truth) JOIN f USING (found))
        SELECT
            (SELECT sum(n * (n - 1) / 2) FROM cells) AS tp,
            (SELECT sum(b * (b - 1) / 2) FROM f) AS found_pairs,
            (SELECT sum(a * (a - 1) / 2) FROM t) AS true_pairs,
            (SELECT sum(n * n / b) FROM joined) AS b3p,
            (SELECT sum(n * n / a) FROM joined) AS b3r,
            (SELECT sum(n) FROM cells) AS items,
            (SELECT count(*) FROM t) AS true_clusters,
            (SELECT count(*) FROM f) AS found_clusters
        """
    ).fetchone()
    assert row is not None
    tp, found_pairs, true_pairs, b3p, b3r, items, n_true, n_found = (float(v or 0) for v in row)
    return {
        "pairwise": _prf(
            tp / found_pairs if found_pairs else 1.0, tp / true_pairs if true_pairs else 1.0
        ),
        "bcubed": _prf(b3p / items if items else 1.0, b3r / items if items else 1.0),
        "items": int(items),
        "true_enterprises": int(n_true),
        "found_enterprises": int(n_found),
        "true_pairs": int(true_pairs),
        "found_pairs": int(found_pairs),
        "true_positive_pairs": int(tp),
    }


def evaluate_register(settings: Settings, truth_dir: Path) -> dict[str, Any]:
    build = current_build(settings)
    if build is None:
        raise NotFound("no register has been built yet: run `marsad register build`")
    truth_rows = truth_dir / "rows.parquet"
    if not truth_rows.exists():
        raise NotFound(f"{truth_rows} not found (a synth output's truth/ folder is expected)")
    records = Ledger(settings.ledger_path).records()
    con = duckdb.connect()
    con.register(
        "deliveries",
        pa.table(
            {
                "delivery": [r.id for r in records],
                "file": [f"deliveries/{r.partner}/{r.dataset}/{r.file_name}" for r in records],
            }
        ),
    )
    con.execute(
        f"""CREATE TABLE labelled AS
            SELECT t.enterprise_id AS truth, r.enterprise_id AS found, r.dataset
            FROM read_parquet({lit(str(build / "rows.parquet"))}) r
            JOIN deliveries d USING (delivery)
            JOIN read_parquet({lit(str(truth_rows))}) t ON t.file = d.file AND t.row = r.row"""
    )
    result = scores_from_contingency(con, "labelled")
    total = con.execute(
        f"SELECT count(*) FROM read_parquet({lit(str(build / 'rows.parquet'))})"
    ).fetchone()
    result["rows_in_register"] = int(total[0]) if total else 0
    result["rows_with_truth"] = result["items"]
    rates = con.execute(
        """WITH per AS (SELECT found, count(DISTINCT dataset) AS k FROM labelled GROUP BY found)
           SELECT l.dataset, avg(CASE WHEN p.k > 1 THEN 1.0 ELSE 0.0 END)
           FROM labelled l JOIN per p USING (found) GROUP BY l.dataset ORDER BY l.dataset"""
    ).fetchall()
    result["match_rate_by_source"] = {d: round(float(v), 4) for d, v in rates}
    result["successions"] = succession_scores(con, build, truth_dir)
    result["categories"] = category_scores(con, build, truth_dir)
    result["active_counts"] = count_scores(build, truth_dir)
    return result


def succession_scores(
    con: duckdb.DuckDBPyConnection, build: Path, truth_dir: Path
) -> dict[str, Any] | None:
    """Precision and recall of the succession links against the true predecessor ->
    successor pairs (None when the truth has none). A register enterprise stands for the
    true enterprise most of its rows come from; a link is right when it joins the true
    predecessor to its true successor."""
    found, truth = build / "successions.parquet", truth_dir / "successions.parquet"
    if not truth.is_file():
        return None
    links = f"read_parquet({lit(str(found))})" if found.is_file() else None
    con.execute(
        """CREATE OR REPLACE TEMP TABLE stands_for AS
           SELECT found, arg_max(truth, n) AS truth FROM (
               SELECT found, truth, count(*) AS n FROM labelled GROUP BY ALL
           ) GROUP BY found"""
    )
    row = con.execute(
        f"""WITH pairs AS (
                SELECT DISTINCT predecessor_id AS a, successor_id AS b
                FROM read_parquet({lit(str(truth))})
            ), links AS (
                SELECT DISTINCT p.truth AS a, s.truth AS b
                FROM {links or "(SELECT NULL AS predecessor_id, NULL AS successor_id)"} l
                JOIN stands_for p ON p.found = l.predecessor_id
                JOIN stands_for s ON s.found = l.successor_id
            )
            SELECT (SELECT count(*) FROM pairs),
                   (SELECT count(*) FROM {links or "(SELECT 1 WHERE false)"}),
                   (SELECT count(*) FROM links JOIN pairs USING (a, b))"""
    ).fetchone()
    true_pairs, made, right = (int(v or 0) for v in (row or (0, 0, 0)))
    scores = _prf(right / made if made else 1.0, right / true_pairs if true_pairs else 1.0)
    return {"true_pairs": true_pairs, "links": made, "right_links": right, **scores}
