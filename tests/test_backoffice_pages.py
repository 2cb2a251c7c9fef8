"""The back-office pages through their forms, on a real register: signing in and out, an
application from draft to closure, refusals with their reason, the chamber's scope, the
desk; and once in a real browser against ``marsad serve``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backoffice_browser import CSRF, PASSWORD, User, served, status_region
from marsad.operational import Database, migrate
from marsad.operational.auth import create_user
from marsad.programmes.service import build_dir, programme, seed_budgets
from marsad.settings import Settings, get_settings
from marsad.web import create_app
from marsad.web.backoffice_pages_programmes import instrument_name

CHROMIUM = Path("/usr/bin/chromium")
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"


def _manufacturing_tpe(settings: Settings) -> str:
    """An active small manufacturer of the register: eligible to the MAScIR convention."""
    panel = pd.read_parquet(build_dir(settings) / "panel.parquet")
    latest = panel[panel["year"] == panel.loc[panel["turnover_mad"].notna(), "year"].max()]
    found = latest[
        latest["active"]
        & (latest["section"] == "C")
        & latest["size_omtpme_2021"].isin(["MICRO", "TPE"])
        & (latest["category"] == "EPMA")
    ]
    return str(found["enterprise_id"].iloc[0])


def _seed(database_url: str) -> None:
    migrate(database_url)
    db = Database(database_url)
    seed_budgets(db, {"MASCIR_RD": Decimal("10000000")})
    for name, role, chamber, full_name in [
        ("agent", "desk_agent", "CCIS06", "Karim Alaoui"),
        ("other", "desk_agent", "CCIS01", ""),
        ("manager", "programme_manager", None, "Salma Bennani"),
    ]:
        create_user(db, name, role, PASSWORD, chamber_code=chamber, full_name=full_name)
    db.dispose()


@pytest.fixture
def site(published: Settings, database_url: str) -> tuple[FastAPI, str]:
    settings = get_settings(published.home, database_url=database_url)
    _seed(database_url)
    return create_app(settings), _manufacturing_tpe(settings)


def test_sign_in_sign_out_and_the_catalogue(site: tuple[FastAPI, str]) -> None:
    app, _ = site
    client = TestClient(app)
    away = client.get("/backoffice/applications", follow_redirects=False)
    assert away.status_code == 303
    assert away.headers["location"] == "/backoffice/login?next=/backoffice/applications"

    wrong = client.post("/backoffice/login", data={"username": "manager", "password": "non"})
    assert wrong.status_code == 401
    assert "Identifiant ou mot de passe incorrect." in status_region(wrong.text)
    assert 'for="login-username"' in wrong.text and 'for="login-password"' in wrong.text

    data = {"username": "manager", "password": PASSWORD, "next": "/backoffice/applications"}
    signed = client.post("/backoffice/login", data=data, follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/backoffice/applications"
    cookie = signed.headers["set-cookie"].lower()
    assert "marsad_session=" in cookie and "httponly" in cookie
    assert "samesite=lax" in cookie and "path=/" in cookie
    elsewhere = {**data, "next": "https://example.org/"}
    offsite = TestClient(app).post("/backoffice/login", data=elsewhere, follow_redirects=False)
    assert offsite.headers["location"] == "/backoffice"

    home = client.get("/backoffice")
    assert "Salma Bennani" in home.text and "Gestionnaire de programme" in home.text
    assert home.headers["cache-control"] == "no-store"
    catalogue = client.get("/backoffice/programmes").text
    assert "MASCIR_RD" in catalogue and "TATWIR_RD" in catalogue
    mascir = client.get("/backoffice/programmes/MASCIR_RD").text
    assert "500 000 MAD" in mascir and "Section d&#x27;activité parmi" in mascir
    assert client.get("/backoffice/programmes/NOPE").status_code == 404

    assert client.post("/backoffice/logout").status_code == 403  # no CSRF token
    csrf = CSRF.search(home.text)
    assert csrf
    out = client.post("/backoffice/logout", data={"csrf": csrf.group(1)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/backoffice/login"
    assert client.get("/backoffice", follow_redirects=False).status_code == 303


def _new_application(agent: User, enterprise: str, requested: str) -> str:
    fields = {
        "programme": "MASCIR_RD",
        "enterprise_id": enterprise,
        "requested_mad": requested,
        "instrument": "1",
        "kind": "rd",
        "project_cost_mad": "400 000",
        "region_code": "06",
    }
    location = agent.post("/backoffice/applications/new", **fields)
    found = re.fullmatch(r"/backoffice/applications/(\d+)\?ok=created", location)
    assert found, location
    return f"/backoffice/applications/{found.group(1)}"


def test_an_application_through_the_forms(site: tuple[FastAPI, str]) -> None:
    app, enterprise = site
    agent, manager = User(app, "agent"), User(app, "manager")

    form = agent.get("/backoffice/applications/new")
    for input_id in re.findall(r'<(?:input|select|textarea)[^>]* id="([^"]+)"', form):
        assert f'<label for="{input_id}"' in form, input_id
    bad = agent.post(
        "/backoffice/applications/new",
        expect=422,
        programme="MASCIR_RD",
        enterprise_id=enterprise,
        requested_mad="beaucoup",
        jobs_created="-3",
    )
    assert 'aria-describedby="new-requested_mad-error"' in bad
    assert 'id="new-requested_mad-error">Erreur :' in bad
    assert 'id="new-jobs_created-error"' in bad and 'aria-invalid="true"' in bad
    assert f'value="{enterprise}"' in bad  # what was typed is kept
    unknown = agent.post(
        "/backoffice/applications/new",
        expect=404,
        programme="MASCIR_RD",
        enterprise_id="E000000000",
        requested_mad="1000",
    )
    assert "registre" in status_region(unknown)
    no_token = agent.client.post("/backoffice/applications/new", data={"programme": "MASCIR_RD"})
    assert no_token.status_code == 403 and "CSRF" in no_token.text

    page = _new_application(agent, enterprise, "320000")
    draft = agent.get(page + "?ok=created")
    assert "Brouillon" in draft and "La demande a été créée" in status_region(draft)
    assert f'action="{page}/submit"' in draft and "/approve" not in draft
    agent.post(page + "/submit")
    checked = agent.get(page)
    assert "Éligible" in checked and "✔ Règle remplie" in checked
    assert "✘ Règle non remplie" not in checked and "Programme ouvert le" in checked
    assert "/appraisal" not in checked  # a desk agent does not appraise
    assert User(app, "other").client.get(page).status_code == 404

    proposed = manager.get(page)
    assert "Subvention proposée" in proposed and "320 000 MAD" in proposed
    manager.post(page + "/appraisal", expect=422, score="cent vingt")
    manager.post(page + "/appraisal", score="78,5", note="projet solide")
    appraised = manager.get(page)
    assert re.search(r'value="320000(\.00)?" id="approve-amount_mad"', appraised)
    manager.post(page + "/approve", amount_mad="320000")
    manager.post(page + "/agreement")
    payment = re.compile(r'action="(/backoffice/applications/\d+/tranches/\d+/payment)"')
    pay_urls = payment.findall(manager.get(page))
    assert len(pay_urls) == 2
    refused = manager.post(pay_urls[0], expect=409)
    assert "Jalon non atteint" in status_region(refused)
    for url in pay_urls:
        manager.post(url, milestone_met="1")
    manager.post(page + "/close")
    closed = manager.get(page)
    assert "Clôturée" in closed and "Paiement d&#x27;une tranche" in closed
    assert closed.count("Payée") >= 2 and "78,5 / 100" in closed

    second = _new_application(agent, enterprise, "300000")
    agent.post(second + "/submit")
    manager.post(second + "/appraisal", score="60")
    over = manager.post(second + "/approve", expect=409, amount_mad="300000")
    assert "Plafond" in status_region(over) and "atteint" in over
    assert "Refusé" in over and 'class="alert"' in over
    listing = manager.get("/backoffice/applications?status=closed")
    assert page in listing and second not in listing


def test_the_desk_through_the_forms(site: tuple[FastAPI, str]) -> None:
    app, _ = site
    agent = User(app, "agent")
    bad = agent.post(
        "/backoffice/desk/new",
        expect=422,
        person_name="Fatima Zahra",
        activity_kind="services",
        expected_turnover_mad="150000",
        phone="12",
    )
    assert 'aria-describedby="case-phone-hint case-phone-error"' in bad
    assert "numéro marocain attendu" in bad
    location = agent.post(
        "/backoffice/desk/new",
        person_name="Fatima Zahra",
        activity_kind="services",
        expected_turnover_mad="150000",
        phone="06 12 34 56 78",
    )
    case = location.split("?")[0]
    agent.post(case + "/eligibility", expected_turnover_mad="250000", activity_kind="services")
    ineligible = agent.get(case)
    assert "Non éligible : le chiffre d&#x27;affaires annuel prévu" in ineligible
    agent.post(case + "/eligibility", expected_turnover_mad="150000", activity_kind="services")
    agent.post(case + "/steps", step="documents", note="CIN et attestation")
    refused = agent.post(case + "/outcome", expect=422, outcome="registered")
    assert "requis pour une inscription" in refused
    agent.post(case + "/outcome", outcome="registered", ae_number="123456")
    done = agent.get(case)
    assert "Inscrit" in done and "123456" in done and "Pièces réunies" in done
    listing = agent.get("/backoffice/desk")
    assert "Fatima Zahra" in listing and "Dossiers par mois" in listing
    assert User(app, "other").client.get(case).status_code == 404
    assert User(app, "manager").client.get("/backoffice/desk").status_code == 403


@pytest.fixture
def server(published: Settings, tmp_path: Path) -> Iterator[str]:
    """``marsad serve`` on its own SQLite database, as a user starts it."""
    url = f"sqlite:///{tmp_path / 'operational.db'}"
    _seed(url)
    with served(published.home, url) as base:
        yield base


def test_in_a_real_browser(server: str, published: Settings) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (apt-get install chromium): browser test skipped")
    from playwright.sync_api import sync_playwright

    enterprise = _manufacturing_tpe(published)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1200, "height": 1400})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda m: errors.extend([m.text] if "Content Security Policy" in m.text else []),
        )
        page.goto(f"{server}/backoffice/applications/new")
        assert "/backoffice/login" in page.url
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        page.get_by_label("Identifiant").fill("agent")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url("**/backoffice/applications/new")
        page.get_by_label("Programme", exact=False).first.select_option("MASCIR_RD")
        page.get_by_label("Identifiant de l'entreprise au registre").fill(enterprise)
        page.get_by_label("Montant demandé (MAD)").fill("320 000")
        page.select_option("#new-instrument", label=instrument_name(programme("MASCIR_RD"), 1))
        page.get_by_label("Nature du projet").select_option("rd")
        page.get_by_label("Coût du projet (MAD)").fill("400000")
        page.get_by_role("button", name="Créer la demande").click()
        page.wait_for_url("**/backoffice/applications/*?ok=created")
        assert "créée" in page.locator("#status").inner_text()
        page.get_by_role("button", name="Soumettre la demande").click()
        page.wait_for_selector("ul.checks li.passed")
        assert page.locator("ul.checks li.failed").count() == 0
        assert "Règle remplie" in page.locator("ul.checks").inner_text()
        assert page.locator("h1").inner_text().startswith("Demande n°")
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "backoffice.png"), full_page=True)
        assert not errors, errors
        browser.close()
