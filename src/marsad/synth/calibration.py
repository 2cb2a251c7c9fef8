"""Does a synthetic economy reproduce the published figures? Checks on its ground truth.

Expected values come from ``marsad/reference/data/calibration.csv`` (OMTPME reports as
quoted by the press, le360, L'Economiste); counts are multiplied by the run's scale.
Counts are compared with a relative tolerance, shares with a tolerance in percentage
points. Some checks are looser where the published figure is approximate ("about",
"more than") or where published figures disagree between editions.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import duckdb
import pyarrow.parquet as pq

Unit = Literal["relative", "points"]


@dataclass(frozen=True)
class CalibrationCheck:
    indicator: str
    year: int
    expected: float
    observed: float
    tolerance: float
    unit: Unit  # "relative": |observed/expected - 1|; "points": |observed - expected|

    @property
    def ok(self) -> bool:
        if self.unit == "relative":
            return self.expected > 0 and abs(self.observed / self.expected - 1.0) <= self.tolerance
        return abs(self.observed - self.expected) <= self.tolerance

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "ok": self.ok}


ACTIVE_LEGAL = "p.category = 'EPMA' AND p.active"


@dataclass(frozen=True)
class CheckSpec:
    """A check before it is run: expected value at scale 1.0 (or share in %) and its SQL."""

    indicator: str
    year: int
    expected: float
    tolerance: float
    unit: Unit
    sql: str


def _share(cond: str) -> str:
    return f"100.0 * avg(CASE WHEN {cond} THEN 1 ELSE 0 END)"


def _panel(where: str, what: str) -> str:
    return f"SELECT {what} FROM panel p JOIN enterprises e USING (enterprise_id) WHERE {where}"


def _count_active(year: int, category: str) -> str:
    return _panel(f"p.year = {year} AND p.category = '{category}' AND p.active", "count(*)")


def _share_active_legal(year: int, cond: str) -> str:
    return _panel(f"p.year = {year} AND {ACTIVE_LEGAL}", _share(cond))


def _count_events(column: str, year: int) -> str:
    return f"SELECT count(*) FROM enterprises WHERE category = 'EPMA' AND year({column}) = {year}"


def _points(indicator: str, year: int, expected: float, sql: str, tol: float = 3.0) -> CheckSpec:
    return CheckSpec(indicator, year, expected, tol, "points", sql)


def _relative(indicator: str, year: int, expected: float, sql: str, tol: float) -> CheckSpec:
    return CheckSpec(indicator, year, expected, tol, "relative", sql)


CHECKS: tuple[CheckSpec, ...] = (
    _relative("active_legal_person_enterprises", 2019, 303_013, _count_active(2019, "EPMA"), 0.10),
    _relative("active_legal_person_enterprises", 2021, 369_635, _count_active(2021, "EPMA"), 0.10),
    _relative("active_legal_person_enterprises", 2024, 380_000, _count_active(2024, "EPMA"), 0.10),
    _relative(
        "active_natural_person_enterprises", 2019, 268_976, _count_active(2019, "EPPA"), 0.10
    ),
    _relative("active_auto_entrepreneurs", 2019, 180_273, _count_active(2019, "AE"), 0.10),
    _relative("active_auto_entrepreneurs", 2021, 300_457, _count_active(2021, "AE"), 0.10),
    _relative("active_auto_entrepreneurs", 2024, 389_565, _count_active(2024, "AE"), 0.10),
    _relative("creations_legal_persons", 2024, 68_000, _count_events("birth_date", 2024), 0.15),
    _relative("dissolutions_legal_persons", 2022, 9_740, _count_events("death_date", 2022), 0.15),
    _relative("dissolutions_legal_persons", 2024, 12_000, _count_events("death_date", 2024), 0.15),
    _points(
        "share_dissolutions_under_5_years",
        2024,
        53.5,
        f"SELECT {_share('2024 - year(birth_date) < 5')} FROM enterprises "
        "WHERE category = 'EPMA' AND year(death_date) = 2024",
    ),
    _points(
        "share_region_06_casablanca_settat",
        2021,
        37.1,
        _share_active_legal(2021, "e.region_code = '06'"),
    ),
    _points(
        "share_region_04_rabat_sale_kenitra",
        2021,
        14.7,
        _share_active_legal(2021, "e.region_code = '04'"),
    ),
    _points(
        "share_region_01_tanger_tetouan_al_hoceima",
        2021,
        11.5,
        _share_active_legal(2021, "e.region_code = '01'"),
    ),
    _points("share_sector_G_commerce", 2019, 33.0, _share_active_legal(2019, "e.section = 'G'")),
    _points(
        "share_sector_F_construction", 2019, 15.0, _share_active_legal(2019, "e.section = 'F'")
    ),
    _points("share_sector_H_transport", 2019, 9.2, _share_active_legal(2019, "e.section = 'H'")),
    _points(
        "share_sector_M_specialised_services",
        2018,
        10.0,
        _share_active_legal(2018, "e.section = 'M'"),
    ),
    _points(
        "share_sector_C_manufacturing", 2018, 6.6, _share_active_legal(2018, "e.section = 'C'")
    ),
    _points(
        "share_legal_form_sarl", 2018, 68.0, _share_active_legal(2018, "e.legal_form = 'SARL'")
    ),
    _points(
        "share_legal_form_sarl_au",
        2018,
        24.3,
        _share_active_legal(2018, "e.legal_form = 'SARL_AU'"),
    ),
    _points("share_turnover_0_1mdh", 2019, 84.4, _share_active_legal(2019, "p.turnover_mad < 1e6")),
    _points(
        "share_turnover_1_3mdh",
        2019,
        7.5,
        _share_active_legal(2019, "p.turnover_mad >= 1e6 AND p.turnover_mad < 3e6"),
    ),
    _points(
        "share_turnover_under_3mdh", 2021, 88.0, _share_active_legal(2021, "p.turnover_mad < 3e6")
    ),
    _points(
        "share_turnover_under_3mdh", 2024, 80.0, _share_active_legal(2024, "p.turnover_mad < 3e6")
    ),
    _points(
        "share_turnover_under_10mdh", 2024, 94.0, _share_active_legal(2024, "p.turnover_mad < 1e7")
    ),
    _points(
        "share_tpme_in_legal_persons",
        2018,
        99.4,
        _share_active_legal(2018, "p.turnover_mad <= 1.75e8"),
        tol=1.0,
    ),
    _points(
        "share_cnss_firms_10_or_fewer_employees",
        2019,
        86.8,
        f"SELECT {_share('employees <= 10')} FROM panel WHERE year = 2019 AND employees > 0",
    ),
    _relative(
        "cnss_declaring_enterprises",
        2021,
        315_453,
        "SELECT count(*) FROM panel WHERE year = 2021 AND employees > 0",
        0.15,
    ),
    # A sum over a Pareto tail: at small scales the few largest firms move it a lot.
    _relative(
        "total_turnover_legal_persons",
        2019,
        1.781e12,
        _panel(f"p.year = 2019 AND {ACTIVE_LEGAL}", "sum(p.turnover_mad)"),
        0.30,
    ),
    _points(
        "share_ae_turnover_100k_or_less",
        2021,
        99.2,
        f"SELECT {_share('turnover_mad <= 100000')} FROM panel "
        "WHERE year = 2021 AND category = 'AE' AND active",
        tol=1.0,
    ),
    # Women among legal-person managers: 15-20% (assumption, see config.WOMEN_SHARE).
    _points(
        "share_women_legal_person_managers",
        2021,
        17.5,
        _share_active_legal(2021, "e.gender = 'F'"),
        tol=2.5,
    ),
)


def run_parameters(truth_dir: Path) -> dict[str, float]:
    """Scale and seed recorded in ``enterprises.parquet``."""
    meta = pq.read_schema(truth_dir / "enterprises.parquet").metadata or {}
    return dict(json.loads(meta.get(b"marsad.synth", b"{}")))


def calibration_report(
    truth_dir: Path, *, on_check: Callable[[CalibrationCheck], None] | None = None
) -> list[CalibrationCheck]:
    """Every calibration check on the truth written in ``truth_dir``."""
    truth_dir = Path(truth_dir)
    scale = float(run_parameters(truth_dir).get("scale", 1.0))
    con = duckdb.connect(config={"threads": 2})
    try:
        for name in ("enterprises", "panel"):
            path = str(truth_dir / f"{name}.parquet").replace("'", "''")
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
        out: list[CalibrationCheck] = []
        for spec in CHECKS:
            row = con.execute(spec.sql).fetchone()
            observed = float(row[0]) if row and row[0] is not None else 0.0
            expected = spec.expected * scale if spec.unit == "relative" else spec.expected
            check = CalibrationCheck(
                spec.indicator, spec.year, expected, observed, spec.tolerance, spec.unit
            )
            out.append(check)
            if on_check is not None:
                on_check(check)
        return out
    finally:
        con.close()
