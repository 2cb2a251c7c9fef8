"""Tables of matchmaking: profiles and their history, proposals, meetings and outcomes.

A profile belongs to an enterprise of the register and lives ``draft`` → ``submitted`` →
``published`` (validated by a broker) → ``expired`` (renewed back to ``published``), or
``rejected`` / ``withdrawn``. A proposal pairs a request with an offer; a broker validates
or dismisses it, the parties say whether they are interested, meetings and the outcome
(agreement type, value, date) are recorded. ``match_members`` links the user accounts of
an enterprise's representatives to that enterprise.
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

from marsad.matchmaking.domain import KINDS
from marsad.operational.db import Base
from marsad.operational.people import utcnow

PROFILE_STATUSES = ("draft", "submitted", "published", "rejected", "expired", "withdrawn")
PROPOSAL_STATUSES = (
    "proposed",
    "validated",
    "dismissed",
    "declined",
    "connected",
    "agreement",
    "no_agreement",
)
AGREEMENT_TYPES = ("subcontracting", "supply", "partnership", "technology", "other")
Money = Numeric(16, 2)


class MatchMember(Base):
    """A user who represents an enterprise (an account of the ``public`` role)."""

    __tablename__ = "match_members"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    enterprise_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MatchProfile(Base):
    __tablename__ = "match_profiles"
    __table_args__ = (
        CheckConstraint(f"kind IN {KINDS!r}", name="kind"),
        CheckConstraint(f"status IN {PROFILE_STATUSES!r}", name="status"),
        CheckConstraint("valid_until >= valid_from", name="validity"),
        CheckConstraint("capacity_mad IS NULL OR capacity_mad >= 0", name="capacity"),
        CheckConstraint("renewals >= 0", name="renewals"),
        Index("ix_match_profiles_enterprise", "enterprise_id"),
        Index("ix_match_profiles_status_kind", "status", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    activity_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    certifications: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity_mad: Mapped[Decimal | None] = mapped_column(Money)
    site_region: Mapped[str | None] = mapped_column(String(2))
    regions_served: Mapped[list[str]] = mapped_column(JSON, default=list)
    sizes_sought: Mapped[list[str]] = mapped_column(JSON, default=list)
    excluded: Mapped[list[str]] = mapped_column(JSON, default=list)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    chamber_code: Mapped[str | None] = mapped_column(String(20))
    source_key: Mapped[str | None] = mapped_column(String(40), unique=True)  # demo seeding
    renewals: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    validated_by: Mapped[str | None] = mapped_column(String(120))
    validated_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MatchProfileEvent(Base):
    __tablename__ = "match_profile_events"
    __table_args__ = (Index("ix_match_profile_events_profile", "profile_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("match_profiles.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MatchProposal(Base):
    __tablename__ = "match_proposals"
    __table_args__ = (
        UniqueConstraint("request_id", "offer_id"),
        CheckConstraint(f"status IN {PROPOSAL_STATUSES!r}", name="status"),
        CheckConstraint("score >= 0 AND score <= 1", name="score"),
        CheckConstraint("request_id <> offer_id", name="distinct_profiles"),
        CheckConstraint(
            "request_interest IS NULL OR request_interest IN ('yes', 'no')", name="request_interest"
        ),
        CheckConstraint(
            "offer_interest IS NULL OR offer_interest IN ('yes', 'no')", name="offer_interest"
        ),
        Index("ix_match_proposals_status", "status"),
        Index("ix_match_proposals_offer", "offer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("match_profiles.id"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("match_profiles.id"))
    score: Mapped[Decimal] = mapped_column(Numeric(6, 4))
    components: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    request_interest: Mapped[str | None] = mapped_column(String(3))
    offer_interest: Mapped[str | None] = mapped_column(String(3))
    validated_by: Mapped[str | None] = mapped_column(String(120))
    validated_at: Mapped[datetime | None] = mapped_column()
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MatchMeeting(Base):
    __tablename__ = "match_meetings"
    __table_args__ = (Index("ix_match_meetings_proposal", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("match_proposals.id"))
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MatchOutcome(Base):
    """How a proposal ended: an agreement (its type, value and date) or none."""

    __tablename__ = "match_outcomes"
    __table_args__ = (
        CheckConstraint("outcome IN ('agreement', 'no_agreement')", name="outcome"),
        CheckConstraint(
            f"agreement_type IS NULL OR agreement_type IN {AGREEMENT_TYPES!r}", name="type"
        ),
        CheckConstraint("value_mad IS NULL OR value_mad >= 0", name="value"),
        CheckConstraint(
            "outcome = 'no_agreement' OR (agreement_type IS NOT NULL AND signed_on IS NOT NULL)",
            name="agreement_complete",
        ),
    )

    proposal_id: Mapped[int] = mapped_column(ForeignKey("match_proposals.id"), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(20))
    agreement_type: Mapped[str | None] = mapped_column(String(20))
    value_mad: Mapped[Decimal | None] = mapped_column(Money)
    signed_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
