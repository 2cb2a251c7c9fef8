"""The outreach demo on a small register: a forum, a B2B day whose meetings come from the
validated matchmaking proposals, a campaign with outcomes; the same seed gives the same
demo and a second run adds nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from marsad.matchmaking.models import MatchProfile, MatchProposal
from marsad.operational import Database, migrate
from marsad.outreach.demo import seed_outreach
from marsad.outreach.models import B2bMeeting, CampaignOutcomeEvent, EventRegistration
from marsad.settings import Settings
from outreach_register import write_register


def _proposals(db: Database) -> None:
    with db.session() as session:
        ids = {}
        for enterprise, kind in (("E01", "business_request"), ("E02", "business_offer"),
                                 ("E09", "business_offer")):  # fmt: skip
            p = MatchProfile(enterprise_id=enterprise, kind=kind, status="published",
                             title=enterprise, valid_from=date(2026, 1, 1),
                             valid_until=date(2027, 12, 31))  # fmt: skip
            session.add(p)
            session.flush()
            ids[enterprise] = p.id
        for offer, status in (("E02", "validated"), ("E09", "proposed")):
            session.add(MatchProposal(request_id=ids["E01"], offer_id=ids[offer],
                                      score=Decimal("0.8"), status=status))  # fmt: skip


def _snapshot(db: Database) -> tuple[int, int, int]:
    with db.session() as session:
        return (
            int(session.scalar(select(func.count()).select_from(EventRegistration)) or 0),
            int(session.scalar(select(func.count()).select_from(B2bMeeting)) or 0),
            int(session.scalar(select(func.count()).select_from(CampaignOutcomeEvent)) or 0),
        )


def test_the_demo_is_seeded_once(settings: Settings, tmp_path: Path) -> None:
    write_register(settings, tmp_path)
    migrate(settings.operational_url)
    db = Database(settings.operational_url)
    _proposals(db)
    first = seed_outreach(settings, db, seed=7)
    assert first.events == 2 and first.meetings == 1  # the validated proposal only
    assert first.targeted == sum(first.outcomes.values()) > 0
    assert first.registrations == 30 + 2 + 2  # holders and two firms, the two firms again
    before = _snapshot(db)
    second = seed_outreach(settings, db, seed=7)
    # the accounts were created by the first run, with a password shown once
    assert first.password and not second.password
    assert {**second.to_dict(), "password": ""} == {**first.to_dict(), "password": ""}
    assert _snapshot(db) == before
    db.dispose()
