"""Column-wise validation rules, written as SQL over the text columns of a delivery.

For each declared field the convention gives a type and constraints; this module turns
them into (a) the SQL expression of the typed value and (b) a list of checks, each a SQL
condition that is true when the row breaks the rule. Hard rules (severity ``error``) send
the row to quarantine; soft rules (``warning``) load it with a quality flag, except
``exact_duplicate``: a warning whose row, the copy of an earlier one, is set aside.
"""

from __future__ import annotations

from dataclasses import dataclass

from marsad.conventions import DatasetSpec, FieldSpec, FieldType, SoftCheck
from marsad.ingest.issues import ROW_RULES, Severity
from marsad.ingest.sources import ROW

CONTROL = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]"
TYPED_SQL = {
    FieldType.text: "VARCHAR",
    FieldType.integer: "BIGINT",
    FieldType.amount: "DECIMAL(18,2)",
    FieldType.date: "DATE",
}


def q(identifier: str) -> str:
    """Quote an identifier for DuckDB."""
    return '"' + identifier.replace('"', '""') + '"'


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class Check:
    column: str
    rule: str
    severity: Severity
    condition: str  # SQL, true when the row breaks the rule
    message: str
    sets_aside: bool  # the row goes to quarantine (errors, and the copies of a row)


COPY_OF = "__copy_of"  # the row an exact copy repeats, NULL for every other row


def typed_column(name: str) -> str:
    """The column holding a field's typed value during validation."""
    return q("__t_" + name)


def raw_value(name: str, present: bool) -> str:
    return q(name) if present else "CAST(NULL AS VARCHAR)"


def trimmed(raw: str) -> str:
    return f"NULLIF(trim({raw}), '')"


def trimmed_column(name: str) -> str:
    """The column holding a field's trimmed text (NULL when empty) during validation."""
    return q("__s_" + name)


def _no_spaces(t: str) -> str:
    return f"replace(replace(replace({t}, ' ', ''), '\u00a0', ''), '\u202f', '')"


def typed_expression(spec: FieldSpec, t: str) -> str:
    """SQL giving the typed value of a trimmed text value (NULL when empty or unparseable)."""
    if spec.type == FieldType.text:
        return t
    if spec.type == FieldType.integer:
        n = _no_spaces(t)
        return (
            f"CASE WHEN regexp_full_match({n}, '[+-]?[0-9]{{1,18}}') THEN CAST({n} AS BIGINT) END"
        )
    if spec.type == FieldType.amount:
        n = _no_spaces(t)
        decimal = (
            f"CASE WHEN regexp_full_match({n}, '[+-]?[0-9]+([.][0-9]+)?') THEN {n} "
            f"WHEN regexp_full_match({n}, '[+-]?[0-9]+,[0-9]+') THEN replace({n}, ',', '.') "
            f"WHEN regexp_full_match({n}, '[+-]?[0-9]{{1,3}}([.][0-9]{{3}})+(,[0-9]+)?') "
            f"THEN replace(replace({n}, '.', ''), ',', '.') "
            f"WHEN regexp_full_match({n}, '[+-]?[0-9]{{1,3}}(,[0-9]{{3}})+([.][0-9]+)?') "
            f"THEN replace({n}, ',', '') END"
        )
        return f"TRY_CAST({decimal} AS DECIMAL(18,2))"
    # dates: ISO or French day/month/year, impossible dates give NULL
    return (
        f"CASE WHEN regexp_full_match({t}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
        f"THEN TRY_CAST({t} AS DATE) "
        f"WHEN regexp_full_match({t}, '[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]{{4}}') "
        f"THEN CAST(TRY_STRPTIME({t}, '%d/%m/%Y') AS DATE) END"
    )


def ice_is_valid(value: str) -> str:
    """SQL twin of ``stdnum.ma.ice.is_valid`` (spaces removed, 15 digits, divisible by 97)."""
    c = f"replace(trim({value}), ' ', '')"
    digits = f"regexp_full_match({c}, '[0-9]{{15}}')"
    return f"coalesce({digits} AND TRY_CAST({c} AS BIGINT) % 97 = 0, false)"


def place_key_sql(value: str) -> str:
    """SQL twin of ``marsad.reference.place_key``."""
    return f"trim(regexp_replace(lower(strip_accents({value})), '[^a-z0-9]+', ' ', 'g'))"


def _check(column: str, rule: str, severity: Severity, condition: str, detail: str = "") -> Check:
    message = ROW_RULES[rule] + (f" ({detail})" if detail else "")
    sets_aside = severity == "error" or rule == "exact_duplicate"
    return Check(column, rule, severity, condition, message, sets_aside)


