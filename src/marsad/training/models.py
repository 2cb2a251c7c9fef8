"""Tables of training and coaching: participants, modules, cohorts and their sessions,
enrolments, attendance, skills assessments, certificates, coaching plans, visits and actions.

A participant is a person who takes part in trainings and events: the manager of a
register enterprise, or a project holder whose enterprise is not registered yet
(``enterprise_id`` empty). Events and other activities reference ``participants.id``.

The quotas are CHECK constraints, so that the database refuses a write that would break
them whatever the code does: a cohort never has more enrolled participants than seats,
a score stays within 0-100, an action is done exactly when it has a done date.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from marsad.operational.db import Base
from marsad.operational.people import utcnow

GENDERS = ("F", "M")
ENTERPRISE_ROLES = ("manager", "owner", "associate", "employee", "project_holder", "other")
FORMATS = ("in_person", "remote", "hybrid")
LEVELS = ("initiation", "intermediate", "advanced")
LANGUAGES = ("fr", "ar", "zgh")
COHORT_STATUSES = ("planned", "open", "closed", "cancelled")
ENROLMENT_STATUSES = ("enrolled", "withdrawn")
PHASES = ("before", "after")
PLAN_STATUSES = ("active", "closed")
ACTION_STATUSES = ("agreed", "in_progress", "done", "dropped")


class Participant(Base):
    """A person who takes part in trainings and events (personal data)."""

    __tablename__ = "participants"
    __table_args__ = (
        CheckConstraint("gender IS NULL OR gender IN ('F', 'M')", name="gender"),
        CheckConstraint(
            "birth_year IS NULL OR (birth_year >= 1900 AND birth_year <= 2100)",
            name="birth_year",
        ),
        CheckConstraint(f"enterprise_role IN {ENTERPRISE_ROLES!r}", name="enterprise_role"),
        Index("ix_participants_enterprise", "enterprise_id"),
        Index("ix_participants_partner", "partner_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    gender: Mapped[str | None] = mapped_column(String(1))
    birth_year: Mapped[int | None] = mapped_column()
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    commune_code: Mapped[str | None] = mapped_column(String(8))  # reference/data/communes.csv
    enterprise_id: Mapped[str | None] = mapped_column(String(40))  # None: a project holder
    enterprise_role: Mapped[str] = mapped_column(String(30), default="manager")
    partner_code: Mapped[str] = mapped_column(String(20))  # the organiser who registered them
    source_key: Mapped[str | None] = mapped_column(String(60), unique=True)  # demo seeding
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TrainingModule(Base):
    """A module of the catalogue, imported from ``training/data/modules.yaml``."""

    __tablename__ = "training_modules"
    __table_args__ = (
        CheckConstraint(f"level IN {LEVELS!r}", name="level"),
        CheckConstraint("duration_hours > 0", name="duration"),
        CheckConstraint("completion_share > 0 AND completion_share <= 1", name="completion_share"),
    )

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    topic: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(20))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    formats: Mapped[list[str]] = mapped_column(JSON, default=list)
    duration_hours: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    summary: Mapped[str] = mapped_column(Text, default="")
    sector_adaptations: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    completion_share: Mapped[Decimal] = mapped_column(Numeric(4, 3))
    questionnaire: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class TrainingCohort(Base):
    """A group of participants following one module with one trainer, in one place."""

    __tablename__ = "training_cohorts"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity"),
        CheckConstraint("enrolled >= 0 AND enrolled <= capacity", name="within_capacity"),
        CheckConstraint(f"status IN {COHORT_STATUSES!r}", name="status"),
        CheckConstraint(f"language IN {LANGUAGES!r}", name="language"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
        Index("ix_training_cohorts_partner", "partner_code"),
        Index("ix_training_cohorts_module", "module_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    module_code: Mapped[str] = mapped_column(ForeignKey("training_modules.code"))
    partner_code: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str] = mapped_column(String(2))
    commune_code: Mapped[str | None] = mapped_column(String(8))
    trainer: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(3))
    capacity: Mapped[int] = mapped_column()
    enrolled: Mapped[int] = mapped_column(default=0)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    source_key: Mapped[str | None] = mapped_column(String(60), unique=True)  # demo seeding
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TrainingSession(Base):
    __tablename__ = "training_sessions"
    __table_args__ = (
        UniqueConstraint("cohort_id", "number"),
        CheckConstraint("number >= 1", name="number"),
        CheckConstraint(f"format IN {FORMATS!r}", name="format"),
        CheckConstraint("hours > 0", name="hours"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("training_cohorts.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    held_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    place: Mapped[str] = mapped_column(String(200), default="")
    format: Mapped[str] = mapped_column(String(20))


class Enrolment(Base):
    """A participant's seat in a cohort; a withdrawal frees the seat."""

    __tablename__ = "training_enrolments"
    __table_args__ = (
        UniqueConstraint("cohort_id", "participant_id"),
        CheckConstraint(f"status IN {ENROLMENT_STATUSES!r}", name="status"),
        Index("ix_training_enrolments_participant", "participant_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("training_cohorts.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    status: Mapped[str] = mapped_column(String(20), default="enrolled")
    enrolled_by: Mapped[str] = mapped_column(String(120), default="")
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column()


class Attendance(Base):
    """Whether an enrolled participant was present at one session."""

    __tablename__ = "training_attendance"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("training_enrolments.id"), primary_key=True
    )
    present: Mapped[bool] = mapped_column()
    recorded_by: Mapped[str] = mapped_column(String(120), default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Assessment(Base):
    """The short skills questionnaire taken before or after the module, scored 0-100."""

    __tablename__ = "training_assessments"
    __table_args__ = (
        UniqueConstraint("enrolment_id", "phase"),
        CheckConstraint(f"phase IN {PHASES!r}", name="phase"),
        CheckConstraint("score >= 0 AND score <= 100", name="score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("training_enrolments.id"))
    phase: Mapped[str] = mapped_column(String(10))
    answers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    score: Mapped[int] = mapped_column()
    taken_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(120), default="")


class Certificate(Base):
    """Issued once per enrolment, on completion; its number carries check digits."""

    __tablename__ = "training_certificates"

    number: Mapped[str] = mapped_column(String(40), primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("training_enrolments.id"), unique=True)
    issued_on: Mapped[date] = mapped_column(Date)
    attended: Mapped[int] = mapped_column()
    sessions: Mapped[int] = mapped_column()
    issued_by: Mapped[str] = mapped_column(String(120), default="")


class CoachingPlan(Base):
    """The coaching of one enterprise (or a project holder) by a coach, with objectives."""

    __tablename__ = "coaching_plans"
    __table_args__ = (
        CheckConstraint(f"status IN {PLAN_STATUSES!r}", name="status"),
        CheckConstraint("enterprise_id IS NOT NULL OR participant_id IS NOT NULL", name="coached"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates"),
        Index("ix_coaching_plans_enterprise", "enterprise_id"),
        Index("ix_coaching_plans_partner", "partner_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[str | None] = mapped_column(String(40))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    partner_code: Mapped[str] = mapped_column(String(20))
    coach: Mapped[str] = mapped_column(String(200))
    objectives: Mapped[list[str]] = mapped_column(JSON, default=list)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="active")
    source_key: Mapped[str | None] = mapped_column(String(60), unique=True)  # demo seeding
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CoachingVisit(Base):
    __tablename__ = "coaching_visits"
    __table_args__ = (
        CheckConstraint(f"format IN {FORMATS!r}", name="format"),
        Index("ix_coaching_visits_plan", "plan_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("coaching_plans.id"))
    visited_on: Mapped[date] = mapped_column(Date)
    format: Mapped[str] = mapped_column(String(20), default="in_person")
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CoachingAction(Base):
    """An action agreed with the enterprise: due by a date, done (with its date) or not."""

    __tablename__ = "coaching_actions"
    __table_args__ = (
        CheckConstraint(f"status IN {ACTION_STATUSES!r}", name="status"),
        CheckConstraint("(status = 'done') = (done_on IS NOT NULL)", name="done_date"),
        CheckConstraint("due_on >= agreed_on", name="due_date"),
        CheckConstraint("done_on IS NULL OR done_on >= agreed_on", name="done_after_agreed"),
        Index("ix_coaching_actions_plan", "plan_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("coaching_plans.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("coaching_visits.id"))
    description: Mapped[str] = mapped_column(Text)
    agreed_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="agreed")
    updated_by: Mapped[str] = mapped_column(String(120), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
