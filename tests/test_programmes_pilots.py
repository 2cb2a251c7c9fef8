"""Regional pilots on SQLite and PostgreSQL: committees, meetings, targets, progress, API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from marsad.errors import Conflict, Forbidden, InvalidInput, NotFound
from marsad.operational import Database, migrate
from marsad.operational.auth import create_user, issue_token
from marsad.operational.people import AccessLog
from marsad.programmes.pilots import (
    ActionItem,
    add_meeting,
    close_action,
    create_committee,
    list_meetings,
    pilot_progress,
    set_members,
    set_target,
)
from marsad.programmes.workflow import (
    Cap,
    approve,
    create_application,
    ensure_budget,
    sign_agreement,
    transition,
)
from marsad.settings import get_settings
from marsad.web import create_app

YEAR = date.today().year
MEMBERS = [{"name": "Wali", "organisation": "Wilaya", "role": "président"}]


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    migrate(database_url)
    database = Database(database_url)
    for code in ("TAHFIZ", "IMTIAZ"):
        ensure_budget(database, code, code.title(), "MAROC_PME", Decimal("10000000"))
    yield database
    database.dispose()


def granted(db: Database, code: str, enterprise: str, amount: str, region: str | None) -> int:
    """An application approved now, its project declared in ``region``."""
    project = {"region_code": region} if region else {}
    app = create_application(db, "agent", code, enterprise, Decimal(amount), project)
    for action in ("submit", "declare_eligible", "appraise"):
        transition(db, "agent", app.id, action)
    approve(db, "manager", app.id, Decimal(amount), [Cap(f"programme:{code}", Decimal("1e7"))])
    return app.id


def test_committees_meetings_and_actions(db: Database) -> None:
    manager = create_user(db, "omar", "programme_manager")
    analyst = create_user(db, "lina", "analyst")
    with pytest.raises(Forbidden):
        create_committee(db, analyst, "06", "Comité Casablanca-Settat", MEMBERS)
    committee = create_committee(db, manager, "06", "Comité Casablanca-Settat", MEMBERS)
    with pytest.raises(Conflict, match="déjà son comité"):
        create_committee(db, manager, "06", "Bis", [])
    with pytest.raises(InvalidInput) as bad:
        create_committee(db, manager, "13", "", [{"organisation": "CRI"}])
    fields = {d["field"] for d in bad.value.details}
    assert fields == {"region_code", "name", "members.0.name"}
    members = [*MEMBERS, {"name": "Directrice", "organisation": "CRI", "role": ""}]
    assert len(set_members(db, manager, committee.id, members).members) == 2

    meeting = add_meeting(
        db,
        manager,
        committee.id,
        date(YEAR, 3, 14),
        "Revue du premier trimestre.",
        ["Prioriser l'export"],
        [ActionItem("Relancer les dossiers", "CRI", date(YEAR, 4, 30)), ActionItem("Atelier")],
    )
    decision, relaunch, workshop = meeting.actions
    assert (decision.kind, decision.status, relaunch.status) == ("decision", "done", "open")
    assert close_action(db, manager, committee.id, relaunch.id, "done").status == "done"
    with pytest.raises(Conflict):
        close_action(db, manager, committee.id, relaunch.id, "dropped")
    with pytest.raises(Conflict):
        close_action(db, manager, committee.id, decision.id, "done")
    with pytest.raises(InvalidInput):
        close_action(db, manager, committee.id, workshop.id, "open")
    other = create_committee(db, manager, "01", "Comité Tanger", [])
    with pytest.raises(NotFound):
        close_action(db, manager, other.id, workshop.id, "dropped")
    with pytest.raises(InvalidInput) as bad:
        add_meeting(db, manager, committee.id, date(1999, 1, 1), actions=[ActionItem(" ")])
    assert {d["field"] for d in bad.value.details} == {"held_on", "actions.0.text"}
    [found] = list_meetings(db, analyst, committee.id)
    assert [a.status for a in found.actions] == ["done", "done", "open"]
    with db.session() as session:
        logged = set(session.scalars(select(AccessLog.action)))
    assert {"pilot.create", "pilot.members", "pilot.meeting", "pilot.action_done"} <= logged


def test_progress_against_targets(db: Database) -> None:
    manager = create_user(db, "omar", "programme_manager")
    committee = create_committee(db, manager, "06", "Comité Casablanca-Settat", [])
    set_target(db, manager, committee.id, YEAR, "TAHFIZ", 4, Decimal("400000"))
    set_target(db, manager, committee.id, YEAR, "TAHFIZ", 5, Decimal("500000"))  # replaces
    set_target(db, manager, committee.id, YEAR, "IMTIAZ", 2, Decimal("0"))
    with pytest.raises(NotFound):
        set_target(db, manager, committee.id, YEAR, "NOPE", 1, Decimal(1))
    with pytest.raises(InvalidInput) as bad:
        set_target(db, manager, committee.id, 1990, "TAHFIZ", -1, Decimal(-5))
    assert {d["field"] for d in bad.value.details} == {"year", "firms_supported", "budget_mad"}

    granted(db, "TAHFIZ", "E1", "100000", "06")
    granted(db, "TAHFIZ", "E1", "50000", "06")  # the same enterprise counts once
    signed = granted(db, "TAHFIZ", "E2", "100000", "01")  # the register places E2 in 06
    sign_agreement(db, "manager", signed, [(Decimal("100000"), "tout")])
    granted(db, "TAHFIZ", "E3", "70000", "07")  # another region
    granted(db, "TAHFIZ", "E4", "30000", None)  # region unknown
    create_application(db, "agent", "TAHFIZ", "E5", Decimal(1), {"region_code": "06"})
    granted(db, "IMTIAZ", "E6", "20000", "06")

    progress = pilot_progress(db, manager, committee.id, YEAR, {"E2": "06", "E3": "07"})
    lines = {p.programme_code: p for p in progress.programmes}
    tahfiz, imtiaz = lines["TAHFIZ"], lines["IMTIAZ"]
    assert (tahfiz.target_firms, tahfiz.actual_firms, tahfiz.firms_ratio) == (5, 2, 0.4)
    assert tahfiz.approved_mad == Decimal("250000.00") and tahfiz.budget_ratio == 0.5
    assert (imtiaz.actual_firms, imtiaz.firms_ratio, imtiaz.budget_ratio) == (1, 0.5, None)
    without_register = pilot_progress(db, manager, committee.id, YEAR)
    assert {p.programme_code: p.actual_firms for p in without_register.programmes} == {
        "IMTIAZ": 1,
        "TAHFIZ": 1,
    }
    earlier = pilot_progress(db, manager, committee.id, YEAR - 1)
    assert earlier.programmes == []


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message", "details"}
    error: dict[str, Any] = body["error"]
    return error


def test_the_api(db: Database, database_url: str, tmp_path: Path) -> None:
    manager = create_user(db, "omar", "programme_manager")
    analyst = create_user(db, "lina", "analyst")
    m = {"Authorization": f"Bearer {issue_token(db, manager)}"}
    a = {"Authorization": f"Bearer {issue_token(db, analyst)}"}
    granted(db, "TAHFIZ", "E1", "100000", "06")
    client = TestClient(create_app(get_settings(tmp_path / "home", database_url=database_url)))
    body = {"region_code": "06", "name": "Comité Casablanca-Settat", "members": MEMBERS}
    _error(client.post("/api/pilots", headers=a, json=body), 403)
    bad = client.post("/api/pilots", headers=m, json={**body, "region_code": "13"})
    assert _error(bad, 422)["details"][0]["field"] == "body.region_code"
    created = client.post("/api/pilots", headers=m, json=body)
    assert created.status_code == 201, created.text
    pilot = created.json()["id"]
    assert _error(client.post("/api/pilots", headers=m, json=body), 409)["code"] == "conflict"
    assert [p["region_code"] for p in client.get("/api/pilots", headers=a).json()] == ["06"]

    meeting = {"held_on": f"{YEAR}-02-30", "decisions": ["x"], "actions": [{"text": "Relancer"}]}
    bad = client.post(f"/api/pilots/{pilot}/meetings", headers=m, json=meeting)
    assert _error(bad, 422)["details"][0]["field"] == "body.held_on"
    made = client.post(
        f"/api/pilots/{pilot}/meetings", headers=m, json={**meeting, "held_on": f"{YEAR}-02-28"}
    )
    assert made.status_code == 201, made.text
    action = made.json()["actions"][1]
    closed = client.post(
        f"/api/pilots/{pilot}/actions/{action['id']}", headers=m, json={"status": "dropped"}
    )
    assert closed.json()["status"] == "dropped"
    assert (
        client.get(f"/api/pilots/{pilot}/meetings", headers=a).json()[0]["actions"][1]["status"]
        == "dropped"
    )

    target = {"year": YEAR, "programme_code": "TAHFIZ", "firms_supported": 4, "budget_mad": 1e5}
    bad = client.put(f"/api/pilots/{pilot}/targets", headers=m, json={**target, "year": 1900})
    assert _error(bad, 422)["details"][0]["field"] == "body.year"
    assert client.put(f"/api/pilots/{pilot}/targets", headers=m, json=target).status_code == 200
    shown = client.get(f"/api/pilots/{pilot}/progress?year={YEAR}", headers=a).json()
    assert shown["programmes"] == [
        {
            "programme_code": "TAHFIZ",
            "target_firms": 4,
            "actual_firms": 1,
            "firms_ratio": 0.25,
            "target_budget_mad": "100000.00",
            "approved_mad": "100000.00",
            "budget_ratio": 1.0,
        }
    ]
    _error(client.get(f"/api/pilots/{pilot}/progress", headers=a), 422)
    _error(client.get(f"/api/pilots/{pilot + 1}/progress?year={YEAR}", headers=a), 404)
