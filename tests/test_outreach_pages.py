"""The outreach pages of the back office in a signed-in browser: the menu, a target list
(with contacts for a chamber's agent only), a campaign created and an outcome recorded
through the forms, an event with a registration, a refusal on the same page, and the
partner dashboard."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi import FastAPI

from backoffice_browser import PASSWORD, User, status_region
from marsad.operational import Database, migrate
from marsad.operational.auth import create_user
from marsad.programmes.workflow import create_application, ensure_budget
from marsad.settings import get_settings
from marsad.training.models import Participant
from marsad.web import create_app
from outreach_register import write_register


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    settings = get_settings(tmp_path / "home", api_rate_per_minute=0)
    write_register(settings, tmp_path)
    migrate(settings.operational_url)
    db = Database(settings.operational_url)
    ensure_budget(db, "INTELAKA", "Intelaka", "MAROC_PME", Decimal("1000000"))
    create_application(db, "agent", "INTELAKA", "E05", Decimal("50000"))
    create_user(db, "gestionnaire", "programme_manager", PASSWORD)
    create_user(db, "guichet.casa", "desk_agent", PASSWORD, chamber_code="CCIS06")
    create_user(db, "analyste", "analyst", PASSWORD)
    with db.session() as session:
        session.add(Participant(full_name="Salma Idrissi", gender="F", enterprise_id="E01",
                                partner_code="CCIS"))  # fmt: skip
    db.dispose()
    return create_app(settings)


def test_mobilisation_events_and_dashboard_pages(app: FastAPI) -> None:
    agent = User(app, "guichet.casa")
    home = agent.get("/backoffice")
    for label in ("Événements", "Mobilisation", "Tableau de bord partenaire"):
        assert label in home
    listing = agent.get("/backoffice/campaigns/targets?programme=INTELAKA")
    assert "Liste cible" in listing and "0522112233" in listing
    manager = User(app, "gestionnaire")
    hidden = manager.get("/backoffice/campaigns/targets?programme=INTELAKA&region=06")
    assert "Coordonnées non affichées" in hidden and "0522112233" not in hidden
    assert '<th scope="col">Téléphone</th>' not in hidden
    refused = agent.post(
        "/backoffice/campaigns/new",
        expect=422,
        name="",
        organiser_code="CCIS",
        channel="phone",
        starts_on="",
        programme="INTELAKA",
        region="06",
        section="",
        message="",
        ends_on="",
    )
    assert "Refusé" in status_region(refused) and "Erreur : date attendue" in refused
    where = agent.post(
        "/backoffice/campaigns/new",
        name="Appels Intelaka",
        organiser_code="CCIS",
        channel="phone",
        starts_on="30/06/2026",
        programme="INTELAKA",
        region="06",
        section="",
        message="Présentation du programme",
        ends_on="",
    )
    assert re.fullmatch(r"/backoffice/campaigns/\d+\?ok=created", where)
    campaign = agent.get(where)
    assert "La campagne a été créée." in status_region(campaign) and "E01" in campaign
    cid = where.split("/")[-1].split("?")[0]
    done = agent.post(f"/backoffice/campaigns/{cid}/outcomes", enterprise_id="E01",
                      outcome="contacted")  # fmt: skip
    assert "Contactée" in agent.get(done)
    again = agent.post(f"/backoffice/campaigns/{cid}/outcomes", expect=409,
                       enterprise_id="E09", outcome="applied")  # fmt: skip
    assert "ne peut suivre" in status_region(again)
    made = agent.post(
        "/backoffice/events/new",
        title="Forum de l'entreprise",
        kind="forum",
        organiser_code="CCIS",
        partners="",
        place="Casablanca",
        starts_on="2026-10-14",
        ends_on="2026-10-14",
        capacity="50",
    )
    event = agent.get(made)
    assert "événement a été créé." in status_region(event)
    eid = made.split("/")[-1].split("?")[0]
    registered = agent.get(
        agent.post(f"/backoffice/events/{eid}/registrations", participant_id="1")
    )
    assert "Salma Idrissi" in registered
    analyst = User(app, "analyste")
    assert "Salma Idrissi" not in analyst.get(f"/backoffice/events/{eid}")
    board = manager.get("/backoffice/outreach?partner=CCIS")
    assert "Campagnes de mobilisation" in board and "Entreprises ciblées" in board
    assert "Femmes : 1" in board
