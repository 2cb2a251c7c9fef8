"""Life events of enterprises, from the panel and the enterprises of a build.

``events.parquet``: enterprise_id, year, event, detail; one line per event, computed in SQL.

- ``birth``: the creation (registration) year when it lies within the panel's years
  (detail ``creation_date``); otherwise the first active year, when it is after the first
  panel year (detail ``first_activity``). At most one per enterprise.
- ``death``: the dissolution (deregistration) year when it lies within the panel's years
  (detail ``dissolution_date``). Otherwise, after activity, an inactive spell that holds
  two consecutive inactive years that are both observed gives a death in the first
  observed inactive year of the spell (detail ``inactivity``); an enterprise may then die
  again after a reactivation.
- ``reactivation``: active again after an inactive spell that followed activity and holds
  at least one observed year, unless that year is the birth (detail empty).
- ``size_class_change``: the class under the default scheme (``panel.default_scheme``)
  differs from the one of the previous active year with a known class (detail
  ``FROM->TO``, e.g. ``MICRO->TPE``).
- ``formalisation``: an auto-entrepreneur whose activity a company carries on (a link of
  ``successions.parquet``, ``marsad.register.successions``), on the auto-entrepreneur, in
  the company's creation year (detail: the company's enterprise id).
"""

from __future__ import annotations

from pathlib import Path

from marsad.engines.base import Connection
from marsad.ingest.rules import lit, q
from marsad.register.survivorship import SurvivorshipRules, load_rules
from marsad.settings import Settings

KINDS = ("birth", "death", "reactivation", "size_class_change", "formalisation")


def events_sql(
    panel: Path, enterprises: Path, size_column: str, successions: Path | None = None
) -> str:
    """The query of the events (one line per event, ordered)."""
    formalisations = (
        f"""UNION ALL
        SELECT predecessor_id, year(creation_date), 'formalisation', successor_id
        FROM read_parquet({lit(str(successions))})"""
        if successions is not None
        else ""
    )
    order = " ".join(f"WHEN {lit(k)} THEN {i}" for i, k in enumerate(KINDS))
    return f"""
    WITH p AS (
        SELECT enterprise_id, year, active, observed, {q(size_column)} AS size_class,
               sum(CAST(active AS INTEGER)) OVER (PARTITION BY enterprise_id ORDER BY year
                   ROWS UNBOUNDED PRECEDING) AS spell,
               lag(active) OVER w AS prev_active, lead(active) OVER w AS next_active,
               lead(year) OVER w AS next_year, lead(observed) OVER w AS next_observed
        FROM read_parquet({lit(str(panel))})
        WINDOW w AS (PARTITION BY enterprise_id ORDER BY year)
    ), span AS (
        SELECT min(year) AS first_year, max(year) AS last_year FROM p
    ), e AS (
        SELECT enterprise_id, year(creation_date) AS created,
               year(dissolution_date) AS dissolved,
               coalesce(year(dissolution_date) BETWEEN s.first_year AND s.last_year, false)
                   AS dissolved_inside
        FROM read_parquet({lit(str(enterprises))}) CROSS JOIN span s
    ), births AS (
        SELECT e.enterprise_id,
               CASE WHEN e.created BETWEEN s.first_year AND s.last_year THEN e.created
                    WHEN f.first_active > s.first_year THEN f.first_active END AS year,
               CASE WHEN e.created BETWEEN s.first_year AND s.last_year THEN 'creation_date'
                    ELSE 'first_activity' END AS detail
        FROM e CROSS JOIN span s
        JOIN (SELECT enterprise_id, min(year) FILTER (WHERE active) AS first_active
              FROM p GROUP BY enterprise_id) f ON f.enterprise_id = e.enterprise_id
    ), spells AS (
        SELECT enterprise_id, spell, min(year) FILTER (WHERE observed) AS first_observed,
               coalesce(bool_or(observed AND next_observed AND next_year = year + 1
                                AND NOT next_active), false) AS two_years
        FROM p WHERE NOT active AND spell > 0 GROUP BY enterprise_id, spell
    ), deaths AS (
        SELECT enterprise_id, dissolved AS year, 'dissolution_date' AS detail
        FROM e WHERE dissolved_inside
        UNION ALL
        SELECT sp.enterprise_id, sp.first_observed, 'inactivity'
        FROM spells sp JOIN e ON e.enterprise_id = sp.enterprise_id
        WHERE sp.two_years AND NOT e.dissolved_inside
    ), reactivations AS (
        SELECT p.enterprise_id, p.year, CAST(NULL AS VARCHAR) AS detail
        FROM p JOIN spells sp ON sp.enterprise_id = p.enterprise_id AND sp.spell = p.spell - 1
        LEFT JOIN births b ON b.enterprise_id = p.enterprise_id AND b.year = p.year
        WHERE p.active AND NOT p.prev_active AND sp.first_observed IS NOT NULL
          AND b.enterprise_id IS NULL
    ), sizes AS (
        SELECT enterprise_id, year, size_class,
               lag(size_class) OVER (PARTITION BY enterprise_id ORDER BY year) AS previous
        FROM p WHERE active AND size_class IS NOT NULL
    ), all_events AS (
        SELECT enterprise_id, year, 'birth' AS event, detail FROM births WHERE year IS NOT NULL
        UNION ALL SELECT enterprise_id, year, 'death', detail FROM deaths
        UNION ALL SELECT enterprise_id, year, 'reactivation', detail FROM reactivations
        UNION ALL
        SELECT enterprise_id, year, 'size_class_change', previous || '->' || size_class
        FROM sizes WHERE previous <> size_class
        {formalisations}
    )
    SELECT enterprise_id, CAST(year AS BIGINT) AS year, event, detail FROM all_events
    ORDER BY enterprise_id, year, CASE event {order} END
    """


def write_events(
    con: Connection,
    settings: Settings,
    build_dir: Path,
    rules: SurvivorshipRules | None = None,
) -> dict[str, int]:
    """Write ``events.parquet`` into the build folder (after ``panel.parquet``); returns
    the number of events of every kind. ``settings`` is taken for a uniform signature."""
    del settings
    rules = rules or load_rules()
    out = build_dir / "events.parquet"
    sql = events_sql(
        build_dir / "panel.parquet",
        build_dir / "enterprises.parquet",
        "size_" + rules.panel.default_scheme,
        successions if (successions := build_dir / "successions.parquet").is_file() else None,
    )
    con.execute(f"COPY ({sql}) TO {lit(str(out))} (FORMAT parquet)")
    counts = dict.fromkeys(KINDS, 0)
    rows = con.execute(
        f"SELECT event, count(*) FROM read_parquet({lit(str(out))}) GROUP BY event"
    ).fetchall()
    counts.update({str(kind): int(n) for kind, n in rows})
    return counts
