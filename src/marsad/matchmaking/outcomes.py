"""What came of the proposals: meetings, outcomes, and the market-access indicator.

The indicator counts, over the proposals, how far pairs went (validated, connected,
met, agreed), the agreements by type and year with their declared value, and, with the
register's facts on the parties, how many TPE/PME concluded an agreement with a large
enterprise, by region and size of the smaller party.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from marsad.errors import Conflict, InvalidInput
from marsad.matchmaking.domain import SMALL_SIZES
from marsad.matchmaking.models import (
    AGREEMENT_TYPES,
    MatchMeeting,
    MatchOutcome,
    MatchProfile,
    MatchProposal,
)
from marsad.matchmaking.proposals import FirmsLoader, move_proposal, proposal_pair
from marsad.operational.auth import Actor
from marsad.operational.db import Database


def record_meeting(
    db: Database, actor: Actor, proposal_id: int, held_on: date, place: str = "", notes: str = ""
) -> MatchMeeting:
    actor.require("match.broker")
    proposal, _, _ = proposal_pair(db, proposal_id)
    if proposal.status not in ("connected", "agreement", "no_agreement"):
        raise Conflict(
            f"Une rencontre suppose deux parties intéressées : la proposition {proposal_id} "
            f"est « {proposal.status} »."
        )
    with db.session() as session:
        meeting = MatchMeeting(
            proposal_id=proposal_id,
            held_on=held_on,
            place=place,
            notes=notes,
            recorded_by=actor.label,
        )
        session.add(meeting)
        session.flush()
        return meeting


def meetings_of(db: Database, proposal_id: int) -> list[MatchMeeting]:
    with db.session() as session:
        query = select(MatchMeeting).where(MatchMeeting.proposal_id == proposal_id)
        return list(session.scalars(query.order_by(MatchMeeting.held_on)))


def record_outcome(
    db: Database,
    actor: Actor,
    proposal_id: int,
    agreement: bool,
    *,
    agreement_type: str | None = None,
    value_mad: Decimal | None = None,
    signed_on: date | None = None,
    notes: str = "",
) -> MatchOutcome:
    """How a connected pair ended: an agreement (type, date, value) or none."""
    actor.require("match.broker")
    problems = []
    if agreement and agreement_type not in AGREEMENT_TYPES:
        problems.append({"field": "agreement_type", "message": ", ".join(AGREEMENT_TYPES)})
    if agreement and signed_on is None:
        problems.append({"field": "signed_on", "message": "date de l'accord obligatoire"})
    if value_mad is not None and value_mad < 0:
        problems.append({"field": "value_mad", "message": "négative"})
    if problems:
        raise InvalidInput("Issue invalide.", details=problems)
    proposal_pair(db, proposal_id)
    status = "agreement" if agreement else "no_agreement"
    move_proposal(db, proposal_id, ("connected",), status=status)
    with db.session() as session:
        outcome = MatchOutcome(
            proposal_id=proposal_id,
            outcome="agreement" if agreement else "no_agreement",
            agreement_type=agreement_type if agreement else None,
            value_mad=value_mad,
            signed_on=signed_on,
            notes=notes,
            recorded_by=actor.label,
        )
        session.add(outcome)
        return outcome


def outcome_of(db: Database, proposal_id: int) -> MatchOutcome | None:
    with db.session() as session:
        return session.get(MatchOutcome, proposal_id)


def market_access(
    db: Database, actor: Actor, firms: FirmsLoader | None = None, as_of: date | None = None
) -> dict[str, Any]:
    """The market-access indicator fed by the recorded meetings and outcomes."""
    actor.require("match.read")
    request, offer = aliased(MatchProfile), aliased(MatchProfile)
    with db.session() as session:
        grouped = select(MatchProposal.status, func.count()).group_by(MatchProposal.status)
        by_status = {str(s): int(n) for s, n in session.execute(grouped).tuples().all()}
        meetings = session.scalar(select(func.count()).select_from(MatchMeeting)) or 0
        agreements = (
            session.execute(
                select(MatchOutcome, request.enterprise_id, offer.enterprise_id)
                .join(MatchProposal, MatchProposal.id == MatchOutcome.proposal_id)
                .join(request, request.id == MatchProposal.request_id)
                .join(offer, offer.id == MatchProposal.offer_id)
                .where(MatchOutcome.outcome == "agreement")
            )
            .tuples()
            .all()
        )
    by_type: dict[str, dict[str, Any]] = {}
    by_year: dict[str, int] = {}
    total = Decimal(0)
    for outcome, _, _ in agreements:
        kind = by_type.setdefault(str(outcome.agreement_type), {"agreements": 0, "value_mad": 0})
        kind["agreements"] += 1
        kind["value_mad"] += float(outcome.value_mad or 0)
        total += outcome.value_mad or Decimal(0)
        year = str(outcome.signed_on.year) if outcome.signed_on else "?"
        by_year[year] = by_year.get(year, 0) + 1
    reached = sum(by_status.get(s, 0) for s in ("validated", "declined", "connected"))
    result: dict[str, Any] = {
        "proposals": sum(by_status.values()),
        "by_status": {k: int(v) for k, v in sorted(by_status.items())},
        "validated": reached + by_status.get("agreement", 0) + by_status.get("no_agreement", 0),
        "meetings": int(meetings),
        "agreements": len(agreements),
        "agreements_value_mad": float(total),
        "agreements_by_type": by_type,
        "agreements_by_year": dict(sorted(by_year.items())),
    }
    if firms is not None:
        result |= _parties(agreements, firms, as_of or date.today())
    return result


def _parties(agreements: Any, firms: FirmsLoader, day: date) -> dict[str, Any]:
    ids = {e for _, a, b in agreements for e in (a, b)}
    facts = firms(ids, day)
    small_with_large: set[str] = set()
    by_region: dict[str, int] = {}
    by_size: dict[str, int] = {}
    for _, a, b in agreements:
        fa, fb = facts.get(a), facts.get(b)
        for small, other in ((fa, fb), (fb, fa)):
            if small is None or small.size_class not in SMALL_SIZES:
                continue
            if other is not None and other.size_class == "GE":
                small_with_large.add(small.enterprise_id)
            region = small.region_code or "?"
            by_region[region] = by_region.get(region, 0) + 1
            by_size[str(small.size_class)] = by_size.get(str(small.size_class), 0) + 1
    return {
        "tpme_with_large_partner": len(small_with_large),
        "tpme_agreements_by_region": dict(sorted(by_region.items())),
        "tpme_agreements_by_size": dict(sorted(by_size.items())),
    }
