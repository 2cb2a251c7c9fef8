"""Events: forums, business days (B2B) and joint national or international events, with
the registration of participants and their attendance.

The capacity is held by the database: a registration takes a seat by a conditional update
(``registered = registered + 1`` only while ``registered < capacity``, bounded by a CHECK
as well) in the transaction that inserts the registration, and a participant is registered
once per event (unique key); a cancellation gives the seat back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.exc import IntegrityError

from marsad.errors import Conflict, InvalidInput, NotFound
from marsad.operational.auth import Actor, record
from marsad.operational.db import Database
from marsad.operational.people import utcnow
from marsad.outreach.access import PARTNER_CODE, check_region, scoped_chamber, sees_chamber
from marsad.outreach.models import EVENT_KINDS, EVENT_STATUSES, Event, EventRegistration
from marsad.training.models import Participant

KIND_LABELS = {
    "forum": "Forum",
    "b2b_day": "Journée d'affaires (B2B)",
    "national_event": "Événement national conjoint",
    "international_event": "Événement international conjoint",
}
STATUS_LABELS = {
    "planned": "Programmé",
    "open": "Inscriptions ouvertes",
    "closed": "Clos",
    "cancelled": "Annulé",
}
MAX_CAPACITY = 100_000


@dataclass(frozen=True)
class EventSpec:
    title: str
    kind: str
    organiser_code: str
    starts_on: date
    ends_on: date
    capacity: int
    place: str = ""
    partners: tuple[str, ...] = ()
    chamber_code: str | None = None
    region: str | None = None
    programme: str | None = None
    status: str = "open"
    source_key: str | None = None


def _check(spec: EventSpec) -> None:
    problems = []
    if not spec.title.strip() or len(spec.title) > 300:
        problems.append({"field": "title", "message": "un titre de 1 à 300 caractères"})
    if spec.kind not in EVENT_KINDS:
        problems.append({"field": "kind", "message": f"type parmi {', '.join(EVENT_KINDS)}"})
    if spec.status not in EVENT_STATUSES:
        problems.append({"field": "status", "message": f"parmi {', '.join(EVENT_STATUSES)}"})
    codes = [spec.organiser_code, *spec.partners]
    if any(not re.match(PARTNER_CODE, c) for c in codes):
        problems.append(
            {"field": "organiser_code", "message": "codes de partenaires (A-Z, 0-9, _)"}
        )
    if spec.ends_on < spec.starts_on:
        problems.append({"field": "ends_on", "message": "la fin précède le début"})
    if not 1 <= spec.capacity <= MAX_CAPACITY:
        problems.append({"field": "capacity", "message": f"de 1 à {MAX_CAPACITY} places"})
    if spec.kind in ("national_event", "international_event") and not spec.partners:
        problems.append({"field": "partners", "message": "un événement conjoint a ses partenaires"})
    if len(spec.place) > 300:
        problems.append({"field": "place", "message": "300 caractères au plus"})
    if problems:
        raise InvalidInput("L'événement est invalide.", details=problems)
    check_region(spec.region)


def create_event(db: Database, actor: Actor, spec: EventSpec) -> Event:
    actor.require("event.write")
    _check(spec)
    chamber = scoped_chamber(actor, spec.chamber_code)
    with db.session() as session:
        if spec.source_key:
            done = session.scalar(select(Event).where(Event.source_key == spec.source_key))
            if done is not None:
                return done
        event = Event(
            title=spec.title.strip(),
            kind=spec.kind,
            organiser_code=spec.organiser_code,
            partners=list(spec.partners),
            chamber_code=chamber,
            region_code=spec.region,
            place=spec.place,
            starts_on=spec.starts_on,
            ends_on=spec.ends_on,
            capacity=spec.capacity,
            status=spec.status,
            programme_code=spec.programme,
            source_key=spec.source_key,
            created_by=actor.label,
        )
        session.add(event)
        session.flush()
        return event


def visible(actor: Actor) -> ColumnElement[bool]:
    if actor.chamber_code is None:
        return Event.id.is_not(None)
    return Event.chamber_code == actor.chamber_code


def get_event(db: Database, actor: Actor, event_id: int) -> Event:
    actor.require("event.read")
    with db.session() as session:
        event = session.get(Event, event_id)
    if event is None or not sees_chamber(actor, event.chamber_code):
        raise NotFound(f"L'événement {event_id} n'existe pas.")
    return event


def list_events(
    db: Database, actor: Actor, *, organiser: str | None = None, kind: str | None = None
) -> list[Event]:
    actor.require("event.read")
    query = select(Event).where(visible(actor)).order_by(Event.starts_on.desc(), Event.id)
    if organiser:
        query = query.where(Event.organiser_code == organiser)
    if kind:
        query = query.where(Event.kind == kind)
    with db.session() as session:
        return list(session.scalars(query))


def _writable(db: Database, actor: Actor, event_id: int) -> Event:
    actor.require("event.write")
    return get_event(db, actor, event_id)


def set_status(db: Database, actor: Actor, event_id: int, status: str) -> Event:
    if status not in EVENT_STATUSES:
        raise InvalidInput(f"Statut inconnu : {status!r}.", details=[{"field": "status"}])
    _writable(db, actor, event_id)
    with db.session() as session:
        session.execute(update(Event).where(Event.id == event_id).values(status=status))
        found = session.get(Event, event_id)
        assert found is not None
        return found


def register(db: Database, actor: Actor, event_id: int, participant_id: int) -> EventRegistration:
    """Register a participant: a seat is taken in the same transaction, or 409 (full,
    closed, already registered)."""
    _writable(db, actor, event_id)
    try:
        with db.session() as session:
            event = session.get(Event, event_id)
            assert event is not None
            if event.status != "open":
                raise Conflict(
                    f"Inscriptions fermées : l'événement est « {STATUS_LABELS[event.status]} »."
                )
            if session.get(Participant, participant_id) is None:
                raise NotFound(f"Le participant {participant_id} n'existe pas.")
            previous = session.scalar(
                select(EventRegistration).where(
                    EventRegistration.event_id == event_id,
                    EventRegistration.participant_id == participant_id,
                )
            )
            if previous is not None and previous.status == "registered":
                raise Conflict(f"Le participant {participant_id} est déjà inscrit.")
            seat = session.execute(
                update(Event)
                .where(Event.id == event_id, Event.registered < Event.capacity)
                .values(registered=Event.registered + 1)
            )
            if getattr(seat, "rowcount", 0) != 1:
                raise Conflict(f"Événement complet : ses {event.capacity} places sont prises.")
            if previous is None:
                registration = EventRegistration(
                    event_id=event_id, participant_id=participant_id, registered_by=actor.label
                )
                session.add(registration)
                session.flush()
            else:
                back = session.execute(
                    update(EventRegistration)
                    .where(
                        EventRegistration.id == previous.id,
                        EventRegistration.status == "cancelled",
                    )
                    .values(status="registered", registered_by=actor.label, registered_at=utcnow())
                )
                if getattr(back, "rowcount", 0) != 1:
                    raise Conflict(f"Le participant {participant_id} est déjà inscrit.")
                registration = previous
    except IntegrityError:
        raise Conflict(f"Le participant {participant_id} est déjà inscrit.") from None
    return registration


def cancel(db: Database, actor: Actor, event_id: int, participant_id: int) -> None:
    """Cancel a registration and give its seat back."""
    _writable(db, actor, event_id)
    with db.session() as session:
        done = session.execute(
            update(EventRegistration)
            .where(
                EventRegistration.event_id == event_id,
                EventRegistration.participant_id == participant_id,
                EventRegistration.status == "registered",
            )
            .values(status="cancelled", attended_at=None)
        )
        if getattr(done, "rowcount", 0) != 1:
            raise Conflict(f"Le participant {participant_id} n'est pas inscrit.")
        session.execute(
            update(Event).where(Event.id == event_id).values(registered=Event.registered - 1)
        )


def mark_attendance(
    db: Database, actor: Actor, event_id: int, participant_id: int, attended: bool
) -> None:
    _writable(db, actor, event_id)
    with db.session() as session:
        done = session.execute(
            update(EventRegistration)
            .where(
                EventRegistration.event_id == event_id,
                EventRegistration.participant_id == participant_id,
                EventRegistration.status == "registered",
            )
            .values(attended_at=utcnow() if attended else None)
        )
        if getattr(done, "rowcount", 0) != 1:
            raise Conflict(f"Le participant {participant_id} n'est pas inscrit.")


def registrations(
    db: Database, actor: Actor, event_id: int, *, purpose: str = "suivi des inscriptions"
) -> list[tuple[EventRegistration, Participant]]:
    """The registrations of an event with their participants (personal data: logged)."""
    get_event(db, actor, event_id)
    with db.session() as session:
        rows = session.execute(
            select(EventRegistration, Participant)
            .join(Participant, Participant.id == EventRegistration.participant_id)
            .where(EventRegistration.event_id == event_id)
            .order_by(EventRegistration.id)
        ).all()
    record(db, actor, "event.registrations", f"event:{event_id}", purpose, {"rows": len(rows)})
    return [(r, p) for r, p in rows]


def counts(db: Database, event_ids: list[int]) -> dict[int, dict[str, int]]:
    """Registered and attended per event."""
    if not event_ids:
        return {}
    with db.session() as session:
        rows = session.execute(
            select(
                EventRegistration.event_id,
                func.count(),
                func.count(EventRegistration.attended_at),
            )
            .where(
                EventRegistration.event_id.in_(event_ids),
                EventRegistration.status == "registered",
            )
            .group_by(EventRegistration.event_id)
        ).all()
    out = {i: {"registered": 0, "attended": 0} for i in event_ids}
    for event_id, registered, attended in rows:
        out[event_id] = {"registered": int(registered), "attended": int(attended)}
    return out


def event_dict(e: Event) -> dict[str, Any]:
    return {
        "id": e.id,
        "title": e.title,
        "kind": e.kind,
        "organiser_code": e.organiser_code,
        "partners": e.partners,
        "chamber_code": e.chamber_code,
        "region_code": e.region_code,
        "place": e.place,
        "starts_on": e.starts_on.isoformat(),
        "ends_on": e.ends_on.isoformat(),
        "capacity": e.capacity,
        "registered": e.registered,
        "status": e.status,
        "programme_code": e.programme_code,
    }
