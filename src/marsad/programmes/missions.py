"""Advisers' missions: assignment to a granted application, deliverables, delivery,
acceptance by the programme manager, the beneficiary's satisfaction. An adviser sees and
reports only on their own missions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from marsad.errors import Conflict, Forbidden, InvalidInput
from marsad.operational.auth import Actor, record
from marsad.operational.db import Database
from marsad.operational.people import utcnow
from marsad.programmes.checks import (
    Checks,
    _accredited,
    _last_day,
    _not_found,
    conditional_update,
)
from marsad.programmes.models import Application
from marsad.programmes.support_models import Adviser, Deliverable, Mission

ACTIVE = ("assigned", "in_progress")
ASSIGNABLE = ("approved", "agreement")  # a mission supports an application that was granted
CAPACITY = {"individual": 2, "platform": 8, "resource_centre": 8}


@dataclass(frozen=True)
class MissionDetail:
    mission: Mission
    deliverables: list[Deliverable]


def assign_mission(
    db: Database,
    actor: Actor,
    application_id: int,
    adviser_id: int,
    days: Decimal,
    start_date: date,
    end_date: date | None = None,
    subject: str = "",
    *,
    enterprise_region: str | None = None,
) -> Mission:
    """Send an adviser to an application; the enterprise's region defaults to the project's."""
    actor.require("mission.write")
    checks = Checks()
    days = checks.amount("days", days, positive=True, places="0.1")
    if days > 1000:
        checks.fail("days", "1000 jours au plus")
    checks.day("start_date", start_date)
    checks.day("end_date", end_date, required=False)
    subject = checks.text("subject", subject, 2000, required=False)
    if not checks.details and end_date is not None and end_date < start_date:
        checks.fail("end_date", "la fin précède le début")
    checks.done("Mission invalide.")
    last = _last_day(start_date, days, end_date)
    with db.session() as session:
        application = session.get(Application, application_id)
        if application is None:
            raise _not_found("La demande", application_id)
        adviser = session.scalar(select(Adviser).where(Adviser.id == adviser_id).with_for_update())
        if adviser is None:
            raise _not_found("Le conseiller", adviser_id)
        if application.status not in ASSIGNABLE:
            raise Conflict(
                f"La demande {application_id} est « {application.status} » : une mission "
                f"n'accompagne qu'une demande {' ou '.join(ASSIGNABLE)}."
            )
        if not _accredited(adviser, start_date, last):
            raise Conflict(
                f"Le conseiller {adviser_id} n'est pas accrédité du {start_date} au {last} "
                f"(« {adviser.accreditation} », jusqu'au {adviser.accredited_until})."
            )
        region = enterprise_region or application.project.get("region_code")
        if region and str(region).zfill(2) not in adviser.regions:
            raise Conflict(
                f"Le conseiller {adviser_id} n'intervient pas dans la région {region} "
                f"(régions : {', '.join(adviser.regions)})."
            )
        active = session.scalars(
            select(Mission).where(Mission.adviser_id == adviser_id, Mission.status.in_(ACTIVE))
        )
        overlapping = [
            m
            for m in active
            if m.start_date <= last and start_date <= _last_day(m.start_date, m.days, m.end_date)
        ]
        if len(overlapping) >= CAPACITY[adviser.model]:
            raise Conflict(
                f"Capacité du conseiller {adviser_id} atteinte : {len(overlapping)} missions "
                f"actives sur la période (au plus {CAPACITY[adviser.model]})."
            )
        mission = Mission(
            application_id=application_id,
            adviser_id=adviser_id,
            subject=subject,
            days=days,
            daily_rate_mad=adviser.daily_rate_mad or Decimal(0),
            start_date=start_date,
            end_date=end_date,
        )
        session.add(mission)
        session.flush()
    detail = {"application": application_id, "adviser": adviser_id, "days": str(days)}
    record(db, actor, "mission.assign", f"mission:{mission.id}", detail=detail)
    return mission


# action: (permission needed, states it may start from, state it leads to)
STEPS = {
    "start": ("mission.report", ("assigned",), "in_progress"),
    "deliver": ("mission.report", ("in_progress",), "delivered"),
    "accept": ("mission.write", ("delivered",), "accepted"),
    "send_back": ("mission.write", ("delivered",), "in_progress"),
    "cancel": ("mission.write", ACTIVE, "cancelled"),
}


def _may(actor: Actor, permission: str) -> None:
    """The adviser reports on a mission; the programme manager may do it in their stead."""
    if not actor.can(permission) and not actor.can("mission.write"):
        raise Forbidden(f"Le rôle « {actor.role} » ne permet pas « {permission} ».")


def _mission(session: Session, actor: Actor, mission_id: int, lock: bool = False) -> Mission:
    """The mission if the actor may see it: an adviser sees only their own."""
    query = select(Mission).where(Mission.id == mission_id)
    mission = session.scalar(query.with_for_update() if lock else query)
    if mission is not None and actor.role == "adviser":
        owner = session.get(Adviser, mission.adviser_id)
        if owner is None or owner.user_id is None or owner.user_id != actor.user_id:
            mission = None
    if mission is None:
        raise _not_found("La mission", mission_id)
    return mission


def _deliverables(session: Session, mission_id: int) -> list[Deliverable]:
    query = select(Deliverable).where(Deliverable.mission_id == mission_id)
    return list(session.scalars(query.order_by(Deliverable.id)))


def mission_step(
    db: Database, actor: Actor, mission_id: int, action: str, reason: str = ""
) -> Mission:
    """Start, deliver (every deliverable handed in), accept, send back or cancel a mission."""
    if action not in STEPS:
        raise InvalidInput(f"Action inconnue : {action} ({', '.join(STEPS)}).")
    permission, starts, target = STEPS[action]
    _may(actor, permission)
    with db.session() as session:
        mission = _mission(session, actor, mission_id, lock=True)
        if not conditional_update(session, mission, Mission.status.in_(starts), status=target):
            raise Conflict(
                f"Action « {action} » impossible : la mission {mission_id} est "
                f"« {mission.status} » (attendu : {', '.join(starts)})."
            )
        deliverables = _deliverables(session, mission_id)
        handed_in = [d.delivered_at is not None for d in deliverables]
        if action == "deliver" and not (handed_in and all(handed_in)):
            raise Conflict(  # the transaction is rolled back: the mission stays in progress
                f"Mission {mission_id} : chaque livrable doit être remis avant la livraison "
                "(au moins un livrable)."
            )
        for deliverable in deliverables if action in ("accept", "send_back") else []:
            deliverable.accepted = action == "accept"
            if action == "send_back":
                deliverable.delivered_at = None
    record(db, actor, f"mission.{action}", f"mission:{mission_id}", reason)
    return mission


def add_deliverable(
    db: Database, actor: Actor, mission_id: int, title: str, due_date: date
) -> Deliverable:
    _may(actor, "mission.report")
    checks = Checks()
    title = checks.text("title", title, 300)
    checks.day("due_date", due_date)
    checks.done("Livrable invalide.")
    with db.session() as session:
        mission = _mission(session, actor, mission_id, lock=True)
        if mission.status not in ACTIVE:
            raise Conflict(f"La mission {mission_id} est « {mission.status} » : livrables clos.")
        if due_date < mission.start_date:
            raise InvalidInput(
                "Livrable invalide.",
                details=[{"field": "due_date", "message": "avant le début de la mission"}],
            )
        deliverable = Deliverable(mission_id=mission_id, title=title, due_date=due_date)
        session.add(deliverable)
        session.flush()
    record(db, actor, "mission.deliverable", f"mission:{mission_id}", detail={"title": title})
    return deliverable


def hand_in(db: Database, actor: Actor, mission_id: int, deliverable_id: int) -> Deliverable:
    """A deliverable handed in, once, while the mission is in progress."""
    _may(actor, "mission.report")
    with db.session() as session:
        mission = _mission(session, actor, mission_id, lock=True)
        deliverable = session.get(Deliverable, deliverable_id)
        if deliverable is None or deliverable.mission_id != mission_id:
            raise _not_found("Le livrable", deliverable_id)
        if mission.status != "in_progress" or deliverable.delivered_at is not None:
            raise Conflict(
                f"Le livrable {deliverable_id} est déjà remis ou la mission n'est pas en cours."
            )
        deliverable.delivered_at, deliverable.accepted = utcnow(), None
    record(db, actor, "mission.hand_in", f"mission:{mission_id}", detail={"id": deliverable_id})
    return deliverable


def record_satisfaction(
    db: Database, actor: Actor, mission_id: int, score: int, comment: str = ""
) -> Mission:
    """The beneficiary's satisfaction, 1 to 5, once, after delivery."""
    actor.require("mission.write")
    checks = Checks()
    if not isinstance(score, int) or not 1 <= score <= 5:
        checks.fail("score", "entier de 1 à 5")
    comment = checks.text("comment", comment, 2000, required=False)
    checks.done("Satisfaction invalide.")
    with db.session() as session:
        mission = _mission(session, actor, mission_id)
        once = (Mission.status.in_(("delivered", "accepted")), Mission.satisfaction.is_(None))
        values = {"satisfaction": score, "satisfaction_comment": comment}
        if not conditional_update(session, mission, *once, **values):
            raise Conflict(
                f"Satisfaction de la mission {mission_id} déjà recueillie ou mission non "
                f"livrée (« {mission.status} »)."
            )
    record(db, actor, "mission.satisfaction", f"mission:{mission_id}", detail={"score": score})
    return mission


def get_mission(db: Database, actor: Actor, mission_id: int) -> MissionDetail:
    actor.require("mission.read")
    with db.session() as session:
        mission = _mission(session, actor, mission_id)
        detail = MissionDetail(mission, _deliverables(session, mission_id))
    record(db, actor, "mission.read", f"application:{mission.application_id}")
    return detail


def list_missions(
    db: Database,
    actor: Actor,
    adviser_id: int | None = None,
    application_id: int | None = None,
    status: str | None = None,
) -> list[Mission]:
    """Missions the actor may see (an adviser: their own), filtered."""
    actor.require("mission.read")
    query = select(Mission).order_by(Mission.id)
    if actor.role == "adviser":
        query = query.join(Adviser, Adviser.id == Mission.adviser_id).where(
            Adviser.user_id == actor.user_id, Adviser.user_id.is_not(None)
        )
    for column, value in (
        (Mission.adviser_id, adviser_id),
        (Mission.application_id, application_id),
        (Mission.status, status),
    ):
        if value is not None:
            query = query.where(column == value)
    with db.session() as session:
        missions = list(session.scalars(query))
    record(db, actor, "mission.list", "missions", detail={"count": len(missions)})
    return missions
