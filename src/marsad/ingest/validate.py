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
import pyarrow.compute as pc

from marsad.conventions import DatasetSpec
from marsad.ingest.issues import Issue
from marsad.ingest.rules import (
    COPY_OF,
    Check,
    DatasetRules,
    dataset_checks,
    lit,
    q,
    raw_value,
    trimmed_column,
    typed_column,
)
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
    rules = dataset_checks(
        spec, present, period, max_text=max_text, may_have_control=source.may_have_control
    )
    con = connect(threads=threads)
    try:
        _reference_tables(con)
        con.register("raw_src", source.table)
        con.register("trimmed_src", _trimmed_table(source, spec))
        con.register("structural", _structural_table(source, delivery_id))
        _check_table(con, spec, rules, present)
        checks = rules.checks
        errors = " OR ".join(_flag(i) for i, c in enumerate(checks) if c.sets_aside)
        warnings = " OR ".join(_flag(i) for i, c in enumerate(checks) if not c.sets_aside)
        con.execute(
            f"CREATE TEMP VIEW outcome AS SELECT *, ({errors or 'false'}) AS __refused, "
            f"({warnings or 'false'}) AS __flagged FROM checked"
        )
        _write_rows(con, spec, checks, delivery_id, out_dir / "rows.parquet")
        _write_quarantine(con, spec, present, checks, delivery_id, out_dir / "quarantine.parquet")
        _write_issues(con, spec, present, checks, delivery_id, out_dir / "issues.parquet")
        return _result(con, source)
    finally:
        con.close()


def _flag(index: int) -> str:
    return f"__c{index}"


def _check_table(
    con: duckdb.DuckDBPyConnection, spec: DatasetSpec, rules: DatasetRules, present: set[str]
) -> None:
    """One pass: trimmed text, typed values, then one boolean per check.

    Rows sharing their key are found first on a narrow projection, so that the wide table
    is never sorted; only those are compared in full to find exact copies.
    """
    typed = ", ".join(f"{expr} AS {typed_column(n)}" for n, expr in rules.typed.items())
    _find_copies(con, spec, rules)
    flags = ", ".join(
        f"coalesce({c.condition}, false) AS {_flag(i)}" for i, c in enumerate(rules.checks)
    )
    typed_cols = ", ".join(typed_column(f.name) for f in spec.fields)
    con.execute(
        f"""
        CREATE TEMP TABLE checked AS
        SELECT {ROW}, {typed_cols}, {COPY_OF}, {flags}
        FROM (
            SELECT *, {typed}
            FROM (SELECT *, {rules.control_any} AS __control_any FROM trimmed_src)
            LEFT JOIN copies USING ({ROW})
        )
        """
    )


def _find_copies(con: duckdb.DuckDBPyConnection, spec: DatasetSpec, rules: DatasetRules) -> None:
    """Tables ``copies`` (each exact copy of an earlier row, and that row) and ``duplicated``
    (rows whose key another row holds with other values).

    A copy has every declared field's trimmed text equal to an earlier row's: it is set
    aside and the earlier row alone is loaded. Keys are compared once copies are set aside,
    so that one row sent twice is not a conflict.
    """
    by = [typed_column(k) for k in spec.key] or [trimmed_column(f) for f in spec.field_names]
    narrow = ", ".join(
        [f"{rules.typed[k]} AS {typed_column(k)}" for k in spec.key]
        or [trimmed_column(f) for f in spec.field_names]
    )
    every = ", ".join(f"t.{trimmed_column(f)}" for f in spec.field_names)
    con.execute(
        f"""CREATE TEMP TABLE shared AS
        SELECT * FROM (
            SELECT {ROW}, {", ".join(by)}, count(*) OVER (PARTITION BY {", ".join(by)}) AS __n
            FROM (SELECT {ROW}, {narrow} FROM trimmed_src)
        ) WHERE __n > 1"""
    )
    con.execute(
        f"""CREATE TEMP TABLE copies AS
        SELECT {ROW}, {COPY_OF} FROM (
            SELECT s.{ROW}, min(s.{ROW}) OVER (PARTITION BY {every}) AS {COPY_OF}
            FROM shared s JOIN trimmed_src t USING ({ROW})
        ) WHERE {COPY_OF} < {ROW}"""
    )
    con.execute("CREATE TEMP TABLE duplicated (_row BIGINT)")
    if spec.unique_key and spec.key:
        keys = ", ".join(by)
        all_keys = " AND ".join(f"{k} IS NOT NULL" for k in by)
        con.execute(
            f"""INSERT INTO duplicated
            SELECT {ROW} FROM (
                SELECT {ROW}, sum(CASE WHEN c.{COPY_OF} IS NULL THEN 1 ELSE 0 END)
                    OVER (PARTITION BY {keys}) AS n
                FROM shared LEFT JOIN copies c USING ({ROW})
                WHERE {all_keys}
            ) WHERE n > 1"""
        )


