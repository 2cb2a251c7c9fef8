"""Training pages of the back office: cohorts with their inclusion breakdown, a cohort's
attendance sheet and certificates, participants, coaching; CSV exports by role; and one
pass in a real browser."""

from __future__ import annotations

import csv
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI

from backoffice_browser import PASSWORD, User, status_region
from marsad.operational import Database, migrate
from marsad.operational.auth import SYSTEM, create_user
from marsad.settings import Settings, get_settings
from marsad.training.catalogue import import_modules
from marsad.training.coaching import create_plan, record_visit
from marsad.training.enrolment import enrol
from marsad.training.models import TrainingCohort, TrainingSession
from marsad.web import create_app
from training_fixtures import cohort, person

CHROMIUM = Path("/usr/bin/chromium")


def _seed(url: str) -> dict[str, int]:
    """A cohort of the last weeks with two participants, one coaching plan."""
    migrate(url)
    db = Database(url)
    import_modules(db, SYSTEM)
    manager = create_user(db, "gestionnaire", "programme_manager", PASSWORD)
    create_user(db, "analyste", "analyst", PASSWORD)
    cid = cohort(db, manager, code="TRESO-TNG-1")
    with db.session() as session:
        moved = session.get(TrainingCohort, cid)
        assert moved is not None
        shift = date.today() - timedelta(days=40) - moved.starts_on
        moved.starts_on += shift
        moved.ends_on += shift
        for s in session.query(TrainingSession).filter_by(cohort_id=cid):
            s.held_on += shift
    people = [
        person(db, manager, n, full_name=name)
        for n, name in ((1, "Hanane Ouchen"), (2, "Said Bouzid"))
    ]
    enrolled = [enrol(db, manager, cid, p).id for p in people]
    plan = create_plan(
        db,
        manager,
        {
            "participant_id": people[0],
            "partner_code": "MAROC_PME",
            "coach": "Karim Lahlou",
            "objectives": ["Tenir la trésorerie"],
            "starts_on": date.today() - timedelta(days=5),
        },
    )
    _, actions = record_visit(
        db,
        manager,
        plan.id,
        visited_on=date.today(),
        actions=[("Ouvrir un tableau de trésorerie", date.today())],
    )
    db.dispose()
    return {
        "cohort": cid,
        "person": people[0],
        "enrolment": enrolled[0],
        "plan": plan.id,
        "action": actions[0].id,
        "other": enrolled[1],
    }


@pytest.fixture
def site(published: Settings, database_url: str) -> tuple[FastAPI, dict[str, int]]:
    ids = _seed(database_url)
    return create_app(get_settings(published.home, database_url=database_url)), ids


