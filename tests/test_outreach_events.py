"""Events on SQLite and PostgreSQL: the capacity held under concurrent registrations,
cancellations and attendance, B2B slots where nobody is booked twice (a database
constraint), and meetings seeded from validated matchmaking proposals."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from marsad.errors import Conflict, InvalidInput, MarsadError, NotFound
from marsad.matchmaking.models import MatchProfile, MatchProposal
from marsad.operational import Database, migrate
from marsad.operational.auth import Actor
from marsad.outreach import b2b, events
from marsad.outreach.events import EventSpec
from marsad.outreach.models import B2bBooking
from marsad.training.models import Participant

MANAGER = Actor(1, "gestionnaire", "programme_manager")
AGENT = Actor(2, "guichet.tanger", "desk_agent", "CCIS01")
DAY = date(2026, 10, 14)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    migrate(database_url)
    database = Database(database_url)
    yield database
    database.dispose()


def people(db: Database, n: int, enterprises: list[str | None] | None = None) -> list[int]:
    with db.session() as session:
        rows = [
            Participant(
                full_name=f"Participant {i}",
                gender="F" if i % 2 else "M",
                birth_year=1980 + i,
                enterprise_id=(enterprises or [None] * n)[i],
                partner_code="CCIS",
            )
            for i in range(n)
        ]
        session.add_all(rows)
        session.flush()
        return [p.id for p in rows]


def forum(db: Database, capacity: int, kind: str = "forum") -> int:
    spec = EventSpec("Forum de l'entreprise", kind, "CCIS", DAY, DAY, capacity, place="Tanger")
    return events.create_event(db, MANAGER, spec).id


def test_the_capacity_holds_under_concurrency(db: Database) -> None:
    event_id = forum(db, 5)
    ids = people(db, 20)

    def attempt(pid: int) -> str:
        try:
            events.register(db, MANAGER, event_id, pid)
            return "ok"
        except MarsadError as exc:
            return type(exc).__name__

    with ThreadPoolExecutor(10) as pool:
        results = Counter(pool.map(attempt, ids))
    assert results == {"ok": 5, "Conflict": 15}
    assert events.counts(db, [event_id]) == {event_id: {"registered": 5, "attended": 0}}
    assert events.get_event(db, MANAGER, event_id).registered == 5


def test_registration_cancellation_and_attendance(db: Database) -> None:
    event_id = forum(db, 2)
    a, b, c = people(db, 3)
    events.register(db, MANAGER, event_id, a)
    with pytest.raises(Conflict, match="déjà inscrit"):
        events.register(db, MANAGER, event_id, a)
    events.register(db, MANAGER, event_id, b)
    with pytest.raises(Conflict, match="complet"):
        events.register(db, MANAGER, event_id, c)
    events.cancel(db, MANAGER, event_id, b)
    events.register(db, MANAGER, event_id, c)
    events.mark_attendance(db, MANAGER, event_id, a, True)
    with pytest.raises(Conflict, match="n'est pas inscrit"):
        events.mark_attendance(db, MANAGER, event_id, b, True)
    assert events.counts(db, [event_id])[event_id] == {"registered": 2, "attended": 1}
    with pytest.raises(NotFound):
        events.register(db, MANAGER, event_id, 999_999)
    with pytest.raises(NotFound):  # another chamber's agent does not see it
        events.get_event(db, AGENT, event_id)
    events.set_status(db, MANAGER, event_id, "closed")
    with pytest.raises(Conflict, match="fermées"):
        events.register(db, MANAGER, event_id, b)
    with pytest.raises(InvalidInput) as bad:
        events.create_event(db, MANAGER, EventSpec("", "gala", "CCIS", DAY, date(2026, 1, 1), 0))
    assert {d["field"] for d in bad.value.details} == {"title", "kind", "ends_on", "capacity"}


def _profile(session: object, enterprise: str, kind: str) -> int:
    profile = MatchProfile(
        enterprise_id=enterprise,
        kind=kind,
        status="published",
        title=f"{kind} {enterprise}",
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 12, 31),
    )
    session.add(profile)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    return profile.id


def test_b2b_meetings_are_never_double_booked(db: Database) -> None:
    event_id = forum(db, 50, "b2b_day")
    a, b, c, d = people(db, 4, ["E1", "E2", "E3", None])
    for p in (a, b, c):
        events.register(db, MANAGER, event_id, p)
    slots = b2b.add_slots(db, MANAGER, event_id, datetime(2026, 10, 14, 9, 0), 3, 30)
    assert [s.starts_at.hour * 60 + s.starts_at.minute for s in slots] == [540, 570, 600]
    b2b.schedule_meeting(db, MANAGER, event_id, slots[0].id, a, b, table_label="T1")
    with pytest.raises(Conflict, match="Double réservation"):
        b2b.schedule_meeting(db, MANAGER, event_id, slots[0].id, a, c)
    with pytest.raises(Conflict, match="pas inscrit"):
        b2b.schedule_meeting(db, MANAGER, event_id, slots[1].id, a, d)
    with pytest.raises(IntegrityError), db.session() as session:  # the database itself
        session.add(B2bBooking(meeting_id=1, slot_id=slots[0].id, participant_id=b))
    meeting = b2b.schedule_meeting(db, MANAGER, event_id, slots[1].id, a, c)
    b2b.cancel_meeting(db, MANAGER, event_id, meeting.id)
    b2b.schedule_meeting(db, MANAGER, event_id, slots[1].id, c, a)  # the slot is free again
    with pytest.raises(Conflict, match="B2B"):
        b2b.add_slots(db, MANAGER, forum(db, 10), datetime(2026, 10, 14, 9, 0), 2, 30)


def test_meetings_seeded_from_validated_proposals(db: Database) -> None:
    event_id = forum(db, 50, "b2b_day")
    a, b, c = people(db, 3, ["E1", "E2", "E3"])
    for p in (a, b, c):
        events.register(db, MANAGER, event_id, p)
    b2b.add_slots(db, MANAGER, event_id, datetime(2026, 10, 14, 9, 0), 2, 30)
    with db.session() as session:
        r1 = _profile(session, "E1", "business_request")
        o2, o3, o4 = (_profile(session, e, "business_offer") for e in ("E2", "E3", "E4"))
        for offer, status, score in (
            (o2, "validated", "0.9"),
            (o3, "connected", "0.8"),
            (o4, "validated", "0.7"),
        ):
            session.add(
                MatchProposal(request_id=r1, offer_id=offer, score=Decimal(score), status=status)
            )
        o5 = _profile(session, "E3", "business_offer")
        session.add(
            MatchProposal(request_id=r1, offer_id=o5, score=Decimal("0.95"))
        )  # not validated
    first = b2b.seed_from_proposals(db, MANAGER, event_id)
    assert (first.scheduled, first.not_registered, first.no_free_slot) == (2, 1, 0)
    meetings = b2b.meetings_of(db, event_id)
    assert [(m.participant_a, m.participant_b) for m in meetings] == [(a, b), (a, c)]
    assert meetings[0].slot_id != meetings[1].slot_id  # E1 is busy in the first slot
    again = b2b.seed_from_proposals(db, MANAGER, event_id)
    assert (again.scheduled, again.already) == (0, 2)