def field_checks(spec: FieldSpec, raw: str, t: str, typed: str, *, max_text: int) -> list[Check]:
    """Checks of one field: ``raw`` as received, ``t`` trimmed, ``typed`` parsed."""
    name = spec.name
    checks: list[Check] = []
    if spec.required:
        checks.append(_check(name, "missing_value", "error", f"{t} IS NULL"))
    checks.append(
        _check(
            name,
            "control_character",
            "error",
            f"__control_any AND regexp_matches({raw}, '{CONTROL}')",
        )
    )
    limit = min(spec.max_length or max_text, max_text)
    checks.append(
        _check(
            name,
            "too_long",
            "error",
            f"strlen({t}) > {limit} AND length({t}) > {limit}",
            f"at most {limit}",
        )
    )
    bad_type = {
        FieldType.integer: "not_an_integer",
        FieldType.amount: "not_an_amount",
        FieldType.date: "not_a_date",
    }.get(spec.type)
    if bad_type:
        checks.append(_check(name, bad_type, "error", f"{t} IS NOT NULL AND {typed} IS NULL"))
    if spec.min is not None:
        checks.append(
            _check(name, "out_of_range", "error", f"{typed} < {spec.min}", f">= {spec.min:g}")
        )
    if spec.max is not None:
        checks.append(
            _check(name, "out_of_range", "error", f"{typed} > {spec.max}", f"<= {spec.max:g}")
        )
    if spec.min_date is not None:
        d = spec.min_date.isoformat()
        checks.append(_check(name, "out_of_range", "error", f"{typed} < DATE '{d}'", f">= {d}"))
    if spec.max_date is not None:
        d = spec.max_date.isoformat()
        checks.append(_check(name, "out_of_range", "error", f"{typed} > DATE '{d}'", f"<= {d}"))
    if spec.pattern is not None:
        checks.append(
            _check(
                name,
                "pattern",
                "error",
                f"{t} IS NOT NULL AND NOT regexp_full_match({t}, {lit(spec.pattern)})",
                spec.pattern,
            )
        )
    if spec.values is not None:
        listed = ", ".join(lit(v) for v in spec.values)
        checks.append(
            _check(name, "not_in_list", "error", f"{t} NOT IN ({listed})", " / ".join(spec.values))
        )
    if spec.not_before is not None:
        other = typed_column(spec.not_before)
        checks.append(
            _check(name, "date_order", "warning", f"{typed} < {other}", f"before {spec.not_before}")
        )
    for soft in spec.checks:
        checks.append(_soft_check(name, soft, t))
    return checks


# the rule a failed soft check is reported under
SOFT_RULES = {
    SoftCheck.ice: "ice_invalid",
    SoftCheck.commune: "commune_unknown",
    SoftCheck.activity_code: "activity_code_unknown",
}


def _soft_check(name: str, soft: SoftCheck, t: str) -> Check:
    rule = SOFT_RULES[soft]
    if soft == SoftCheck.ice:
        return _check(name, rule, "warning", f"{t} IS NOT NULL AND NOT {ice_is_valid(t)}")
    if soft == SoftCheck.commune:
        return _check(
            name,
            rule,
            "warning",
            f"{t} IS NOT NULL AND {place_key_sql(t)} NOT IN (SELECT key FROM known_places)",
        )
    division = f"substr(regexp_replace({t}, '[^0-9]', '', 'g'), 1, 2)"
    return _check(
        name,
        rule,
        "warning",
        f"{t} IS NOT NULL AND (NOT regexp_full_match({t}, '[0-9]{{2}}([.]?[0-9]{{1,2}})?') "
        f"OR {division} NOT IN (SELECT code FROM known_divisions))",
    )


@dataclass(frozen=True)
class DatasetRules:
    """The SQL of one dataset's validation, in three projections and a list of checks."""

    trimmed: dict[str, str]  # field -> SQL of its trimmed text
    typed: dict[str, str]  # field -> SQL of its typed value (over the trimmed column)
    control_any: str  # SQL: the row has a control character somewhere
    checks: list[Check]


def dataset_checks(
    spec: DatasetSpec,
    present: set[str],
    period: int,
    *,
    max_text: int,
    may_have_control: bool = True,
) -> DatasetRules:
    """Every expression and check of a dataset, period and key included."""
    trims: dict[str, str] = {}
    typed: dict[str, str] = {}
    checks: list[Check] = []
    for f in spec.fields:
        raw = raw_value(f.name, f.name in present)
        trims[f.name] = trimmed(raw)
        typed[f.name] = typed_expression(f, trimmed_column(f.name))
        checks.extend(
            field_checks(f, raw, trimmed_column(f.name), typed_column(f.name), max_text=max_text)
        )
    if spec.period.field:
        p = spec.period.field
        checks.append(
            _check(
                p,
                "period_mismatch",
                "error",
                f"{typed_column(p)} <> {period}",
                f"expected {period}",
            )
        )
    if spec.unique_key and spec.key:
        checks.append(
            _check(
                ",".join(spec.key),
                "duplicate_key",
                "error",
                f"{ROW} IN (SELECT _row FROM duplicated)",
            )
        )
    checks.append(
        _check(
            ",".join(spec.key or spec.field_names),
            "exact_duplicate",
            "warning",
            f"{COPY_OF} IS NOT NULL",
            "the value is the number of the row it copies",
        )
    )
    raws = [q(name) for name in sorted(present)] or ["''"]
    control_any = "false"
    if may_have_control:
        control_any = f"regexp_matches(concat({', '.join(raws)}), '{CONTROL}')"
    return DatasetRules(trims, typed, control_any, checks)
