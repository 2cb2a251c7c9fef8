"""Attendance per session and the completion rule of the module.

The sheet of a session says, for each enrolled participant, present or absent (recorded
again, the latest answer counts). A participant completes a cohort when they were present
at ``completion_share`` of its sessions or more (the module's rule, from the catalogue),
counted once every session planned is held, i.e. on or after the last session's date.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marsad.errors import Conflict, InvalidInput, NotFound
from marsad.operational.auth import Actor
from marsad.operational.db import Database
from marsad.operational.people import utcnow
from marsad.training.models import (
    Attendance,
    Enrolment,
    TrainingCohort,
    TrainingModule,
    TrainingSession,
)


def record_attendance(
    db: Database, actor: Actor, session_id: int, present: Mapping[int, bool], today: date
) -> int:
    """Record who was present at a session (enrolment id → present); the rows written.

    A session is recorded on or after its day, for participants enrolled in its cohort."""
    actor.require("training.write")
    if not present:
        raise InvalidInput("La feuille de présence est vide.")
    with db.session() as session:
        held = session.get(TrainingSession, session_id)
        if held is None:
            raise NotFound(f"La séance {session_id} n'existe pas.")
        if held.held_on > today:
            raise Conflict(f"La séance du {held.held_on} n'a pas encore eu lieu.")
        enrolled = set(
            session.scalars(
                select(Enrolment.id).where(
                    Enrolment.cohort_id == held.cohort_id, Enrolment.status == "enrolled"
                )
            )
        )
        strangers = sorted(set(present) - enrolled)
        if strangers:
            raise InvalidInput(
                "Des inscriptions ne sont pas celles de la cohorte de cette séance.",
                details=[{"field": "present", "message": f"inscription {i}"} for i in strangers],
            )
        existing = {
            a.enrolment_id: a
            for a in session.scalars(select(Attendance).where(Attendance.session_id == session_id))
        }
        for enrolment_id, here in present.items():
            row = existing.get(enrolment_id)
            if row is None:
                session.add(
                    Attendance(
                        session_id=session_id,
                        enrolment_id=enrolment_id,
                        present=bool(here),
                        recorded_by=actor.label,
                    )
                )
            else:
                row.present, row.recorded_by, row.recorded_at = bool(here), actor.label, utcnow()
        return len(present)


@dataclass(frozen=True)
class Progress:
    """How far a participant went in a cohort."""

    enrolment_id: int
    attended: int
    sessions: int  # planned
    held: int  # on or before the day of the count
    required: int  # sessions to attend to complete
    completed: bool

    @property
    def share(self) -> float:
        return self.attended / self.sessions if self.sessions else 0.0


def required_sessions(sessions: int, share: Decimal) -> int:
    """The sessions to attend: ``share`` of them, rounded up (at least one)."""
    return max(1, math.ceil(Decimal(sessions) * share - Decimal("1e-9")))


def progress_in(session: Session, cohort_id: int, today: date) -> dict[int, Progress]:
    cohort = session.get(TrainingCohort, cohort_id)
    if cohort is None:
        raise NotFound(f"La cohorte {cohort_id} n'existe pas.")
    module = session.get(TrainingModule, cohort.module_code)
    share = module.completion_share if module else Decimal(1)
    days = list(
        session.scalars(
            select(TrainingSession.held_on).where(TrainingSession.cohort_id == cohort_id)
        )
    )
    planned, held = len(days), sum(d <= today for d in days)
    needed = required_sessions(planned, share) if planned else 0
    counts = dict(
        session.execute(
            select(Attendance.enrolment_id, func.count())
            .join(TrainingSession, TrainingSession.id == Attendance.session_id)
            .where(TrainingSession.cohort_id == cohort_id, Attendance.present)
            .group_by(Attendance.enrolment_id)
        )
        .tuples()
        .all()
    )
    out = {}
    for enrolment_id, status in session.execute(
        select(Enrolment.id, Enrolment.status).where(Enrolment.cohort_id == cohort_id)
    ).tuples():
        attended = int(counts.get(enrolment_id, 0))
        done = (
            cohort.status != "cancelled"
            and planned > 0
            and held == planned
            and attended >= needed
            and status == "enrolled"
        )
        out[enrolment_id] = Progress(enrolment_id, attended, planned, held, needed, done)
    return out


def progress_of(db: Database, cohort_id: int, today: date) -> dict[int, Progress]:
    """The progress of every enrolment of a cohort on ``today``."""
    with db.session() as session:
        return progress_in(session, cohort_id, today)


def sheet(db: Database, cohort_id: int) -> dict[tuple[int, int], bool]:
    """(session id, enrolment id) → present, for the whole cohort."""
    with db.session() as session:
        rows = session.execute(
            select(Attendance.session_id, Attendance.enrolment_id, Attendance.present)
            .join(TrainingSession, TrainingSession.id == Attendance.session_id)
            .where(TrainingSession.cohort_id == cohort_id)
        ).tuples()
        return {(s, e): bool(p) for s, e, p in rows}
