"""The register's facts on many enterprises at once, in DuckDB tables, for target lists.

``load_facts`` writes ``ot_facts``: one line per enterprise of the build (optionally of one
region, sections or divisions) with what eligibility rules read, taken on a reference
date exactly as ``marsad.programmes.facts.enterprise_facts`` takes them for one
enterprise: the measures of the latest panel year up to the date's year that has a
turnover or a headcount, the activity of the latest panel year up to that year. It adds
the commune's kind (urban or rural, from the communes referential).

``load_managers`` and ``load_contacts`` read partner rows linked to the enterprises by the
build (``rows.parquet``): the birth year of the auto-entrepreneur (the RNAE register) and
the contact details of the chambers' members (CCIS). Contact details are personal data:
only ``outreach.contacts`` decides whether they may be shown.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from marsad.errors import NotFound
from marsad.ingest.rules import lit, q
from marsad.reference import load_communes, load_size_schemes
from marsad.register.survivorship import stage_table
from marsad.settings import Settings

ENTERPRISE_COLUMNS = (
    "enterprise_id",
    "category",
    "legal_form",
    "region_code",
    "commune_code",
    "section",
    "division",
    "creation_date",
    "dissolution_date",
    "gender",
)
CONTACT_FIELDS = ("denomination", "phone", "email")


def _columns(con: duckdb.DuckDBPyConnection, path: Path) -> set[str]:
    rows = con.execute(f"DESCRIBE SELECT * FROM read_parquet({lit(str(path))})").fetchall()
    return {r[0] for r in rows}


def _in(column: str, values: list[str] | None) -> str:
    if not values:
        return "true"
    return f"{column} IN ({', '.join(lit(v) for v in values)})"


def size_schemes(con: duckdb.DuckDBPyConnection, build: Path) -> list[str]:
    """The size schemes the build's panel classifies enterprises by."""
    panel = build / "panel.parquet"
    if not panel.is_file():
        return []
    columns = _columns(con, panel)
    return [s for s in load_size_schemes() if f"size_{s}" in columns]


def load_facts(
    con: duckdb.DuckDBPyConnection,
    build: Path,
    on: date,
    *,
    region: str | None = None,
    sections: list[str] | None = None,
    divisions: list[str] | None = None,
) -> int:
    """Table ``ot_facts``; returns its number of lines."""
    enterprises, panel = build / "enterprises.parquet", build / "panel.parquet"
    if not enterprises.is_file():
        raise NotFound("Aucun registre construit : le fichier des entreprises est absent.")
    where = " AND ".join(
        [
            "true" if region is None else f"region_code = {lit(region)}",
            _in("section", sections),
            _in("division", divisions),
        ]
    )
    present = _columns(con, enterprises)
    select = ", ".join(
        q(c) if c in present else f"CAST(NULL AS VARCHAR) AS {q(c)}" for c in ENTERPRISE_COLUMNS
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE ot_ent AS SELECT {select} "
        f"FROM read_parquet({lit(str(enterprises))}) WHERE {where}"
    )
    communes = load_communes()
    con.register(
        "ot_communes_arrow",
        pa.table(
            {
                "commune_code": pa.array([c.code for c in communes], pa.string()),
                "commune_kind": pa.array([c.kind for c in communes], pa.string()),
            }
        ),
    )
    schemes = size_schemes(con, build)
    sizes = "".join(f", m.{q('size_' + s)}" for s in schemes)
    if panel.is_file():
        # the panel repeats the enterprise's region and activity on every line: the
        # filters apply to the file directly
        panel_where = " AND ".join(
            [
                f"year <= {on.year}",
                "true" if region is None else f"region_code = {lit(region)}",
                _in("section", sections),
                _in("division", divisions),
            ]
        )
        measured = "FILTER (WHERE turnover_mad IS NOT NULL OR employees IS NOT NULL)"
        picks = ", ".join(
            f"arg_max_null({c}, year) {measured} AS {c}"
            for c in ["turnover_mad", "employees", *(q("size_" + s) for s in schemes)]
        )
        # one pass over the panel: the latest year (activity) and the latest measured year
        # (measures) of each enterprise, as ``enterprise_facts`` takes them one by one
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE ot_panel AS
                SELECT enterprise_id, max(year) AS active_year,
                       arg_max_null(active, year) AS active,
                       max(year) {measured} AS measured_year, {picks}
                FROM read_parquet({lit(str(panel))})
                WHERE {panel_where}
                GROUP BY enterprise_id"""
        )
        measures = "LEFT JOIN ot_panel m ON m.enterprise_id = e.enterprise_id"
        values = (
            "coalesce(m.measured_year, m.active_year) AS year, m.active, m.active_year, "
            f"m.turnover_mad, m.employees{sizes}"
        )
    else:
        measures = ""
        values = (
            "CAST(NULL AS BIGINT) AS year, CAST(NULL AS BOOLEAN) AS active, "
            "CAST(NULL AS BIGINT) AS active_year, CAST(NULL AS DECIMAL(18, 2)) AS turnover_mad, "
            "CAST(NULL AS BIGINT) AS employees"
        )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE ot_facts AS
            SELECT e.*, c.commune_kind, {values}
            FROM ot_ent e
            LEFT JOIN ot_communes_arrow c ON c.commune_code = e.commune_code
            {measures}"""
    )
    con.execute("DROP TABLE IF EXISTS ot_panel")
    found = con.execute("SELECT count(*) FROM ot_facts").fetchone()
    return int(found[0]) if found else 0


def _staged_best(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    build: Path,
    dataset: str,
    fields: list[str],
    ids_table: str,
    order: str,
    out: str,
) -> None:
    staged = stage_table(con, settings, build, dataset, fields, prefix="ot_staged")
    cols = ", ".join(q(f) for f in fields)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {out} AS
            SELECT enterprise_id, {cols} FROM {staged}
            WHERE enterprise_id IN (SELECT enterprise_id FROM {ids_table})
            QUALIFY row_number() OVER (PARTITION BY enterprise_id ORDER BY {order}) = 1"""
    )
    con.execute(f"DROP TABLE IF EXISTS {staged}")


def load_managers(
    con: duckdb.DuckDBPyConnection, settings: Settings, build: Path, ids_table: str
) -> None:
    """Table ``ot_managers(enterprise_id, birth_year)``: the birth year the
    auto-entrepreneur register gives the person behind each enterprise of ``ids_table``."""
    _staged_best(
        con,
        settings,
        build,
        "rnae.auto_entrepreneurs",
        ["birth_year"],
        ids_table,
        "birth_year IS NULL, period DESC, delivery DESC, row DESC",
        "ot_managers",
    )


def load_contacts(
    con: duckdb.DuckDBPyConnection, settings: Settings, build: Path, ids_table: str
) -> None:
    """Table ``ot_contacts(enterprise_id, denomination, phone, email)``: for each enterprise
    of ``ids_table`` that is a chamber member, the latest membership row, one with a phone
    or an e-mail first."""
    _staged_best(
        con,
        settings,
        build,
        "ccis.members",
        list(CONTACT_FIELDS),
        ids_table,
        "period DESC, (phone IS NULL AND email IS NULL), delivery DESC, row DESC",
        "ot_contacts",
    )
