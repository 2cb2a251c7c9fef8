"""Enrolment of participants in cohorts, with the seats held by the database.

Taking a seat is one conditional ``UPDATE training_cohorts SET enrolled = enrolled + 1
WHERE id = :cohort AND status = 'open' AND enrolled < capacity``: two requests for the
last seat cannot both succeed, whatever the backend (SQLite takes the write lock at the
start of the transaction, PostgreSQL re-checks the condition on the locked row), and a
CHECK constraint (``enrolled <= capacity``) refuses any write that would overfill a
cohort. The enrolment row is written in the same transaction; the same participant
enrolled twice at once is stopped by the unique (cohort, participant) constraint and the
seat taken by the loser is given back with its rolled-back transaction. A withdrawal
frees the seat the same way.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marsad.errors import Conflict, NotFound
from marsad.operational.auth import Actor
from marsad.operational.db import Database
from marsad.operational.people import utcnow
from marsad.training.models import Enrolment, Participant, TrainingCohort


def _take_seat(session: Session, cohort_id: int) -> bool:
    moved = session.execute(
        update(TrainingCohort)
        .where(
            TrainingCohort.id == cohort_id,
            TrainingCohort.status == "open",
            TrainingCohort.enrolled < TrainingCohort.capacity,
        )
        .values(enrolled=TrainingCohort.enrolled + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(moved.rowcount == 1)  # type: ignore[attr-defined]


def _refusal(session: Session, cohort_id: int) -> Conflict | NotFound:
    cohort = session.get(TrainingCohort, cohort_id)
    if cohort is None:
        return NotFound(f"La cohorte {cohort_id} n'existe pas.")
    if cohort.status != "open":
        return Conflict(f"La cohorte {cohort.code} n'est pas ouverte aux inscriptions.")
    return Conflict(f"La cohorte {cohort.code} est complète ({cohort.capacity} places).")


def enrol(db: Database, actor: Actor, cohort_id: int, participant_id: int) -> Enrolment:
    """A seat for the participant in the cohort (again, after a withdrawal)."""
    actor.require("training.write")
    try:
        with db.session() as session:
            if session.get(Participant, participant_id) is None:
                raise NotFound(f"Le participant {participant_id} n'existe pas.")
            current = session.scalar(
                select(Enrolment).where(
                    Enrolment.cohort_id == cohort_id, Enrolment.participant_id == participant_id
                )
            )
            if current is not None and current.status == "enrolled":
                raise Conflict(f"Le participant {participant_id} est déjà inscrit.")
            if not _take_seat(session, cohort_id):
                raise _refusal(session, cohort_id)
            if current is None:
                current = Enrolment(
                    cohort_id=cohort_id, participant_id=participant_id, enrolled_by=actor.label
                )
                session.add(current)
            else:
                moved = session.execute(
                    update(Enrolment)
                    .where(Enrolment.id == current.id, Enrolment.status == "withdrawn")
                    .values(status="enrolled", withdrawn_at=None, enrolled_by=actor.label)
                    .execution_options(synchronize_session=False)
                )
                if moved.rowcount != 1:  # type: ignore[attr-defined]
                    raise Conflict(f"Le participant {participant_id} est déjà inscrit.")
                session.refresh(current)
            session.flush()
            return current
    except IntegrityError:
        raise Conflict(f"Le participant {participant_id} est déjà inscrit.") from None


def withdraw(db: Database, actor: Actor, enrolment_id: int) -> Enrolment:
    """The participant leaves the cohort; their seat is free again."""
    actor.require("training.write")
    with db.session() as session:
        enrolment = session.get(Enrolment, enrolment_id)
        if enrolment is None:
            raise NotFound(f"L'inscription {enrolment_id} n'existe pas.")
        moved = session.execute(
            update(Enrolment)
            .where(Enrolment.id == enrolment_id, Enrolment.status == "enrolled")
            .values(status="withdrawn", withdrawn_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict("Cette inscription est déjà retirée.")
        session.execute(
            update(TrainingCohort)
            .where(TrainingCohort.id == enrolment.cohort_id, TrainingCohort.enrolled > 0)
            .values(enrolled=TrainingCohort.enrolled - 1)
            .execution_options(synchronize_session=False)
        )
        session.refresh(enrolment)
        return enrolment


def enrolments_of(
    db: Database, cohort_id: int, *, active_only: bool = False
) -> list[tuple[Enrolment, Participant]]:
    query = (
        select(Enrolment, Participant)
        .join(Participant, Participant.id == Enrolment.participant_id)
        .where(Enrolment.cohort_id == cohort_id)
        .order_by(Participant.full_name, Enrolment.id)
    )
    if active_only:
        query = query.where(Enrolment.status == "enrolled")
    with db.session() as session:
        return [(e, p) for e, p in session.execute(query).tuples()]


def enrolments_of_participant(
    db: Database, participant_id: int
) -> list[tuple[Enrolment, TrainingCohort]]:
    query = (
        select(Enrolment, TrainingCohort)
        .join(TrainingCohort, TrainingCohort.id == Enrolment.cohort_id)
        .where(Enrolment.participant_id == participant_id)
        .order_by(TrainingCohort.starts_on)
    )
    with db.session() as session:
        return [(e, c) for e, c in session.execute(query).tuples()]
