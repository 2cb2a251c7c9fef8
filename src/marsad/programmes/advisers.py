"""Advisers of the support programmes and their missions to applicants.

An adviser (individual consultant, expertise platform or specialised resource centre) is
referenced with its specialities, regions and daily rate, then accredited until an end
date, suspended or withdrawn by a holder of ``adviser.write``. A mission sends an
accredited adviser to an approved application: the accreditation must cover the mission's
dates, the adviser's regions must include the enterprise's region when it is known, and
the adviser's capacity must hold (``CAPACITY``: how many active missions of one adviser
may overlap in time). The adviser starts the mission, adds and hands in deliverables and
delivers; the programme manager accepts it or sends it back; the beneficiary's
satisfaction (1 to 5) is recorded once, after delivery.

Row-level rule: an actor with the role ``adviser`` sees and reports only the missions of
the adviser record linked to their user; any other mission is "not found" for them.
Every decision goes to the access log.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from marsad.errors import Conflict, Forbidden, InvalidInput, NotFound
from marsad.operational.auth import Actor, record
from marsad.operational.db import Database
from marsad.operational.people import User, utcnow
from marsad.programmes.models import Application
from marsad.programmes.support_models import Adviser, Deliverable, Mission

MODELS = ("individual", "platform", "resource_centre")
REGIONS = tuple(f"{n:02d}" for n in range(1, 13))
ACTIVE = ("assigned", "in_progress")
ASSIGNABLE = ("approved", "agreement")  # a mission supports an application that was granted
CAPACITY = {"individual": 2, "platform": 8, "resource_centre": 8}
# accreditation decision: (states it may start from, state it leads to)
DECISIONS = {
    "accredit": (("pending", "accredited", "suspended"), "accredited"),
    "suspend": (("accredited",), "suspended"),
    "withdraw": (("pending", "accredited", "suspended"), "withdrawn"),
}
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


@dataclass
class Checks:
    """Problems found in an input, one per field, raised together."""

    details: list[dict[str, Any]] = field(default_factory=list)

    def fail(self, name: str, message: str) -> None:
        self.details.append({"field": name, "message": message})

    def text(self, name: str, value: str, limit: int, *, required: bool = True) -> str:
        value = (value or "").strip()
        if (required and not value) or len(value) > limit or "\x00" in value:
            self.fail(name, f"texte obligatoire de {limit} caractères au plus")
        return value

    def amount(self, name: str, value: Any, *, positive: bool, places: str = "0.01") -> Decimal:
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite() or amount < 0 or (positive and amount == 0) or amount >= 10**12:
            self.fail(name, "nombre strictement positif" if positive else "nombre positif ou nul")
            return Decimal(0)
        return amount.quantize(Decimal(places), rounding=ROUND_HALF_UP)

    def day(self, name: str, value: date | None, *, required: bool = True) -> date | None:
        if value is None and not required:
            return None
        if not isinstance(value, date) or not FIRST_DAY <= value <= LAST_DAY:
            self.fail(name, f"date entre {FIRST_DAY} et {LAST_DAY}")
        return value

    def regions(self, name: str, values: list[str]) -> list[str]:
        if not values or any(r not in REGIONS for r in values):
            self.fail(name, "codes de région de 01 à 12")
        return sorted(set(values))

    def done(self, message: str) -> None:
        if self.details:
            raise InvalidInput(message, details=self.details)


@dataclass(frozen=True)
class MissionDetail:
    mission: Mission
    deliverables: list[Deliverable]


def _not_found(kind: str, ident: int) -> NotFound:
    return NotFound(f"{kind} {ident} n'existe pas.")


def conditional_update(session: Session, row: Any, *where: Any, **values: Any) -> bool:
    """``UPDATE`` one row only if ``where`` still holds (no lost update); the row refreshed."""
    table = type(row)
    moved = session.execute(
        update(table)
        .where(table.id == row.id, *where)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(row)
    return bool(moved.rowcount == 1)  # type: ignore[attr-defined]


def reference_adviser(
    db: Database,
    actor: Actor,
    name: str,
    model: str,
    specialities: list[str],
    regions: list[str],
    daily_rate_mad: Decimal,
    *,
    account: str | None = None,
) -> Adviser:
    """A new adviser, pending accreditation; ``account`` links the user who will report."""
    actor.require("adviser.write")
    checks = Checks()
    name = checks.text("name", name, 200)
    if model not in MODELS:
        checks.fail("model", f"l'un de : {', '.join(MODELS)}")
    specs = sorted({s.strip().lower() for s in specialities if s and s.strip()})
    if not specs or any(len(s) > 80 for s in specs):
        checks.fail("specialities", "au moins une spécialité de 80 caractères au plus")
    rate = checks.amount("daily_rate_mad", daily_rate_mad, positive=True)
    kept = checks.regions("regions", regions)
    checks.done("Conseiller invalide.")
    with db.session() as session:
        user_id = None
        if account is not None:
            user = session.scalar(select(User).where(User.username == account))
            if user is None or user.role != "adviser":
                raise InvalidInput(
                    "Compte de conseiller invalide.",
                    details=[{"field": "account", "message": "utilisateur de rôle « adviser »"}],
                )
            if session.scalar(select(Adviser.id).where(Adviser.user_id == user.id)):
                raise Conflict(f"Le compte {account} est déjà lié à un conseiller.")
            user_id = user.id
        adviser = Adviser(
            name=name, model=model, specialities=specs, regions=kept, daily_rate_mad=rate
        )
        adviser.user_id = user_id
        session.add(adviser)
        session.flush()
    record(db, actor, "adviser.reference", f"adviser:{adviser.id}", detail={"model": model})
    return adviser


def decide_accreditation(
    db: Database,
    actor: Actor,
    adviser_id: int,
    decision: str,
    until: date | None = None,
    reason: str = "",
) -> Adviser:
    """Accredit until ``until``, suspend, or withdraw (from ``until``, by default today)."""
    actor.require("adviser.write")
    checks = Checks()
    if decision not in DECISIONS:
        checks.fail("decision", f"l'un de : {', '.join(DECISIONS)}")
    checks.day("until", until, required=decision == "accredit")
    if decision == "accredit" and until is not None and until < date.today():
        checks.fail("until", "la fin d'accréditation ne peut être passée")
    checks.done("Décision d'accréditation invalide.")
    starts, target = DECISIONS[decision]
    values: dict[str, Any] = {"accreditation": target}
    if decision != "suspend":
        values["accredited_until"] = until or date.today()
    with db.session() as session:
        adviser = session.get(Adviser, adviser_id)
        if adviser is None:
            raise _not_found("Le conseiller", adviser_id)
        if not conditional_update(session, adviser, Adviser.accreditation.in_(starts), **values):
            raise Conflict(
                f"Décision « {decision} » impossible : le conseiller {adviser_id} est "
                f"« {adviser.accreditation} » (attendu : {', '.join(starts)})."
            )
    detail = {"until": str(adviser.accredited_until)}
    record(db, actor, f"adviser.{decision}", f"adviser:{adviser_id}", reason, detail)
    return adviser


def list_advisers(
    db: Database,
    actor: Actor,
    speciality: str | None = None,
    region: str | None = None,
    accredited_on: date | None = None,
) -> list[Adviser]:
    """Advisers with a speciality, covering a region, accredited on a day (each optional)."""
    actor.require("adviser.read")
    with db.session() as session:
        rows = list(session.scalars(select(Adviser).order_by(Adviser.name, Adviser.id)))
    wanted = speciality.strip().lower() if speciality else None
    return [
        a
        for a in rows
        if (wanted is None or wanted in a.specialities)
        and (region is None or region in a.regions)
        and (accredited_on is None or _accredited(a, accredited_on, accredited_on))
    ]


def _accredited(adviser: Adviser, first: date, last: date) -> bool:
    until = adviser.accredited_until
    return adviser.accreditation == "accredited" and until is not None and until >= last >= first


def _last_day(start: date, days: Decimal, end: date | None) -> date:
    """The end of a mission: its end date, or one calendar day per day of work."""
    return end or start + timedelta(days=max(1, math.ceil(days)) - 1)


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
