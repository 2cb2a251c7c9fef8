"""Public impact pages and the report's impact part: they show the kept evaluation of the
current build (estimate, interval, naive figure, event study, protected tables), never an
enterprise, and never compute it in a request on a large register."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import lxml.html
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from marsad.impact import impact_indicators
from marsad.impact.cache import cache_path, cached_evaluation, compute_cached, read_cached
from marsad.impact.data import ImpactData, load_impact_data
from marsad.publish.report.html import Section
from marsad.publish.report.impact import NOT_COMPUTED, impact_section, with_impact
from marsad.publish.report.impact import effect as shown_effect
from marsad.register.build import current_build
from marsad.settings import Settings, get_settings
from marsad.web.app import create_app

Economy = tuple[Settings, Path]


@pytest.fixture(scope="module")
def data(impact_economy: Economy) -> ImpactData:
    return load_impact_data(impact_economy[0])


@pytest.fixture(scope="module")
def evaluation(impact_economy: Economy, data: ImpactData) -> dict[str, Any]:
    settings, truth = impact_economy
    return compute_cached(settings, truth=truth, data=data)


@pytest.fixture(scope="module")
def client(impact_economy: Economy, evaluation: dict[str, Any]) -> TestClient:
    return TestClient(create_app(impact_economy[0]))


def _enterprise_ids(settings: Settings) -> list[str]:
    build = current_build(settings)
    assert build is not None
    table = pq.read_table(build / "enterprises.parquet", columns=["enterprise_id"])
    return [str(i) for i in table.column("enterprise_id").to_pylist()]


def _estimated(evaluation: dict[str, Any]) -> dict[str, Any]:
    return next(p for p in evaluation["programmes"] if p["status"] == "estimated")


def test_cache_is_written_per_build_and_read_back(
    impact_economy: Economy, evaluation: dict[str, Any], data: ImpactData
) -> None:
    settings, _ = impact_economy
    path = cache_path(settings)
    build = current_build(settings)
    assert path is not None and build is not None
    assert path == settings.home / "impact" / f"{build.name}.json" and path.is_file()
    assert read_cached(settings) == evaluation
    assert cached_evaluation(settings, limit=0) == evaluation  # read, never recomputed
    assert evaluation["indicators"] == impact_indicators(settings, data=data)
    assert {p["programme"] for p in evaluation["programmes"]} == set(data.programmes())


def test_list_page_shows_every_programme(client: TestClient, evaluation: dict[str, Any]) -> None:
    response = client.get("/impact")
    assert response.status_code == 200
    text = response.text
    for p in evaluation["programmes"]:
        assert f'href="/impact/{p["programme"]}?lang=fr"' in text
    p = _estimated(evaluation)
    assert shown_effect(p["estimate"]) in text and shown_effect(p["ci_low"]) in text
    assert "<svg" in text and "<title>" in text
    assert 'href="/impact?lang=fr"' in text  # the header link


def test_programme_page_shows_estimate_interval_naive_and_event_study(
    client: TestClient, evaluation: dict[str, Any], impact_economy: Economy
) -> None:
    p = _estimated(evaluation)
    response = client.get(f"/impact/{p['programme'].lower()}")
    assert response.status_code == 200
    text = response.text
    root = lxml.html.fromstring(text)
    words = " ".join(root.text_content().split())
    assert f"Effet estimé : {shown_effect(p['estimate'])}" in words
    assert f"[{shown_effect(p['ci_low'])} ; {shown_effect(p['ci_high'])}]" in words
    assert f"avant/après naïve : {shown_effect(p['naive_estimate'])}" in words
    assert "Ce chiffre trompe" in words
    assert "Test des pré-tendances" in words and p["caveats"][0][:40] in words
    svg = root.xpath("//svg")
    assert svg and svg[0].get("role") == "img" and svg[0].xpath("./title")
    assert "<polygon" in text and "stroke-dasharray" in text  # interval band, zero line
    assert "Données du graphique" in words  # the text alternative
    for e in p["event_study"]:
        assert f"{int(e['relative_year']):+d}" in words
    # indicator tables: suppressed cells marked C, no enterprise anywhere
    cells = [c for c in evaluation["indicators"] if c["programme"] == p["programme"]]
    if any(c["status"] != "F" for c in cells):
        assert root.xpath('//td[@class="sup"][text()="C"]')
    assert "Entreprises soutenues" in words
    ids = _enterprise_ids(impact_economy[0])
    assert ids and not [i for i in ids if i in text]


def test_unknown_programme_is_404(client: TestClient) -> None:
    assert client.get("/impact/NOPE").status_code == 404


def test_large_register_without_cache_is_not_computed_in_a_request(
    impact_economy: Economy, evaluation: dict[str, Any], tmp_path: Path
) -> None:
    settings, _ = impact_economy
    home = tmp_path / "home"
    shutil.copytree(settings.home / "register", home / "register")
    other = get_settings(home)
    assert read_cached(other) is None
    import marsad.impact.cache as cache

    limit = cache.COMPUTE_LIMIT
    cache.COMPUTE_LIMIT = 0
    try:
        client = TestClient(create_app(other))
        for url in ("/impact", f"/impact/{_estimated(evaluation)['programme']}"):
            response = client.get(url)
            assert response.status_code == 200
            assert "évaluation non encore calculée : lancez « marsad impact evaluate »" in (
                response.text
            )
    finally:
        cache.COMPUTE_LIMIT = limit
    assert read_cached(other) is None
    # a small register is evaluated on the first request, and the result kept
    assert TestClient(create_app(other)).get("/impact").status_code == 200
    assert read_cached(other) is not None


def test_report_part_from_the_kept_evaluation(
    impact_economy: Economy, evaluation: dict[str, Any], tmp_path: Path
) -> None:
    settings, _ = impact_economy
    part = impact_section(settings)
    assert part is not None and part.id == "impact"
    p = _estimated(evaluation)
    for value in (p["estimate"], p["ci_low"], p["ci_high"], p["naive_estimate"]):
        assert shown_effect(value) in part.body
    assert "Effet vrai" in part.body  # the economy's truth was given
    assert re.search(r"<svg[^>]*role=\"img\".*?<title>", part.body)
    methods = Section("methods", "Méthodes", "<p>m</p>")
    ordered = with_impact([Section("trends", "T", ""), methods], settings)
    assert [s.id for s in ordered] == ["trends", "impact", "methods"]
    # without a kept evaluation, the part is left out and the methods box says so
    empty = get_settings(tmp_path / "empty")
    skipped = with_impact([Section("trends", "T", ""), methods], empty)
    assert [s.id for s in skipped] == ["trends", "methods"]
    assert "évaluation non encore calculée" in skipped[-1].body
    assert NOT_COMPUTED[:30] in skipped[-1].body