def _trimmed_table(source: SourceTable, spec: DatasetSpec) -> pa.Table:
    """The delivery's columns, plus every declared field's text trimmed (NULL when empty)."""
    table = source.table
    arrays: list[pa.ChunkedArray | pa.Array] = list(table.columns)
    for f in spec.fields:
        if f.name in source.header:
            text = pc.utf8_trim_whitespace(table[f.name])
            arrays.append(pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text))
        else:
            arrays.append(pa.nulls(table.num_rows, pa.string()))
    names = [*table.column_names, *(trimmed_column(f.name).strip('"') for f in spec.fields)]
    return pa.Table.from_arrays(arrays, names)


def _labels(checks: list[Check], *, sets_aside: bool) -> str:
    """SQL list of 'column:rule' for the checks the row breaks that set it aside (or not)."""
    items = ", ".join(
        f"CASE WHEN {_flag(i)} THEN {lit(c.column + ':' + c.rule)} END"
        for i, c in enumerate(checks)
        if c.sets_aside == sets_aside
    )
    return f"list_distinct(list_filter([{items}], x -> x IS NOT NULL))" if items else "[]"


def _check_value(check: Check, spec: DatasetSpec, present: set[str]) -> str:
    if check.rule == "exact_duplicate":
        return f"CAST({COPY_OF} AS VARCHAR)"
    if check.rule == "duplicate_key":
        parts = [f"coalesce({raw_value(k, k in present)}, '')" for k in spec.key]
        return " || ' | ' || ".join(parts)
    return raw_value(check.column, check.column in present)


def _write_rows(
    con: duckdb.DuckDBPyConnection, spec: DatasetSpec, checks: list[Check], did: str, path: Path
) -> None:
    cols = ", ".join(f"{typed_column(f.name)} AS {q(f.name)}" for f in spec.fields)
    flags = f"CASE WHEN __flagged THEN {_labels(checks, sets_aside=False)} ELSE [] END AS _flags"
    con.execute(
        f"""COPY (
            SELECT {lit(did)} AS _delivery, {ROW}, {cols}, {flags}
            FROM outcome WHERE NOT __refused ORDER BY {ROW}
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
    checks: list[Check],
    did: str,
    path: Path,
) -> None:
    raws = ", ".join(f"{raw_value(f.name, f.name in present)} AS {q(f.name)}" for f in spec.fields)
    nulls = ", ".join(f"CAST(NULL AS VARCHAR) AS {q(f.name)}" for f in spec.fields)
    con.execute(
        f"""COPY (
            SELECT {lit(did)} AS _delivery, {ROW}, {_labels(checks, sets_aside=True)} AS _reasons,
                   {raws}, CAST(NULL AS VARCHAR) AS _line
            FROM outcome JOIN raw_src USING ({ROW}) WHERE __refused
            UNION ALL
            SELECT _delivery, _row, [rule] AS _reasons, {nulls}, value AS _line FROM structural
            ORDER BY {ROW}
        ) TO {lit(str(path))} (FORMAT parquet, COMPRESSION zstd)"""
    )


def _write_issues(
    con: duckdb.DuckDBPyConnection,
    spec: DatasetSpec,
    present: set[str],
    checks: list[Check],
    did: str,
    path: Path,
) -> None:
    parts = [
        f'SELECT {lit(did)} AS _delivery, {ROW} AS _row, {lit(c.column)} AS "column", '
        f"{lit(c.rule)} AS rule, {lit(c.severity)} AS severity, "
        f"{_clip_sql(_check_value(c, spec, present))} AS value, {lit(c.message)} AS message "
        f"FROM flagged_rows WHERE {_flag(i)}"
        for i, c in enumerate(checks)
    ]
    anything = " OR ".join(_flag(i) for i in range(len(checks))) or "false"
    con.execute(
        "CREATE TEMP TABLE flagged_rows AS SELECT * FROM checked "
        f"JOIN raw_src USING ({ROW}) WHERE {anything}"
    )
    con.execute(
        "CREATE TEMP TABLE all_issues AS "
        + " UNION ALL ".join([*parts, "SELECT * FROM structural"])
    )
    con.execute(
        f'COPY (SELECT * FROM all_issues ORDER BY _row, "column", rule) TO {lit(str(path))} '
        "(FORMAT parquet, COMPRESSION zstd)"
    )


def _result(con: duckdb.DuckDBPyConnection, source: SourceTable) -> ValidationResult:
    row = con.execute(
        "SELECT count(*) FILTER (WHERE NOT __refused), count(*) FILTER (WHERE __refused), "
        "count(*) FILTER (WHERE __flagged AND NOT __refused) FROM outcome"
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
