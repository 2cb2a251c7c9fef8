"""The partner scorecard: timeliness, rows, rules, identifier quality, enterprises only here."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import DGI_HEADER, dgi_csv, good_dgi_rows, make_ice
from marsad.cli.app import app
from marsad.errors import InvalidInput, NotFound
from marsad.ingest import Deliverer, pipeline
from marsad.ingest.scorecard import scorecard
from marsad.ingest.texts import check_lang
from marsad.ingest.tokens import TokenStore
from marsad.settings import Settings
from marsad.web import create_app

TODAY = dt.date(2026, 1, 15)


def _deliver(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    period: int,
    rows: list[str],
    on: str,
    header: str = DGI_HEADER,
) -> str:
    monkeypatch.setattr(pipeline, "_now", lambda: f"{on}T10:00:00+00:00")
    path = tmp_path / f"{period}-{on}.csv"
    path.write_text(dgi_csv(rows, header=header), encoding="utf-8")
    return Deliverer(settings).deliver("dgi", "tax_declarations", period, path).status


@pytest.fixture
def dgi_history(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    """2022 on time with flaws, 2023 late after a refused file, 2024 never delivered."""
    rows = good_dgi_rows(2022, 10)
    rows[0] = rows[0].replace(make_ice(5000), make_ice(5000)[:-1] + "9")  # fails mod 97
    rows[1] = rows[1].replace(make_ice(5001), "12345")
    rows[2] = rows[2].replace("Casablanca", "Atlantis")
    rows.append("77;;STE X;2022;12,3,4;;47;Rabat")  # not an amount: quarantined
    rows.append(rows[3])  # a copy: set aside
    assert _deliver(settings, monkeypatch, tmp_path, 2022, rows, "2023-06-01") == "loaded"
    spy = good_dgi_rows(2023, 2)
    header = DGI_HEADER + ";spy"
    refused = [r + ";x" for r in spy]
    assert _deliver(settings, monkeypatch, tmp_path, 2023, refused, "2024-09-01", header) == (
        "refused"
    )
    later = good_dgi_rows(2023, 12)
    assert _deliver(settings, monkeypatch, tmp_path, 2023, later, "2024-10-10") == "loaded"
    return settings


def test_a_scorecard_from_a_known_history(dgi_history: Settings) -> None:
    card = scorecard(dgi_history, "dgi", lang="en", today=TODAY)
    assert card.partner_name.startswith("Direction générale des impôts")
    [ds] = card.datasets
    by_period = {p.period: p for p in ds.periods}
    # due by the end of September of the next year, expected since the convention began
    assert sorted(by_period) == list(range(2016, 2025))
    assert {p.timeliness for y, p in by_period.items() if y not in (2022, 2023)} == {"missing"}
    y2022, y2023 = by_period[2022], by_period[2023]
    assert (y2022.due, y2022.first_received) == (dt.date(2023, 9, 30), dt.date(2023, 6, 1))
    assert (y2022.timeliness, y2022.days_late) == ("on_time", -121)
    assert (y2023.timeliness, y2023.days_late) == ("late", 10)  # the refused file does not count
    assert (y2023.files, y2023.refused, y2023.pending) == (2, 1, 0)
    assert (y2022.received, y2022.loaded, y2022.quarantined) == (12, 10, 2)
    assert y2022.quarantined_percent == pytest.approx(16.67)
    assert y2023.loaded_change_percent == pytest.approx(20.0)
    quality = {i.field: (i.rule, i.filled, i.failing, i.failing_percent) for i in y2022.identifiers}
    assert quality["ice"] == ("ice_invalid", 10, 2, 20.0)
    assert quality["city"] == ("commune_unknown", 10, 1, 10.0)
    rules = {r.rule: (r.count, r.percent) for r in ds.quarantine_by_rule}
    assert rules == {"not_an_amount": (1, pytest.approx(4.17)), "exact_duplicate": (1, 4.17)}
    assert [(r.rule, r.count, r.percent) for r in ds.refusals_by_rule] == [
        ("undeclared_column", 1, pytest.approx(33.33))
    ]
    assert card.only_partner is None and card.note and "register build" in card.note


def test_cli_json_equals_the_python_result_and_speaks_three_languages(
    dgi_history: Settings,
) -> None:
    runner = CliRunner()
    base = ["--home", str(dgi_history.home), "deliveries", "scorecard", "--partner", "dgi"]
    out = runner.invoke(app, [*base, "--json", "--lang", "ar"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    expected = scorecard(dgi_history, "dgi", lang="ar").model_dump(mode="json")
    assert payload == expected
    assert payload["datasets"][0]["refusals_by_rule"][0]["label"] == "عمود غير مصرح به"
    for lang, word in (("fr", "Fiche de retour"), ("ar", "بطاقة تقييم"), ("en", "Scorecard")):
        human = runner.invoke(app, [*base, "--lang", lang], env={"COLUMNS": "250"})
        assert human.exit_code == 0 and word in human.stdout
    unknown = runner.invoke(app, [*base[:-1], "nobody"])
    assert unknown.exit_code == 2 and "nobody" in unknown.output
    assert runner.invoke(app, [*base, "--lang", "de"]).exit_code == 2
    with pytest.raises(NotFound):
        scorecard(dgi_history, "nobody")
    with pytest.raises(InvalidInput):
        check_lang("xx")


def test_the_partner_reads_its_own_scorecard_over_http(dgi_history: Settings) -> None:
    client = TestClient(create_app(dgi_history))
    _, dgi = TokenStore(dgi_history.home).create("dgi")
    _, cnss = TokenStore(dgi_history.home).create("cnss")
    own = client.get(
        "/api/deliveries/scorecard?lang=en", headers={"Authorization": f"Bearer {dgi}"}
    )
    assert own.status_code == 200, own.text
    assert own.json()["partner"] == "dgi"
    assert own.json()["datasets"][0]["quarantine_by_rule"]
    other = client.get("/api/deliveries/scorecard", headers={"Authorization": f"Bearer {cnss}"})
    assert other.json()["partner"] == "cnss" and other.json()["datasets"][0]["periods"]
    bad = client.get(
        "/api/deliveries/scorecard?lang=de", headers={"Authorization": f"Bearer {dgi}"}
    )
    assert bad.status_code == 422 and set(bad.json()) == {"error"}
    assert client.get("/api/deliveries/scorecard").status_code == 401


def test_enterprises_known_only_through_a_partner(published: Settings) -> None:
    build = sorted((published.home / "register" / "builds").iterdir())[-1]
    partners: dict[str, set[str]] = defaultdict(set)
    for enterprise, dataset in duckdb.sql(
        f"SELECT DISTINCT enterprise_id, dataset FROM '{build / 'rows.parquet'}'"
    ).fetchall():
        partners[enterprise].add(dataset.split(".")[0])
    for partner in ("dgi", "ompic", "rnae"):
        only = scorecard(published, partner).only_partner
        assert only is not None and only.enterprises == len(partners)
        assert only.with_partner == sum(partner in p for p in partners.values())
        assert only.only_partner == sum(p == {partner} for p in partners.values())
        assert only.only_partner > 0
