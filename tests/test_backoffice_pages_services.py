"""The back-office pages of the support services through their forms, on both backends:
advisers referenced and accredited, a mission from assignment to the beneficiary's
satisfaction (an adviser sees only their own), and a regional committee with its meeting,
an action closed, a target and the progress against it; bad input comes back with the
error of each field and a 4xx status."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi import FastAPI

from backoffice_browser import PASSWORD, User, Value, status_region
from marsad.operational import Database, migrate
from marsad.operational.auth import create_user
from marsad.programmes.service import seed_budgets
from marsad.programmes.workflow import Cap, approve, create_application, transition
from marsad.settings import get_settings
from marsad.web import create_app

START = date.today() + timedelta(days=10)
UNTIL = date.today() + timedelta(days=365)


@pytest.fixture
def site(database_url: str, tmp_path: Path) -> tuple[FastAPI, int]:
    """The app on a fresh database: users, and an application approved in region 06."""
    migrate(database_url)
    db = Database(database_url)
    seed_budgets(db, {"MASCIR_RD": Decimal("10000000")})
    for name, role in [
        ("manager", "programme_manager"),
        ("nadia", "adviser"),
        ("karim", "adviser"),
        ("lina", "analyst"),
    ]:
        create_user(db, name, role, PASSWORD)
    project = {"region_code": "06"}
    app = create_application(db, "agent", "MASCIR_RD", "E0001", Decimal("50000"), project)
    for action in ("submit", "declare_eligible", "appraise"):
        transition(db, "agent", app.id, action)
    approve(db, "manager", app.id, Decimal("50000"), [Cap("programme:MASCIR_RD", Decimal("1e6"))])
    db.dispose()
    settings = get_settings(tmp_path / "home", database_url=database_url)
    return create_app(settings), app.id


def _labelled(html: str) -> None:
    for input_id in re.findall(r'<(?:input|select|textarea)[^>]* id="([^"]+)"', html):
        assert f'<label for="{input_id}"' in html, input_id


def _adviser(manager: User, name: str, account: str) -> str:
    fields: dict[str, Value] = {
        "name": name,
        "model": "individual",
        "specialities": "Export, qualité",
        "regions": ["06", "01"],
        "daily_rate_mad": "3 500",
        "account": account,
    }
    location = manager.post("/backoffice/advisers/new", **fields)
    found = re.fullmatch(r"(/backoffice/advisers/\d+)\?ok=referenced", location)
    assert found, location
    page = found.group(1)
    manager.post(page + "/accreditation", decision="accredit", until=UNTIL.isoformat())
    return page


def _mission(manager: User, application_id: int, adviser_page: str) -> str:
    adviser_id = adviser_page.rsplit("/", 1)[1]
    location = manager.post(
        "/backoffice/missions/new",
        application_id=str(application_id),
        adviser_id=adviser_id,
        days="4,5",
        start_date=START.isoformat(),
        subject="Diagnostic export",
    )
    found = re.fullmatch(r"(/backoffice/missions/\d+)\?ok=assigned", location)
    assert found, location
    return found.group(1)


def test_advisers_and_a_mission_through_the_forms(site: tuple[FastAPI, int]) -> None:
    app, application_id = site
    manager = User(app, "manager")
    form = manager.get("/backoffice/advisers/new")
    _labelled(form)
    bad = manager.post(
        "/backoffice/advisers/new",
        expect=422,
        name="Nadia Conseil",
        model="individual",
        specialities="export",
        regions=["13"],
        daily_rate_mad="beaucoup",
    )
    assert 'id="adviser-regions-error">Erreur :' in bad
    assert 'id="adviser-daily_rate_mad-error"' in bad and 'value="Nadia Conseil"' in bad
    nadia = manager.get(_adviser(manager, "Nadia Conseil", "nadia"))
    assert f"Accrédité jusqu&#x27;au {UNTIL:%d/%m/%Y}" in nadia and "Compte lié" in nadia
    page = _adviser(manager, "Karim Conseil", "karim")
    refused = manager.post(page + "/accreditation", expect=422, decision="accredit")
    assert 'id="decision-until-error"' in refused and "Refusé" in status_region(refused)
    listing = manager.get("/backoffice/advisers?speciality=export&region=06&accredited=1")
    assert "Nadia Conseil" in listing and "Karim Conseil" in listing
    assert "Nadia Conseil" not in manager.get("/backoffice/advisers?region=02")

    nadia_page = re.search(r'href="(/backoffice/advisers/\d+)">Nadia Conseil', listing)
    assert nadia_page
    _labelled(manager.get("/backoffice/missions/new"))
    wrong = manager.post(
        "/backoffice/missions/new",
        expect=422,
        application_id=str(application_id),
        adviser_id=nadia_page.group(1).rsplit("/", 1)[1],
        days="0",
        start_date=START.isoformat(),
        end_date=(START - timedelta(days=1)).strftime("%d/%m/%Y"),
    )
    assert 'id="mission-days-error"' in wrong and "la fin précède le début" in wrong
    mission = _mission(manager, application_id, nadia_page.group(1))
    other = _mission(manager, application_id, page)

    consultant = User(app, "nadia")
    own = consultant.get("/backoffice/missions")
    assert f'href="{mission}"' in own and f'href="{other}"' not in own
    consultant.get(other, expect=404)
    consultant.get("/backoffice/advisers", expect=403)
    assert "/accept" not in consultant.get(mission)
    consultant.post(mission + "/start")
    late = consultant.post(mission + "/deliverables", expect=422, title="Plan", due_date="31/02")
    assert 'id="deliverable-due_date-error"' in late
    consultant.post(mission + "/deliverables", title="Rapport", due_date=START.isoformat())
    early = consultant.post(mission + "/deliver", expect=409)
    assert "chaque livrable" in status_region(early)
    hand_in = re.search(r'action="(/backoffice/missions/\d+/deliverables/\d+/hand-in)"', early)
    assert hand_in
    consultant.post(hand_in.group(1))
    consultant.post(mission + "/deliver")
    assert "Livrée" in consultant.get(mission)
    consultant.post(mission + "/accept", expect=403)

    delivered = manager.get(mission)
    assert f'action="{mission}/accept"' in delivered and 'id="satisfaction-score"' in delivered
    score = manager.post(mission + "/satisfaction", expect=422, score="6")
    assert 'id="satisfaction-score-error"' in score and 'aria-invalid="true"' in score
    manager.post(mission + "/accept")
    manager.post(mission + "/satisfaction", score="4", comment="utile")
    done = consultant.get(mission)
    assert "Acceptée" in done and "4 / 5 utile" in done and "Rapport" in done
    User(app, "karim").get(mission, expect=404)
    assert "Satisfaction" in manager.get("/backoffice/missions?status=accepted")


def test_a_regional_committee_through_the_forms(site: tuple[FastAPI, int]) -> None:
    app, _ = site
    manager = User(app, "manager")
    home = manager.get("/backoffice")
    assert 'href="/backoffice/pilots"' in home and 'href="/backoffice/advisers"' in home
    unknown = manager.post("/backoffice/pilots/new", expect=422, region_code="13", name="Bis")
    assert 'id="committee-region_code-error"' in unknown
    members = "Wali ; Wilaya ; président\nDirectrice ; CRI"
    location = manager.post(
        "/backoffice/pilots/new", region_code="06", name="Comité Casablanca", members=members
    )
    found = re.fullmatch(r"(/backoffice/pilots/\d+)\?ok=created", location)
    assert found, location
    page = found.group(1)
    created = manager.get(location)
    _labelled(created)
    assert "Wilaya" in created and "Casablanca-Settat" in created
    twice = manager.post("/backoffice/pilots/new", expect=409, region_code="06", name="Bis")
    assert "déjà son comité" in status_region(twice)

    bad = manager.post(
        page + "/meetings", expect=422, held_on="", actions="Relancer ; CRI ; bientôt"
    )
    assert 'id="meeting-held_on-error"' in bad and 'id="meeting-actions-error"' in bad
    due = (date.today() + timedelta(days=30)).isoformat()
    manager.post(
        page + "/meetings",
        held_on=date.today().isoformat(),
        minutes="Premier comité",
        decisions="Lancer l'appel à projets",
        actions=f"Relancer les chambres ; CRI ; {due}\nPublier le bilan",
    )
    meeting = manager.get(page)
    assert "Lancer l&#x27;appel à projets" in meeting and meeting.count("Ouverte") == 2
    close = re.findall(r'action="(/backoffice/pilots/\d+/actions/\d+)"', meeting)
    assert len(close) == 2
    manager.post(close[0], status="done")
    closed = manager.get(page)
    assert "Réalisée" in closed and close[0] not in closed and close[1] in closed

    year = date.today().year
    wrong = manager.post(
        page + "/targets",
        expect=422,
        year=str(year),
        programme_code="MASCIR_RD",
        firms_supported="-1",
        budget_mad="100000",
    )
    assert 'id="target-firms_supported-error"' in wrong
    manager.post(
        page + "/targets",
        year=str(year),
        programme_code="MASCIR_RD",
        firms_supported="2",
        budget_mad="100 000",
    )
    progress = manager.get(f"{page}?year={year}")
    assert f"Objectifs et réalisations en {year}" in progress
    assert '<progress max="100" value="50"' in progress and "50 %</progress> 50 %" in progress
    assert "100 000 MAD" in progress and "50 000 MAD" in progress
    assert "Aucun objectif" in manager.get(f"{page}?year={year - 1}")

    reader = User(app, "lina").get(page)
    assert "Wilaya" in reader and "/meetings" not in reader and "/actions/" not in reader
    User(app, "lina").post(page + "/targets", expect=403, year=str(year))
