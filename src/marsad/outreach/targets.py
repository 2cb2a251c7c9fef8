"""Target lists: the enterprises a programme could support that have not applied to it.

For a programme open on the reference date: every enterprise of the current register
build (of a region, sections or divisions when asked) that passes the programme's region,
target-group and eligibility checks (``outreach.rules_sql``; project rules are left for
the application), minus those that already have an application to the programme and,
when asked, those a campaign tried to contact in the last N days. Each line carries the
enterprise's public attributes, its priority under the inclusion goals
(``outreach.priorities``) and, only where the user's role may see them under the chambers'
convention, the contact details of its chamber membership. Every list is logged.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from sqlalchemy import select

from marsad.errors import Conflict, InvalidInput, NotFound
from marsad.operational.auth import Actor, record
from marsad.operational.db import Database
from marsad.operational.people import utcnow
from marsad.outreach.access import scoped_region
from marsad.outreach.contacts import contact_access
from marsad.outreach.facts import (
    CONTACT_FIELDS,
    load_contacts,
    load_facts,
    load_managers,
)
from marsad.outreach.priorities import (
    SIZE_SCHEME,
    load_priorities,
    load_region_coverage,
    score_sql,
)
from marsad.outreach.python_rules import python_verdicts
from marsad.outreach.rules_sql import programme_sql
from marsad.programmes import text
from marsad.programmes.catalogue import Programme, load_programmes
from marsad.programmes.models import Application
from marsad.reference import load_divisions, load_sections
from marsad.register.build import connect, current_build
from marsad.settings import Settings

PUBLIC_COLUMNS = (
    "enterprise_id",
    "region_code",
    "commune_code",
    "commune_kind",
    "section",
    "division",
    "size_class",
    "category",
    "legal_form",
)


@dataclass
class TargetQuery:
    programme: str
    region: str | None = None
    sections: list[str] = field(default_factory=list)
    divisions: list[str] = field(default_factory=list)
    not_contacted_days: int | None = None
    as_of: date | None = None
    limit: int | None = None
    offset: int = 0


@dataclass
class TargetList:
    programme: str
    as_of: date
    region: str | None
    sections: list[str]
    divisions: list[str]
    not_contacted_days: int | None
    deferred_rules: list[str]
    contact_fields: list[str]  # the contact details shown
    withheld_fields: list[str]  # the contact details the role may not see
    counts: dict[str, int]
    rows: list[dict[str, Any]]
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["as_of"] = self.as_of.isoformat()
        return out


def _check(query: TargetQuery) -> Programme:
    problems = []
    programmes = load_programmes()
    if query.programme not in programmes:
        problems.append({"field": "programme", "message": "programme inconnu du catalogue"})
    known_sections = {s.code for s in load_sections()}
    if any(s not in known_sections for s in query.sections):
        problems.append({"field": "section", "message": "section NMA inconnue (A à U)"})
    known_divisions = {d.code for d in load_divisions()}
    if any(d not in known_divisions for d in query.divisions):
        problems.append({"field": "division", "message": "division NMA inconnue (2 chiffres)"})
    if query.not_contacted_days is not None and not 0 <= query.not_contacted_days <= 3650:
        problems.append({"field": "not_contacted_days", "message": "de 0 à 3650 jours"})
    if problems:
        raise InvalidInput("La liste cible demandée est invalide.", details=problems)
    programme = programmes[query.programme]
    on = query.as_of or date.today()
    start, end = programme.period.start, programme.period.end
    if on < start or (end is not None and on > end):
        raise Conflict(
            f"Le programme {programme.code} n'est pas ouvert le {text.fr_date(on)} "
            f"(ouvert du {text.fr_date(start)}"
            + (f" au {text.fr_date(end)})" if end else " sans date de fin)")
            + " : pas de mobilisation pour un programme fermé."
        )
    return programme


def excluded_ids(
    db: Database, programme: str, not_contacted_days: int | None
) -> tuple[set[str], set[str]]:
    """(enterprises with an application to ``programme``, enterprises a campaign tried to
    contact in the last ``not_contacted_days`` days)."""
    from marsad.outreach.models import CampaignTarget

    with db.session() as session:
        applied = set(
            session.scalars(
                select(Application.enterprise_id)
                .where(Application.programme_code == programme)
                .distinct()
            )
        )
        contacted: set[str] = set()
        if not_contacted_days is not None:
            since = utcnow() - timedelta(days=not_contacted_days)
            contacted = set(
                session.scalars(
                    select(CampaignTarget.enterprise_id)
                    .where(CampaignTarget.attempted_at >= since)
                    .distinct()
                )
            )
    return applied, contacted


def _all_applicants(db: Database) -> set[str]:
    with db.session() as session:
        return set(session.scalars(select(Application.enterprise_id).distinct()))


def _ids_table(con: duckdb.DuckDBPyConnection, name: str, ids: set[str]) -> None:
    con.register(f"{name}_arrow", pa.table({"enterprise_id": pa.array(sorted(ids), pa.string())}))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    found = con.execute(sql).fetchone()
    return int(found[0]) if found else 0


def eligible_table(
    con: duckdb.DuckDBPyConnection, build: Path, programme: Programme, query: TargetQuery
) -> tuple[int, list[str]]:
    """Table ``ot_eligible`` (the lines of ``ot_facts`` that pass the programme's checks on
    the enterprise); returns (enterprises examined, deferred project rules)."""
    on = query.as_of or date.today()
    examined = load_facts(
        con,
        build,
        on,
        region=query.region,
        sections=query.sections or None,
        divisions=query.divisions or None,
    )
    plan = programme_sql(programme, on)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE ot_eligible AS SELECT * FROM ot_facts WHERE {plan.where}"
    )
    if plan.python_rules or plan.groups_in_python:
        rel = con.execute("SELECT * FROM ot_eligible")
        names = [d[0] for d in rel.description]
        rows = [dict(zip(names, r, strict=True)) for r in rel.fetchall()]
        keep = python_verdicts(programme, rows, on, plan.python_rules, plan.groups_in_python)
        _ids_table(con, "ot_python_pass", keep)
        con.execute(
            "DELETE FROM ot_eligible WHERE enterprise_id NOT IN "
            "(SELECT enterprise_id FROM ot_python_pass)"
        )
    return examined, list(plan.deferred)


def build_targets(
    settings: Settings,
    db: Database,
    actor: Actor,
    query: TargetQuery,
    *,
    purpose: str = "mobilisation des entreprises cibles",
    with_profile: bool = False,
) -> TargetList:
    """The target list of ``query`` for ``actor`` (logged in the access log).

    ``with_profile`` keeps on each line the gender and birth year the inclusion breakdowns
    of a campaign read (never shown: a campaign keeps them for its aggregated figures)."""
    started = time.perf_counter()
    actor.require("target.read")
    query.region = scoped_region(actor, query.region)
    programme = _check(query)
    on = query.as_of = query.as_of or date.today()
    build = current_build(settings)
    if build is None:
        raise NotFound("Aucun registre n'a été construit : lancez « marsad register build ».")
    applied, contacted = excluded_ids(db, programme.code, query.not_contacted_days)
    granted, visible = contact_access(actor.role, on, settings.conventions_dir)
    con = connect(settings)
    try:
        examined, deferred = eligible_table(con, build, programme, query)
        eligible = _count(con, "SELECT count(*) FROM ot_eligible")
        _ids_table(con, "ot_applied", applied)
        _ids_table(con, "ot_contacted", contacted)
        con.execute(
            """CREATE OR REPLACE TEMP TABLE ot_targets AS SELECT * FROM ot_eligible
               WHERE enterprise_id NOT IN (SELECT enterprise_id FROM ot_applied)"""
        )
        not_applied = _count(con, "SELECT count(*) FROM ot_targets")
        con.execute(
            "DELETE FROM ot_targets WHERE enterprise_id IN (SELECT enterprise_id FROM ot_contacted)"
        )
        rows, listed = _ranked(con, settings, build, db, query, visible)
        if not with_profile:
            for row in rows:
                del row["gender"], row["birth_year"]
    finally:
        con.close()
    counts = {
        "examined": examined,
        "eligible": eligible,
        "already_applied": eligible - not_applied,
        "recently_contacted": not_applied - listed,
        "listed": listed,
        "shown": len(rows),
    }
    record(
        db,
        actor,
        "outreach.targets",
        f"{programme.code}:{query.region or '*'}",
        purpose,
        {
            "programme": programme.code,
            "region": query.region,
            "sections": query.sections,
            "divisions": query.divisions,
            "rows": len(rows),
            "contact_fields": list(visible),
            "sensitivities": sorted(granted),
        },
    )
    return TargetList(
        programme=programme.code,
        as_of=on,
        region=query.region,
        sections=list(query.sections),
        divisions=list(query.divisions),
        not_contacted_days=query.not_contacted_days,
        deferred_rules=deferred,
        contact_fields=list(visible),
        withheld_fields=[f for f in CONTACT_FIELDS if f not in visible],
        counts=counts,
        rows=rows,
        seconds=round(time.perf_counter() - started, 3),
    )


def _ranked(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    build: Path,
    db: Database,
    query: TargetQuery,
    visible: tuple[str, ...],
) -> tuple[list[dict[str, Any]], int]:
    """The lines of ``ot_targets`` in priority order (the page asked), with their total."""
    on = query.as_of or date.today()
    load_managers(con, settings, build, "ot_targets")
    load_region_coverage(con, build, _all_applicants(db), on)
    size = f"size_{SIZE_SCHEME}"
    has_size = size in {r[0] for r in con.execute("DESCRIBE ot_targets").fetchall()}
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE ot_priority_facts AS
            SELECT t.*, {f'"{size}"' if has_size else "CAST(NULL AS VARCHAR)"} AS size_class,
                   m.birth_year, {on.year} - m.birth_year AS manager_age, c.region_coverage
            FROM ot_targets t
            LEFT JOIN ot_managers m USING (enterprise_id)
            LEFT JOIN ot_coverage c USING (region_code)"""
    )
    score, met = score_sql(load_priorities())
    listed = _count(con, "SELECT count(*) FROM ot_priority_facts")
    page = f"LIMIT {int(query.limit)}" if query.limit is not None else ""
    page += f" OFFSET {int(query.offset)}" if query.offset else ""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE ot_page AS
            SELECT {", ".join(PUBLIC_COLUMNS)}, gender, birth_year,
                   {score} AS priority, {met} AS criteria
            FROM ot_priority_facts ORDER BY priority DESC, enterprise_id {page}"""
    )
    contact = ""
    if visible:
        load_contacts(con, settings, build, "ot_page")
        contact = "".join(f", c.{f}" for f in visible)
    rel = con.execute(
        f"""SELECT p.*{contact} FROM ot_page p
            {"LEFT JOIN ot_contacts c USING (enterprise_id)" if visible else ""}
            ORDER BY p.priority DESC, p.enterprise_id"""
    )
    names = [d[0] for d in rel.description]
    rows = []
    for values in rel.fetchall():
        row = dict(zip(names, values, strict=True))
        row["criteria"] = list(row["criteria"] or [])
        row["priority"] = int(row["priority"])
        rows.append(row)
    return rows, listed