def test_cohort_pages_attendance_certificates_and_exports(
    site: tuple[FastAPI, dict[str, int]],
) -> None:
    app, ids = site
    manager = User(app, "gestionnaire")
    home = manager.get("/backoffice")
    assert "Formation et accompagnement" in home
    listing = manager.get("/backoffice/training")
    assert "TRESO-TNG-1" in listing and "Répartition des participants" in listing
    assert "Rural : 2" in listing and "Hommes" in listing
    assert "Piloter sa trésorerie" in manager.get("/backoffice/training/modules")
    url = f"/backoffice/training/cohorts/{ids['cohort']}"
    page = manager.get(url)
    assert "Hanane Ouchen" in page and "Feuilles de présence" in page
    sessions = [int(x) for x in re.findall(r"/training/sessions/(\d+)/", page)]
    assert len(sessions) == 4
    for sid in sessions:  # Hanane at every session, Said at one
        ticked = [str(ids["enrolment"])] + ([str(ids["other"])] if sid == sessions[0] else [])
        back = manager.post(
            f"/backoffice/training/sessions/{sid}/attendance",
            cohort=str(ids["cohort"]),
            present=ticked,
        )
        assert back.endswith("ok=attendance")
    assert (
        manager.client.post(
            f"/backoffice/training/sessions/{sessions[0]}/attendance",
            data={"cohort": str(ids["cohort"])},
        ).status_code
        == 403
    )  # no CSRF
    assess = f"/backoffice/training/enrolments/{ids['enrolment']}/assessment"
    assert "Évaluation avant la formation" in manager.get(f"{assess}/before")
    manager.post(f"{assess}/before", taken_on=str(date.today() - timedelta(days=40)), q_q1="0")
    wrong = manager.post(f"{assess}/after", expect=422, taken_on="hier", q_q1="0")
    assert 'id="assess-taken_on-error"' in wrong
    manager.post(f"{assess}/after", taken_on=str(date.today()), q_q1="0", q_q2="1", q_q3="1")
    scored = manager.get(url + "?ok=assessment")
    assert "<td>33</td><td>100</td><td>+67</td>" in scored
    assert "évaluation a été enregistrée" in status_region(scored)
    manager.post(f"{url}/certificates")
    done = manager.get(url + "?ok=certificates")
    assert "Attestations délivrées" in status_region(done)
    assert done.count(f"{date.today().year}-{ids['enrolment']:08d}-") == 1
    person_page = manager.get(f"/backoffice/training/participants/{ids['person']}")
    assert "Hanane Ouchen" in person_page and "06 61 01 00 00"[:5] in person_page
    plans = manager.get("/backoffice/training/coaching")
    assert "Qui est accompagné" in plans and "Rural : 1" in plans and "Hommes : 1" in plans
    plan = manager.get(f"/backoffice/training/coaching/{ids['plan']}")
    assert "Ouvrir un tableau de trésorerie" in plan
    manager.post(f"/backoffice/training/coaching/actions/{ids['action']}", status="done")
    assert "1 faites sur 1" in manager.get(f"/backoffice/training/coaching/{ids['plan']}")
    bad_plan = manager.post(
        "/backoffice/training/coaching/new",
        expect=422,
        enterprise_id="",
        participant_id="",
        partner_code="MAROC_PME",
        coach="",
        objectives="",
        starts_on=str(date.today()),
    )
    assert 'id="plan-coach-error"' in bad_plan and 'id="plan-objectives-error"' in bad_plan
    made_plan = manager.post(
        "/backoffice/training/coaching/new",
        enterprise_id="",
        participant_id=str(ids["person"]),
        partner_code="MAROC_PME",
        coach="Meryem Chraibi",
        objectives="Vendre en ligne\nFacturer",
        starts_on=str(date.today()),
    )
    manager.post(
        made_plan + "/visit",
        visited_on=str(date.today()),
        format="remote",
        notes="Premier rendez-vous",
        action_0="Créer la fiche en ligne",
        due_0=str(date.today() + timedelta(days=14)),
    )
    followed = manager.get(made_plan)
    assert "Créer la fiche en ligne" in followed and "Vendre en ligne" in followed
    full = manager.post(
        f"/backoffice/training/export/cohorts/{ids['cohort']}",
        expect=200,
        purpose="convocation au module suivant",
    )
    rows = list(csv.reader(io.StringIO(full.lstrip("\ufeff")), delimiter=";"))
    assert "Nom et prénom" in rows[0] and any("Hanane Ouchen" in r for r in rows)
    refused = manager.post(
        f"/backoffice/training/export/cohorts/{ids['cohort']}", expect=422, purpose=""
    )
    assert "objet" in refused

    analyst = User(app, "analyste")
    hidden = analyst.get(url)
    assert "Hanane" not in hidden and "données personnelles" in hidden
    assert "Feuilles de présence" not in hidden and "Délivrer" not in hidden
    bare = analyst.post(
        f"/backoffice/training/export/cohorts/{ids['cohort']}", expect=200, purpose="bilan régional"
    )
    assert "Nom et prénom" not in bare and "Hanane" not in bare and "Téléphone" not in bare
    assert analyst.client.get(f"/backoffice/training/coaching/{ids['plan']}").status_code == 200
    assert analyst.client.get("/backoffice/training/cohorts/999").status_code == 404


