"""Business days (B2B): time slots, and meetings between two registered participants'
enterprises in a slot.

Nobody is booked twice in one slot: each meeting books its two participants in its slot
(``outreach_b2b_bookings``, unique per slot and participant), so the database refuses a
double booking whatever the code does. A cancelled meeting frees its bookings.
``seed_from_proposals`` schedules the matchmaking proposals a broker validated (or that
both parties accepted) whose two enterprises each have a participant registered at the
day, each in the earliest slot where both are free.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from marsad.errors import Conflict, InvalidInput, NotFound
from marsad.matchmaking.models import MatchProfile, MatchProposal
from marsad.operational.auth import Actor
from marsad.operational.db import Database
from marsad.outreach.events import get_event
from marsad.outreach.models import B2bBooking, B2bMeeting, B2bSlot, Event, EventRegistration
from marsad.training.models import Participant

SEEDED_PROPOSALS = ("validated", "connected")
MAX_SLOTS = 200


def _b2b(db: Database, actor: Actor, event_id: int) -> Event:
    actor.require("event.write")
    event = get_event(db, actor, event_id)
    if event.kind != "b2b_day":
        raise Conflict("Les rendez-vous d'affaires n'existent que pour une journée B2B.")
    return event


def add_slots(
    db: Database, actor: Actor, event_id: int, first: datetime, count: int, minutes: int
) -> list[B2bSlot]:
    """``count`` consecutive slots of ``minutes`` from ``first`` (within the event's days)."""
    event = _b2b(db, actor, event_id)
    if not 1 <= count <= MAX_SLOTS or not 5 <= minutes <= 240:
        raise InvalidInput(
            "Créneaux invalides.",
            details=[{"field": "count", "message": f"1 à {MAX_SLOTS} créneaux de 5 à 240 min"}],
        )
    last = first + timedelta(minutes=minutes * count)
    if first.date() < event.starts_on or last.date() > event.ends_on:
        raise InvalidInput(
            "Les créneaux sortent des dates de l'événement.",
            details=[{"field": "first", "message": "pendant les jours de l'événement"}],
        )
    try:
        with db.session() as session:
            slots = [
                B2bSlot(
                    event_id=event_id,
                    starts_at=first + timedelta(minutes=minutes * i),
                    ends_at=first + timedelta(minutes=minutes * (i + 1)),
                )
                for i in range(count)
            ]
            session.add_all(slots)
            session.flush()
            return slots
    except IntegrityError:
        raise Conflict("Un de ces créneaux existe déjà pour cet événement.") from None


def slots_of(db: Database, event_id: int) -> list[B2bSlot]:
    with db.session() as session:
        return list(
            session.scalars(
                select(B2bSlot).where(B2bSlot.event_id == event_id).order_by(B2bSlot.starts_at)
            )
        )


def _registered(session: Session, event_id: int, participant_id: int) -> bool:
    found = session.scalar(
        select(EventRegistration.id).where(
            EventRegistration.event_id == event_id,
            EventRegistration.participant_id == participant_id,
            EventRegistration.status == "registered",
        )
    )
    return found is not None


def _book(
    session: Session,
    actor: Actor,
    event_id: int,
    slot_id: int,
    a: int,
    b: int,
    proposal_id: int | None,
    table_label: str,
) -> B2bMeeting:
    meeting = B2bMeeting(
        event_id=event_id,
        slot_id=slot_id,
        participant_a=a,
        participant_b=b,
        proposal_id=proposal_id,
        table_label=table_label,
        created_by=actor.label,
    )
    session.add(meeting)
    session.flush()
    session.add_all(
        B2bBooking(meeting_id=meeting.id, slot_id=slot_id, participant_id=p) for p in (a, b)
    )
    session.flush()
    return meeting


def schedule_meeting(
    db: Database,
    actor: Actor,
    event_id: int,
    slot_id: int,
    participant_a: int,
    participant_b: int,
    *,
    proposal_id: int | None = None,
    table_label: str = "",
) -> B2bMeeting:
    """A meeting in a slot; 409 when one of the two is already booked in it."""
    _b2b(db, actor, event_id)
    if participant_a == participant_b:
        raise InvalidInput("Un rendez-vous réunit deux participants différents.")
    if len(table_label) > 40:
        raise InvalidInput("Table : 40 caractères au plus.", details=[{"field": "table_label"}])
    try:
        with db.session() as session:
            slot = session.get(B2bSlot, slot_id)
            if slot is None or slot.event_id != event_id:
                raise NotFound(f"Le créneau {slot_id} n'existe pas pour cet événement.")
            for p in (participant_a, participant_b):
                if not _registered(session, event_id, p):
                    raise Conflict(f"Le participant {p} n'est pas inscrit à cet événement.")
            return _book(
                session,
                actor,
                event_id,
                slot_id,
                participant_a,
                participant_b,
                proposal_id,
                table_label,
            )
    except IntegrityError:
        raise Conflict(
            "Double réservation refusée : un des participants a déjà un rendez-vous dans ce "
            "créneau (ou cette proposition a déjà son rendez-vous)."
        ) from None


def cancel_meeting(db: Database, actor: Actor, event_id: int, meeting_id: int) -> None:
    _b2b(db, actor, event_id)
    with db.session() as session:
        done = session.execute(
            update(B2bMeeting)
            .where(
                B2bMeeting.id == meeting_id,
                B2bMeeting.event_id == event_id,
                B2bMeeting.status == "scheduled",
            )
            .values(status="cancelled")
        )
        if getattr(done, "rowcount", 0) != 1:
            raise Conflict(f"Le rendez-vous {meeting_id} n'est pas programmé à cet événement.")
        session.execute(delete(B2bBooking).where(B2bBooking.meeting_id == meeting_id))


def meetings_of(db: Database, event_id: int) -> list[B2bMeeting]:
    with db.session() as session:
        return list(
            session.scalars(
                select(B2bMeeting)
                .where(B2bMeeting.event_id == event_id)
                .order_by(B2bMeeting.slot_id, B2bMeeting.id)
            )
        )


@dataclass
class SeedSummary:
    proposals: int = 0  # validated proposals considered
    scheduled: int = 0
    already: int = 0  # had their meeting at this event
    not_registered: int = 0  # one side has no participant registered
    no_free_slot: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _participants_by_enterprise(session: Session, event_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Participant.enterprise_id, Participant.id)
        .join(EventRegistration, EventRegistration.participant_id == Participant.id)
        .where(
            EventRegistration.event_id == event_id,
            EventRegistration.status == "registered",
            Participant.enterprise_id.is_not(None),
        )
        .order_by(Participant.id)
    ).all()
    out: dict[str, int] = {}
    for enterprise, participant in rows:
        out.setdefault(str(enterprise), int(participant))
    return out


