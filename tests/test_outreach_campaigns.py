"""Campaigns on SQLite and PostgreSQL: created from a target list, outcomes by their state
machine (an illegal change refused), ``applied`` detected from the applications, the
conversion figures and their inclusion breakdowns (known answers), chambers kept apart."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from marsad.errors import Conflict, MarsadError, NotFound
from marsad.operational import Database, migrate
from marsad.operational.auth import Actor
from marsad.outreach.campaigns import CampaignSpec, create_campaign, record_outcome, targets_of
from marsad.outreach.conversion import conversion
from marsad.outreach.models import CampaignOutcomeEvent
from marsad.outreach.targets import TargetQuery, build_targets
from marsad.programmes.workflow import create_application, ensure_budget
from marsad.settings import Settings, get_settings
from outreach_register import ON, write_register

AGENT = Actor(2, "guichet.casa", "desk_agent", "CCIS06")
OTHER = Actor(3, "guichet.tanger", "desk_agent", "CCIS01")
ANALYST = Actor(4, "analyste", "analyst")
SPEC = CampaignSpec(
    name="Intelaka Casablanca",
    organiser_code="CCIS",
    programme="INTELAKA",
    channel="phone",
    starts_on=ON,
    message="Présentation du programme Intelaka",
)


@pytest.fixture
def setup(tmp_path: Path, database_url: str) -> Iterator[tuple[Settings, Database, int]]:
    settings = get_settings(tmp_path / "home", database_url=database_url)
    write_register(settings, tmp_path)
    migrate(database_url)
    db = Database(database_url)
    ensure_budget(db, "INTELAKA", "Intelaka", "MAROC_PME", Decimal("1000000"))
    create_application(db, "agent", "INTELAKA", "E05", Decimal("50000"))
    campaign, n = create_campaign(settings, db, AGENT, SPEC)
    assert n == 3 and campaign.chamber_code == "CCIS06" and campaign.region_code == "06"
    yield settings, db, campaign.id
    db.dispose()


def test_outcomes_follow_the_state_machine(setup: tuple[Settings, Database, int]) -> None:
    settings, db, cid = setup
    assert [t.enterprise_id for t in targets_of(db, AGENT, cid)] == ["E01", "E09", "E11"]
    for outcome in ("contacted", "interested", "applied"):
        record_outcome(db, AGENT, cid, "E01", outcome)
    for outcome in ("not_reachable", "contacted", "declined"):
        record_outcome(db, AGENT, cid, "E09", outcome, "rappel le lendemain")
    with pytest.raises(Conflict, match="« Ciblée »") as refused:
        record_outcome(db, AGENT, cid, "E11", "interested")
    assert refused.value.status == 409
    with pytest.raises(Conflict):
        record_outcome(db, AGENT, cid, "E09", "contacted")  # declined is final
    with pytest.raises(NotFound):
        record_outcome(db, OTHER, cid, "E11", "contacted")
    with pytest.raises(NotFound):
        record_outcome(db, AGENT, cid, "E02", "contacted")
    again = build_targets(
        settings, db, AGENT, TargetQuery("INTELAKA", not_contacted_days=30, as_of=ON)
    )
    assert [r["enterprise_id"] for r in again.rows] == ["E11"]
    assert again.counts["recently_contacted"] == 2
    create_application(db, "agent", "INTELAKA", "E11", Decimal("40000"))
    figures = conversion(db, AGENT, campaign_id=cid, on=ON)
    assert {k: figures["total"][k] for k in figures["total"]} == {
        "targeted": 3,
        "contacted": 2,
        "reached": 2,
        "interested": 1,
        "applied": 2,
        "declined": 1,
        "not_reachable": 0,
        "contact_rate": 0.6667,
        "reach_rate": 1.0,
        "interest_rate": 0.5,
        "conversion_rate": 0.6667,
    }
    assert figures["by_chamber"]["CCIS06"] == figures["total"]
    assert list(figures["by_region"]) == ["06"]
    targeted, applied = figures["inclusion"]["targeted"], figures["inclusion"]["applied"]
    assert targeted["gender"] == {"F": 1, "M": 1, "inconnu": 1}
    assert targeted["area"] == {"urban": 2, "rural": 1, "inconnu": 0}
    assert targeted["age_band"]["25_34"] == 1 and targeted["youth"]["oui"] == 1
    assert targeted["size_class"]["MICRO"] == 2 and targeted["size_class"]["PE"] == 1
    assert applied["gender"] == {"F": 1, "M": 0, "inconnu": 1}
    with db.session() as session:
        history = session.execute(
            select(CampaignOutcomeEvent.to_state, CampaignOutcomeEvent.automatic).order_by(
                CampaignOutcomeEvent.id
            )
        ).all()
    assert [tuple(h) for h in history] == [
        ("contacted", False),
        ("interested", False),
        ("applied", False),
        ("not_reachable", False),
        ("contacted", False),
        ("declined", False),
        ("applied", True),
    ]
    assert conversion(db, OTHER, on=ON)["total"]["targeted"] == 0
    assert conversion(db, ANALYST, on=ON)["total"]["applied"] == 2


def test_one_outcome_wins_under_concurrency(setup: tuple[Settings, Database, int]) -> None:
    _, db, cid = setup
    record_outcome(db, AGENT, cid, "E09", "contacted")

    def attempt(outcome: str) -> str:
        try:
            record_outcome(db, AGENT, cid, "E09", outcome)
            return outcome
        except MarsadError as exc:
            return type(exc).__name__

    with ThreadPoolExecutor(8) as pool:
        results = Counter(pool.map(attempt, ["interested"] * 12))
    assert results == {"interested": 1, "Conflict": 11}
    with db.session() as session:
        moves = session.scalars(select(CampaignOutcomeEvent.to_state)).all()
    assert moves.count("interested") == 1


def test_a_campaign_needs_targets(setup: tuple[Settings, Database, int]) -> None:
    settings, db, _ = setup
    with pytest.raises(Conflict, match="vide"):
        create_campaign(
            settings,
            db,
            Actor(5, "gestionnaire", "programme_manager"),
            CampaignSpec("Vide", "MAROC_PME", "INTELAKA", "email", ON, region="03"),
        )
