"""Cohorts and their sessions: a module followed by a group with one trainer, in one region
(and commune), in one language, with a number of seats; sessions on dates, in places, in a
format the module offers.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update

from marsad.errors import Conflict, InvalidInput, NotFound
from marsad.operational.auth import Actor
from marsad.operational.db import Database
from marsad.programmes.checks import REGIONS, Checks
from marsad.training.models import TrainingCohort, TrainingModule, TrainingSession
from marsad.training.participants import check_commune, check_partner, communes

MAX_CAPACITY = 500
MAX_SESSIONS = 60
CODE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"


def create_cohort(
    db: Database, actor: Actor, data: dict[str, Any], *, source_key: str | None = None
) -> TrainingCohort:
    """A new cohort of an active module (open to enrolment)."""
    actor.require("training.write")
    checks = Checks()
    code = str(data.get("code") or "").strip().upper()
    if not 3 <= len(code) <= 40 or any(c not in CODE_CHARS for c in code):
        checks.fail("code", "code de 3 à 40 caractères (lettres capitales, chiffres, tirets)")
    partner = check_partner(checks, data.get("partner_code", ""))
    region = str(data.get("region_code") or "")
    if region not in REGIONS:
        checks.fail("region_code", "code de région de 01 à 12")
    commune = check_commune(checks, data.get("commune_code"))
    if commune and region in REGIONS and communes()[commune].region_code != region:
        checks.fail("commune_code", "la commune n'est pas dans la région de la cohorte")
    trainer = checks.text("trainer", data.get("trainer", ""), 200)
    capacity = data.get("capacity")
    if not isinstance(capacity, int) or isinstance(capacity, bool):
        capacity = 0
    if not 1 <= capacity <= MAX_CAPACITY:
        checks.fail("capacity", f"nombre de places de 1 à {MAX_CAPACITY}")
    start = checks.day("starts_on", data.get("starts_on"))
    end = checks.day("ends_on", data.get("ends_on"))
    if isinstance(start, date) and isinstance(end, date) and end < start:
        checks.fail("ends_on", "antérieure au début")
    language = data.get("language") or "fr"
    with db.session() as session:
        module = session.get(TrainingModule, str(data.get("module_code") or ""))
        if module is None or not module.active:
            checks.fail("module_code", "module inconnu ou retiré du catalogue")
        elif language not in module.languages:
            checks.fail("language", f"langues du module : {', '.join(module.languages)}")
        if code and session.scalar(select(TrainingCohort.id).where(TrainingCohort.code == code)):
            checks.fail("code", "ce code est déjà pris")
        checks.done("Cohorte invalide.")
        cohort = TrainingCohort(
            code=code,
            module_code=str(data["module_code"]),
            partner_code=partner,
            region_code=region,
            commune_code=commune,
            trainer=trainer,
            language=language,
            capacity=capacity,
            starts_on=start,
            ends_on=end,
            status="open",
            source_key=source_key,
            created_by=actor.label,
        )
        session.add(cohort)
        session.flush()
        return cohort


def add_session(
    db: Database,
    actor: Actor,
    cohort_id: int,
    *,
    held_on: date,
    hours: Decimal | int | str,
    place: str,
    format: str,
) -> TrainingSession:
    """The next session of a cohort, within its dates, in a format its module offers."""
    actor.require("training.write")
    checks = Checks()
    place = checks.text("place", place, 200)
    amount = checks.amount("hours", hours, positive=True, places="0.1")
    if amount > 24:
        checks.fail("hours", "24 heures au plus par séance")
    with db.session() as session:
        cohort = session.get(TrainingCohort, cohort_id)
        if cohort is None:
            raise NotFound(f"La cohorte {cohort_id} n'existe pas.")
        if cohort.status in ("closed", "cancelled"):
            raise Conflict("La cohorte est clôturée ou annulée : plus de séance à ajouter.")
        module = session.get(TrainingModule, cohort.module_code)
        if module is None or format not in module.formats:
            offered = ", ".join(module.formats) if module else ""
            checks.fail("format", f"formats du module : {offered}")
        if not isinstance(held_on, date) or not cohort.starts_on <= held_on <= cohort.ends_on:
            checks.fail("held_on", f"entre le {cohort.starts_on} et le {cohort.ends_on}")
        count = (
            session.scalar(select(func.count()).where(TrainingSession.cohort_id == cohort_id)) or 0
        )
        if count >= MAX_SESSIONS:
            checks.fail("held_on", f"{MAX_SESSIONS} séances au plus par cohorte")
        checks.done("Séance invalide.")
        held = TrainingSession(
            cohort_id=cohort_id,
            number=count + 1,
            held_on=held_on,
            hours=amount,
            place=place,
            format=format,
        )
        session.add(held)
        session.flush()
        return held


# status: the statuses a cohort may move to it from
MOVES: dict[str, tuple[str, ...]] = {
    "open": ("planned", "closed"),  # enrolment opens (again)
    "closed": ("open",),  # no more enrolment or session
    "cancelled": ("planned", "open"),  # never held: no completion, no certificate
}


def set_status(db: Database, actor: Actor, cohort_id: int, status: str) -> TrainingCohort:
    """Open, close or cancel a cohort (one conditional update from the allowed statuses)."""
    actor.require("training.write")
    if status not in MOVES:
        raise InvalidInput(f"Statut inconnu : {status} ; statuts : {', '.join(MOVES)}.")
    with db.session() as session:
        cohort = session.get(TrainingCohort, cohort_id)
        if cohort is None:
            raise NotFound(f"La cohorte {cohort_id} n'existe pas.")
        moved = session.execute(
            update(TrainingCohort)
            .where(TrainingCohort.id == cohort_id, TrainingCohort.status.in_(MOVES[status]))
            .values(status=status)
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(f"La cohorte est « {cohort.status} » : elle ne peut passer à {status}.")
        session.refresh(cohort)
        return cohort


def get_cohort(db: Database, actor: Actor, cohort_id: int) -> TrainingCohort:
    actor.require("training.read")
    with db.session() as session:
        cohort = session.get(TrainingCohort, cohort_id)
        if cohort is None:
            raise NotFound(f"La cohorte {cohort_id} n'existe pas.")
        return cohort


def list_cohorts(
    db: Database,
    actor: Actor,
    *,
    partner_code: str | None = None,
    region_code: str | None = None,
    module_code: str | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list[TrainingCohort]:
    actor.require("training.read")
    query = select(TrainingCohort).order_by(TrainingCohort.starts_on.desc(), TrainingCohort.id)
    for column, value in (
        (TrainingCohort.partner_code, partner_code),
        (TrainingCohort.region_code, region_code),
        (TrainingCohort.module_code, module_code),
    ):
        if value:
            query = query.where(column == value)
    with db.session() as session:
        return list(session.scalars(query.limit(limit).offset(offset)))


def sessions_of(db: Database, cohort_id: int) -> list[TrainingSession]:
    with db.session() as session:
        return list(
            session.scalars(
                select(TrainingSession)
                .where(TrainingSession.cohort_id == cohort_id)
                .order_by(TrainingSession.number)
            )
        )


def cohort_dict(c: TrainingCohort) -> dict[str, Any]:
    return {
        "id": c.id,
        "code": c.code,
        "module_code": c.module_code,
        "partner_code": c.partner_code,
        "region_code": c.region_code,
        "commune_code": c.commune_code,
        "trainer": c.trainer,
        "language": c.language,
        "capacity": c.capacity,
        "enrolled": c.enrolled,
        "starts_on": c.starts_on.isoformat(),
        "ends_on": c.ends_on.isoformat(),
        "status": c.status,
    }


def session_dict(s: TrainingSession) -> dict[str, Any]:
    return {
        "id": s.id,
        "number": s.number,
        "held_on": s.held_on.isoformat(),
        "hours": str(s.hours),
        "place": s.place,
        "format": s.format,
    }
