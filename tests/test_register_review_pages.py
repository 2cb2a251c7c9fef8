"""The register's review page: the queue a page at a time with its search, a pair side by
side with its waterfall, a decision kept for the next build; names withheld from a role
the conventions do not let see personal data; and once in a real browser."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi import FastAPI

from backoffice_browser import PASSWORD, User, served, status_region
from marsad.ingest import Deliverer, ingest_folder
from marsad.operational import Database, migrate
from marsad.operational.auth import create_user
from marsad.register.build import build_register, register_dir
from marsad.register.reviews import ReviewLog
from marsad.settings import Settings, get_settings
from marsad.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
PAIR = re.compile(r'href="(/backoffice/register/review/pair\?[^"]+)"')


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from marsad.synth import generate

    root = tmp_path_factory.mktemp("review-pages")
    generate(out=root / "synth", scale=0.003, seed=9, progress=False)
    settings = get_settings(root / "home", database_url=f"sqlite:///{root / 'ops.db'}")
    ingest_folder(Deliverer(settings), root / "synth")
    build_register(settings)
    migrate(settings.database_url)
    db = Database(settings.database_url)
    create_user(db, "stat", "analyst", PASSWORD, full_name="Nadia Statisticienne")
    create_user(db, "agent", "desk_agent", PASSWORD, chamber_code="CCIS06")
    db.dispose()
    return settings


@pytest.fixture
def app(home: Settings) -> FastAPI:
    return create_app(home)


def _access_log(settings: Settings) -> list[dict[str, str]]:
    path = settings.home / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_the_queue_pages_and_searches(app: FastAPI, home: Settings) -> None:
    stat = User(app, "stat")
    first = stat.get("/backoffice/register/review")
    assert "Revue des paires incertaines" in first
    assert re.search(r"Paires à revoir : 1 à (\d+) sur (\d+)", first)
    total = int(re.search(r"sur (\d+)</caption>", first).group(1))  # type: ignore[union-attr]
    assert total > 0
    if total > 50:
        second = stat.get("/backoffice/register/review?page=2")
        assert "Paires à revoir : 51 à" in second and 'rel="prev"' in second
    # search by a name shown on the first page
    shown = re.search(r'<span class="name">([^<]+)</span>', first)
    assert shown
    word = max(shown.group(1).split(), key=len)
    found = stat.get(f"/backoffice/register/review?q={word}")
    assert word.lower() in found.lower()
    nothing = stat.get("/backoffice/register/review?q=zzzqqqxxx")
    assert "Aucune paire ne correspond" in nothing
    # internal codes do not reach the reader: registers and places in words
    assert "Déclarations fiscales (DGI)" in first or "Sécurité sociale (CNSS)" in first


def test_a_pair_side_by_side_and_a_decision(app: FastAPI, home: Settings) -> None:
    stat = User(app, "stat")
    listing = stat.get("/backoffice/register/review")
    href = PAIR.search(listing)
    assert href
    url = href.group(1).replace("&amp;", "&")
    query = parse_qs(urlparse(url).query)
    a, b = query["a"][0], query["b"][0]
    page = stat.get(url)
    for label in ("Registre", "Nom", "ICE (valide)", "Commune", "Activité (division)"):
        assert f'<th scope="row">{label}</th>' in page
    assert "Ce que chaque comparaison apporte" in page
    assert "Avant toute comparaison" in page and "Nom</th>" in page
    assert any(e["action"] == "register.review" and a in e["subject"] for e in _access_log(home))
    where = stat.post("/backoffice/register/review/pair", a=a, b=b, decision="different")
    assert where.endswith("?ok=decided")
    after = stat.get(where)
    assert "Décision enregistrée" in status_region(after)
    assert "décidée : différentes" in after
    decided = ReviewLog(register_dir(home) / "reviews.jsonl").decisions()
    review = decided[tuple(sorted((a, b)))]  # type: ignore[index]
    assert (review.decision, review.reviewer) == ("different", "stat")
    rebuilt = build_register(home)
    assert rebuilt.operating_point["calibration"]["reviewed_pairs"] >= 1
    # a bad decision or unit id is refused, never a 500
    stat.post("/backoffice/register/review/pair", expect=422, a=a, b=b, decision="maybe")
    stat.post("/backoffice/register/review/pair", expect=422, a="x", b=b, decision="same")
    stat.get("/backoffice/register/review/pair?a=if:none&b=cnss:none", expect=404)


def test_roles_without_the_right_or_without_personal_data(
    app: FastAPI, home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = User(app, "agent")
    agent.get("/backoffice/register/review", expect=403)
    from marsad.web import backoffice_pages_register as pages

    # a role the conventions do not let see personal data reads no name
    monkeypatch.setattr(pages, "sees_names", lambda actor, system: False)
    stat = User(app, "stat")
    listing = stat.get("/backoffice/register/review")
    assert "réservé (donnée personnelle)" in listing
    assert '<span class="name">' in listing
    assert all(
        n == "réservé (donnée personnelle)"
        for n in re.findall(r'<span class="name">([^<]+)</span>', listing)
    )


def test_in_a_real_browser(home: Settings, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (apt-get install chromium): browser test skipped")
    from playwright.sync_api import sync_playwright

    with served(home.home, home.database_url) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1200, "height": 1200})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda m: errors.extend([m.text] if "Content Security Policy" in m.text else []),
        )
        page.goto(f"{base}/backoffice/register/review")
        page.get_by_label("Identifiant").fill("stat")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url("**/backoffice/register/review")
        page.get_by_role("link", name="Examiner").first.click()
        page.wait_for_url("**/register/review/pair?*")
        assert page.locator("table.side-by-side tbody tr").count() >= 8
        assert page.locator("table.waterfall tbody tr").count() >= 6
        page.get_by_role("button", name="Même entreprise").click()
        page.wait_for_url("**/register/review?ok=decided")
        assert "Décision enregistrée" in page.locator("#status").inner_text()
        assert "décidée : même entreprise" in page.content()
        assert not errors
        browser.close()
