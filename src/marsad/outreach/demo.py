"""Demo outreach: a regional forum, a business day whose meetings come from the validated
matchmaking proposals, and a mobilisation campaign with the outcome of its calls.

Everything goes through the same services as in production (target list, capacity,
bookings, state machine). The same seed gives the same demo; a second run finds the
seeded campaign and events (by their demo keys) and adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from marsad.errors import MarsadError
from marsad.matchmaking.models import MatchProfile, MatchProposal
from marsad.operational.auth import Actor, create_user, demo_password
from marsad.operational.db import Database
from marsad.operational.people import User
from marsad.outreach import b2b, events
from marsad.outreach.campaigns import CampaignSpec, create_campaign, record_outcome, targets_of
from marsad.outreach.models import Campaign, CampaignTarget, Event
from marsad.programmes.catalogue import load_programmes
from marsad.settings import Settings
from marsad.training.models import Participant

AGENT = ("guichet.casa", "desk_agent", "CCIS06")
MANAGER = ("gestionnaire", "programme_manager", None)
PROGRAMMES = ("INTELAKA", "CHARTE_TPME")  # the first open one is the campaign's
FIRST = ("Salma", "Youssef", "Fatima Zahra", "Mehdi", "Khadija", "Omar", "Imane", "Hamza",
         "Nadia", "Rachid", "Sanae", "Karim", "Houda", "Anas", "Meryem", "Soufiane")  # fmt: skip
WOMEN = {"Salma", "Fatima Zahra", "Khadija", "Imane", "Nadia", "Sanae", "Houda", "Meryem"}
LAST = ("Alaoui", "Bennani", "El Idrissi", "Tazi", "Berrada", "Chraibi", "El Amrani",
        "Lahlou", "Benjelloun", "Ouazzani", "Fassi", "Hajji", "Zerouali", "Sabri")  # fmt: skip


@dataclass
class OutreachDemo:
    campaign: str = ""
    targeted: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    events: int = 0
    registrations: int = 0
    attended: int = 0
    meetings: int = 0
    notes: list[str] = field(default_factory=list)
    password: str = ""  # the random password of the accounts created by this run, if any

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _actor(db: Database, name: str, role: str, chamber: str | None, summary: OutreachDemo) -> Actor:
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == name))
    if user is None:
        summary.password = demo_password()
        return create_user(db, name, role, demo_password(), chamber_code=chamber)
    return Actor(user.id, user.username, user.role, user.chamber_code, user.partner_code)


def _person(db: Database, rng: random.Random, key: str, enterprise: str | None) -> int:
    with db.session() as session:
        found = session.scalar(select(Participant.id).where(Participant.source_key == key))
        if found is not None:
            return int(found)
        first = rng.choice(FIRST)
        person = Participant(
            full_name=f"{first} {rng.choice(LAST)}",
            gender="F" if first in WOMEN else "M",
            birth_year=rng.randint(1965, 2002),
            enterprise_id=enterprise,
            enterprise_role="manager" if enterprise else "project_holder",
            partner_code="CCIS",
            source_key=key,
            created_by="démonstration",
        )  # fmt: skip
        session.add(person)
        session.flush()
        return person.id


def _campaign(settings: Settings, db: Database, agent: Actor, rng: random.Random) -> str:
    today = date.today()
    open_ = [
        c
        for c in PROGRAMMES
        if (p := load_programmes().get(c)) is not None
        and p.period.start <= today
        and (p.period.end is None or p.period.end >= today)
    ]
    if not open_:
        return ""
    spec = CampaignSpec(
        name=f"Mobilisation {open_[0]} — Casablanca-Settat",
        organiser_code="CCIS",
        programme=open_[0],
        channel="phone",
        starts_on=today - timedelta(days=21),
        message=f"Présentation du programme {open_[0]} et invitation à déposer une demande.",
        max_targets=60,
        source_key="demo-campaign-1",
    )
    with db.session() as session:
        seeded = session.scalar(select(Campaign.name).where(Campaign.source_key == spec.source_key))
    if seeded is not None:
        return seeded
    campaign, _ = create_campaign(settings, db, agent, spec)
    for target in targets_of(db, agent, campaign.id):
        if target.state != "targeted" or rng.random() < 0.25:
            continue  # not called yet
        if rng.random() < 0.2:
            record_outcome(db, agent, campaign.id, target.enterprise_id, "not_reachable")
            continue
        steps = ["contacted"]
        if rng.random() < 0.5:
            steps.append("interested")
            draw = rng.random()
            steps += ["applied"] if draw < 0.35 else ["declined"] if draw < 0.55 else []
        elif rng.random() < 0.3:
            steps.append("declined")
        for step in steps:
            record_outcome(db, agent, campaign.id, target.enterprise_id, step, "appel de démo")
    return campaign.name


def _proposal_enterprises(db: Database) -> list[str]:
    with db.session() as session:
        rows = session.execute(
            select(MatchProfile.enterprise_id)
            .join(
                MatchProposal,
                (MatchProposal.request_id == MatchProfile.id)
                | (MatchProposal.offer_id == MatchProfile.id),
            )
            .where(MatchProposal.status.in_(b2b.SEEDED_PROPOSALS))
            .order_by(MatchProposal.id, MatchProfile.id)
        ).all()
    return list(dict.fromkeys(str(r[0]) for r in rows))


def _event(db: Database, actor: Actor, spec: events.EventSpec) -> tuple[Event, bool]:
    with db.session() as session:
        found = session.scalar(select(Event).where(Event.source_key == spec.source_key))
    if found is not None:
        return found, False
    return events.create_event(db, actor, spec), True


def seed_outreach(settings: Settings, db: Database, *, seed: int = 2026) -> OutreachDemo:
    rng = random.Random(seed)
    summary = OutreachDemo()
    agent, manager = _actor(db, *AGENT, summary), _actor(db, *MANAGER, summary)
    try:
        summary.campaign = _campaign(settings, db, agent, rng)
    except MarsadError as exc:
        summary.notes.append(f"campagne : {exc.message}")
    day = date.today() + timedelta(days=14)
    forum, new_forum = _event(
        db,
        agent,
        events.EventSpec(
            "Forum régional de l'entreprise et de l'auto-emploi", "forum", "CCIS", day, day,
            150, place="Casablanca", chamber_code="CCIS06", source_key="demo-forum",
        ),
    )  # fmt: skip
    b2b_day, new_day = _event(
        db,
        manager,
        events.EventSpec(
            "Journée d'affaires donneurs d'ordre – TPME", "b2b_day", "MAROC_PME",
            day + timedelta(days=7), day + timedelta(days=7), 200, place="Casablanca",
            partners=("CCIS",), source_key="demo-b2b-day",
        ),
    )  # fmt: skip
    enterprises = _proposal_enterprises(db)[:120]
    people = [_person(db, rng, f"demo-b2b-{e}", e) for e in enterprises]
    holders = [_person(db, rng, f"demo-holder-{i}", None) for i in range(30)]
    if new_forum:
        for pid in holders + people[:40]:
            events.register(db, agent, forum.id, pid)
            if rng.random() < 0.7:
                events.mark_attendance(db, agent, forum.id, pid, True)
    if new_day and people:
        for pid in people:
            events.register(db, manager, b2b_day.id, pid)
        start = datetime.combine(b2b_day.starts_on, time(9, 0))
        b2b.add_slots(db, manager, b2b_day.id, start, 8, 30)
        b2b.seed_from_proposals(db, manager, b2b_day.id)
    return _counted(db, summary)


def _counted(db: Database, summary: OutreachDemo) -> OutreachDemo:
    with db.session() as session:
        ids = list(
            session.scalars(
                select(Event.id).where(Event.source_key.in_(("demo-forum", "demo-b2b-day")))
            )
        )
        states = session.scalars(select(CampaignTarget.state)).all()
    counts = events.counts(db, ids)
    summary.events = len(ids)
    summary.registrations = sum(c["registered"] for c in counts.values())
    summary.attended = sum(c["attended"] for c in counts.values())
    summary.meetings = sum(len(b2b.meetings_of(db, i)) for i in ids)
    summary.targeted = len(states)
    for state in states:
        summary.outcomes[state] = summary.outcomes.get(state, 0) + 1
    return summary
