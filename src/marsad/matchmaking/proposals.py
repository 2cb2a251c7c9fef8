"""Proposals: batch matching of published profiles, broker validation, the parties'
interest, meetings and outcomes.

A run scores every published request against every published offer valid on the day and
stores the best pairs as ``proposed`` with their components in words (a pair already
proposed gets its new score; one already decided is left alone). A broker validates or
dismisses; once validated, each party says whether it is interested (a broker may say it
for them): both yes make the pair ``connected``, one no ``declined``. A broker records
meetings and the outcome: an agreement (type, value, date) or none.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import aliased

from marsad.errors import Conflict, Forbidden, InvalidInput, NotFound
from marsad.matchmaking.access import members_of
from marsad.matchmaking.domain import Firm, Profile, Weights
from marsad.matchmaking.engine import Matcher
from marsad.matchmaking.explain import explain
from marsad.matchmaking.facts import with_agreements
from marsad.matchmaking.models import (
    MatchOutcome,
    MatchProfile,
    MatchProposal,
)
from marsad.matchmaking.ranking import best_matches
from marsad.operational.auth import Actor, record
from marsad.operational.db import Database
from marsad.operational.people import utcnow

FirmsLoader = Callable[[set[str], date], dict[str, Firm]]
# action: (statuses it may start from, status it leads to)
DECISIONS = {"validate": (("proposed",), "validated"), "dismiss": (("proposed",), "dismissed")}
HIDDEN_FROM_PARTIES = ("proposed", "dismissed")


@dataclass
class RunSummary:
    profiles: int = 0
    requests: int = 0
    offers: int = 0
    proposals_new: int = 0
    proposals_updated: int = 0
    removed_by_filter: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def as_profile(row: MatchProfile) -> Profile:
    return Profile(
        id=str(row.id),
        enterprise_id=row.enterprise_id,
        kind=row.kind,
        title=row.title,
        description=row.description,
        tags=tuple(row.tags or ()),
        activity_codes=tuple(row.activity_codes or ()),
        certifications=tuple(row.certifications or ()),
        capacity_mad=None if row.capacity_mad is None else float(row.capacity_mad),
        site_region=row.site_region,
        regions_served=tuple(row.regions_served or ()),
        sizes_sought=tuple(row.sizes_sought or ()),
        excluded=tuple(row.excluded or ()),
        valid_from=row.valid_from,
        valid_until=row.valid_until,
    )


def agreements_before(db: Database, day: date) -> dict[str, int]:
    """Agreements each enterprise signed through matches before ``day``."""
    request, offer = aliased(MatchProfile), aliased(MatchProfile)
    with db.session() as session:
        rows = session.execute(
            select(request.enterprise_id, offer.enterprise_id)
            .select_from(MatchOutcome)
            .join(MatchProposal, MatchProposal.id == MatchOutcome.proposal_id)
            .join(request, request.id == MatchProposal.request_id)
            .join(offer, offer.id == MatchProposal.offer_id)
            .where(MatchOutcome.outcome == "agreement", MatchOutcome.signed_on < day)
        ).all()
    counts: dict[str, int] = {}
    for pair in rows:
        for enterprise in pair:
            counts[enterprise] = counts.get(enterprise, 0) + 1
    return counts


def run_matching(
    db: Database,
    actor: Actor,
    firms: FirmsLoader,
    as_of: date | None = None,
    *,
    per_request: int = 5,
    per_offer: int = 3,
    min_score: float = 0.3,
    weights: Weights | None = None,
) -> RunSummary:
    """Propose the best pairs among the published profiles valid on ``as_of``."""
    actor.require("match.broker")
    started = time.perf_counter()
    day = as_of or date.today()
    with db.session() as session:
        rows = list(session.scalars(select(MatchProfile).where(MatchProfile.status == "published")))
    profiles = [as_profile(r) for r in rows]
    facts = with_agreements(
        firms({p.enterprise_id for p in profiles}, day), agreements_before(db, day)
    )
    matcher = Matcher(profiles, facts, day, weights or Weights())
    matches = best_matches(matcher, per_request, per_offer, min_score)
    summary = RunSummary(len(profiles), len(matcher.requests), len(matcher.offers))
    with db.session() as session:
        existing = {
            (p.request_id, p.offer_id): p
            for p in session.scalars(
                select(MatchProposal).where(MatchProposal.status == "proposed")
            )
        }
        decided = set(
            session.execute(
                select(MatchProposal.request_id, MatchProposal.offer_id).where(
                    MatchProposal.status != "proposed"
                )
            ).tuples()
        )
        for m in matches:
            key = (int(m.request.id), int(m.offer.id))
            if key in decided:
                continue
            words = explain(m.parts, m.request, m.offer, facts, matcher.weights)
            score = Decimal(str(min(max(m.score, 0.0), 1.0))).quantize(Decimal("0.0001"))
            if key in existing:
                existing[key].score, existing[key].components = score, words
                summary.proposals_updated += 1
            else:
                session.add(
                    MatchProposal(request_id=key[0], offer_id=key[1], score=score, components=words)
                )
                summary.proposals_new += 1
    summary.removed_by_filter = dict(matcher.removed)
    summary.seconds = round(time.perf_counter() - started, 2)
    record(db, actor, "match.run", f"{len(matches)} paires", "mise en relation", summary.to_dict())
    return summary


Pair = tuple[MatchProposal, MatchProfile, MatchProfile]


def proposal_pair(db: Database, proposal_id: int) -> Pair:
    with db.session() as session:
        proposal = session.get(MatchProposal, proposal_id)
        if proposal is None:
            raise NotFound(f"La proposition {proposal_id} n'existe pas.")
        request = session.get(MatchProfile, proposal.request_id)
        offer = session.get(MatchProfile, proposal.offer_id)
        assert request is not None and offer is not None
        return proposal, request, offer


def _sides(db: Database, actor: Actor, request: MatchProfile, offer: MatchProfile) -> set[str]:
    """The sides of a pair the actor represents."""
    own = members_of(db, actor) if actor.can("match.own") else set()
    return {s for s, p in (("request", request), ("offer", offer)) if p.enterprise_id in own}


def visible_proposal(
    db: Database, actor: Actor, proposal_id: int
) -> tuple[MatchProposal, MatchProfile, MatchProfile]:
    proposal, request, offer = proposal_pair(db, proposal_id)
    if actor.can("match.read"):
        return proposal, request, offer
    if _sides(db, actor, request, offer) and proposal.status not in HIDDEN_FROM_PARTIES:
        return proposal, request, offer
    raise NotFound(f"La proposition {proposal_id} n'existe pas.")


def list_proposals(
    db: Database, actor: Actor, status: str | None = None, limit: int = 200, offset: int = 0
) -> list[tuple[MatchProposal, MatchProfile, MatchProfile]]:
    """Brokers and readers: every proposal; a party: the validated ones of its profiles."""
    request, offer = aliased(MatchProfile), aliased(MatchProfile)
    query = (
        select(MatchProposal, request, offer)
        .join(request, request.id == MatchProposal.request_id)
        .join(offer, offer.id == MatchProposal.offer_id)
    )
    if not actor.can("match.read"):
        own = members_of(db, actor) if actor.can("match.own") else set()
        if not own:
            raise Forbidden("Votre compte n'est rattaché à aucune entreprise.")
        query = query.where(
            or_(request.enterprise_id.in_(own), offer.enterprise_id.in_(own)),
            MatchProposal.status.not_in(HIDDEN_FROM_PARTIES),
        )
    if status is not None:
        query = query.where(MatchProposal.status == status)
    query = query.order_by(MatchProposal.score.desc(), MatchProposal.id).limit(limit).offset(offset)
    with db.session() as session:
        return [(p, r, o) for p, r, o in session.execute(query).tuples()]


def move_proposal(db: Database, proposal_id: int, starts: tuple[str, ...], **values: Any) -> None:
    with db.session() as session:
        moved = session.execute(
            update(MatchProposal)
            .where(MatchProposal.id == proposal_id, MatchProposal.status.in_(starts))
            .values(updated_at=utcnow(), **values)
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            current = session.get(MatchProposal, proposal_id)
            raise Conflict(
                f"La proposition {proposal_id} est « {current.status if current else '?'} » "
                f"(attendu : {', '.join(starts)})."
            )


def decide(
    db: Database, actor: Actor, proposal_id: int, action: str, reason: str = ""
) -> MatchProposal:
    """A broker validates a proposal (the parties then see it) or dismisses it."""
    actor.require("match.broker")
    if action not in DECISIONS:
        raise InvalidInput(f"Décision inconnue : {action} (validate ou dismiss).")
    starts, target = DECISIONS[action]
    proposal_pair(db, proposal_id)
    move_proposal(
        db,
        proposal_id,
        starts,
        status=target,
        reason=reason,
        validated_by=actor.label,
        validated_at=utcnow(),
    )
    return proposal_pair(db, proposal_id)[0]


def express_interest(
    db: Database, actor: Actor, proposal_id: int, interested: bool, side: str | None = None
) -> MatchProposal:
    """A party says yes or no; both yes: ``connected``, one no: ``declined``."""
    proposal, request, offer = visible_proposal(db, actor, proposal_id)
    sides = _sides(db, actor, request, offer)
    if actor.can("match.broker") and side in ("request", "offer"):
        sides = {side}
    elif side is not None:
        sides &= {side}
    if not sides:
        raise Forbidden("Seules les parties (ou un courtier pour elles) disent leur intérêt.")
    answer = "yes" if interested else "no"
    values = {f"{s}_interest": answer for s in sides}
    after = {
        "request": values.get("request_interest", proposal.request_interest),
        "offer": values.get("offer_interest", proposal.offer_interest),
    }
    if "no" in after.values():
        values["status"] = "declined"
    elif after["request"] == after["offer"] == "yes":
        values["status"] = "connected"
    move_proposal(db, proposal_id, ("validated",), **values)
    return proposal_pair(db, proposal_id)[0]