def seed_from_proposals(db: Database, actor: Actor, event_id: int) -> SeedSummary:
    """Schedule the validated matchmaking proposals between registered enterprises."""
    _b2b(db, actor, event_id)
    summary = SeedSummary()
    request, offer = aliased(MatchProfile), aliased(MatchProfile)
    with db.session() as session:
        slots = [
            s.id
            for s in session.scalars(
                select(B2bSlot).where(B2bSlot.event_id == event_id).order_by(B2bSlot.starts_at)
            )
        ]
        if not slots:
            raise Conflict("Créez d'abord les créneaux de la journée.")
        who = _participants_by_enterprise(session, event_id)
        proposals = session.execute(
            select(MatchProposal.id, request.enterprise_id, offer.enterprise_id)
            .join(request, request.id == MatchProposal.request_id)
            .join(offer, offer.id == MatchProposal.offer_id)
            .where(MatchProposal.status.in_(SEEDED_PROPOSALS))
            .order_by(MatchProposal.score.desc(), MatchProposal.id)
        ).all()
        done = set(
            session.scalars(
                select(B2bMeeting.proposal_id).where(
                    B2bMeeting.event_id == event_id, B2bMeeting.proposal_id.is_not(None)
                )
            )
        )
        busy = {
            (s, p)
            for s, p in session.execute(
                select(B2bBooking.slot_id, B2bBooking.participant_id).where(
                    B2bBooking.slot_id.in_(slots)
                )
            )
        }
        for proposal_id, left, right in proposals:
            summary.proposals += 1
            a, b = who.get(left), who.get(right)
            if proposal_id in done:
                summary.already += 1
                continue
            if a is None or b is None or a == b:
                summary.not_registered += 1
                continue
            free = [s for s in slots if (s, a) not in busy and (s, b) not in busy]
            placed = False
            for slot in free:
                try:
                    with session.begin_nested():
                        _book(session, actor, event_id, slot, a, b, proposal_id, "")
                except IntegrityError:
                    continue  # taken meanwhile by another writer: the next slot
                busy |= {(slot, a), (slot, b)}
                placed = True
                break
            summary.scheduled += placed
            summary.no_free_slot += not placed
    return summary


def meeting_dict(m: B2bMeeting) -> dict[str, Any]:
    return {
        "id": m.id,
        "slot_id": m.slot_id,
        "participant_a": m.participant_a,
        "participant_b": m.participant_b,
        "proposal_id": m.proposal_id,
        "table_label": m.table_label,
        "status": m.status,
    }


def slot_dict(s: B2bSlot) -> dict[str, Any]:
    return {"id": s.id, "starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat()}