def test_forms_create_a_cohort_and_enrol(site: tuple[FastAPI, dict[str, int]]) -> None:
    app, ids = site
    manager = User(app, "gestionnaire")
    assert "Nouvelle cohorte" in manager.get("/backoffice/training")
    start = date.today() + timedelta(days=10)
    fields = {
        "code": "COUTS-RBT-1",
        "module_code": "COUTS-1",
        "partner_code": "MAROC_PME",
        "region_code": "04",
        "commune_code": "01001001",  # Tanger is not in Rabat-Salé-Kénitra
        "trainer": "Omar Fassi",
        "language": "zgh",  # the module is given in French and Arabic
        "capacity": "1",
        "starts_on": str(start),
        "ends_on": str(start + timedelta(days=14)),
    }
    refused = manager.post("/backoffice/training/cohorts/new", expect=422, **fields)
    assert 'id="cohort-commune_code-error"' in refused and "pas dans la région" in refused
    assert 'id="cohort-language-error"' in refused and "langues du module" in refused
    made = manager.post(
        "/backoffice/training/cohorts/new", **{**fields, "commune_code": "", "language": "ar"}
    )
    assert made.endswith("/sessions/new")
    long = manager.post(
        made, expect=422, held_on=str(start), hours="30", place="Rabat", format="in_person"
    )
    assert 'id="session-hours-error"' in long and "24 au plus" in long
    early = manager.post(
        made,
        expect=422,
        held_on=str(start - timedelta(days=1)),
        hours="3",
        place="Rabat",
        format="in_person",
    )
    assert 'id="session-held_on-error"' in early and "entre le" in early
    cohort_url = manager.post(
        made, held_on=str(start), hours="3", place="Rabat", format="in_person"
    ).split("?")[0]
    assert "La séance a été ajoutée" in status_region(manager.get(cohort_url + "?ok=session"))
    bad = manager.post(
        "/backoffice/training/participants/new",
        expect=422,
        full_name="Amal",
        email="amal",
        partner_code="MAROC_PME",
        enterprise_role="manager",
    )
    assert "adresse électronique invalide" in bad and "sauf pour un porteur de projet" in bad
    person = manager.post(
        "/backoffice/training/participants/new",
        full_name="Amal Naciri",
        gender="F",
        birth_year="2001",
        partner_code="MAROC_PME",
    )
    number = person.rsplit("/", 1)[1]
    manager.post(cohort_url + "/enrolments", participant_id=number)
    page = manager.get(cohort_url)
    assert "Amal Naciri" in page and "1 inscrits sur 1" in page
    full = manager.post(cohort_url + "/enrolments", expect=409, participant_id=str(ids["person"]))
    assert "complète" in full
    enrolled = re.search(r"/training/enrolments/(\d+)/withdraw", page)
    assert enrolled
    manager.post(f"/backoffice/training/enrolments/{enrolled.group(1)}/withdraw")
    assert "0 inscrits sur 1" in manager.get(cohort_url)
    manager.post(cohort_url + "/status", status="closed")
    closed = manager.get(cohort_url + "?ok=closed")
    assert "inscriptions sont closes" in status_region(closed) and "Clôturée" in closed
    assert "complète" not in manager.post(
        cohort_url + "/enrolments", expect=409, participant_id=number
    )
    analyst = User(app, "analyste")
    assert analyst.client.get("/backoffice/training/cohorts/new").status_code == 403


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(published: Settings, tmp_path: Path) -> Iterator[tuple[str, dict[str, int]]]:
    url = f"sqlite:///{tmp_path / 'operational.db'}"
    ids = _seed(url)
    port = _free_port()
    env = {**os.environ, "MARSAD_HOME": str(published.home), "MARSAD_DATABASE_URL": url}
    process = subprocess.Popen(
        [sys.executable, "-m", "marsad.cli.app", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(base + "/api/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("marsad serve did not start")
        yield base, ids
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_training_pages_in_a_real_browser(server: tuple[str, dict[str, int]]) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (apt-get install chromium): browser test skipped")
    from playwright.sync_api import sync_playwright

    base, ids = server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1300, "height": 1400})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda m: errors.extend([m.text] if "Content Security Policy" in m.text else []),
        )
        page.goto(f"{base}/backoffice/training")
        page.get_by_label("Identifiant").fill("gestionnaire")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url("**/backoffice/training")
        page.get_by_role("link", name="TRESO-TNG-1").click()
        page.wait_for_url(f"**/backoffice/training/cohorts/{ids['cohort']}")
        page.locator("details summary").first.click()
        page.get_by_label("Hanane Ouchen").first.check()
        page.get_by_role("button", name="Enregistrer la présence").first.click()
        page.wait_for_url("**?ok=attendance")
        assert "feuille de présence" in page.locator("#status").inner_text()
        assert "1 / 4" in page.locator("table.bo").nth(1).inner_text()
        assert not errors, errors
        browser.close()
