"""The yearly panel: one line per enterprise and year, with activity, measures and size.

Years: every year for which one of the yearly datasets named in ``survivorship.yaml``
(``panel.years_from``) has a current delivery; every enterprise has a line for every year
(inactive ones included), so that inactivity is visible. A year is ``observed`` when every
dataset of ``panel.observed_when`` has a current delivery for it (only then can inactivity
be a fact rather than a missing delivery).

Measures, per enterprise and year (the year is the delivery period, which ingestion checks
equals the row's fiscal_year / year):

- ``has_tax_declaration``: a DGI tax declaration row; ``has_employees``: >= 1 CNSS
  employee; ``has_balance_sheet``: an OMPIC balance sheet for the fiscal year;
  ``registered``: registered on or before 31 December and not deregistered before
  1 January (creation/dissolution dates of ``enterprises.parquet``);
  ``registered_at_year_end``: registered on 31 December (a stock at the year's end, as
  the published counts of auto-entrepreneurs are);
  ``has_ae_turnover``: the year's declared auto-entrepreneur turnover is above zero.
- ``active``: one of the signals of the enterprise's category (``panel.active``); by
  default the observatory rule for legal persons (tax declaration OR employee OR balance
  sheet), for AE: registered OR declared turnover.
- ``turnover_mad``: the DGI turnover, else the auto-entrepreneur turnover (sum of the
  year's quarters; a quarter declared twice counts once, at its larger value);
  ``employees`` and ``payroll_mad`` from one CNSS row; ``total_assets_mad``;
  ``credit_outstanding_mad``. When an enterprise has two units of one source (two IF or
  CNSS numbers), the larger value is kept, never the sum of duplicates.
  The provenance of turnover and employees (``*_source``, ``*_delivery``, ``*_row``) names
  the row chosen (for an AE sum, the row of the year's last quarter).
- ``credit_outstanding_mad`` is confidential (Bank Al-Maghrib): kept in the panel for
  aggregated statistics only, never to be shown at enterprise level; the file carries the
  Parquet key-value metadata ``aggregate_only = credit_outstanding_mad``.
- ``size_<scheme>`` for every scheme of ``size_schemes.csv``: turnover schemes classify
  ``turnover_mad``, employee schemes ``employees``. Documented choice (the published bounds
  do not say whether they are strict): the lower bound is inclusive and the upper bound
  exclusive, the upper bound of a class being the next class's lower bound, so that exactly
  3,000,000 MAD is TPE under omtpme_2021, 10 employees SMALL and 9 MICRO under
  eurostat_employees (whose published maxima 9, 49, 249 are whole numbers). The top class
  is open. A missing measure gives no class.
- ``section``, ``division``, ``region_code``, ``legal_form``, ``gender`` and ``category``
  are the time-invariant values of ``enterprises.parquet``.
"""

from __future__ import annotations

from pathlib import Path

from marsad.engines.base import Connection
from marsad.errors import ConfigurationError
from marsad.ingest import Ledger
from marsad.ingest.rules import lit, q
from marsad.reference import SizeClass, load_size_schemes
from marsad.register.events import write_events
from marsad.register.successions import write_successions
from marsad.register.survivorship import (
    SurvivorshipRules,
    load_rules,
    stage_table,
    write_enterprises,
)
from marsad.settings import Settings

MEASURES = {
    "dgi.tax_declarations": ["turnover_mad"],
    "cnss.employment": ["employees", "payroll_mad"],
    "ompic.balance_sheets": ["total_assets_mad"],
    "rnae.turnover": ["quarter", "turnover_mad"],
    "bam.credit": ["credit_outstanding_mad"],
}


def panel_years(settings: Settings, rules: SurvivorshipRules) -> list[tuple[int, bool]]:
    """(year, observed) for every year a ``panel.years_from`` dataset was delivered for."""
    delivered: dict[str, set[int]] = {}
    for r in Ledger(settings.ledger_path).current():
        delivered.setdefault(f"{r.partner}.{r.dataset}", set()).add(int(r.period))
    years = sorted({y for d in rules.panel.years_from for y in delivered.get(d, set())})
    return [
        (y, all(y in delivered.get(d, set()) for d in rules.panel.observed_when)) for y in years
    ]


