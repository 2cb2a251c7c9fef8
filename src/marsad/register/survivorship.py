"""Survivorship: one line per enterprise, each attribute taken from its best source.

The rules are data (``data/survivorship.yaml``): for each attribute a priority list of
(dataset, field); the best candidate row of an enterprise is the one of the first source
that has one, then the latest period, then the highest row. Standardised values (legal form
code, valid ICE, commune, province, region, division, section) are read from the build's
``units.parquet`` through the chosen row's unit, never standardised again; the provenance
of every column (``<column>_source``, ``<column>_delivery``, ``<column>_row``) names the row
chosen. When a unit's standardised value was taken from another row of the same unit (the
chosen row's raw value did not standardise), the provenance still names the chosen row.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from marsad.conventions import ConventionSet, DatasetSpec, PeriodKind
from marsad.engines.base import Connection
from marsad.errors import ConfigurationError
from marsad.ingest import Ledger
from marsad.ingest.rules import TYPED_SQL, lit, q
from marsad.reference import load_size_schemes
from marsad.register.sources import load_sources
from marsad.register.standardise import load_name_rules
from marsad.settings import Settings

UNIT_COLUMNS = (
    *("name", "name_std", "ice", "legal_form", "commune_code", "province", "region_code"),
    *("division", "section", "gender"),
)
REQUIRED_COLUMNS = (
    *("name", "legal_form", "ice", "creation_date", "dissolution_date", "commune_code"),
    *("province", "region_code", "division", "section", "gender"),
)
Signal = Literal[
    "has_tax_declaration",
    "has_employees",
    "has_balance_sheet",
    "registered",
    "registered_at_year_end",
    "has_ae_turnover",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    dataset: str = Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")  # partner.dataset
    field: str


class Attribute(_Strict):
    value: Literal["row", "unit"]
    columns: tuple[str, ...] = ()  # default: the attribute's name
    sources: tuple[Source, ...] = Field(min_length=1)
    keep_empty: bool = False


class CategoryRule(_Strict):
    category: str = Field(min_length=1)
    systems_any: tuple[str, ...] = ()
    systems_only: tuple[str, ...] = ()
    legal_forms: tuple[str, ...] = ()
    person_name: bool | None = None  # a unit's name is (true) or none is (false) a person's


class Category(_Strict):
    rules: tuple[CategoryRule, ...] = Field(min_length=1)
    otherwise: str = "unknown"
    # the legal form of every enterprise of a category (its own regime, or the only form
    # it can have), whatever the sources wrote
    legal_form_of: dict[str, str] = Field(default_factory=dict)


class PanelRules(_Strict):
    years_from: tuple[str, ...] = Field(min_length=1)
    observed_when: tuple[str, ...] = ()
    active: dict[str, tuple[Signal, ...]]  # category (or "default") -> signals
    default_scheme: str


class SurvivorshipRules(_Strict):
    attributes: dict[str, Attribute] = Field(min_length=1)
    category: Category
    panel: PanelRules

    def columns(self, name: str) -> tuple[str, ...]:
        return self.attributes[name].columns or (name,)


def _dataset_spec(conventions: ConventionSet, dataset: str) -> DatasetSpec | None:
    partner, _, name = dataset.partition(".")
    found = sorted(conventions.candidates(partner, name), key=lambda c: -c.version)
    return found[0].datasets[name] if found else None


def _field_type(conventions: ConventionSet, dataset: str, field: str) -> str | None:
    spec = _dataset_spec(conventions, dataset)
    if spec is None or field not in spec.field_names:
        return None
    return TYPED_SQL[spec.field(field).type]


def _problems(rules: SurvivorshipRules, conventions: ConventionSet | None) -> list[str]:
    problems = []
    columns = [c for name in rules.attributes for c in rules.columns(name)]
    if len(set(columns)) != len(columns):
        problems.append("attributes: a column is given by two attributes")
    if set(REQUIRED_COLUMNS) - set(columns):
        problems.append(f"attributes: missing {sorted(set(REQUIRED_COLUMNS) - set(columns))}")
    for name, a in rules.attributes.items():
        if a.value == "row" and len(rules.columns(name)) != 1:
            problems.append(f"attributes.{name}: a row value gives exactly one column")
        if a.value == "unit" and set(rules.columns(name)) - set(UNIT_COLUMNS):
            problems.append(f"attributes.{name}: unit columns are among {list(UNIT_COLUMNS)}")
        if conventions is not None:
            types = {_field_type(conventions, s.dataset, s.field) for s in a.sources}
            if None in types:
                problems.append(f"attributes.{name}: a source field is in no convention")
            elif a.value == "row" and len(types) > 1:
                problems.append(f"attributes.{name}: its source fields differ in type")
    systems = {s.system for s in load_sources()}
    forms = {code for _, code in load_name_rules().legal_forms}
    for i, r in enumerate(rules.category.rules):
        if not (r.systems_any or r.systems_only or r.legal_forms or r.person_name is not None):
            problems.append(f"category.rules.{i}: at least one condition is required")
        if set(r.systems_any + r.systems_only) - systems:
            problems.append(f"category.rules.{i}: systems are among {sorted(systems)}")
        if set(r.legal_forms) - forms:
            problems.append(f"category.rules.{i}: legal forms are among {sorted(forms)}")
    panel = rules.panel
    for dataset in sorted({*panel.years_from, *panel.observed_when}):
        spec = _dataset_spec(conventions, dataset) if conventions else None
        if conventions is not None and (spec is None or spec.period.kind != PeriodKind.yearly):
            problems.append(f"panel: {dataset} is not a yearly dataset of any convention")
    categories = {r.category for r in rules.category.rules} | {rules.category.otherwise}
    for category, form in rules.category.legal_form_of.items():
        if category not in categories or form not in forms:
            problems.append(f"category.legal_form_of.{category}: a declared category and form")
    if "default" not in panel.active:
        problems.append("panel.active: a 'default' list of signals is required")
    for key, signals in panel.active.items():
        if (key != "default" and key not in categories) or not signals:
            problems.append(f"panel.active.{key}: a declared category with signals")
    if panel.default_scheme not in load_size_schemes():
        problems.append(f"panel.default_scheme: unknown scheme {panel.default_scheme!r}")
    return problems


def parse_rules(data: object, conventions: ConventionSet | None = None) -> SurvivorshipRules:
    """Read and check the rules; every problem is reported in one message (the problems of
    shape first; when the shape is right, every problem of meaning)."""
    try:
        rules = SurvivorshipRules.model_validate(data)
    except ValidationError as exc:
        found = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise ConfigurationError("survivorship rules: " + "; ".join(found)) from None
    problems = _problems(rules, conventions)
    if problems:
        raise ConfigurationError("survivorship rules: " + "; ".join(problems))
    return rules


@cache
def load_rules() -> SurvivorshipRules:
    """The shipped rules, checked against the shipped conventions."""
    text = resources.files("marsad.register").joinpath("data", "survivorship.yaml")
    return parse_rules(yaml.safe_load(text.read_text("utf-8")), ConventionSet.load())


@cache
def _conventions(folder: Path | None) -> ConventionSet:
    return ConventionSet.load(folder)


def stage_table(
    con: Connection,
    settings: Settings,
    build_dir: Path,
    dataset: str,
    fields: list[str],
    *,
    prefix: str,
) -> str:
    """A temporary table of the staged rows of ``dataset``'s current deliveries that are in
    the build: enterprise_id, unit_id, dataset, delivery, row, period and ``fields`` (typed as
    the convention says). Returns its name."""
    partner, _, name = dataset.partition(".")
    table = f"{prefix}_{partner}_{name}"
    conventions = _conventions(settings.conventions_dir)
    types = {f: _field_type(conventions, dataset, f) for f in fields}
    if None in types.values():
        missing = [f for f, t in types.items() if t is None]
        raise ConfigurationError(f"{dataset}: fields {missing} are in no convention")
    files = [
        settings.home / r.path / "rows.parquet"
        for r in Ledger(settings.ledger_path).current(partner, name)
        if r.path and (settings.home / r.path / "rows.parquet").exists()
    ]
    base = "enterprise_id, unit_id, dataset, delivery, row, period"
    if files:
        cols = "".join(f", CAST(s.{q(f)} AS {types[f]}) AS {q(f)}" for f in fields)
        listed = ", ".join(lit(str(f)) for f in files)
        rows = lit(str(build_dir / "rows.parquet"))
        sql = (
            f"SELECT r.enterprise_id, r.unit_id, r.dataset, r.delivery, r.row, "
            f"CAST(r.period AS BIGINT) AS period{cols} "
            f"FROM read_parquet([{listed}], union_by_name = true) s "
            f"JOIN (SELECT {base} FROM read_parquet({rows}) WHERE dataset = {lit(dataset)}) r "
            f"ON r.delivery = s._delivery AND r.row = s._row"
        )
    else:
        cols = "".join(f", CAST(NULL AS {types[f]}) AS {q(f)}" for f in fields)
        sql = (
            "SELECT CAST(NULL AS VARCHAR) AS enterprise_id, CAST(NULL AS VARCHAR) AS unit_id, "
            "CAST(NULL AS VARCHAR) AS dataset, CAST(NULL AS VARCHAR) AS delivery, "
            f"CAST(NULL AS BIGINT) AS row, CAST(NULL AS BIGINT) AS period{cols} WHERE false"
        )
    con.execute(f"CREATE OR REPLACE TABLE {table} AS {sql}")
    return table


def _best_sql(attr: Attribute, columns: tuple[str, ...], staged: dict[str, str]) -> str:
    parts = []
    for priority, src in enumerate(attr.sources):
        field = f"s.{q(src.field)}"
        if attr.value == "row":
            values, join = f"{field} AS {q(columns[0])}", ""
            filled = f"{field} IS NOT NULL"
        else:
            values = ", ".join(f"u.{q(c)}" for c in columns)
            join = "LEFT JOIN sv_units u ON u.unit_id = s.unit_id"
            any_column = " OR ".join(f"u.{q(c)} IS NOT NULL" for c in columns)
            filled = f"{field} IS NOT NULL AND ({any_column})"
        parts.append(
            f"SELECT s.enterprise_id, {priority} AS priority, s.dataset, s.delivery, s.row, "
            f"s.period, {values} FROM {staged[src.dataset]} s {join} "
            f"WHERE {'true' if attr.keep_empty else filled}"
        )
    return (
        "SELECT * EXCLUDE (priority, period) FROM (" + " UNION ALL ".join(parts) + ") "
        "QUALIFY row_number() OVER (PARTITION BY enterprise_id "
        "ORDER BY priority, period DESC, row DESC, delivery DESC) = 1"
    )


def _category_sql(rules: SurvivorshipRules) -> str:
    def listed(values: tuple[str, ...]) -> str:
        return "[" + ", ".join(lit(v) for v in values) + "]"

    whens = []
    for r in rules.category.rules:
        conds = []
        if r.systems_any:
            conds.append(f"list_has_any(systems, {listed(r.systems_any)})")
        if r.systems_only:
            conds.append(f"list_has_all({listed(r.systems_only)}, systems)")
        if r.legal_forms:
            conds.append(f"list_contains({listed(r.legal_forms)}, legal_form)")
        if r.person_name is not None:
            conds.append("person_name" if r.person_name else "NOT person_name")
        whens.append(f"WHEN {' AND '.join(conds)} THEN {lit(r.category)}")
    return f"CASE {' '.join(whens)} ELSE {lit(rules.category.otherwise)} END"


def write_enterprises(
    con: Connection,
    settings: Settings,
    build_dir: Path,
    rules: SurvivorshipRules | None = None,
) -> int:
    """Write ``enterprises.parquet`` into the build folder; returns the number of enterprises
    (every enterprise of ``units.parquet``, category ``otherwise`` when no rule matches)."""
    rules = rules or load_rules()
    unit_attrs = [n for n, a in rules.attributes.items() if a.value == "unit"]
    wanted = sorted({c for n in unit_attrs for c in rules.columns(n)})
    units = lit(str(build_dir / "units.parquet"))
    cols = "".join(f", {q(c)}" for c in wanted)
    con.execute(
        f"CREATE OR REPLACE TABLE sv_units AS "
        f"SELECT unit_id, system, enterprise_id, person_name{cols} FROM read_parquet({units})"
    )
    fields: dict[str, list[str]] = {}
    for a in rules.attributes.values():
        for s in a.sources:
            if s.field not in fields.setdefault(s.dataset, []):
                fields[s.dataset].append(s.field)
    staged = {
        ds: stage_table(con, settings, build_dir, ds, f, prefix="sv_staged")
        for ds, f in fields.items()
    }
    joins, values, origins = [], [], []
    for i, (name, a) in enumerate(rules.attributes.items()):
        best = _best_sql(a, rules.columns(name), staged)
        con.execute(f"CREATE OR REPLACE TABLE sv_best_{i} AS {best}")
        joins.append(f"LEFT JOIN sv_best_{i} a{i} ON a{i}.enterprise_id = e.enterprise_id")
        for c in rules.columns(name):
            values.append(f"a{i}.{q(c)}")
            origins.append(
                f"a{i}.dataset AS {q(c + '_source')}, a{i}.delivery AS {q(c + '_delivery')}, "
                f"a{i}.row AS {q(c + '_row')}"
            )
    out = lit(str(build_dir / "enterprises.parquet"))
    category = _category_sql(rules)
    own_form = " ".join(
        f"WHEN {lit(c)} THEN {lit(f)}" for c, f in rules.category.legal_form_of.items()
    )
    legal_form = f"CASE {category} {own_form} ELSE legal_form END" if own_form else "legal_form"
    con.execute(
        f"""COPY (
            SELECT enterprise_id, {category} AS category, {legal_form} AS legal_form,
                   * EXCLUDE (enterprise_id, systems, person_name, legal_form)
            FROM (
                SELECT e.enterprise_id, e.systems, e.person_name,
                       {", ".join(values)}, {", ".join(origins)}
                FROM (SELECT enterprise_id, list_sort(list_distinct(list(system))) AS systems,
                             coalesce(bool_or(person_name), false) AS person_name
                      FROM sv_units GROUP BY enterprise_id) e
                {" ".join(joins)}
            ) ORDER BY enterprise_id
        ) TO {out} (FORMAT parquet)"""
    )
    for i in range(len(rules.attributes)):
        con.execute(f"DROP TABLE IF EXISTS sv_best_{i}")
    for table in [*staged.values(), "sv_units"]:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    found = con.execute(f"SELECT count(*) FROM read_parquet({out})").fetchone()
    return int(found[0]) if found else 0
