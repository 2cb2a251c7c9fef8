"""The base views the indicators are computed on, from a register build.

``panel`` (``b``): one line per enterprise and year of the build's panel, with the codes
of every dimension (``_U`` when unknown) and the flags of the indicators: ``birth`` and
``death`` (events of the year), ``age`` (years since creation), ``high_growth`` (at least
10 employees three years before and employees grown by at least 10 % a year on average
over three years: ``employees >= 1.331 * employees three years before``, the Eurostat-OECD
definition), ``previous_size`` (the size class of the previous year when the enterprise was
active then). ``cohorts``: the panel lines of enterprises born ``horizon`` years before the
year, for horizons 1 to 5.
"""

from __future__ import annotations

from pathlib import Path

from marsad.stats.engine import SqlEngine

DEFAULT_SCHEME = "omtpme_2021"
EMPLOYEE_SCHEME = "eurostat_employees"


def _path(p: Path) -> str:
    return "'" + p.as_posix().replace("'", "''") + "'"


def _years_in(column: str, years: list[int] | None, shift: int = 0) -> str:
    """A condition keeping the rows of ``years`` (moved back by ``shift``), or every row."""
    if years is None:
        return "true"
    return f"{column} IN ({', '.join(str(y - shift) for y in years) or 'NULL'})"


def create_base_views(engine: SqlEngine, build_dir: Path, years: list[int] | None = None) -> None:
    """The base views; with ``years``, the panel lines of those years only (a release's),
    which is all its tables read (the earlier years' values come in by the joins)."""
    panel = _path(build_dir / "panel.parquet")
    events = _path(build_dir / "events.parquet")
    enterprises = _path(build_dir / "enterprises.parquet")
    engine.run(
        f"""
        CREATE OR REPLACE TABLE base_panel AS
        WITH ev AS (
            SELECT enterprise_id, year,
                   bool_or(event = 'birth') AS birth, bool_or(event = 'death') AS death
            FROM read_parquet({events}) WHERE {_years_in("year", years)}
            GROUP BY enterprise_id, year
        ), born AS (
            SELECT enterprise_id, min(year) AS birth_year
            FROM read_parquet({events}) WHERE event = 'birth' GROUP BY enterprise_id
        ), p AS (
            -- the values of 3 years and of 1 year before, by joins (they spill to disk when
            -- memory is short, where a window over every enterprise would not)
            SELECT p.enterprise_id, p.year, p.active, p.observed, p.employees, p.turnover_mad,
                   p.credit_outstanding_mad, p.region_code, p.section, p.division,
                   p.size_{DEFAULT_SCHEME}, p.size_{EMPLOYEE_SCHEME}, p.category, p.legal_form,
                   p.gender,
                   b3.employees AS employees_3,
                   b3.year AS year_3,
                   b1.size_{DEFAULT_SCHEME} AS size_1,
                   b1.active AS active_1
            FROM read_parquet({panel}) p
            LEFT JOIN (SELECT enterprise_id, year, employees FROM read_parquet({panel})
                       WHERE {_years_in("year", years, 3)}) b3
                   ON b3.enterprise_id = p.enterprise_id AND b3.year = p.year - 3
            LEFT JOIN (SELECT enterprise_id, year, active, size_{DEFAULT_SCHEME}
                       FROM read_parquet({panel}) WHERE {_years_in("year", years, 1)}) b1
                   ON b1.enterprise_id = p.enterprise_id AND b1.year = p.year - 1
            WHERE {_years_in("p.year", years)}
        )
        SELECT p.enterprise_id, p.year, p.active, p.observed,
               CAST(p.employees AS DOUBLE) AS employees,
               CAST(p.turnover_mad AS DOUBLE) AS turnover_mad,
               CAST(p.credit_outstanding_mad AS DOUBLE) AS credit_outstanding_mad,
               coalesce(CAST(p.region_code AS VARCHAR), '_U') AS region,
               coalesce(CAST(p.section AS VARCHAR), '_U') AS activity_section,
               coalesce(CAST(p.section AS VARCHAR), '_U')
                   || coalesce(CAST(p.division AS VARCHAR), '_U') AS activity,
               coalesce(CAST(p.size_{DEFAULT_SCHEME} AS VARCHAR), '_U') AS size_class,
               coalesce(CAST(p.size_{EMPLOYEE_SCHEME} AS VARCHAR), '_U') AS size_employees,
               coalesce(CAST(p.category AS VARCHAR), '_U') AS category,
               coalesce(CAST(p.legal_form AS VARCHAR), '_U') AS legal_form,
               coalesce(CAST(p.gender AS VARCHAR), '_U') AS gender,
               coalesce(ev.birth, false) AS birth,
               coalesce(ev.death, false) AS death,
               p.year - year(e.creation_date) AS age,
               born.birth_year,
               coalesce(p.year_3 = p.year - 3 AND p.employees_3 >= 10
                        AND p.employees >= 1.331 * p.employees_3, false) AS high_growth,
               CASE WHEN p.active_1 THEN coalesce(CAST(p.size_1 AS VARCHAR), '_U') END
                   AS previous_size
        FROM p
        LEFT JOIN ev ON ev.enterprise_id = p.enterprise_id AND ev.year = p.year
        LEFT JOIN born ON born.enterprise_id = p.enterprise_id
        LEFT JOIN read_parquet({enterprises}) e ON e.enterprise_id = p.enterprise_id
        """
    )
    engine.run(
        """
        CREATE OR REPLACE VIEW base_cohorts AS
        SELECT b.*, h.horizon
        FROM base_panel b
        JOIN (SELECT CAST(h AS BIGINT) AS horizon
              FROM (VALUES (1), (2), (3), (4), (5)) AS v(h)) h
          ON b.birth_year = b.year - h.horizon
        """
    )


def panel_years(engine: SqlEngine, build_dir: Path) -> tuple[list[int], set[int]]:
    """``data_years`` read from the build's panel itself, before any base view exists."""
    return _years(engine, f"read_parquet({_path(build_dir / 'panel.parquet')})")


def data_years(engine: SqlEngine) -> tuple[list[int], set[int]]:
    """The years with data, and those of them not yet observed (provisional).

    A year is observed when every dataset the panel needs has a current delivery for it;
    a later year with some deliveries only is published with OBS_STATUS ``P``.
    """
    return _years(engine, "base_panel")


def _years(engine: SqlEngine, source: str) -> tuple[list[int], set[int]]:
    frame = engine.frame(
        f"SELECT year, bool_or(observed) AS observed FROM {source} "
        "GROUP BY year HAVING bool_or(active) ORDER BY year"
    )
    years = [int(y) for y in frame["year"]]
    provisional = {int(y) for y, o in zip(frame["year"], frame["observed"], strict=True) if not o}
    return years, provisional
