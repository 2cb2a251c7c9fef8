"""What impact measurement reads from the operational database (protected side only).

- the auto-entrepreneur desk: the persons the chambers helped to register
  (``desk_cases`` registered), each with the register enterprise holding their AE number
  in the current build (or, when the build does not hold it yet, the enterprise the case
  was linked to); they are the support whose passage to a company is counted;
- matchmaking: per enterprise, the proposals that reached it after a broker's validation
  and those of them that became an agreement, with the year of its first agreement.

The read is one access to enterprise-level records, logged in the access log (what was
read, for which purpose, how many rows); only aggregated tables leave the protected side.
Without an operational database (none created yet, or its tables missing), there is
nothing to read and the indicators built on it say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import func, inspect, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import aliased

from marsad.settings import Settings

DESK_PROGRAMME = "GUICHET_AE"  # the desk's code in the impact tables
VALIDATED = ("validated", "declined", "connected", "agreement", "no_agreement")
PURPOSE = "indicateurs d'impact agrégés (guichet auto-entrepreneur, accès aux marchés)"


@dataclass
class OperationalFacts:
    available: bool = False  # an operational database with the tables was read
    desk: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["enterprise_id", "approval_year"])
    )
    market: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=["enterprise_id", "validated", "agreements", "first_agreement_year"]
        )
    )


def _exists(url: str) -> bool:
    """A SQLite file that is not there is not created by reading it."""
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")).is_file()
    return True


def _ae_holders(build: Path | None) -> dict[str, str]:
    """AE number (without leading zeros) -> enterprise id, from the build's units."""
    units = None if build is None else build / "units.parquet"
    if units is None or not units.is_file():
        return {}
    table = pq.read_table(units, columns=["unit_id", "enterprise_id"])
    table = table.filter(pc.starts_with(table["unit_id"], "ae:"))
    ids, enterprises = table["unit_id"].to_pylist(), table["enterprise_id"].to_pylist()
    return {u.removeprefix("ae:").lstrip("0"): e for u, e in zip(ids, enterprises, strict=True)}


def load_operational_facts(settings: Settings, build: Path | None = None) -> OperationalFacts:
    """The desk's registered persons and the matchmaking outcomes per enterprise
    (``build``: the register build whose units resolve the desk's AE numbers)."""
    from marsad.matchmaking.models import MatchOutcome, MatchProfile, MatchProposal
    from marsad.operational.auth import SYSTEM, record
    from marsad.operational.db import Database
    from marsad.programmes.support_models import DeskCase

    url = settings.operational_url
    if not _exists(url):
        return OperationalFacts()
    db = Database(url)
    try:
        tables = set(inspect(db.engine).get_table_names())
        if not {"desk_cases", "match_proposals", "match_profiles", "match_outcomes"} <= tables:
            return OperationalFacts()
        request, offer = aliased(MatchProfile), aliased(MatchProfile)
        with db.session() as session:
            desk = session.execute(
                select(
                    DeskCase.ae_number,
                    DeskCase.enterprise_id,
                    func.coalesce(DeskCase.closed_at, DeskCase.opened_at),
                ).where(DeskCase.status == "registered")
            ).all()
            proposals = session.execute(
                select(
                    request.enterprise_id,
                    offer.enterprise_id,
                    MatchProposal.status,
                    MatchOutcome.signed_on,
                )
                .join(request, request.id == MatchProposal.request_id)
                .join(offer, offer.id == MatchProposal.offer_id)
                .outerjoin(
                    MatchOutcome,
                    (MatchOutcome.proposal_id == MatchProposal.id)
                    & (MatchOutcome.outcome == "agreement"),
                )
                .where(or_(*(MatchProposal.status == s for s in VALIDATED)))
            ).all()
        record(
            db,
            SYSTEM,
            "impact.operational_read",
            "desk_cases+match_proposals",
            PURPOSE,
            {"desk_cases": len(desk), "proposals": len(proposals)},
        )
    except SQLAlchemyError:
        return OperationalFacts()
    finally:
        db.dispose()
    holders = _ae_holders(build)
    resolved = [
        (holders.get((number or "").lstrip("0")) or linked, at) for number, linked, at in desk
    ]
    desk_frame = pd.DataFrame(
        {
            "enterprise_id": [str(e) for e, _ in resolved if e],
            "approval_year": [int(at.year) for e, at in resolved if e],
        }
    )
    parties = [
        (str(side), status == "agreement" and signed is not None, signed)
        for a, b, status, signed in proposals
        for side in (a, b)
    ]
    market = pd.DataFrame(parties, columns=["enterprise_id", "agreement", "signed_on"])
    market["signed_year"] = pd.to_datetime(market["signed_on"]).dt.year.where(market["agreement"])
    grouped = market.groupby("enterprise_id", sort=True)
    market_frame = pd.DataFrame(
        {
            "validated": grouped.size(),
            "agreements": grouped["agreement"].sum(),
            "first_agreement_year": grouped["signed_year"].min(),
        }
    ).reset_index()
    return OperationalFacts(available=True, desk=desk_frame, market=market_frame)
