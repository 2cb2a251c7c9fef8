"""Regional pilots: a committee per region, its meetings, decisions, actions and targets.

A committee (one per region, codes 01 to 12) lists its members; each meeting keeps its
minutes, the decisions taken and the action items followed until done or dropped. Targets
are set per year and programme (firms supported, budget); ``pilot_progress`` compares them
with what the applications show: the distinct enterprises of the region whose application
to the programme was approved that year and is still approved, under agreement or closed,
and the amount approved. An application is in the region when its project's
``region_code`` is the committee's region, or when the enterprise's region (from the
register, passed in as ``enterprise_regions``) is. Reading needs ``pilot.read``, every
change ``pilot.write``, and every change goes to the access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from marsad.errors import Conflict, NotFound
from marsad.operational.auth import Actor, record
from marsad.operational.db import Database
from marsad.programmes.checks import Checks, conditional_update
from marsad.programmes.models import Application, ApplicationEvent, ProgrammeBudget
from marsad.programmes.support_models import (
    PilotAction,
    PilotCommittee,
    PilotMeeting,
    PilotTarget,
)

COUNTED = ("approved", "agreement", "closed")


@dataclass(frozen=True)
class ActionItem:
    text: str
    owner: str = ""
    due_date: date | None = None


@dataclass(frozen=True)
class MeetingRecord:
    meeting: PilotMeeting
    actions: list[PilotAction]


@dataclass(frozen=True)
class ProgrammeProgress:
    programme_code: str
    target_firms: int | None
    actual_firms: int
    firms_ratio: float | None
    target_budget_mad: Decimal | None
    approved_mad: Decimal
    budget_ratio: float | None


@dataclass(frozen=True)
class PilotProgress:
    committee_id: int
    region_code: str
    year: int
    programmes: list[ProgrammeProgress]


def _members(checks: Checks, members: list[dict[str, Any]]) -> list[dict[str, str]]:
    clean = []
    for n, member in enumerate(members):
        if not isinstance(member, dict):
            checks.fail(f"members.{n}", "un objet {name, organisation, role}")
            continue
        clean.append(
            {
                key: checks.text(
                    f"members.{n}.{key}", str(member.get(key) or ""), 200, required=key == "name"
                )
                for key in ("name", "organisation", "role")
            }
        )
    return clean


def _committee(session: Session, committee_id: int) -> PilotCommittee:
    committee = session.get(PilotCommittee, committee_id)
    if committee is None:
        raise NotFound(f"Le comité de pilotage {committee_id} n'existe pas.")
    return committee


def create_committee(
    db: Database, actor: Actor, region_code: str, name: str, members: list[dict[str, Any]]
) -> PilotCommittee:
    """The committee of a region; a region has one."""
    actor.require("pilot.write")
    checks = Checks()
    checks.regions("region_code", [region_code])
    name = checks.text("name", name, 200)
    clean = _members(checks, members)
    checks.done("Comité de pilotage invalide.")
    with db.session() as session:
        if db.dialect == "postgresql":  # two creations for one region at once: one waits
            session.execute(text("SELECT pg_advisory_xact_lock(hashtext('pilot_committees'))"))
        found = session.scalar(
            select(PilotCommittee.id).where(PilotCommittee.region_code == region_code)
        )
        if found is not None:
            raise Conflict(f"La région {region_code} a déjà son comité ({found}).")
        committee = PilotCommittee(region_code=region_code, name=name, members=clean)
        session.add(committee)
        session.flush()
    record(db, actor, "pilot.create", f"pilot:{committee.id}", detail={"region": region_code})
    return committee


def set_members(
    db: Database, actor: Actor, committee_id: int, members: list[dict[str, Any]]
) -> PilotCommittee:
    actor.require("pilot.write")
    checks = Checks()
    clean = _members(checks, members)
    checks.done("Membres invalides.")
    with db.session() as session:
        committee = _committee(session, committee_id)
        committee.members = clean
    record(db, actor, "pilot.members", f"pilot:{committee_id}", detail={"count": len(clean)})
    return committee


def list_committees(db: Database, actor: Actor) -> list[PilotCommittee]:
    actor.require("pilot.read")
    with db.session() as session:
        return list(session.scalars(select(PilotCommittee).order_by(PilotCommittee.region_code)))


def add_meeting(
    db: Database,
    actor: Actor,
    committee_id: int,
    held_on: date,
    minutes: str = "",
    decisions: list[str] | None = None,
    actions: list[ActionItem] | None = None,
) -> MeetingRecord:
    """A meeting with its minutes, decisions (taken) and action items (open)."""
    actor.require("pilot.write")
    checks = Checks()
    checks.day("held_on", held_on)
    minutes = checks.text("minutes", minutes, 100_000, required=False)
    said = [checks.text(f"decisions.{n}", d, 4000) for n, d in enumerate(decisions or [])]
    for n, item in enumerate(actions or []):
        checks.text(f"actions.{n}.text", item.text, 4000)
        checks.text(f"actions.{n}.owner", item.owner, 200, required=False)
        checks.day(f"actions.{n}.due_date", item.due_date, required=False)
    checks.done("Réunion invalide.")
    with db.session() as session:
        _committee(session, committee_id)
        meeting = PilotMeeting(committee_id=committee_id, held_on=held_on, minutes=minutes)
        session.add(meeting)
        session.flush()
        rows = [
            PilotAction(meeting_id=meeting.id, kind="decision", text=d, status="done") for d in said
        ]
        rows += [
            PilotAction(
                meeting_id=meeting.id,
                kind="action",
                text=item.text.strip(),
                owner=item.owner.strip(),
                due_date=item.due_date,
                status="open",
            )
            for item in actions or []
        ]
        session.add_all(rows)
        session.flush()
    record(db, actor, "pilot.meeting", f"pilot:{committee_id}", detail={"meeting": meeting.id})
    return MeetingRecord(meeting, rows)


def list_meetings(db: Database, actor: Actor, committee_id: int) -> list[MeetingRecord]:
    actor.require("pilot.read")
    with db.session() as session:
        _committee(session, committee_id)
        meetings = list(
            session.scalars(
                select(PilotMeeting)
                .where(PilotMeeting.committee_id == committee_id)
                .order_by(PilotMeeting.held_on, PilotMeeting.id)
            )
        )
        actions = list(
            session.scalars(
                select(PilotAction)
                .where(PilotAction.meeting_id.in_([m.id for m in meetings]))
                .order_by(PilotAction.id)
            )
        )
    return [MeetingRecord(m, [a for a in actions if a.meeting_id == m.id]) for m in meetings]


def close_action(
    db: Database, actor: Actor, committee_id: int, action_id: int, status: str
) -> PilotAction:
    """An open action item marked done or dropped, once."""
    actor.require("pilot.write")
    checks = Checks()
    if status not in ("done", "dropped"):
        checks.fail("status", "done ou dropped")
    checks.done("Suivi d'action invalide.")
    with db.session() as session:
        action = session.get(PilotAction, action_id)
        meeting = session.get(PilotMeeting, action.meeting_id) if action else None
        if action is None or meeting is None or meeting.committee_id != committee_id:
            raise NotFound(f"L'action {action_id} n'existe pas pour le comité {committee_id}.")
        is_open = (PilotAction.kind == "action", PilotAction.status == "open")
        if not conditional_update(session, action, *is_open, status=status):
            raise Conflict(f"L'action {action_id} n'est pas une action ouverte ({action.status}).")
    record(db, actor, f"pilot.action_{status}", f"pilot:{committee_id}", detail={"id": action_id})
    return action


def set_target(
    db: Database,
    actor: Actor,
    committee_id: int,
    year: int,
    programme_code: str,
    firms_supported: int,
    budget_mad: Decimal,
) -> PilotTarget:
    """The target of a year and programme (set again, it replaces the previous one)."""
    actor.require("pilot.write")
    checks = Checks()
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        checks.fail("year", "année de 2000 à 2100")
    if not isinstance(firms_supported, int) or not 0 <= firms_supported <= 10_000_000:
        checks.fail("firms_supported", "entier positif ou nul")
    budget = checks.amount("budget_mad", budget_mad, positive=False)
    checks.done("Objectif invalide.")
    values = {"firms_supported": firms_supported, "budget_mad": budget}
    keys = {"committee_id": committee_id, "year": year, "programme_code": programme_code}
    insert = postgresql.insert if db.dialect == "postgresql" else sqlite.insert
    with db.session() as session:
        _committee(session, committee_id)
        if session.get(ProgrammeBudget, programme_code) is None:
            raise NotFound(f"Le programme {programme_code} n'existe pas.")
        session.execute(
            insert(PilotTarget)
            .values(**keys, **values)
            .on_conflict_do_update(index_elements=list(keys), set_=values)
        )
        target = session.get(PilotTarget, (committee_id, year, programme_code))
        assert target is not None
        session.refresh(target)
    record(
        db,
        actor,
        "pilot.target",
        f"pilot:{committee_id}",
        detail={**keys, "firms": firms_supported, "budget_mad": str(budget)},
    )
    return target


def _ratio(actual: Decimal | int, target: Decimal | int | None) -> float | None:
    return round(float(Decimal(actual) / Decimal(target)), 4) if target else None


def pilot_progress(
    db: Database,
    actor: Actor,
    committee_id: int,
    year: int,
    enterprise_regions: dict[str, str] | None = None,
) -> PilotProgress:
    """Targets of the year against the applications approved that year in the region."""
    actor.require("pilot.read")
    regions = enterprise_regions or {}
    approvals = (
        select(ApplicationEvent.application_id, func.min(ApplicationEvent.at).label("at"))
        .where(ApplicationEvent.action == "approve")
        .group_by(ApplicationEvent.application_id)
        .subquery()
    )
    with db.session() as session:
        committee = _committee(session, committee_id)
        targets = {
            t.programme_code: t
            for t in session.scalars(
                select(PilotTarget).where(
                    PilotTarget.committee_id == committee_id, PilotTarget.year == year
                )
            )
        }
        rows = session.execute(
            select(
                Application.programme_code,
                Application.enterprise_id,
                Application.project,
                Application.approved_mad,
            )
            .join(approvals, approvals.c.application_id == Application.id)
            .where(
                Application.status.in_(COUNTED),
                approvals.c.at >= datetime(year, 1, 1),
                approvals.c.at < datetime(year + 1, 1, 1),
            )
        ).all()
    region = committee.region_code
    firms: dict[str, set[str]] = {}
    amounts: dict[str, Decimal] = {}
    for code, enterprise, project, approved in rows:
        declared = str((project or {}).get("region_code") or "").zfill(2)
        if region not in (declared, regions.get(enterprise)):
            continue
        firms.setdefault(code, set()).add(enterprise)
        amounts[code] = amounts.get(code, Decimal(0)) + approved
    lines = []
    for code in sorted(set(targets) | set(firms)):
        target = targets.get(code)
        count, amount = len(firms.get(code, ())), amounts.get(code, Decimal(0))
        goal_firms = target.firms_supported if target else None
        goal_budget = target.budget_mad if target else None
        lines.append(
            ProgrammeProgress(
                code,
                goal_firms,
                count,
                _ratio(count, goal_firms),
                goal_budget,
                amount,
                _ratio(amount, goal_budget),
            )
        )
    return PilotProgress(committee_id, region, year, lines)
