"""The facts eligibility rules are evaluated against: an enterprise (from a register build)
and the project it applies with.

An enterprise's measures come from the latest year of the build's panel up to the
reference date's year that has a turnover or a headcount; its activity from the latest
panel year up to that year (an enterprise with no measure since 2022 but inactive in 2024
is inactive). Ages are whole years completed on the reference date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from marsad.errors import NotFound
from marsad.reference import load_size_schemes

PROJECT_KINDS = ("patent", "innovation", "investment", "rd")


def completed_years(start: date, end: date) -> int:
    """Whole years from ``start`` to ``end`` (a birthday not yet reached does not count)."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def anniversary(start: date, n: int) -> date:
    """``start`` plus ``n`` years (29 February gives 28 February in a common year)."""
    try:
        return start.replace(year=start.year + n)
    except ValueError:
        return start.replace(year=start.year + n, day=28)


@dataclass(frozen=True)
class EnterpriseFacts:
    """What the register says of one enterprise on ``as_of``; ``None`` is unknown."""

    enterprise_id: str
    as_of: date
    category: str | None = None
    legal_form: str | None = None
    region_code: str | None = None
    section: str | None = None
    division: str | None = None
    creation_date: date | None = None
    dissolution_date: date | None = None
    age_years: int | None = None
    year: int | None = None  # the panel year of the measures
    active: bool | None = None
    active_year: int | None = None  # the panel year ``active`` comes from
    turnover_mad: Decimal | None = None
    employees: int | None = None
    size_classes: dict[str, str | None] = field(default_factory=dict)  # scheme -> class

    def __post_init__(self) -> None:
        if self.turnover_mad is not None and not isinstance(self.turnover_mad, Decimal):
            object.__setattr__(self, "turnover_mad", Decimal(str(self.turnover_mad)))
        if self.age_years is None and self.creation_date is not None:
            object.__setattr__(self, "age_years", completed_years(self.creation_date, self.as_of))


def _money(value: Decimal | int | float | str | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True)
class ProjectFacts:
    """The project an enterprise applies with (amounts in dirhams, stable jobs created).

    ``region_code`` is where the project is carried out when it differs from the
    enterprise's seat; territorial rules use it first.
    """

    investment_mad: Decimal | None = None
    own_funds_mad: Decimal | None = None
    project_cost_mad: Decimal | None = None
    jobs_created: int | None = None
    kind: str | None = None  # one of PROJECT_KINDS
    region_code: str | None = None

    def __post_init__(self) -> None:
        for name in ("investment_mad", "own_funds_mad", "project_cost_mad"):
            object.__setattr__(self, name, _money(getattr(self, name)))

    @property
    def invested_mad(self) -> Decimal | None:
        """The amount ratios are taken on: the investment, else the project's cost."""
        return self.investment_mad if self.investment_mad is not None else self.project_cost_mad


def _lit(path: Path) -> str:
    return "'" + path.as_posix().replace("'", "''") + "'"


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> dict[str, Any] | None:
    rel = con.execute(sql, params)
    row = rel.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in rel.description], row, strict=True))


def enterprise_facts(build_dir: Path, enterprise_id: str, as_of: date) -> EnterpriseFacts:
    """The facts of one enterprise of a register build on ``as_of``."""
    enterprises, panel = build_dir / "enterprises.parquet", build_dir / "panel.parquet"
    if not enterprises.is_file():
        raise NotFound(
            f"Aucun registre trouvé dans {build_dir.name} : le fichier des entreprises est absent."
        )
    con = duckdb.connect()
    try:
        e = _one(
            con,
            f"""SELECT category, legal_form, region_code, section, division, creation_date,
                       dissolution_date
                FROM read_parquet({_lit(enterprises)}) WHERE enterprise_id = ? LIMIT 1""",
            [enterprise_id],
        )
        if e is None:
            raise NotFound(f"L'entreprise {enterprise_id} est inconnue du registre.")
        measures: dict[str, Any] | None = None
        latest: dict[str, Any] | None = None
        if panel.is_file():
            columns = {
                r[0]
                for r in con.execute(
                    f"DESCRIBE SELECT * FROM read_parquet({_lit(panel)})"
                ).fetchall()
            }
            sizes = [f"size_{s}" for s in load_size_schemes() if f"size_{s}" in columns]
            select = ", ".join(["year", "active", "turnover_mad", "employees", *sizes])
            base = f"""SELECT {select} FROM read_parquet({_lit(panel)})
                       WHERE enterprise_id = ? AND year <= ?"""
            measures = _one(
                con,
                f"""{base} AND (turnover_mad IS NOT NULL OR employees IS NOT NULL)
                    ORDER BY year DESC LIMIT 1""",
                [enterprise_id, as_of.year],
            )
            latest = _one(con, f"{base} ORDER BY year DESC LIMIT 1", [enterprise_id, as_of.year])
    finally:
        con.close()
    m = measures or latest or {}
    return EnterpriseFacts(
        enterprise_id=enterprise_id,
        as_of=as_of,
        category=e["category"],
        legal_form=e["legal_form"],
        region_code=e["region_code"],
        section=e["section"],
        division=e["division"],
        creation_date=e["creation_date"],
        dissolution_date=e["dissolution_date"],
        year=m.get("year"),
        active=None if latest is None or latest["active"] is None else bool(latest["active"]),
        active_year=None if latest is None else latest["year"],
        turnover_mad=_money(m.get("turnover_mad")),
        employees=None if m.get("employees") is None else int(m["employees"]),
        size_classes={k.removeprefix("size_"): v for k, v in m.items() if k.startswith("size_")},
    )
