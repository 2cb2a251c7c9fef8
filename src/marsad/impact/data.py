"""What impact measurement reads from the current register build (protected side only).

- the approvals of Maroc PME's past beneficiaries (``marocpme.beneficiaries`` rows, with the
  enterprise the register gave them);
- the yearly panel as matrices (enterprise x year): declared turnover (NaN when missing or
  not positive), employees, activity and size class;
- the time-invariant attributes of each enterprise: category, section, region, manager's
  gender, creation year, whether an ICE is known;
- for an auto-entrepreneur, the creation year of the company that carries on its activity
  (``successions.parquet`` of the build, ``marsad.register.successions``);
- from the operational database (``marsad.impact.operational``): the persons the
  auto-entrepreneur desk helped to register, and each enterprise's matchmaking proposals
  and agreements.

Nothing here leaves the protected side: the objects hold enterprise-level values and are
only used to compute estimates and aggregated tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from marsad.errors import NotFound
from marsad.impact.operational import OperationalFacts, load_operational_facts
from marsad.ingest.rules import lit
from marsad.register.build import connect, current_build
from marsad.register.survivorship import load_rules, stage_table
from marsad.settings import Settings

BENEFICIARIES = "marocpme.beneficiaries"


@dataclass
class ImpactData:
    years: np.ndarray  # int, the panel's years
    ids: np.ndarray  # enterprise ids (str), one per row of the matrices
    turnover: np.ndarray  # float (n, years): declared turnover, NaN when missing or <= 0
    employees: np.ndarray  # float (n, years): CNSS employees, NaN when none declared
    active: np.ndarray  # bool (n, years)
    size: np.ndarray  # object (n, years): size class under the default scheme, or None
    category: np.ndarray  # object (n,)
    section: np.ndarray
    region: np.ndarray
    gender: np.ndarray
    creation_year: np.ndarray  # float (n,), NaN when unknown
    has_ice: np.ndarray  # bool (n,)
    approvals: pd.DataFrame  # row, programme_code, approval_year, amount_granted_mad
    # float (n,): creation year of the company an auto-entrepreneur became (NaN: none);
    # None when the build has no succession table
    successor_year: np.ndarray | None = None
    desk: pd.DataFrame | None = None  # row, approval_year: persons the desk registered
    # row, validated, agreements, first_agreement_year; None without operational database
    market: pd.DataFrame | None = None

    @property
    def size_n(self) -> int:
        return int(self.ids.size)

    def year_index(self, year: int) -> int:
        found = np.flatnonzero(self.years == year)
        return int(found[0]) if found.size else -1

    def log_turnover(self) -> np.ndarray:
        """The log of declared turnover (computed once, read-only)."""
        cached = self.__dict__.get("_log_turnover")
        if cached is None:
            cached = np.log(self.turnover)
            cached.flags.writeable = False
            self.__dict__["_log_turnover"] = cached
        return cached

    def supported_rows(self) -> np.ndarray:
        """Rows of every enterprise that any programme supported (never a comparison)."""
        mask = np.zeros(self.size_n, dtype=bool)
        mask[self.approvals["row"].to_numpy(dtype=np.int64)] = True
        return mask

    def programmes(self) -> list[str]:
        return sorted(self.approvals["programme_code"].unique().tolist())


def _filled(values: np.ndarray, fill: object) -> np.ndarray:
    """A fetched column with its missing values replaced by ``fill``."""
    if isinstance(values, np.ma.MaskedArray):
        out = np.asarray(values.data, dtype=object)
        out[np.ma.getmaskarray(values)] = fill
        return out
    return np.asarray(values)


def _build(settings: Settings) -> Path:
    build = current_build(settings)
    if build is None:
        raise NotFound("aucun registre n'a encore été construit : lancez `marsad register build`")
    return build


def _approvals(con: duckdb.DuckDBPyConnection, settings: Settings, build: Path) -> None:
    """Table ``im_approvals``: one line per enterprise and programme, its first approval."""
    staged = stage_table(
        con,
        settings,
        build,
        BENEFICIARIES,
        ["programme_code", "approval_date", "amount_granted_mad"],
        prefix="im_staged",
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE im_approvals AS
            SELECT enterprise_id, upper(trim(programme_code)) AS programme_code,
                   CAST(min(year(approval_date)) AS BIGINT) AS approval_year,
                   CAST(sum(amount_granted_mad) AS DOUBLE) AS amount_granted_mad
            FROM {staged}
            WHERE enterprise_id IS NOT NULL AND approval_date IS NOT NULL
            GROUP BY ALL"""
    )


