"""Tables of the services around applications: advisers and their missions, the
auto-entrepreneur desk of the chambers, regional pilots and their committees."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marsad.operational.db import Base
from marsad.operational.people import utcnow

Money = Numeric(16, 2)


class Adviser(Base):
    """A referenced provider: an individual consultant, a platform or a resource centre."""

    __tablename__ = "advisers"
    __table_args__ = (
        CheckConstraint("model IN ('individual', 'platform', 'resource_centre')", name="model"),
        CheckConstraint(
            "accreditation IN ('pending', 'accredited', 'suspended', 'withdrawn')",
            name="accreditation",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    model: Mapped[str] = mapped_column(String(20))
    accreditation: Mapped[str] = mapped_column(String(20), default="pending")
    accredited_until: Mapped[date | None] = mapped_column(Date)
    specialities: Mapped[list[str]] = mapped_column(JSON, default=list)
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    daily_rate_mad: Mapped[Decimal | None] = mapped_column(Money)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Mission(Base):
    __tablename__ = "missions"
    __table_args__ = (
        CheckConstraint(
            "status IN ('assigned', 'in_progress', 'delivered', 'accepted', 'cancelled')",
            name="status",
        ),
        CheckConstraint("days > 0", name="days"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
        Index("ix_missions_adviser", "adviser_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    adviser_id: Mapped[int] = mapped_column(ForeignKey("advisers.id"))
    status: Mapped[str] = mapped_column(String(20), default="assigned")
    subject: Mapped[str] = mapped_column(Text, default="")
    days: Mapped[Decimal] = mapped_column(Numeric(6, 1))
    daily_rate_mad: Mapped[Decimal] = mapped_column(Money)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    satisfaction: Mapped[int | None] = mapped_column()
    satisfaction_comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Deliverable(Base):
    __tablename__ = "deliverables"

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"))
    title: Mapped[str] = mapped_column(String(300))
    due_date: Mapped[date] = mapped_column(Date)
    delivered_at: Mapped[datetime | None] = mapped_column()
    accepted: Mapped[bool | None] = mapped_column()


class DeskCase(Base):
    """A person helped by a chamber's desk to register as an auto-entrepreneur."""

    __tablename__ = "desk_cases"
    __table_args__ = (
        CheckConstraint(
            "activity_kind IN ('commerce', 'industry', 'crafts', 'services')", name="activity"
        ),
        CheckConstraint(
            "status IN ('open', 'eligible', 'ineligible', 'registering', 'registered', "
            "'abandoned')",
            name="status",
        ),
        CheckConstraint("expected_turnover_mad >= 0", name="turnover"),
        Index("ix_desk_cases_chamber", "chamber_code", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chamber_code: Mapped[str] = mapped_column(String(20))
    person_name: Mapped[str] = mapped_column(String(200))
    gender: Mapped[str | None] = mapped_column(String(1))
    birth_year: Mapped[int | None] = mapped_column()
    commune_code: Mapped[str | None] = mapped_column(String(12))
    phone: Mapped[str | None] = mapped_column(String(30))
    activity_kind: Mapped[str] = mapped_column(String(20))
    activity_code: Mapped[str | None] = mapped_column(String(10))
    expected_turnover_mad: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    status: Mapped[str] = mapped_column(String(20), default="open")
    eligibility_reason: Mapped[str] = mapped_column(Text, default="")
    ae_number: Mapped[str | None] = mapped_column(String(30))
    enterprise_id: Mapped[str | None] = mapped_column(String(40))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(120), default="")


class DeskStep(Base):
    __tablename__ = "desk_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("desk_cases.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    step: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(120), default="")


class PilotCommittee(Base):
    """A regional pilot's follow-up committee."""

    __tablename__ = "pilot_committees"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(200))
    members: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PilotMeeting(Base):
    __tablename__ = "pilot_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("pilot_committees.id"))
    held_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[str] = mapped_column(Text, default="")


class PilotAction(Base):
    """A decision or an action item of a meeting, followed until done."""

    __tablename__ = "pilot_actions"
    __table_args__ = (
        CheckConstraint("kind IN ('decision', 'action')", name="kind"),
        CheckConstraint("status IN ('open', 'done', 'dropped')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("pilot_meetings.id"))
    kind: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")


class PilotTarget(Base):
    __tablename__ = "pilot_targets"
    __table_args__ = (CheckConstraint("firms_supported >= 0 AND budget_mad >= 0", name="positive"),)

    committee_id: Mapped[int] = mapped_column(ForeignKey("pilot_committees.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    programme_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    firms_supported: Mapped[int] = mapped_column()
    budget_mad: Mapped[Decimal] = mapped_column(Money)
