"""Validating a delivery in columns with DuckDB and writing its staged outputs.

Outputs, in one folder per delivery:
- ``rows.parquet``: the loaded rows, typed, with ``_delivery``, ``_row`` and ``_flags``;
- ``quarantine.parquet``: the refused rows as received, with their reasons;
- ``issues.parquet``: every error and warning (row, column, rule, severity, value, message).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from marsad.conventions import DatasetSpec
from marsad.ingest.issues import Issue
from marsad.ingest.rules import Check, dataset_checks, lit, q, raw_value, typed_column
from marsad.ingest.sources import ROW, SourceTable
from marsad.reference import load_divisions
from marsad.reference.places import known_place_keys

SAMPLE_LIMIT = 1000
_CLIP = 200


@dataclass
class ValidationResult:
    received: int
    loaded: int
    quarantined: int
    flagged: int
    issues_total: int
    summary: list[dict[str, object]]
    sample: list[Issue]


def _clip_sql(raw: str) -> str:
    return f"CASE WHEN length({raw}) > {_CLIP} THEN left({raw}, {_CLIP}) || '…' ELSE {raw} END"


def _issue_struct(check: Check, value: str) -> str:
    return (
        f"CASE WHEN coalesce({check.condition}, false) THEN "
        f"{{'column': {lit(check.column)}, 'rule': {lit(check.rule)}, "
        f"'severity': {lit(check.severity)}, 'value': {_clip_sql(value)}, "
        f"'message': {lit(check.message)}}} END"
    )


def _reference_tables(con: duckdb.DuckDBPyConnection) -> None:
    places = pa.table({"key": pa.array(sorted(known_place_keys()), pa.string())})
    divisions = pa.table({"code": pa.array([d.code for d in load_divisions()], pa.string())})
    con.register("known_places", places)
    con.register("known_divisions", divisions)


def connect(threads: int = 1, memory_limit: str = "2GB") -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"threads": threads, "memory_limit": memory_limit})
    con.execute("SET preserve_insertion_order = true")
    return con


def validate_delivery(
    source: SourceTable,
    spec: DatasetSpec,
    *,
    period: int,
    delivery_id: str,
    out_dir: Path,
    max_text: int,
    threads: int = 1,
) -> ValidationResult:
    """Check every row of ``source`` and write the three outputs into ``out_dir``."""
    present = set(source.header)
    typed, checks = dataset_checks(spec, present, period, max_text=max_text)
    con = connect(threads=threads)
    try:
        _reference_tables(con)
        con.register("raw_src", source.table)
        typed_cols = ", ".join(f"{expr} AS {typed_column(name)}" for name, expr in typed.items())
        key_count = "1"
        if spec.unique_key and spec.key:
            keys = ", ".join(typed_column(k) for k in spec.key)
            all_keys = " AND ".join(f"{typed_column(k)} IS NOT NULL" for k in spec.key)
            key_count = f"CASE WHEN {all_keys} THEN count(*) OVER (PARTITION BY {keys}) END"
        structs = ", ".join(_issue_struct(c, _check_value(c, spec, present)) for c in checks)
        con.execute(
            f"""
            CREATE TEMP TABLE checked AS
            WITH base AS (SELECT *, {typed_cols} FROM raw_src),
                 keyed AS (SELECT *, {key_count} AS _key_count FROM base)
            SELECT *, list_filter([{structs}], x -> x IS NOT NULL) AS __issues FROM keyed
            """
        )
        con.execute(
            "CREATE TEMP TABLE outcome AS SELECT _row, "
            "len(list_filter(__issues, x -> x.severity = 'error')) > 0 AS refused, "
            "len(list_filter(__issues, x -> x.severity = 'warning')) > 0 AS flagged "
            "FROM checked"
        )
        _write_rows(con, spec, delivery_id, out_dir / "rows.parquet")
        _write_quarantine(con, spec, present, source, delivery_id, out_dir / "quarantine.parquet")
        _write_issues(con, source, delivery_id, out_dir / "issues.parquet")
        return _result(con, source)
    finally:
        con.close()


def _check_value(check: Check, spec: DatasetSpec, present: set[str]) -> str:
    if check.rule == "duplicate_key":
        parts = [f"coalesce({raw_value(k, k in present)}, '')" for k in spec.key]
        return " || ' | ' || ".join(parts)
    return raw_value(check.column, check.column in present)


def _write_rows(con: duckdb.DuckDBPyConnection, spec: DatasetSpec, did: str, path: Path) -> None:
    cols = ", ".join(f"{typed_column(f.name)} AS {q(f.name)}" for f in spec.fields)
    flags = (
        "list_transform(list_filter(__issues, x -> x.severity = 'warning'), "
        "x -> x.column || ':' || x.rule) AS _flags"
    )
    con.execute(
        f"""COPY (
            SELECT {lit(did)} AS _delivery, {ROW}, {cols}, {flags}
            FROM checked
            WHERE len(list_filter(__issues, x -> x.severity = 'error')) = 0
            ORDER BY {ROW}
        ) TO {lit(str(path))} (FORMAT parquet, COMPRESSION zstd)"""
    )


def _structural_table(source: SourceTable, did: str) -> pa.Table:
    bad = source.structural
    return pa.table(
        {
            "_delivery": pa.array([did] * len(bad), pa.string()),
            "_row": pa.array([i.row for i in bad], pa.int64()),
            "column": pa.array([i.column for i in bad], pa.string()),
            "rule": pa.array([i.rule for i in bad], pa.string()),
            "severity": pa.array([i.severity for i in bad], pa.string()),
            "value": pa.array([i.value for i in bad], pa.string()),
            "message": pa.array([i.message for i in bad], pa.string()),
        }
    )


def _write_quarantine(
    con: duckdb.DuckDBPyConnection,
    spec: DatasetSpec,
    present: set[str],
    source: SourceTable,
    did: str,
    path: Path,
) -> None:
    raws = ", ".join(f"{raw_value(f.name, f.name in present)} AS {q(f.name)}" for f in spec.fields)
    nulls = ", ".join(f"CAST(NULL AS VARCHAR) AS {q(f.name)}" for f in spec.fields)
    con.register("structural", _structural_table(source, did))
    con.execute(
        f"""COPY (
            SELECT {lit(did)} AS _delivery, {ROW},
                   list_distinct(list_transform(
                       list_filter(__issues, x -> x.severity = 'error'),
                       x -> x.column || ':' || x.rule)) AS _reasons,
                   {raws}, CAST(NULL AS VARCHAR) AS _line
            FROM checked
            WHERE len(list_filter(__issues, x -> x.severity = 'error')) > 0
            UNION ALL
            SELECT _delivery, _row, [rule] AS _reasons, {nulls}, value AS _line FROM structural
            ORDER BY {ROW}
        ) TO {lit(str(path))} (FORMAT parquet, COMPRESSION zstd)"""
    )


def _write_issues(
    con: duckdb.DuckDBPyConnection, source: SourceTable, did: str, path: Path
) -> None:
    con.execute(
        f"""CREATE TEMP TABLE all_issues AS
            SELECT {lit(did)} AS _delivery, {ROW} AS _row, i.column AS "column", i.rule AS rule,
                   i.severity AS severity, i.value AS value, i.message AS message
            FROM (SELECT {ROW}, unnest(__issues) AS i FROM checked)
            UNION ALL
            SELECT * FROM structural"""
    )
    con.execute(
        f'COPY (SELECT * FROM all_issues ORDER BY _row, "column", rule) TO {lit(str(path))} '
        "(FORMAT parquet, COMPRESSION zstd)"
    )


def _result(con: duckdb.DuckDBPyConnection, source: SourceTable) -> ValidationResult:
    row = con.execute(
        "SELECT count(*) FILTER (WHERE NOT refused), count(*) FILTER (WHERE refused), "
        "count(*) FILTER (WHERE flagged AND NOT refused) FROM outcome"
    ).fetchone()
    assert row is not None
    loaded, refused, flagged = (int(v or 0) for v in row)
    quarantined = refused + len(source.structural)
    total_row = con.execute("SELECT count(*) FROM all_issues").fetchone()
    total = int(total_row[0]) if total_row else 0
    summary = [
        {"rule": r, "column": c, "severity": s, "rows": int(n)}
        for r, c, s, n in con.execute(
            'SELECT rule, "column", severity, count(DISTINCT _row) FROM all_issues '
            'GROUP BY ALL ORDER BY severity, count(DISTINCT _row) DESC, rule, "column"'
        ).fetchall()
    ]
    sample = [
        Issue(rule=r, severity=s, message=m, row=int(w), column=c, value=v)
        for w, c, r, s, v, m in con.execute(
            'SELECT _row, "column", rule, severity, value, message FROM all_issues '
            f'ORDER BY severity, _row, "column", rule LIMIT {SAMPLE_LIMIT}'
        ).fetchall()
    ]
    if loaded + quarantined != source.received:
        raise AssertionError(
            f"row accounting broken: received {source.received}, "
            f"loaded {loaded}, quarantined {quarantined}"
        )
    return ValidationResult(
        received=source.received,
        loaded=loaded,
        quarantined=quarantined,
        flagged=flagged,
        issues_total=total,
        summary=summary,
        sample=sample,
    )
