"""Source units: one entity as one source system knows it, with standardised attributes.

Every loaded row of every current delivery belongs to exactly one unit (``row_map``); a
unit gathers the rows of one key of one identifier system (one IF number, one RC, ...).
Linkage then works on units, far fewer than rows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa

from marsad.engines.base import Connection, PartitionedLookups
from marsad.ingest import DeliveryRecord, Ledger
from marsad.ingest.rules import lit, q
from marsad.reference import lookup_commune, section_of_activity_code
from marsad.reference.spelling import skeleton
from marsad.register.sources import ROLES, SourceSpec, load_sources
from marsad.register.standardise import ice_digits, load_name_rules, repair_ice
from marsad.settings import Settings

ROLE_COLUMNS = ROLES


def _key_part(field: str) -> str:
    v = f"upper(trim(CAST({q(field)} AS VARCHAR)))"
    return f"coalesce(regexp_replace({v}, '\\s+', '', 'g'), '')"


def _rows_sql(spec: SourceSpec, records: list[DeliveryRecord], home: Path) -> str:
    files = ", ".join(lit(str(home / r.path / "rows.parquet")) for r in records if r.path)
    periods = " ".join(f"WHEN {lit(r.id)} THEN {r.period}" for r in records)
    roles = ", ".join(
        f"CAST({q(spec.fields[role])} AS VARCHAR) AS {role}"
        if role in spec.fields
        else f"CAST(NULL AS VARCHAR) AS {role}"
        for role in ROLE_COLUMNS
    )
    key = " || '|' || ".join(_key_part(f) for f in spec.unit)
    return (
        f"SELECT {lit(spec.system)} || ':' || {key} AS unit_id, {lit(spec.system)} AS system, "
        f"{lit(spec.dataset)} AS dataset, {spec.person} AS person, _delivery AS delivery, "
        f"_row AS row, CASE _delivery {periods} END AS period, {roles} "
        f"FROM read_parquet([{files}])"
    )


def load_rows(con: Connection, settings: Settings) -> None:
    """Table ``source_rows``: every loaded row of every current delivery, with its roles."""
    current = Ledger(settings.ledger_path).current()
    parts = []
    for spec in load_sources():
        records = [r for r in current if f"{r.partner}.{r.dataset}" == spec.dataset]
        if records:
            parts.append(_rows_sql(spec, records, settings.home))
    if not parts:
        con.execute(
            "CREATE OR REPLACE TABLE source_rows (unit_id VARCHAR, system VARCHAR, "
            "dataset VARCHAR, person BOOLEAN, delivery VARCHAR, row BIGINT, period BIGINT, "
            + ", ".join(f"{c} VARCHAR" for c in ROLE_COLUMNS)
            + ")"
        )
        return
    con.execute("CREATE OR REPLACE TABLE source_rows AS " + " UNION ALL ".join(parts))


def _texts(**columns: list[str | None]) -> pd.DataFrame:
    """A frame of text columns whose missing values stay None (not NaN)."""
    return pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()})


def _standardised_ices(raw: pd.DataFrame) -> pd.DataFrame:
    repaired = [repair_ice(v) for v in raw["raw"]]
    return _texts(
        raw=list(raw["raw"]),
        ice=[r[0] for r in repaired],
        status=[r[1] for r in repaired],
        digits=[ice_digits(v) for v in raw["raw"]],
    )


def _standardised_names(raw: pd.DataFrame) -> pd.DataFrame:
    rules = load_name_rules()
    std = [rules.standardise(n) for n in raw["raw"]]
    return _texts(
        raw=list(raw["raw"]),
        name_std=[s.name for s in std],
        form=[s.legal_form for s in std],
        skeleton=[s.skeleton for s in std],
        stem=[s.stem for s in std],
        person=["1" if s.person else "0" for s in std],
    )


def _standardised_places(raw: pd.DataFrame) -> pd.DataFrame:
    found = [lookup_commune(p) for p in raw["raw"]]
    return _texts(
        raw=list(raw["raw"]),
        commune_code=[c.code if c else None for c in found],
        province=[c.province if c else None for c in found],
        region_code=[c.region_code if c else None for c in found],
    )


# Distinct raw values standardised once in Python: table, the values, the function.
LOOKUPS: tuple[tuple[str, str, Callable[[pd.DataFrame], pd.DataFrame]], ...] = (
    (
        "ice_lookup",
        "SELECT DISTINCT ice AS raw FROM source_rows WHERE ice IS NOT NULL",
        _standardised_ices,
    ),
    (
        "name_lookup",
        "SELECT DISTINCT name AS raw FROM source_rows WHERE name IS NOT NULL "
        "UNION SELECT DISTINCT legal_form FROM source_rows WHERE legal_form IS NOT NULL",
        _standardised_names,
    ),
    (
        "place_lookup",
        "SELECT DISTINCT commune AS raw FROM source_rows WHERE commune IS NOT NULL",
        _standardised_places,
    ),
)


def _skeletons(raw: pd.DataFrame) -> pd.DataFrame:
    return _texts(raw=list(raw["raw"]), skeleton=[skeleton(w) or w for w in raw["raw"]])


def _lookup_tables(
    con: Connection,
    lookups: tuple[tuple[str, str, Callable[[pd.DataFrame], pd.DataFrame]], ...] = LOOKUPS,
) -> None:
    """Distinct raw values standardised once in Python (ICE, names, communes, forms); on
    Spark, in parallel over partitions of the distinct values (the same functions)."""
    for table, values, standardise in lookups:
        if isinstance(con, PartitionedLookups):
            con.map_table(table, values, standardise)
            continue
        raw = [r[0] for r in con.execute(values).fetchall()]
        frame = standardise(pd.DataFrame({"raw": pd.Series(raw, dtype=object)}))
        arrow = pa.table({c: pa.array(frame[c].tolist(), pa.string()) for c in frame.columns})
        con.register(f"{table}_arrow", arrow)
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {table}_arrow")


def build_units(con: Connection, max_block: int = 100) -> None:
    """Table ``units`` (one row per unit, standardised) from ``source_rows``.

    Rows repeat the same values year after year, so the distinct value combinations of
    each unit are gathered first (with their count and latest position); every attribute
    is then chosen among those, with plain aggregates that can spill to disk.
    """
    _lookup_tables(con)
    roles = ", ".join(ROLE_COLUMNS)
    con.execute(
        """CREATE OR REPLACE TABLE unit_stats AS
           SELECT unit_id, any_value(system) AS system, bool_or(person) AS person,
                  count(*) AS n_rows, min(period) AS first_period, max(period) AS last_period
           FROM source_rows GROUP BY unit_id"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE unit_values AS
            SELECT unit_id, {roles}, count(*) AS n,
                   max(CAST(period AS BIGINT) * 10000000 + row) AS latest
            FROM source_rows
            WHERE coalesce({roles}) IS NOT NULL
            GROUP BY ALL"""
    )
    con.execute(
        """CREATE OR REPLACE TABLE unit_values AS
           SELECT v.unit_id, v.n, v.latest, v.name, v.gender, i.ice AS ice_valid,
                  i.digits AS ice_digits,
                  n.name_std, n.skeleton AS name_skeleton, n.stem AS name_stem,
                  n.person = '1' AS person_name,
                  n.form AS name_form,
                  f.form AS declared_form,
                  p.commune_code, p.province,
                  coalesce(v.region, p.region_code) AS region_code,
                  substr(regexp_replace(v.activity_code, '[^0-9]', '', 'g'), 1, 2) AS division,
                  CASE WHEN v.rc_court IS NOT NULL AND v.rc_number IS NOT NULL THEN
                      upper(regexp_replace(v.rc_court, '\\s+', '', 'g')) || '|' ||
                      ltrim(upper(regexp_replace(v.rc_number, '\\s+', '', 'g')), '0')
                  END AS rc_key
           FROM unit_values v
           LEFT JOIN ice_lookup i ON i.raw = v.ice
           LEFT JOIN name_lookup n ON n.raw = v.name
           LEFT JOIN name_lookup f ON f.raw = v.legal_form
           LEFT JOIN place_lookup p ON p.raw = v.commune"""
    )
    latest = "latest"
    con.execute(
        f"""
        CREATE OR REPLACE TABLE units AS
        WITH attrs AS (
            SELECT unit_id,
               arg_max(name, {latest}) FILTER (WHERE name IS NOT NULL) AS name,
               arg_max(name_std, {latest}) FILTER (WHERE name_std <> '') AS name_std,
               arg_max(name_skeleton, {latest}) FILTER (WHERE name_std <> '')
                   AS name_skeleton,
               arg_max(name_stem, {latest}) FILTER (WHERE name_std <> '') AS name_stem,
               arg_max(person_name, {latest}) FILTER (WHERE name_std <> '') AS person_name,
               arg_max(rc_key, {latest}) FILTER (WHERE rc_key IS NOT NULL) AS rc_key,
               coalesce(
                   arg_max(declared_form, {latest}) FILTER (WHERE declared_form IS NOT NULL),
                   arg_max(name_form, {latest}) FILTER (WHERE name_form IS NOT NULL))
                   AS legal_form,
               arg_max(commune_code, {latest}) FILTER (WHERE commune_code IS NOT NULL)
                   AS commune_code,
               arg_max(province, {latest}) FILTER (WHERE province IS NOT NULL) AS province,
               arg_max(region_code, {latest}) FILTER (WHERE region_code IS NOT NULL)
                   AS region_code,
               arg_max(gender, {latest}) FILTER (WHERE gender IS NOT NULL) AS gender
            FROM unit_values GROUP BY unit_id
        ), ices AS (  -- the ICE most rows give (then the latest)
            SELECT unit_id, arg_max(ice_valid, n * 1e13 + latest) AS ice FROM (
                SELECT unit_id, ice_valid, sum(n) AS n, max(latest) AS latest
                FROM unit_values WHERE ice_valid IS NOT NULL GROUP BY ALL
            ) GROUP BY unit_id
        ), written AS (  -- the ICE digits most rows give, valid or not (typos are evidence)
            SELECT unit_id, arg_max(ice_digits, n * 1e13 + latest) AS ice_written FROM (
                SELECT unit_id, ice_digits, sum(n) AS n, max(latest) AS latest
                FROM unit_values WHERE ice_digits IS NOT NULL GROUP BY ALL
            ) GROUP BY unit_id
        ), divisions AS (
            SELECT unit_id, arg_max(division, n * 1e13 + latest) AS division FROM (
                SELECT unit_id, division, sum(n) AS n, max(latest) AS latest
                FROM unit_values WHERE length(division) = 2 GROUP BY ALL
            ) GROUP BY unit_id
        )
        SELECT s.*, a.* EXCLUDE (unit_id), i.ice, coalesce(i.ice, w.ice_written) AS ice_any,
               d.division
        FROM unit_stats s
        LEFT JOIN attrs a USING (unit_id)
        LEFT JOIN ices i USING (unit_id)
        LEFT JOIN written w USING (unit_id)
        LEFT JOIN divisions d USING (unit_id)
        """
    )
    sections = {
        d: section_of_activity_code(d)
        for (d,) in con.execute(
            "SELECT DISTINCT division FROM units WHERE division IS NOT NULL"
        ).fetchall()
    }
    con.register(
        "section_arrow",
        pa.table(
            {
                "division": pa.array(list(sections), pa.string()),
                "section": pa.array(list(sections.values()), pa.string()),
            }
        ),
    )
    con.execute(
        "CREATE OR REPLACE TABLE units AS SELECT u.*, substr(u.ice, 1, 9) AS ice9, s.section, "
        "substr(u.unit_id, length(u.system) + 2) AS unit_key, "
        "string_split(coalesce(u.name_std, ''), ' ') AS name_tokens, "
        "array_to_string(list_sort(string_split(u.name_std, ' ')), ' ') AS name_sorted "
        "FROM units u LEFT JOIN section_arrow s USING (division)"
    )
    _add_rare_token(con)
    # the rarest word's skeleton: one family name however it is spelt, with or without the
    # first name or a trade name around it
    _lookup_tables(
        con,
        (
            (
                "rare_lookup",
                "SELECT DISTINCT rare_token AS raw FROM units WHERE rare_token IS NOT NULL",
                _skeletons,
            ),
        ),
    )
    con.execute(
        "CREATE OR REPLACE TABLE units AS SELECT u.*, "
        "CASE WHEN array_length(u.name_tokens) >= 3 THEN array_to_string(list_sort("
        "list_filter(u.name_tokens, t -> t <> u.rare_token)), ' ') END AS name_rest, "
        "CASE WHEN length(u.rare_token) >= 4 THEN r.skeleton END AS rare_skeleton "
        "FROM units u LEFT JOIN rare_lookup r ON r.raw = u.rare_token"
    )
    _add_blocking_keys(con, max_block)


def _add_rare_token(con: Connection) -> None:
    """The rarest word of each name, a blocking key that survives word order changes (the
    longer word among equally rare ones, then the first in alphabetical order)."""
    con.execute(
        """
        CREATE OR REPLACE TABLE units AS
        WITH tokens AS (
            SELECT DISTINCT unit_id, unnest(name_tokens) AS token FROM units
        ), freq AS (
            SELECT token, count(*) AS n FROM tokens WHERE token <> '' GROUP BY token
        )
        SELECT u.*, r.rare_token FROM units u LEFT JOIN (
            SELECT unit_id,
                   arg_min(token, lpad(CAST(n * 1000 - length(token) AS VARCHAR), 12, '0')
                                  || token) AS rare_token
            FROM tokens JOIN freq USING (token) GROUP BY unit_id
        ) r USING (unit_id)
        """
    )


def _add_blocking_keys(con: Connection, max_block: int) -> None:
    """Blocking keys that skip values shared by more than ``max_block`` units.

    A key that many units share (a frequent person name in a big city) would make its
    block quadratic in size while saying little; such units are still compared through
    their identifiers and the other keys.
    """
    keys = {
        "block_name": ("name_std",),
        "block_sorted": ("name_sorted",),
        "block_token_province": ("rare_token", "province"),
        "block_token_division": ("rare_token", "division"),
        "block_skeleton_province": ("name_skeleton", "province"),
        # by region: a chamber knows only its members' region
        "block_stem_region": ("name_stem", "region_code"),
        # the name without its rarest word, for a typo in that word
        "block_rest_province": ("name_rest", "province"),
        "block_rare_skeleton_province": ("rare_skeleton", "province"),
    }
    columns = ", ".join(
        f"CASE WHEN count(*) OVER (PARTITION BY {', '.join(cols)}) <= {int(max_block)} "
        f"THEN {' || chr(31) || '.join(cols)} END AS {name}"
        for name, cols in keys.items()
    )
    con.execute(f"CREATE OR REPLACE TABLE units AS SELECT *, {columns} FROM units")
