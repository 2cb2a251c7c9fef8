"""The dashboard of a partner: trainings, events and campaigns counted with their inclusion
breakdowns, a chamber's view limited to its own, and nothing of another partner."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from marsad.errors import Forbidden
from marsad.operational import Database, migrate
from marsad.operational.auth import Actor
from marsad.outreach import b2b, events
from marsad.outreach.campaigns import CampaignSpec, create_campaign, record_outcome
from marsad.outreach.dashboard import dashboard
from marsad.outreach.events import EventSpec
from marsad.programmes.workflow import create_application, ensure_budget
from marsad.settings import Settings
from marsad.training.models import (
    Certificate,
    Enrolment,
    Participant,
    TrainingCohort,
    TrainingModule,
)
from outreach_register import ON, RURAL, write_register

MANAGER = Actor(1, "gestionnaire", "programme_manager")
AGENT = Actor(2, "guichet.casa", "desk_agent", "CCIS06")


@pytest.fixture
def db(settings: Settings, tmp_path: Path) -> Iterator[Database]:
    write_register(settings, tmp_path)
    migrate(settings.operational_url)
    database = Database(settings.operational_url)
    ensure_budget(database, "INTELAKA", "Intelaka", "MAROC_PME", Decimal("1000000"))
    create_application(database, "agent", "INTELAKA", "E05", Decimal("50000"))
    yield database
    database.dispose()


def _people(db: Database) -> list[int]:
    """Four participants: a young woman of E01, a man of E09 (rural commune), a woman
    without enterprise or commune, a man of another partner."""
    with db.session() as session:
        rows = [
            Participant(full_name="A", gender="F", birth_year=1998, enterprise_id="E01",
                        partner_code="CCIS"),
            Participant(full_name="B", gender="M", birth_year=1970, enterprise_id="E09",
                        commune_code=RURAL, partner_code="CCIS"),
            Participant(full_name="C", gender="F", birth_year=None, partner_code="CCIS"),
            Participant(full_name="D", gender="M", birth_year=1980, partner_code="ANAPEC"),
        ]  # fmt: skip
        session.add_all(rows)
        session.flush()
        return [p.id for p in rows]


def _trainings(db: Database, a: int, b: int, c: int, d: int) -> None:
    with db.session() as session:
        session.add(
            TrainingModule(
                code="GEST1",
                title="Gestion",
                topic="gestion",
                level="initiation",
                duration_hours=Decimal("12"),
                completion_share=Decimal("0.8"),
            )
        )
        session.flush()
        cohorts = [
            TrainingCohort(code=code, module_code="GEST1", partner_code=partner,
                           region_code=region, trainer="T", language="fr", capacity=20,
                           starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 30))
            for code, partner, region in (("K1", "CCIS", "06"), ("K2", "CCIS", "01"),
                                          ("K3", "ANAPEC", "06"))
        ]  # fmt: skip
        session.add_all(cohorts)
        session.flush()
        enrolments = [
            Enrolment(cohort_id=cohorts[0].id, participant_id=a),
            Enrolment(cohort_id=cohorts[0].id, participant_id=b),
            Enrolment(cohort_id=cohorts[1].id, participant_id=c),
            Enrolment(cohort_id=cohorts[1].id, participant_id=a, status="withdrawn"),
            Enrolment(cohort_id=cohorts[2].id, participant_id=d),
        ]
        session.add_all(enrolments)
        session.flush()
        session.add(
            Certificate(
                number="C-1", enrolment_id=enrolments[0].id, issued_on=date(2026, 3, 30),
                attended=4, sessions=4,
            )
        )  # fmt: skip


def test_the_dashboard_of_a_partner(settings: Settings, db: Database) -> None:
    a, b, c, d = _people(db)
    _trainings(db, a, b, c, d)
    forum = events.create_event(
        db, AGENT, EventSpec("Forum", "forum", "CCIS", ON, ON, 30, place="Casablanca")
    )
    day = events.create_event(
        db, MANAGER, EventSpec("Journée B2B", "b2b_day", "MAROC_PME", ON, ON, 30,
                               partners=("CCIS",))
    )  # fmt: skip
    events.create_event(db, MANAGER, EventSpec("Autre", "forum", "ANAPEC", ON, ON, 30))
    for pid in (a, b, c):
        events.register(db, MANAGER, forum.id, pid)
    events.mark_attendance(db, MANAGER, forum.id, a, True)
    for pid in (a, b):
        events.register(db, MANAGER, day.id, pid)
    slots = b2b.add_slots(db, MANAGER, day.id, datetime(2026, 6, 30, 9), 2, 30)
    b2b.schedule_meeting(db, MANAGER, day.id, slots[0].id, a, b)
    campaign, _ = create_campaign(
        settings, db, AGENT, CampaignSpec("Appels", "CCIS", "INTELAKA", "phone", ON)
    )
    record_outcome(db, AGENT, campaign.id, "E01", "contacted")

    board = dashboard(settings, db, MANAGER, "CCIS", on=ON)
    t = board["trainings"]
    assert (t["cohorts"], t["enrolled"], t["participants"], t["completed"]) == (2, 3, 3, 1)
    assert t["certificates"] == 1 and t["completion_rate"] == 0.3333
    assert t["inclusion"]["gender"] == {"F": 2, "M": 1, "inconnu": 0}
    assert t["inclusion"]["youth"] == {"oui": 1, "non": 1, "inconnu": 1}
    assert t["inclusion"]["area"] == {"urban": 0, "rural": 1, "inconnu": 2}
    assert t["inclusion"]["size_class"]["sans_entreprise"] == 1
    assert t["inclusion"]["region"]["06"] == 2 and t["inclusion"]["region"]["inconnu"] == 1
    e = board["events"]
    assert (e["events"], e["joint"], e["capacity"]) == (2, 1, 60)
    assert e["by_kind"] == {"forum": 1, "b2b_day": 1}
    assert (e["registered"], e["attended"], e["b2b_meetings"]) == (5, 1, 1)
    assert e["attendance_rate"] == 0.2 and e["inclusion"]["gender"]["F"] == 2
    k = board["campaigns"]
    assert (k["campaigns"], k["targeted"], k["contacted"], k["reached"]) == (1, 3, 1, 1)

    chamber = dashboard(settings, db, AGENT, "CCIS", on=ON)
    assert chamber["chamber"] == "CCIS06"
    assert (chamber["trainings"]["cohorts"], chamber["trainings"]["enrolled"]) == (1, 2)
    assert (chamber["events"]["events"], chamber["events"]["registered"]) == (1, 3)
    assert chamber["campaigns"]["targeted"] == 3
    other = dashboard(settings, db, MANAGER, "ANAPEC", on=ON)
    assert (other["trainings"]["enrolled"], other["events"]["events"]) == (1, 1)
    assert other["campaigns"]["targeted"] == 0
    with pytest.raises(Forbidden):
        dashboard(settings, db, AGENT, "CCIS", chamber="CCIS01")
    with pytest.raises(Forbidden):
        dashboard(settings, db, Actor(9, "steward", "data_steward"), "CCIS")
