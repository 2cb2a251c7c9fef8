"""The register's facts on many enterprises at once, for the inclusion breakdowns.

The same reading as ``marsad.programmes.facts.enterprise_facts`` (region of the
enterprise; size classes of the latest panel year up to the date's year with a turnover or
a headcount), done in one DuckDB pass over the build for a list of enterprises instead of
one pass per enterprise. Enterprises the build does not know are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from marsad.programmes.facts import EnterpriseFacts
from marsad.reference import load_size_schemes
from marsad.training.inclusion import FactsLookup


def _lit(path: Path) -> str:
    return "'" + path.as_posix().replace("'", "''") + "'"


def read_facts(build_dir: Path, ids: Iterable[str], as_of: date) -> dict[str, EnterpriseFacts]:
    wanted = sorted({i for i in ids if i})
    enterprises, panel = build_dir / "enterprises.parquet", build_dir / "panel.parquet"
    if not wanted or not enterprises.is_file():
        return {}
    con = duckdb.connect()
    try:
        con.register("wanted", pd.DataFrame({"enterprise_id": wanted}))
        sizes: list[str] = []
        measures = """SELECT NULL::VARCHAR AS enterprise_id, NULL::INTEGER AS year,
                             NULL::DOUBLE AS turnover_mad, NULL::INTEGER AS employees
                      WHERE false"""
        if panel.is_file():
            columns = {
                r[0]
                for r in con.execute(
                    f"DESCRIBE SELECT * FROM read_parquet({_lit(panel)})"
                ).fetchall()
            }
            sizes = [f"size_{s}" for s in load_size_schemes() if f"size_{s}" in columns]
            picked = ", ".join(["year", "turnover_mad", "employees", *sizes])
            measures = f"""SELECT enterprise_id, {picked} FROM (
                    SELECT CAST(enterprise_id AS VARCHAR) AS enterprise_id, {picked},
                           row_number() OVER (PARTITION BY enterprise_id ORDER BY year DESC) AS k
                    FROM read_parquet({_lit(panel)})
                    WHERE CAST(enterprise_id AS VARCHAR) IN (SELECT enterprise_id FROM wanted)
                      AND year <= {int(as_of.year)}
                      AND (turnover_mad IS NOT NULL OR employees IS NOT NULL)
                ) WHERE k = 1"""
        size_select = "".join(f", m.{s}" for s in sizes)
        rows = con.execute(
            f"""SELECT CAST(e.enterprise_id AS VARCHAR), e.region_code, e.section, e.division,
                       m.year, m.turnover_mad, m.employees{size_select}
                FROM read_parquet({_lit(enterprises)}) e
                LEFT JOIN ({measures}) m ON m.enterprise_id = CAST(e.enterprise_id AS VARCHAR)
                WHERE CAST(e.enterprise_id AS VARCHAR) IN (SELECT enterprise_id FROM wanted)"""
        ).fetchall()
    finally:
        con.close()
    out = {}
    for row in rows:
        ident, region, section, division, year, turnover, employees = row[:7]
        out[ident] = EnterpriseFacts(
            enterprise_id=ident,
            as_of=as_of,
            region_code=region,
            section=section,
            division=division,
            year=year,
            turnover_mad=turnover,
            employees=None if employees is None else int(employees),
            size_classes={s.removeprefix("size_"): v for s, v in zip(sizes, row[7:], strict=True)},
        )
    return out


def facts_for(build_dir: Path | None, ids: Iterable[str], as_of: date) -> FactsLookup:
    """A lookup over the facts of ``ids`` read at once (``None`` for the unknown ones)."""
    found = {} if build_dir is None else read_facts(build_dir, ids, as_of)
    return found.get


def in_register(build_dir: Path | None) -> Callable[[str], bool]:
    """Whether an enterprise id is in the build (none is, when no register was built)."""

    def exists(enterprise_id: str) -> bool:
        return build_dir is not None and bool(read_facts(build_dir, [enterprise_id], date.today()))

    return exists
