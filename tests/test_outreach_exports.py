"""CSV exports of outreach lists: a role without personal-data rights gets no names, phones
or e-mails (chambers' convention for contacts, field rights for participants), a role
with them does, and every export is in the access log."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from marsad.operational import Database, migrate
from marsad.operational.auth import Actor
from marsad.operational.people import AccessLog
from marsad.outreach import events
from marsad.outreach.campaigns import CampaignSpec, create_campaign, record_outcome
from marsad.outreach.events import EventSpec
from marsad.outreach.exports import export_outcomes, export_registrations, export_targets
from marsad.outreach.targets import TargetQuery, build_targets
from marsad.programmes.workflow import create_application, ensure_budget
from marsad.settings import Settings
from marsad.training.models import Participant
from outreach_register import ON, write_register

MANAGER = Actor(1, "gestionnaire", "programme_manager")
AGENT = Actor(2, "guichet.casa", "desk_agent", "CCIS06")
ANALYST = Actor(3, "analyste", "analyst")


@pytest.fixture
def db(settings: Settings, tmp_path: Path) -> Iterator[Database]:
    write_register(settings, tmp_path)
    migrate(settings.operational_url)
    database = Database(settings.operational_url)
    ensure_budget(database, "INTELAKA", "Intelaka", "MAROC_PME", Decimal("1000000"))
    create_application(database, "agent", "INTELAKA", "E05", Decimal("50000"))
    yield database
    database.dispose()


def _read(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def _exports(db: Database) -> list[AccessLog]:
    with db.session() as session:
        return list(
            session.scalars(
                select(AccessLog).where(AccessLog.action == "export").order_by(AccessLog.id)
            )
        )


def test_target_exports_follow_the_chambers_convention(settings: Settings, db: Database) -> None:
    query = TargetQuery("INTELAKA", "06", as_of=ON)
    hidden = export_targets(
        db, MANAGER, build_targets(settings, db, MANAGER, query), "préparer les appels"
    )
    rows = _read(hidden.text)
    assert [r["Identifiant entreprise"] for r in rows] == ["E01", "E09", "E11"]
    assert not {"Dénomination", "Téléphone", "Courriel"} & set(rows[0])
    assert set(hidden.columns_withheld) == {"denomination", "phone", "email"}
    assert rows[0]["Critères d'inclusion"] == "women_led, young_manager"
    shown = export_targets(db, AGENT, build_targets(settings, db, AGENT, query), "appels")
    first = _read(shown.text)[0]
    assert (first["Téléphone"], first["Courriel"]) == ("0522112233", "salma@example.ma")
    assert shown.columns_withheld == ()
    logged = _exports(db)
    assert [(x.actor, x.subject, x.purpose) for x in logged] == [
        ("gestionnaire (programme_manager)", "targets:INTELAKA:06", "préparer les appels"),
        ("guichet.casa (desk_agent)", "targets:INTELAKA:06", "appels"),
    ]
    assert logged[0].detail["rows"] == 3
    assert set(logged[0].detail["columns_withheld"]) == {"denomination", "phone", "email"}


def test_outcome_and_registration_exports(settings: Settings, db: Database) -> None:
    spec = CampaignSpec("Appels", "CCIS", "INTELAKA", "phone", ON)
    campaign, _ = create_campaign(settings, db, AGENT, spec)
    record_outcome(db, AGENT, campaign.id, "E01", "contacted")
    agent = _read(export_outcomes(settings, db, AGENT, campaign.id, "relances").text)
    assert agent[0]["Issue"] == "contacted" and agent[0]["Téléphone"] == "0522112233"
    analyst = export_outcomes(settings, db, ANALYST, campaign.id, "étude")
    assert "Téléphone" not in _read(analyst.text)[0]
    assert set(analyst.columns_withheld) == {"denomination", "phone", "email"}
    event = events.create_event(
        db, AGENT, EventSpec("Forum", "forum", "CCIS", ON, ON, 10, place="Casablanca")
    )
    with db.session() as session:
        person = Participant(
            full_name="Salma Idrissi",
            gender="F",
            birth_year=1995,
            phone="0600000000",
            email="s@example.ma",
            enterprise_id="E01",
            partner_code="CCIS",
        )
        session.add(person)
        session.flush()
        pid = person.id
    events.register(db, AGENT, event.id, pid)
    full = _read(export_registrations(db, AGENT, event.id, "badges").text)
    assert full[0]["Nom"] == "Salma Idrissi" and full[0]["Courriel"] == "s@example.ma"
    bare = export_registrations(db, ANALYST, event.id, "statistiques")
    assert not {"Nom", "Téléphone", "Courriel", "Année de naissance"} & set(_read(bare.text)[0])
    assert [x.subject for x in _exports(db)] == [
        f"campaign:{campaign.id}",
        f"campaign:{campaign.id}",
        f"event:{event.id}",
        f"event:{event.id}",
    ]
