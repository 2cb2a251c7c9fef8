"""The dashboard of a partner (and of one of its chambers): trainings, events and campaigns,
each with the inclusion breakdowns of the people or enterprises it reached.

- trainings: the partner's cohorts (a chamber: the cohorts of its region), enrolled
  participants, those who completed (a certificate is issued on completion), certificates,
  the partner's coaching plans (not counted per chamber: a plan has no chamber);
  breakdowns of the enrolled participants;
- events: the events it organised or co-organised (a chamber: its own), by kind, seats,
  registrations, attendance, B2B meetings scheduled and held; breakdowns of the registered
  participants;
- campaigns: the conversion figures of its campaigns (``outreach.conversion``).

Only counts leave this module: no name, no contact.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from marsad.operational.auth import Actor
from marsad.operational.db import Database
from marsad.outreach.access import chamber_region, scoped_chamber
from marsad.outreach.conversion import conversion
from marsad.outreach.models import B2bMeeting, Campaign, Event, EventRegistration
from marsad.register.build import current_build
from marsad.settings import Settings
from marsad.training.inclusion import FactsLookup, breakdown, profile_of, register_facts
from marsad.training.models import Certificate, CoachingPlan, Enrolment, Participant, TrainingCohort


def _rate(num: int, den: int) -> float | None:
    return None if den == 0 else round(num / den, 4)


def _trainings(
    db: Database, partner: str, chamber: str | None, on: date, facts: FactsLookup
) -> dict[str, Any]:
    cohorts = select(TrainingCohort.id).where(TrainingCohort.partner_code == partner)
    if chamber is not None:
        cohorts = cohorts.where(TrainingCohort.region_code == chamber_region(chamber))
    with db.session() as session:
        ids = list(session.scalars(cohorts))
        enrolled = session.execute(
            select(Enrolment.id, Participant)
            .join(Participant, Participant.id == Enrolment.participant_id)
            .where(Enrolment.cohort_id.in_(ids), Enrolment.status == "enrolled")
        ).all()
        certificates = session.scalar(
            select(func.count())
            .select_from(Certificate)
            .join(Enrolment, Enrolment.id == Certificate.enrolment_id)
            .where(Enrolment.cohort_id.in_(ids))
        )
        completed = session.scalar(
            select(func.count(func.distinct(Enrolment.participant_id)))
            .join(Certificate, Certificate.enrolment_id == Enrolment.id)
            .where(Enrolment.cohort_id.in_(ids))
        )
        plans = session.scalar(
            select(func.count())
            .select_from(CoachingPlan)
            .where(CoachingPlan.partner_code == partner)
        )
    people = {p.id: p for _, p in enrolled}
    return {
        "cohorts": len(ids),
        "enrolled": len(enrolled),
        "participants": len(people),
        "completed": int(completed or 0),
        "certificates": int(certificates or 0),
        "completion_rate": _rate(int(completed or 0), len(people)),
        "coaching_plans": int(plans or 0) if chamber is None else None,
        "inclusion": breakdown((profile_of(p, facts) for p in people.values()), on),
    }


def _events(
    db: Database, partner: str, chamber: str | None, on: date, facts: FactsLookup
) -> dict[str, Any]:
    query = select(Event).where(Event.status != "cancelled")
    if chamber is not None:
        query = query.where(Event.chamber_code == chamber)
    with db.session() as session:
        found = [
            e
            for e in session.scalars(query.order_by(Event.id))
            if e.organiser_code == partner or partner in (e.partners or [])
        ]
        ids = [e.id for e in found]
        registrations = session.execute(
            select(EventRegistration.attended_at, Participant)
            .join(Participant, Participant.id == EventRegistration.participant_id)
            .where(EventRegistration.event_id.in_(ids), EventRegistration.status == "registered")
        ).all()
        meetings: dict[str, int] = {
            str(status): int(n)
            for status, n in session.execute(
                select(B2bMeeting.status, func.count())
                .where(B2bMeeting.event_id.in_(ids))
                .group_by(B2bMeeting.status)
            ).all()
        }
    by_kind: dict[str, int] = {}
    for e in found:
        by_kind[e.kind] = by_kind.get(e.kind, 0) + 1
    attended = sum(a is not None for a, _ in registrations)
    people = {p.id: p for _, p in registrations}
    return {
        "events": len(found),
        "by_kind": by_kind,
        "joint": sum(e.organiser_code != partner for e in found),
        "capacity": sum(e.capacity for e in found),
        "registered": len(registrations),
        "attended": attended,
        "attendance_rate": _rate(attended, len(registrations)),
        "b2b_meetings": int(meetings.get("scheduled", 0)) + int(meetings.get("held", 0)),
        "b2b_meetings_held": int(meetings.get("held", 0)),
        "inclusion": breakdown((profile_of(p, facts) for p in people.values()), on),
    }


def dashboard(
    settings: Settings,
    db: Database,
    actor: Actor,
    partner: str,
    *,
    chamber: str | None = None,
    on: date | None = None,
) -> dict[str, Any]:
    """Trainings, events and campaigns of ``partner`` (and ``chamber``) as counts."""
    actor.require("outreach.read")
    chamber = scoped_chamber(actor, chamber)
    on = on or date.today()
    facts = register_facts(current_build(settings), on)
    campaigns = conversion(db, actor, organiser=partner, chamber=chamber, on=on)
    return {
        "partner": partner,
        "chamber": chamber,
        "on": on.isoformat(),
        "trainings": _trainings(db, partner, chamber, on, facts),
        "events": _events(db, partner, chamber, on, facts),
        "campaigns": {
            "campaigns": len(campaigns["campaigns"]),
            **campaigns["total"],
            "by_campaign": campaigns["campaigns"],
            "by_region": campaigns["by_region"],
            "inclusion": campaigns["inclusion"],
        },
    }


def partners_seen(db: Database) -> list[str]:
    """The organisers known to the tables (for the pages' choice of partner)."""
    with db.session() as session:
        codes = set(session.scalars(select(TrainingCohort.partner_code).distinct()))
        codes |= set(session.scalars(select(Event.organiser_code).distinct()))
        codes |= set(session.scalars(select(Campaign.organiser_code).distinct()))
    return sorted(codes)
