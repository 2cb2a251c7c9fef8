"""Outreach through the API and ``marsad outreach`` on a small hand-built register: target
lists, a campaign and its outcomes, an event with registrations and a B2B meeting, the
dashboard; refusals in the one error shape; the command line's JSON equal to the API's."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from marsad.cli.app import app
from marsad.operational import Database, migrate
from marsad.operational.auth import create_user, issue_token
from marsad.programmes.workflow import create_application, ensure_budget
from marsad.settings import Settings, get_settings
from marsad.training.models import Participant
from marsad.web import create_app
from outreach_register import ON, write_register

Setup = tuple[TestClient, dict[str, dict[str, str]], Settings, list[int]]


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    settings = get_settings(tmp_path / "home", api_rate_per_minute=0)
    write_register(settings, tmp_path)
    migrate(settings.operational_url)
    db = Database(settings.operational_url)
    ensure_budget(db, "INTELAKA", "Intelaka", "MAROC_PME", Decimal("1000000"))
    create_application(db, "agent", "INTELAKA", "E05", Decimal("50000"))
    headers = {}
    for name, role, chamber in [
        ("gestionnaire", "programme_manager", None),
        ("guichet.casa", "desk_agent", "CCIS06"),
        ("analyste", "analyst", None),
        ("steward", "data_steward", None),
    ]:
        actor = create_user(db, name, role, "un mot de passe long", chamber_code=chamber)
        headers[name] = {"Authorization": "Bearer " + issue_token(db, actor)}
    with db.session() as session:
        people = [
            Participant(full_name=f"P{i}", gender="F", enterprise_id=e, partner_code="CCIS")
            for i, e in enumerate(["E01", "E09", "E11"])
        ]
        session.add_all(people)
        session.flush()
        ids = [p.id for p in people]
    db.dispose()
    return TestClient(create_app(settings)), headers, settings, ids


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["status"] == status
    return dict(body["error"])


def test_targets_campaigns_and_the_dashboard(setup: Setup) -> None:
    client, h, settings, _ = setup
    params = {"programme": "INTELAKA", "region": "06", "as_of": ON.isoformat()}
    found = client.get("/api/targets", params=params, headers=h["guichet.casa"]).json()
    assert [r["enterprise_id"] for r in found["rows"]] == ["E01", "E09", "E11"]
    assert found["rows"][0]["phone"] == "0522112233"
    bare = client.get("/api/targets", params=params, headers=h["gestionnaire"]).json()
    assert "phone" not in bare["rows"][0] and bare["withheld_fields"] == [
        "denomination",
        "phone",
        "email",
    ]
    csv = client.get(
        "/api/targets.csv", params={**params, "purpose": "appels"}, headers=h["gestionnaire"]
    )
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "Téléphone" not in csv.text and "E09" in csv.text
    runner = CliRunner()
    cli = runner.invoke(
        app,
        ["--home", str(settings.home), "outreach", "targets", "--programme", "INTELAKA",
         "--region", "06", "--as-of", ON.isoformat(), "--as", "gestionnaire", "--json"],
    )  # fmt: skip
    assert cli.exit_code == 0, cli.output
    from_cli = json.loads(cli.stdout)
    assert {k: v for k, v in from_cli.items() if k != "seconds"} == {
        k: v for k, v in bare.items() if k != "seconds"
    }
    body = {
        "name": "Appels Intelaka",
        "organiser_code": "CCIS",
        "programme": "INTELAKA",
        "channel": "phone",
        "starts_on": ON.isoformat(),
    }
    made = client.post("/api/campaigns", json=body, headers=h["guichet.casa"])
    assert made.status_code == 201, made.text
    cid = made.json()["id"]
    assert made.json()["targeted"] == 3 and made.json()["chamber_code"] == "CCIS06"
    url = f"/api/campaigns/{cid}/outcomes"
    ok = client.post(url, json={"enterprise_id": "E01", "outcome": "contacted"},
                     headers=h["guichet.casa"])  # fmt: skip
    assert ok.status_code == 200 and ok.json()["state"] == "contacted"
    refused = client.post(url, json={"enterprise_id": "E09", "outcome": "applied"},
                          headers=h["guichet.casa"])  # fmt: skip
    assert "ne peut suivre" in _error(refused, 409)["message"]
    _error(client.post(url, json={"enterprise_id": "E09", "outcome": "won"},
                       headers=h["guichet.casa"]), 422)  # fmt: skip
    _error(client.post(url, json={"enterprise_id": "E09", "outcome": "contacted"},
                       headers=h["analyste"]), 403)  # fmt: skip
    detail = client.get(f"/api/campaigns/{cid}", headers=h["analyste"]).json()
    assert detail["conversion"]["contacted"] == 1 and detail["conversion"]["targeted"] == 3
    rows = client.get(f"/api/campaigns/{cid}/targets", headers=h["analyste"]).json()
    assert [r["state"] for r in rows] == ["contacted", "targeted", "targeted"]
    board = client.get(
        "/api/outreach/dashboard", params={"partner": "CCIS"}, headers=h["gestionnaire"]
    ).json()
    assert board["campaigns"]["targeted"] == 3 and board["campaigns"]["reached"] == 1
    cli = runner.invoke(
        app,
        ["--home", str(settings.home), "outreach", "dashboard", "--partner", "CCIS",
         "--as", "gestionnaire", "--json"],
    )  # fmt: skip
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.stdout) == board
    listed = runner.invoke(
        app, ["--home", str(settings.home), "outreach", "campaigns", "--as", "analyste", "--json"]
    )
    assert json.loads(listed.stdout) == client.get("/api/campaigns", headers=h["analyste"]).json()


def test_events_through_the_api(setup: Setup) -> None:
    client, h, _, (a, b, c) = setup
    body = {
        "title": "Journée d'affaires",
        "kind": "b2b_day",
        "organiser_code": "CCIS",
        "starts_on": "2026-10-14",
        "ends_on": "2026-10-14",
        "capacity": 2,
        "place": "Casablanca",
    }
    made = client.post("/api/events", json=body, headers=h["guichet.casa"])
    assert made.status_code == 201, made.text
    eid = made.json()["id"]
    for pid in (a, b):
        done = client.post(f"/api/events/{eid}/registrations", json={"participant_id": pid},
                           headers=h["guichet.casa"])  # fmt: skip
        assert done.status_code == 201
    full = client.post(f"/api/events/{eid}/registrations", json={"participant_id": c},
                       headers=h["guichet.casa"])  # fmt: skip
    assert "complet" in _error(full, 409)["message"]
    slots = client.post(f"/api/events/{eid}/slots",
                        json={"first": "2026-10-14T09:00:00", "count": 2, "minutes": 30},
                        headers=h["guichet.casa"]).json()  # fmt: skip
    meeting = {"slot_id": slots[0]["id"], "participant_a": a, "participant_b": b}
    first = client.post(f"/api/events/{eid}/meetings", json=meeting, headers=h["guichet.casa"])
    assert first.status_code == 201
    again = client.post(f"/api/events/{eid}/meetings", json={**meeting, "participant_a": b,
                        "participant_b": a}, headers=h["guichet.casa"])  # fmt: skip
    assert "Double réservation" in _error(again, 409)["message"]
    names = client.get(f"/api/events/{eid}/registrations", headers=h["guichet.casa"]).json()
    assert names[0]["full_name"] == "P0"
    hidden = client.get(f"/api/events/{eid}/registrations", headers=h["analyste"]).json()
    assert hidden[0]["full_name"] is None
    _error(client.get(f"/api/events/{eid}"), 401)
    _error(client.get("/api/events/999999", headers=h["analyste"]), 404)
    _error(client.get("/api/events", headers=h["steward"]), 403)
    bad = client.post("/api/events", json={**body, "capacity": 0}, headers=h["guichet.casa"])
    assert _error(bad, 422)["details"][0]["field"] == "body.capacity"
    _error(client.get("/api/targets", params={"programme": "INTELAKA", "region": "13"},
                      headers=h["gestionnaire"]), 422)  # fmt: skip
    _error(client.get("/api/targets", params={"programme": "IMTIAZ"},
                      headers=h["gestionnaire"]), 409)  # fmt: skip