def load_impact_data(settings: Settings, facts: OperationalFacts | None = None) -> ImpactData:
    """Read the current build into matrices (every enterprise with a declared turnover in
    at least two years, and every supported enterprise, the desk's included); ``facts``
    default to those of the operational database of ``settings``."""
    build = _build(settings)
    facts = facts if facts is not None else load_operational_facts(settings, build)
    size_column = "size_" + load_rules().panel.default_scheme
    panel = lit(str(build / "panel.parquet"))
    enterprises = lit(str(build / "enterprises.parquet"))
    con = connect(settings)
    try:
        _approvals(con, settings, build)
        con.register("im_desk_frame", facts.desk[["enterprise_id"]].astype(str))
        con.execute(
            f"""CREATE OR REPLACE TABLE im_ids AS
                SELECT enterprise_id, row_number() OVER (ORDER BY enterprise_id) - 1 AS row
                FROM (SELECT enterprise_id FROM read_parquet({panel})
                      GROUP BY enterprise_id HAVING count(*) FILTER (turnover_mad > 0) >= 2
                      UNION SELECT enterprise_id FROM im_approvals
                      UNION SELECT d.enterprise_id FROM im_desk_frame d
                      JOIN read_parquet({enterprises}) e USING (enterprise_id))"""
        )
        years_row = con.execute(
            f"SELECT list(DISTINCT year ORDER BY year) FROM read_parquet({panel})"
        ).fetchone()
        years = np.asarray(years_row[0] if years_row and years_row[0] else [], dtype=np.int64)
        attrs = con.execute(
            f"""SELECT i.row, i.enterprise_id, e.category, e.section, e.region_code, e.gender,
                       year(e.creation_date) AS creation_year, e.ice IS NOT NULL AS has_ice
                FROM im_ids i LEFT JOIN read_parquet({enterprises}) e USING (enterprise_id)
                ORDER BY i.row"""
        ).df()
        cells = con.execute(
            f"""SELECT i.row, p.year, CAST(p.turnover_mad AS DOUBLE) AS turnover,
                       CAST(p.employees AS DOUBLE) AS employees, p.active,
                       p.{size_column} AS size
                FROM read_parquet({panel}) p JOIN im_ids i USING (enterprise_id)"""
        ).fetchnumpy()
        approvals = con.execute(
            """SELECT i.row, a.programme_code, a.approval_year, a.amount_granted_mad
               FROM im_approvals a JOIN im_ids i USING (enterprise_id)
               ORDER BY a.programme_code, a.approval_year, i.row"""
        ).df()
        successor_year = _successor_years(con, build, len(attrs))
    finally:
        con.close()
    n, k = len(attrs), years.size
    row = np.asarray(cells["row"], dtype=np.int64)
    col = np.searchsorted(years, np.asarray(cells["year"], dtype=np.int64))
    turnover = np.full((n, k), np.nan)
    employees = np.full((n, k), np.nan)
    active = np.zeros((n, k), dtype=bool)
    size = np.full((n, k), None, dtype=object)
    value = _filled(cells["turnover"], np.nan).astype(np.float64)
    turnover[row, col] = np.where(value > 0, value, np.nan)
    employees[row, col] = _filled(cells["employees"], np.nan).astype(np.float64)
    active[row, col] = _filled(cells["active"], False).astype(bool)
    size[row, col] = _filled(cells["size"], None)
    creation = pd.to_numeric(attrs["creation_year"], errors="coerce").to_numpy(dtype=np.float64)
    return ImpactData(
        years=years,
        ids=attrs["enterprise_id"].to_numpy(dtype=object),
        turnover=turnover,
        employees=employees,
        active=active,
        size=size,
        category=attrs["category"].fillna("unknown").to_numpy(dtype=object),
        section=attrs["section"].fillna("?").to_numpy(dtype=object),
        region=attrs["region_code"].fillna("?").to_numpy(dtype=object),
        gender=attrs["gender"].fillna("?").to_numpy(dtype=object),
        creation_year=creation,
        has_ice=attrs["has_ice"].fillna(False).to_numpy(dtype=bool),
        approvals=approvals,
        successor_year=successor_year,
        desk=_rows_of(facts.desk, attrs),
        market=_rows_of(facts.market, attrs) if facts.available else None,
    )


def _successor_years(con: duckdb.DuckDBPyConnection, build: Path, n: int) -> np.ndarray | None:
    """The creation year of each auto-entrepreneur's successor (None without the table)."""
    path = build / "successions.parquet"
    if not path.is_file():
        return None
    found = con.execute(
        f"""SELECT i.row, min(year(s.creation_date)) AS year
            FROM read_parquet({lit(str(path))}) s
            JOIN im_ids i ON i.enterprise_id = s.predecessor_id GROUP BY i.row"""
    ).fetchnumpy()
    out = np.full(n, np.nan)
    out[np.asarray(found["row"], dtype=np.int64)] = np.asarray(found["year"], dtype=np.float64)
    return out


def _rows_of(frame: pd.DataFrame, attrs: pd.DataFrame) -> pd.DataFrame:
    """``frame`` keyed by the matrices' row instead of the enterprise id (enterprises that
    are not in the matrices are left out)."""
    rows = pd.Series(attrs["row"].to_numpy(), index=attrs["enterprise_id"].astype(str))
    out = frame.assign(row=frame["enterprise_id"].astype(str).map(rows)).dropna(subset=["row"])
    out["row"] = out["row"].astype(np.int64)
    return out.drop(columns=["enterprise_id"]).reset_index(drop=True)
