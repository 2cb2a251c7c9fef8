"""Seats of a cohort under concurrent enrolments, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from marsad.errors import Conflict
from marsad.operational import Database, migrate
from marsad.training.enrolment import enrol, withdraw
from marsad.training.models import Enrolment, TrainingCohort
from training_fixtures import actors, cohort, person


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    migrate(database_url)
    database = Database(database_url)
    yield database
    database.dispose()


def test_the_capacity_holds_under_concurrent_enrolments(db: Database) -> None:
    """40 people ask for the 12 seats of a cohort at once: 12 get one, 28 are told why."""
    manager = actors(db)["manager"]
    cid = cohort(db, manager, capacity=12)
    people = [person(db, manager, n) for n in range(1, 41)]
    outcomes: Counter[str] = Counter()
    reasons: set[str] = set()

    def try_enrol(participant_id: int) -> None:
        try:
            enrol(db, manager, cid, participant_id)
            outcomes["enrolled"] += 1
        except Conflict as refused:
            outcomes["refused"] += 1
            reasons.add(str(refused))

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(try_enrol, people))
    assert outcomes == Counter(enrolled=12, refused=28)
    assert reasons == {"La cohorte C-1 est complète (12 places)."}
    with db.session() as session:
        seats = session.scalar(select(TrainingCohort.enrolled).where(TrainingCohort.id == cid))
        rows = session.scalar(select(func.count()).select_from(Enrolment))
    assert seats == rows == 12

    # withdrawals and new requests at once: never more than the capacity
    with db.session() as session:
        taken = list(session.scalars(select(Enrolment.id).order_by(Enrolment.id).limit(6)))
    waiting = [p for p in people if p not in _enrolled(db)][:15]

    def churn(job: tuple[str, int]) -> None:
        kind, ident = job
        try:
            if kind == "withdraw":
                withdraw(db, manager, ident)
            else:
                enrol(db, manager, cid, ident)
        except Conflict:
            pass

    jobs = [("withdraw", t) for t in taken] + [("enrol", p) for p in waiting]
    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(churn, jobs))
    with db.session() as session:
        seats = session.scalar(select(TrainingCohort.enrolled).where(TrainingCohort.id == cid))
        active = session.scalar(
            select(func.count()).select_from(Enrolment).where(Enrolment.status == "enrolled")
        )
    assert seats == active and 6 <= active <= 12


def _enrolled(db: Database) -> set[int]:
    with db.session() as session:
        return set(session.scalars(select(Enrolment.participant_id)))


def test_one_person_asking_many_times_gets_one_seat(db: Database) -> None:
    manager = actors(db)["manager"]
    cid = cohort(db, manager, capacity=5)
    who = person(db, manager, 1)
    outcomes: Counter[str] = Counter()

    def try_enrol(_: int) -> None:
        try:
            enrol(db, manager, cid, who)
            outcomes["enrolled"] += 1
        except Conflict:
            outcomes["refused"] += 1

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(try_enrol, range(10)))
    assert outcomes == Counter(enrolled=1, refused=9)
    with db.session() as session:
        assert session.scalar(select(TrainingCohort.enrolled)) == 1


def test_the_database_refuses_an_overfilled_cohort(db: Database) -> None:
    manager = actors(db)["manager"]
    cid = cohort(db, manager, capacity=3)
    with pytest.raises(IntegrityError), db.session() as session:
        session.execute(update(TrainingCohort).where(TrainingCohort.id == cid).values(enrolled=4))
