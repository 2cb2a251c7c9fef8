"""Tables of the programmes: budgets, applications, caps, tranches and their history.

Money is ``Numeric(16, 2)`` in dirhams, never a float. The invariants that money must
keep are CHECK constraints, so that the database refuses a write that would break them
whatever the code does: a programme never commits more than its budget, an enterprise
never more than its cap, an application is never paid more than approved.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
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

Money = Numeric(16, 2)

STATUSES = (
    "draft",
    "submitted",
    "eligible",
    "ineligible",
    "appraised",
    "approved",
    "rejected",
    "agreement",
    "closed",
    "clawed_back",
)


class ProgrammeBudget(Base):
    """A programme's envelope and what is committed and paid against it."""

    __tablename__ = "programme_budgets"
    __table_args__ = (
        CheckConstraint("committed_mad >= 0 AND committed_mad <= budget_mad", name="committed"),
        CheckConstraint("paid_mad >= 0 AND paid_mad <= committed_mad", name="paid"),
    )

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    operator: Mapped[str] = mapped_column(String(40))
    budget_mad: Mapped[Decimal] = mapped_column(Money)
    committed_mad: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    paid_mad: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        CheckConstraint("requested_mad >= 0", name="requested"),
        CheckConstraint("approved_mad >= 0", name="approved"),
        CheckConstraint("paid_mad >= 0 AND paid_mad <= approved_mad", name="paid"),
        CheckConstraint("clawed_back_mad >= 0 AND clawed_back_mad <= paid_mad", name="clawed_back"),
        Index("ix_applications_enterprise", "enterprise_id"),
        Index("ix_applications_programme_status", "programme_code", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_code: Mapped[str] = mapped_column(ForeignKey("programme_budgets.code"))
    enterprise_id: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    project: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    instrument: Mapped[int] = mapped_column(default=0)
    requested_mad: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    approved_mad: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    paid_mad: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    clawed_back_mad: Mapped[Decimal] = mapped_column(Money, default=Decimal(0), server_default="0")
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    chamber_code: Mapped[str | None] = mapped_column(String(20))
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class EnterpriseCommitment(Base):
    """What one enterprise has been granted under one cap (a programme, or all of them)."""

    __tablename__ = "enterprise_commitments"
    __table_args__ = (
        CheckConstraint("committed_mad >= 0 AND committed_mad <= cap_mad", name="within_cap"),
    )

    enterprise_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    scope: Mapped[str] = mapped_column(String(60), primary_key=True)  # programme:CODE | all
    cap_mad: Mapped[Decimal] = mapped_column(Money)
    committed_mad: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))


class Tranche(Base):
    __tablename__ = "tranches"
    __table_args__ = (
        UniqueConstraint("application_id", "seq"),
        CheckConstraint("amount_mad > 0", name="amount"),
        CheckConstraint("status IN ('planned', 'paid', 'cancelled')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    seq: Mapped[int] = mapped_column()
    amount_mad: Mapped[Decimal] = mapped_column(Money)
    milestone: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    paid_at: Mapped[datetime | None] = mapped_column()
    paid_by: Mapped[str | None] = mapped_column(String(120))


class ApplicationEvent(Base):
    """Every transition of an application: who, when, from, to, why."""

    __tablename__ = "application_events"
    __table_args__ = (Index("ix_application_events_application", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