def size_class_sql(classes: tuple[SizeClass, ...], turnover: str, employees: str) -> str:
    """SQL giving the class of a scheme: lower bound inclusive, upper bound (the next class's
    lower bound) exclusive, top class open; NULL when the measure is missing."""
    if all(c.turnover_min_mad is not None for c in classes):
        measure, bounds = turnover, [(float(c.turnover_min_mad or 0), c.code) for c in classes]
    elif all(c.employees_min is not None for c in classes):
        measure, bounds = employees, [(float(c.employees_min or 0), c.code) for c in classes]
    else:
        scheme = classes[0].scheme if classes else "?"
        raise ConfigurationError(
            f"size scheme {scheme}: every class needs a turnover or an employees lower bound"
        )
    whens = " ".join(
        f"WHEN {measure} >= {lower!r} THEN {lit(code)}" for lower, code in sorted(bounds)[::-1]
    )
    return f"CASE {whens} END"


def _active_sql(rules: SurvivorshipRules) -> str:
    def any_of(signals: tuple[str, ...]) -> str:
        return "(" + " OR ".join(q(s) for s in signals) + ")"

    whens = " ".join(
        f"WHEN category = {lit(cat)} THEN {any_of(signals)}"
        for cat, signals in rules.panel.active.items()
        if cat != "default"
    )
    return f"CASE {whens} ELSE {any_of(rules.panel.active['default'])} END"


