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
    manager.post(f"{url}/certificates")
    done = manager.get(url + "?ok=certificates")
    assert "Attestations délivrées" in status_region(done)
    assert done.count(f"{date.today().year}-{ids['enrolment']:08d}-") == 1
    person_page = manager.get(f"/backoffice/training/participants/{ids['person']}")
    assert "Hanane Ouchen" in person_page and "06 61 01 00 00"[:5] in person_page
    plan = manager.get(f"/backoffice/training/coaching/{ids['plan']}")
    assert "Ouvrir un tableau de trésorerie" in plan
    manager.post(f"/backoffice/training/coaching/actions/{ids['action']}", status="done")
    assert "1 faites sur 1" in manager.get(f"/backoffice/training/coaching/{ids['plan']}")
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
