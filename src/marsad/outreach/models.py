"""Tables of outreach: campaigns and the outcome for each enterprise they target, events
with their registrations, and the meetings of business (B2B) days.

What must hold whatever the code does is a constraint of the database: an event never
registers more participants than its capacity (``registered`` is kept by conditional
updates, bounded by a CHECK), a participant is registered once per event, and nobody is
booked twice in one slot of a B2B day (one booking per participant and slot, unique).
A campaign's targets are a frozen snapshot: the enterprises of the target list it was
created from, with the facts their inclusion breakdowns read.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from marsad.operational.db import Base
from marsad.operational.people import utcnow

CHANNELS = ("phone", "email", "sms", "visit", "letter")
OUTCOMES = ("targeted", "contacted", "interested", "applied", "not_reachable", "declined")
EVENT_KINDS = ("forum", "b2b_day", "national_event", "international_event")
EVENT_STATUSES = ("planned", "open", "closed", "cancelled")
REGISTRATION_STATUSES = ("registered", "cancelled")
MEETING_STATUSES = ("scheduled", "held", "cancelled")


class Campaign(Base):
    """An outreach campaign of an organiser (and chamber) for one programme."""

    __tablename__ = "outreach_campaigns"
    __table_args__ = (
        CheckConstraint(f"channel IN {CHANNELS!r}", name="channel"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates"),
        CheckConstraint("targeted >= 0", name="targeted"),
        Index("ix_outreach_campaigns_programme", "programme_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    organiser_code: Mapped[str] = mapped_column(String(20))
    chamber_code: Mapped[str | None] = mapped_column(String(20))
    region_code: Mapped[str | None] = mapped_column(String(2))
    programme_code: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    filters: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    targeted: Mapped[int] = mapped_column(default=0)
    source_key: Mapped[str | None] = mapped_column(String(60), unique=True)  # demo seeding
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CampaignTarget(Base):
    """One enterprise of a campaign, the facts it was targeted with, and its outcome.

    ``attempted_at``: first contact attempt; ``reached_at``: first time reached;
    ``interested_at``, ``applied_at`` and ``closed_at`` (declined) likewise."""

    __tablename__ = "outreach_campaign_targets"
    __table_args__ = (
        UniqueConstraint("campaign_id", "enterprise_id"),
        CheckConstraint(f"state IN {OUTCOMES!r}", name="state"),
        CheckConstraint(
            "state = 'targeted' OR attempted_at IS NOT NULL OR state = 'applied'", name="attempted"
        ),
        CheckConstraint("state <> 'applied' OR applied_at IS NOT NULL", name="applied"),
        Index("ix_outreach_campaign_targets_enterprise", "enterprise_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("outreach_campaigns.id"))
    enterprise_id: Mapped[str] = mapped_column(String(40))
    rank: Mapped[int] = mapped_column(default=0)
    priority: Mapped[int] = mapped_column(default=0)
    criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    region_code: Mapped[str | None] = mapped_column(String(2))
    commune_code: Mapped[str | None] = mapped_column(String(8))
    commune_kind: Mapped[str | None] = mapped_column(String(10))
    section: Mapped[str | None] = mapped_column(String(1))
    size_class: Mapped[str | None] = mapped_column(String(10))
    gender: Mapped[str | None] = mapped_column(String(1))
    birth_year: Mapped[int | None] = mapped_column()
    state: Mapped[str] = mapped_column(String(20), default="targeted")
    attempted_at: Mapped[datetime | None] = mapped_column()
    reached_at: Mapped[datetime | None] = mapped_column()
    interested_at: Mapped[datetime | None] = mapped_column()
    applied_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    application_id: Mapped[int | None] = mapped_column()
    updated_by: Mapped[str | None] = mapped_column(String(120))
    updated_at: Mapped[datetime | None] = mapped_column()


class CampaignOutcomeEvent(Base):
    """Every change of a target's outcome: who, when, from, to, and a note."""

    __tablename__ = "outreach_outcome_events"
    __table_args__ = (Index("ix_outreach_outcome_events_target", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("outreach_campaign_targets.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    automatic: Mapped[bool] = mapped_column(default=False)


class Event(Base):
    """A forum, a business day (B2B) or a joint national or international event."""

    __tablename__ = "outreach_events"
    __table_args__ = (
        CheckConstraint(f"kind IN {EVENT_KINDS!r}", name="kind"),
        CheckConstraint(f"status IN {EVENT_STATUSES!r}", name="status"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint("capacity > 0", name="capacity"),
        CheckConstraint("registered >= 0 AND registered <= capacity", name="registered"),
        Index("ix_outreach_events_organiser", "organiser_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(30))
    organiser_code: Mapped[str] = mapped_column(String(20))
    partners: Mapped[list[str]] = mapped_column(JSON, default=list)  # co-organisers
    chamber_code: Mapped[str | None] = mapped_column(String(20))
    region_code: Mapped[str | None] = mapped_column(String(2))
    place: Mapped[str] = mapped_column(String(300), default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column()
    registered: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="open")
    programme_code: Mapped[str | None] = mapped_column(String(40))
    source_key: Mapped[str | None] = mapped_column(String(60), unique=True)  # demo seeding
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EventRegistration(Base):
    __tablename__ = "outreach_event_registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "participant_id"),
        CheckConstraint(f"status IN {REGISTRATION_STATUSES!r}", name="status"),
        CheckConstraint("attended_at IS NULL OR status = 'registered'", name="attended"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outreach_events.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    status: Mapped[str] = mapped_column(String(20), default="registered")
    attended_at: Mapped[datetime | None] = mapped_column()
    registered_by: Mapped[str] = mapped_column(String(120), default="")
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)


class B2bSlot(Base):
    """A time slot of a business day in which meetings are held side by side."""

    __tablename__ = "outreach_b2b_slots"
    __table_args__ = (
        UniqueConstraint("event_id", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="times"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outreach_events.id"))
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()


class B2bMeeting(Base):
    """A meeting between two participants' enterprises in a slot (from a matchmaking
    proposal when there is one)."""

    __tablename__ = "outreach_b2b_meetings"
    __table_args__ = (
        UniqueConstraint("event_id", "proposal_id"),
        CheckConstraint("participant_a <> participant_b", name="two_parties"),
        CheckConstraint(f"status IN {MEETING_STATUSES!r}", name="status"),
        Index("ix_outreach_b2b_meetings_event", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outreach_events.id"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("outreach_b2b_slots.id"))
    participant_a: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    participant_b: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("match_proposals.id"))
    table_label: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class B2bBooking(Base):
    """One participant busy in one slot: the unique key refuses a double booking."""

    __tablename__ = "outreach_b2b_bookings"
    __table_args__ = (UniqueConstraint("slot_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("outreach_b2b_meetings.id"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("outreach_b2b_slots.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
