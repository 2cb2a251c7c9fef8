"""Matchmaking through the API and `marsad match`, on a real synthetic register."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from marsad.cli.app import app
from marsad.matchmaking.access import add_member
from marsad.operational import Database, migrate
from marsad.operational.auth import create_user, issue_token
from marsad.programmes.service import build_dir
from marsad.settings import Settings, get_settings
from marsad.web import create_app


def _firms(settings: Settings) -> tuple[str, str]:
    """A large and a small active enterprise of the register's latest year."""
    panel = pd.read_parquet(build_dir(settings) / "panel.parquet")
    latest = panel[panel["year"] == panel.loc[panel["turnover_mad"].notna(), "year"].max()]
    active = latest[latest["active"] & latest["turnover_mad"].notna()]
    ordered = active.sort_values("turnover_mad")
    return str(ordered["enterprise_id"].iloc[-1]), str(
        ordered["enterprise_id"].iloc[len(ordered) // 2]
    )


@pytest.fixture
def setup(published: Settings, database_url: str) -> tuple[TestClient, dict[str, str], str, str]:
    settings = get_settings(published.home, database_url=database_url, api_rate_per_minute=0)
    migrate(database_url)
    db = Database(database_url)
    tokens = {}
    for name, role, chamber in [
        ("manager", "programme_manager", None),
        ("agent", "desk_agent", "CCIS06"),
        ("analyst", "analyst", None),
        ("firm", "public", None),
        ("steward", "data_steward", None),
    ]:
        actor = create_user(db, name, role, chamber_code=chamber)
        tokens[name] = "Bearer " + issue_token(db, actor)
    large, small = _firms(settings)
    add_member(db, create_user(db, "root", "administrator"), "firm", small)
    db.dispose()
    return TestClient(create_app(settings)), tokens, large, small


def profile(enterprise: str, kind: str, title: str, **kw: Any) -> dict[str, Any]:
    return {
        "enterprise_id": enterprise,
        "kind": kind,
        "title": title,
        "description": kw.pop("description", title),
        "tags": ["usinage", "cnc"],
        "activity_codes": ["25"],
        "valid_from": (date.today() - timedelta(days=1)).isoformat(),
        "valid_until": (date.today() + timedelta(days=200)).isoformat(),
        **kw,
    }


def test_profiles_proposals_and_outcome_over_http(
    setup: tuple[TestClient, dict[str, str], str, str],
) -> None:
    client, tokens, large, small = setup

    def call(method: str, url: str, who: str, body: Any = None) -> Any:
        return client.request(method, url, json=body, headers={"Authorization": tokens[who]})

    assert client.get("/api/match/profiles").status_code == 401
    assert call("GET", "/api/match/profiles", "steward").status_code == 403
    own = call("POST", "/api/match/profiles", "firm", profile(small, "business_offer", "Usinage"))
    assert own.status_code == 201, own.text
    assert own.json()["status"] == "draft"
    other = call("POST", "/api/match/profiles", "firm", profile(large, "business_offer", "X"))
    assert other.status_code == 403
    unknown = call("POST", "/api/match/profiles", "manager", profile("NOPE", "business_offer", "X"))
    assert unknown.status_code == 422
    assert unknown.json()["error"]["details"][0]["field"] == "enterprise_id"
    wanted = profile(large, "subcontracting_request", "Usinage CNC de pièces", capacity_mad="1000")
    request = call("POST", "/api/match/profiles", "manager", wanted).json()
    hidden = call("POST", "/api/match/profiles", "agent", profile(large, "business_offer", "Y"))
    # an enterprise sees the published profiles and its own drafts only
    seen = {p["id"] for p in call("GET", "/api/match/profiles", "firm").json()}
    assert seen == {own.json()["id"]}
    assert call("GET", f"/api/match/profiles/{hidden.json()['id']}", "firm").status_code == 404
    for pid in (request["id"], own.json()["id"]):
        done = call("POST", f"/api/match/profiles/{pid}/validate", "manager", {})
        assert done.json()["status"] == "published", done.text
    seen = {p["id"] for p in call("GET", "/api/match/profiles", "firm").json()}
    assert seen == {own.json()["id"], request["id"]}
    assert {p["id"] for p in call("GET", "/api/match/profiles", "analyst").json()} == seen
    again = call("POST", f"/api/match/profiles/{request['id']}/validate", "manager", {})
    assert again.status_code == 409 and "published" in again.json()["error"]["message"]
    # a run, a broker's validation, both parties' interest, a meeting and an agreement
    assert call("POST", "/api/match/runs", "firm", {}).status_code == 403
    ran = call("POST", "/api/match/runs", "manager", {"min_score": 0.0}).json()
    assert ran["proposals_new"] == 1 and ran["requests"] == 1
    assert call("GET", "/api/match/proposals", "firm").json() == []
    (proposal,) = call("GET", "/api/match/proposals", "manager").json()
    assert proposal["components"][0]["component"] == "capability"
    assert "usinage" in proposal["components"][0]["words"]
    pid = proposal["id"]
    call("POST", f"/api/match/proposals/{pid}/decision", "manager", {"action": "validate"})
    assert (
        call("POST", f"/api/match/proposals/{pid}/interest", "firm", {"interested": True}).json()[
            "offer_interest"
        ]
        == "yes"
    )
    body = {"interested": True, "side": "request"}
    assert (
        call("POST", f"/api/match/proposals/{pid}/interest", "manager", body).json()["status"]
        == "connected"
    )
    met = call("POST", f"/api/match/proposals/{pid}/meetings", "manager", {"held_on": "2026-01-10"})
    assert met.status_code == 201
    signed = {"agreement": True, "agreement_type": "subcontracting", "value_mad": "120000",
              "signed_on": "2026-02-01"}  # fmt: skip
    ended = call("POST", f"/api/match/proposals/{pid}/outcome", "manager", signed)
    assert ended.json()["status"] == "agreement"
    shown = call("GET", f"/api/match/proposals/{pid}", "firm").json()
    assert shown["outcome"]["value_mad"] == "120000.00" and len(shown["meetings"]) == 1
    indicator = call("GET", "/api/match/indicators/market-access", "analyst").json()
    assert indicator["agreements"] == 1 and indicator["agreements_value_mad"] == 120000.0


def test_match_commands(published: Settings, database_url: str) -> None:
    runner = CliRunner()
    env = {"MARSAD_DATABASE_URL": database_url}

    def run(*args: str) -> Any:
        result = runner.invoke(app, ["--home", str(published.home), *args], env=env)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    quality = run("match", "evaluate", "--json")
    assert set(quality["baseline"]) == {"precision_at_5", "recall_at_10", "mrr"}
    assert all(0 <= quality[k] <= 1 for k in ("precision_at_5", "recall_at_10", "mrr"))
    seeded = run("match", "seed", "--limit", "250", "--json")
    assert seeded["profiles"] > 50 and seeded["run"]["proposals_new"] > 0
    assert seeded["users"] == ["courtier", "entreprise.demo"]
    assert run("match", "seed", "--limit", "250", "--json")["profiles"] == 0  # seeded once
    again = run("match", "run", "--json")
    assert again["requests"] > 0 and again["proposals_updated"] > 0
    indicator = run("match", "indicator", "--json")
    assert indicator["proposals"] >= seeded["run"]["proposals_new"]
    assert indicator["validated"] == seeded["followed"]["validated"]