def write_panel(
    con: Connection,
    settings: Settings,
    build_dir: Path,
    rules: SurvivorshipRules | None = None,
) -> int:
    """Write ``panel.parquet`` into the build folder (after ``enterprises.parquet``);
    returns its number of lines."""
    rules = rules or load_rules()
    con.execute("CREATE OR REPLACE TABLE pn_years (year BIGINT, observed BOOLEAN)")
    years = panel_years(settings, rules)
    if years:
        con.executemany("INSERT INTO pn_years VALUES (?, ?)", years)
    t = {
        ds: stage_table(con, settings, build_dir, ds, fields, prefix="pn_staged")
        for ds, fields in MEASURES.items()
    }
    sizes = ", ".join(
        f"{size_class_sql(classes, 'turnover_mad', 'employees')} AS {q('size_' + name)}"
        for name, classes in load_size_schemes().items()
    )
    enterprises = lit(str(build_dir / "enterprises.parquet"))
    out = lit(str(build_dir / "panel.parquet"))
    by_turnover = "turnover_mad DESC NULLS LAST, row DESC, delivery"
    by_employees = "employees DESC NULLS LAST, payroll_mad DESC NULLS LAST, row DESC, delivery"
    best = "QUALIFY row_number() OVER (PARTITION BY enterprise_id, {by} ORDER BY {order}) = 1"
    # Each measure is reduced to one line per enterprise and year first, in its own table,
    # so that the final join never holds more than one wide table at a time.
    measures = {
        "pn_tax": f"""SELECT enterprise_id, period AS year, turnover_mad, dataset, delivery, row
            FROM {t["dgi.tax_declarations"]} {best.format(by="period", order=by_turnover)}""",
        "pn_emp": f"""SELECT enterprise_id, period AS year, employees, payroll_mad, dataset,
                   delivery, row
            FROM {t["cnss.employment"]} {best.format(by="period", order=by_employees)}""",
        "pn_bs": f"""SELECT enterprise_id, period AS year, max(total_assets_mad) AS total_assets_mad
            FROM {t["ompic.balance_sheets"]} GROUP BY enterprise_id, period""",
        "pn_quarters": f"""SELECT * FROM {t["rnae.turnover"]}
            {best.format(by="unit_id, period, quarter", order=by_turnover)}""",
        "pn_ae_units": """SELECT enterprise_id, unit_id, period AS year,
                   CAST(sum(turnover_mad) AS DECIMAL(18, 2)) AS turnover_mad,
                   arg_max(dataset, [quarter, row]) AS dataset,
                   arg_max(delivery, [quarter, row]) AS delivery,
                   arg_max(row, [quarter, row]) AS row
            FROM pn_quarters GROUP BY enterprise_id, unit_id, period""",
        "pn_ae": f"""SELECT * FROM pn_ae_units {best.format(by="year", order=by_turnover)}""",
        "pn_credit": f"""SELECT enterprise_id, period AS year,
                   max(credit_outstanding_mad) AS credit_outstanding_mad
            FROM {t["bam.credit"]} GROUP BY enterprise_id, period""",
    }
    for table, sql in measures.items():
        con.execute(f"CREATE OR REPLACE TABLE {table} AS {sql}")
    con.execute(
        f"""COPY (
        WITH tax AS (SELECT * FROM pn_tax), emp AS (SELECT * FROM pn_emp),
             bs AS (SELECT * FROM pn_bs), ae AS (SELECT * FROM pn_ae),
             credit AS (SELECT * FROM pn_credit        ), base AS (
            SELECT e.enterprise_id, y.year, y.observed, e.category,
                tax.enterprise_id IS NOT NULL AS has_tax_declaration,
                coalesce(emp.employees >= 1, false) AS has_employees,
                bs.enterprise_id IS NOT NULL AS has_balance_sheet,
                coalesce(e.creation_date <= make_date(y.year, 12, 31)
                         AND coalesce(e.dissolution_date >= make_date(y.year, 1, 1), true),
                         false) AS registered,
                coalesce(e.creation_date <= make_date(y.year, 12, 31)
                         AND coalesce(e.dissolution_date > make_date(y.year, 12, 31), true),
                         false) AS registered_at_year_end,
                coalesce(ae.turnover_mad > 0, false) AS has_ae_turnover,
                tax.turnover_mad IS NOT NULL AS dgi_turnover,
                CASE WHEN dgi_turnover THEN tax.turnover_mad ELSE ae.turnover_mad END
                    AS turnover_mad,
                emp.employees, emp.payroll_mad, bs.total_assets_mad,
                credit.credit_outstanding_mad,
                e.section, e.division, e.region_code, e.legal_form, e.gender,
                CASE WHEN dgi_turnover THEN tax.dataset ELSE ae.dataset END AS turnover_source,
                CASE WHEN dgi_turnover THEN tax.delivery ELSE ae.delivery END
                    AS turnover_delivery,
                CASE WHEN dgi_turnover THEN tax.row ELSE ae.row END AS turnover_row,
                emp.dataset AS employees_source, emp.delivery AS employees_delivery,
                emp.row AS employees_row
            FROM read_parquet({enterprises}) e CROSS JOIN pn_years y
            LEFT JOIN tax ON tax.enterprise_id = e.enterprise_id AND tax.year = y.year
            LEFT JOIN emp ON emp.enterprise_id = e.enterprise_id AND emp.year = y.year
            LEFT JOIN bs ON bs.enterprise_id = e.enterprise_id AND bs.year = y.year
            LEFT JOIN ae ON ae.enterprise_id = e.enterprise_id AND ae.year = y.year
            LEFT JOIN credit ON credit.enterprise_id = e.enterprise_id AND credit.year = y.year
        )
        SELECT enterprise_id, year, observed, category, has_tax_declaration, has_employees,
               has_balance_sheet, registered, registered_at_year_end, has_ae_turnover,
               {_active_sql(rules)} AS active,
               turnover_mad, employees, payroll_mad, total_assets_mad, credit_outstanding_mad,
               {sizes}, section, division, region_code, legal_form, gender,
               turnover_source, turnover_delivery, turnover_row,
               employees_source, employees_delivery, employees_row
        FROM base
        ) TO {out} (FORMAT parquet, KV_METADATA {{aggregate_only: 'credit_outstanding_mad'}})"""
    )
    for table in [*t.values(), *measures, "pn_years"]:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    found = con.execute(f"SELECT count(*) FROM read_parquet({out})").fetchone()
    return int(found[0]) if found else 0


def write_panel_and_events(con: Connection, settings: Settings, build_dir: Path) -> dict[str, int]:
    """Write ``enterprises.parquet``, ``panel.parquet``, ``successions.parquet`` and
    ``events.parquet`` into the build folder; returns the counts: enterprises, panel_rows,
    successions (and the ties left unlinked) and ``events_<kind>`` for every kind."""
    rules = load_rules()
    counts = {
        "enterprises": write_enterprises(con, settings, build_dir, rules),
        "panel_rows": write_panel(con, settings, build_dir, rules),
    }
    counts.update(write_successions(build_dir))
    events = write_events(con, settings, build_dir, rules)
    counts.update({f"events_{kind}": n for kind, n in events.items()})
    return counts
