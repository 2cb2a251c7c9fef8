"""What the register says of the enterprises behind profiles, read in one pass.

From a register build (``enterprises.parquet`` and ``panel.parquet``) or from the truth
of a synthetic economy (what a perfect register would hold): region, section, division,
size class of the latest year with a turnover, age on the reference date, and the
stability of turnover (coefficient of variation over the latest five years with one).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from marsad.matchmaking.domain import Firm
from marsad.reference import load_size_schemes

STABILITY_YEARS = 5


def _lit(path: Path) -> str:
    return "'" + path.as_posix().replace("'", "''") + "'"


def _size_sql(column: str) -> str:
    cases = " ".join(
        f"WHEN {column} >= {c.turnover_min_mad or 0} THEN '{c.code}'"
        for c in reversed(load_size_schemes()["omtpme_2021"])
    )
    return f"CASE {cases} END"


def _firms(
    con: duckdb.DuckDBPyConnection,
    enterprises: str,
    panel: str,
    created: str,
    size: str,
    ids: list[str],
    as_of: date,
) -> dict[str, Firm]:
    if not ids:  # an empty frame would have no text type to compare with
        return {}
    con.register("wanted", pd.DataFrame({"enterprise_id": pd.Series(ids, dtype=object)}))
    rows = con.execute(
        f"""WITH p AS (
                SELECT CAST(enterprise_id AS VARCHAR) AS enterprise_id, year, turnover_mad,
                       {size} AS size_class,
                       row_number() OVER (PARTITION BY enterprise_id ORDER BY year DESC) AS k
                FROM {panel}
                WHERE CAST(enterprise_id AS VARCHAR) IN (SELECT enterprise_id FROM wanted)
                  AND turnover_mad IS NOT NULL AND year <= ?
            ), s AS (
                SELECT enterprise_id, max(CASE WHEN k = 1 THEN size_class END) AS size_class,
                       CASE WHEN count(*) >= 2 AND avg(turnover_mad) > 0
                            THEN stddev_pop(turnover_mad) / avg(turnover_mad) END AS cv
                FROM p WHERE k <= {STABILITY_YEARS} GROUP BY enterprise_id
            )
            SELECT CAST(e.enterprise_id AS VARCHAR), e.region_code, e.section, e.division,
                   e.{created}, s.size_class, s.cv
            FROM {enterprises} e LEFT JOIN s ON s.enterprise_id = CAST(e.enterprise_id AS VARCHAR)
            WHERE CAST(e.enterprise_id AS VARCHAR) IN (SELECT enterprise_id FROM wanted)""",
        [as_of.year],
    ).fetchall()
    out = {}
    for ent, region, section, division, born, size_class, cv in rows:
        age = None if born is None else (as_of - born).days / 365.25
        out[str(ent)] = Firm(
            enterprise_id=str(ent),
            region_code=region,
            section=section,
            division=division,
            size_class=size_class,
            age_years=age,
            turnover_cv=None if cv is None else float(cv),
        )
    return out


def register_firms(build: Path, ids: Iterable[str], as_of: date) -> dict[str, Firm]:
    """Facts of enterprises of a register build (unknown ids are left out)."""
    con = duckdb.connect()
    try:
        return _firms(
            con,
            f"read_parquet({_lit(build / 'enterprises.parquet')})",
            f"read_parquet({_lit(build / 'panel.parquet')})",
            "creation_date",
            "size_omtpme_2021",
            sorted(set(ids)),
            as_of,
        )
    finally:
        con.close()


def truth_firms(truth: Path, ids: Iterable[str], as_of: date) -> dict[str, Firm]:
    """Facts of enterprises of a synthetic economy, as a perfect register would give them."""
    con = duckdb.connect()
    try:
        return _firms(
            con,
            f"read_parquet({_lit(truth / 'enterprises.parquet')})",
            f"(SELECT * FROM read_parquet({_lit(truth / 'panel.parquet')}) WHERE active)",
            "birth_date",
            _size_sql("turnover_mad"),
            sorted(set(ids)),
            as_of,
        )
    finally:
        con.close()


def with_agreements(firms: dict[str, Firm], agreements: dict[str, int]) -> dict[str, Firm]:
    """The same facts with the count of agreements each enterprise made through matches."""
    out = {}
    for key, firm in firms.items():
        count = agreements.get(key, 0)
        out[key] = firm if count == firm.agreements else replace(firm, agreements=count)
    return out
