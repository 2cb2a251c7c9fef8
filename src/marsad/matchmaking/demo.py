"""Demo matchmaking: the synthetic economy's profiles published for register enterprises.

Each synthetic profile is drafted for the register enterprise holding its firm's ICE and
validated by a demo broker (its validity moved to start around today); a batch run then
proposes pairs, and the broker follows some of them up: validated, interest of both
parties, a meeting, and an agreement where the pair was truly complementary (the
synthetic truth says so), so that the market-access indicator has something to count.
The same seed gives the same demo; a second run publishes nothing and stops there.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import select

from marsad.errors import NotFound
from marsad.matchmaking import access, outcomes, profiles, proposals
from marsad.matchmaking.evaluate import synth_profiles, true_pairs
from marsad.matchmaking.facts import register_firms
from marsad.matchmaking.models import MatchProfile
from marsad.operational.auth import Actor, create_user, demo_password
from marsad.operational.db import Database
from marsad.operational.people import User
from marsad.register.build import current_build
from marsad.settings import Settings

BROKER = ("courtier", "programme_manager")
MEMBER = "entreprise.demo"
TYPES = {"business_offer": "supply", "technology_offer": "technology"}


@dataclass
class MatchDemo:
    profiles: int = 0
    skipped: int = 0
    run: dict[str, Any] = field(default_factory=dict)
    followed: dict[str, int] = field(default_factory=dict)
    users: list[str] = field(default_factory=list)
    password: str = ""  # the random password of the accounts created by this run, if any

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _user(db: Database, name: str, role: str, summary: MatchDemo) -> Actor:
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == name))
        if user is not None:
            return Actor(user.id, user.username, user.role, user.chamber_code)
    summary.password = demo_password()
    return create_user(db, name, role, summary.password)


def _ice_map(truth: Path, build: Path) -> dict[str, str]:
    """Synthetic enterprise id -> register enterprise id, through the ICE."""
    rows = duckdb.execute(
        """SELECT CAST(t.enterprise_id AS VARCHAR), r.enterprise_id
           FROM read_parquet(?) t JOIN read_parquet(?) r ON r.ice = t.ice
           WHERE t.ice IS NOT NULL""",
        [str(truth / "enterprises.parquet"), str(build / "enterprises.parquet")],
    ).fetchall()
    return {a: b for a, b in rows}


def seed_matchmaking(
    settings: Settings, db: Database, truth: Path, *, limit: int = 1500, seed: int = 7
) -> MatchDemo:
    build = current_build(settings)
    if build is None:
        raise NotFound("Aucun registre n'a été construit : lancez « marsad register build ».")
    rng = random.Random(seed)
    summary = MatchDemo()
    broker = _user(db, *BROKER, summary)
    summary.users = [broker.username]
    found, as_of = synth_profiles(truth)
    shift = date.today() - as_of
    to_register = _ice_map(truth, build)
    with db.session() as session:
        done = set(session.scalars(select(MatchProfile.source_key)))
    chosen = sorted(found, key=lambda p: (p.id[0] != "R", p.id))[:limit]
    represented: str | None = None
    for p in chosen:
        enterprise = to_register.get(p.enterprise_id)
        if enterprise is None or p.id in done:
            summary.skipped += 1
            continue
        values = {
            "kind": p.kind,
            "title": p.title[:300],
            "description": p.description,
            "tags": list(p.tags),
            "activity_codes": list(p.activity_codes),
            "certifications": list(p.certifications),
            "capacity_mad": None if p.capacity_mad is None else round(p.capacity_mad),
            "site_region": p.site_region,
            "regions_served": list(p.regions_served),
            "sizes_sought": list(p.sizes_sought),
            "excluded": [to_register[e] for e in p.excluded if e in to_register],
            "valid_from": (p.valid_from or as_of) + shift,
            "valid_until": (p.valid_until or as_of) + shift,
        }
        row = profiles.create_profile(db, broker, enterprise, values)
        with db.session() as session:
            stored = session.get(MatchProfile, row.id)
            assert stored is not None
            stored.source_key = p.id
        profiles.act(db, broker, row.id, "validate")
        summary.profiles += 1
        represented = represented or enterprise
    if represented is None:
        return summary  # nothing new: seeded already, or no profile in the register
    _member(db, broker, summary, represented)
    loader = lambda ids, day: register_firms(build, ids, day)  # noqa: E731
    summary.run = proposals.run_matching(db, broker, loader).to_dict()
    summary.followed = _follow_up(db, broker, rng, true_pairs(truth))
    return summary


def _member(db: Database, broker: Actor, summary: MatchDemo, enterprise: str) -> None:
    if not access.members_of(db, _user(db, MEMBER, "public", summary)):
        access.add_member(db, broker, MEMBER, enterprise)
    summary.users.append(MEMBER)


def _follow_up(
    db: Database, broker: Actor, rng: random.Random, truth: dict[str, set[str]]
) -> dict[str, int]:
    """Validate some proposals; both parties interested in some; meetings; outcomes."""
    followed = {"validated": 0, "connected": 0, "agreements": 0}
    today = date.today()
    for proposal, request, offer in proposals.list_proposals(db, broker, "proposed", 2000):
        if rng.random() > 0.3:
            continue
        proposals.decide(db, broker, proposal.id, "validate")
        followed["validated"] += 1
        complementary = offer.source_key in truth.get(str(request.source_key), set())
        if rng.random() > (0.7 if complementary else 0.3):
            continue
        for side in ("request", "offer"):
            proposals.express_interest(db, broker, proposal.id, True, side)
        followed["connected"] += 1
        outcomes.record_meeting(db, broker, proposal.id, today - timedelta(days=20), "CCIS")
        agreed = rng.random() < (0.6 if complementary else 0.1)
        outcomes.record_outcome(
            db,
            broker,
            proposal.id,
            agreed,
            agreement_type=TYPES.get(offer.kind, "other") if agreed else None,
            value_mad=Decimal(rng.randrange(50, 2000) * 1000) if agreed else None,
            signed_on=today - timedelta(days=rng.randrange(1, 15)) if agreed else None,
        )
        followed["agreements"] += int(agreed)
    return followed
