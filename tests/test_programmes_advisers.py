"""Advisers and missions on SQLite and PostgreSQL: workflow, rules, row-level access, API."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from marsad.errors import Conflict, Forbidden, InvalidInput, NotFound
from marsad.operational import Database, migrate
from marsad.operational.auth import Actor, create_user, issue_token
from marsad.operational.people import AccessLog
from marsad.programmes.advisers import (
    add_deliverable,
    assign_mission,
    decide_accreditation,
    get_mission,
    hand_in,
    list_advisers,
    list_missions,
    mission_step,
    record_satisfaction,
    reference_adviser,
)
from marsad.programmes.workflow import Cap, approve, create_application, ensure_budget, transition
from marsad.settings import get_settings
from marsad.web import create_app

START = date.today() + timedelta(days=10)
UNTIL = date.today() + timedelta(days=365)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    migrate(database_url)
    database = Database(database_url)
    ensure_budget(database, "TAHFIZ", "Accompagnement", "MAROC_PME", Decimal("10000000"))
    yield database
    database.dispose()


def approved_application(db: Database, enterprise: str, region: str | None = "06") -> int:
    project = {"region_code": region} if region else {}
    app = create_application(db, "agent", "TAHFIZ", enterprise, Decimal("50000"), project)
    for action in ("submit", "declare_eligible", "appraise"):
        transition(db, "agent", app.id, action)
    approve(db, "manager", app.id, Decimal("50000"), [Cap("programme:TAHFIZ", Decimal("1e6"))])
    return app.id


def accredited(db: Database, manager: Actor, name: str, **kwargs: Any) -> int:
    values: dict[str, Any] = {"model": "individual", "specialities": ["Export"], "regions": ["06"]}
    values |= kwargs
    adviser = reference_adviser(db, manager, name, daily_rate_mad=Decimal("3500"), **values)
    decide_accreditation(db, manager, adviser.id, "accredit", UNTIL)
    return adviser.id


def test_a_mission_from_assignment_to_acceptance(db: Database) -> None:
    manager = create_user(db, "omar", "programme_manager")
    consultant = create_user(db, "nadia", "adviser")
    adviser_id = accredited(db, manager, "Nadia Conseil", account="nadia")
    reference_adviser(db, manager, "Plateforme Nord", "platform", ["digital"], ["01"], Decimal(9))
    assert [a.name for a in list_advisers(db, manager, speciality="export")] == ["Nadia Conseil"]
    assert [a.name for a in list_advisers(db, manager, region="01")] == ["Plateforme Nord"]
    assert [a.id for a in list_advisers(db, manager, accredited_on=UNTIL)] == [adviser_id]
    assert list_advisers(db, manager, accredited_on=UNTIL + timedelta(days=1)) == []

    app_id = approved_application(db, "E0001")
    mission = assign_mission(db, manager, app_id, adviser_id, Decimal("4.5"), START)
    assert (mission.status, mission.daily_rate_mad) == ("assigned", Decimal("3500.00"))
    mission_step(db, consultant, mission.id, "start")
    report = add_deliverable(db, consultant, mission.id, "Diagnostic export", START)
    with pytest.raises(Conflict, match="chaque livrable"):
        mission_step(db, consultant, mission.id, "deliver")
    with pytest.raises(Conflict, match="non livrée"):
        record_satisfaction(db, manager, mission.id, 4)
    hand_in(db, consultant, mission.id, report.id)
    mission_step(db, consultant, mission.id, "deliver")
    with pytest.raises(Forbidden):
        mission_step(db, consultant, mission.id, "accept")
    with pytest.raises(Forbidden):
        record_satisfaction(db, consultant, mission.id, 5)
    mission_step(db, manager, mission.id, "send_back", "chiffrage incomplet")
    hand_in(db, consultant, mission.id, report.id)
    mission_step(db, consultant, mission.id, "deliver")
    assert record_satisfaction(db, manager, mission.id, 4, "utile").satisfaction == 4
    with pytest.raises(Conflict, match="déjà recueillie"):
        record_satisfaction(db, manager, mission.id, 5)
    with pytest.raises(InvalidInput):
        record_satisfaction(db, manager, mission.id, 6)
    mission_step(db, manager, mission.id, "accept")
    detail = get_mission(db, consultant, mission.id)
    assert detail.mission.status == "accepted" and detail.deliverables[0].accepted is True
    with db.session() as session:
        actions = set(session.scalars(select(AccessLog.action)))
    assert {"adviser.reference", "adviser.accredit", "mission.assign", "mission.start"} <= actions
    assert {"mission.send_back", "mission.accept", "mission.satisfaction"} <= actions


def test_assignment_rules(db: Database) -> None:
    manager = create_user(db, "omar", "programme_manager")
    agent = create_user(db, "salma", "desk_agent", chamber_code="CCIS06")
    adviser_id = accredited(db, manager, "Karim")
    pending = reference_adviser(db, manager, "Yasmine", "individual", ["rh"], ["06"], Decimal(1))
    app_id = approved_application(db, "E0002")
    with pytest.raises(Forbidden):
        decide_accreditation(db, agent, pending.id, "accredit", UNTIL)
    with pytest.raises(Conflict, match="pas accrédité"):
        assign_mission(db, manager, app_id, pending.id, Decimal(2), START)
    with pytest.raises(Conflict, match="pas accrédité"):  # beyond the accreditation
        assign_mission(db, manager, app_id, adviser_id, Decimal(2), START, UNTIL + timedelta(1))
    with pytest.raises(Conflict, match="région 07"):
        assign_mission(db, manager, approved_application(db, "E0003", "07"), adviser_id, 2, START)
    draft = create_application(db, "agent", "TAHFIZ", "E0004", Decimal(10)).id
    with pytest.raises(Conflict, match="draft"):
        assign_mission(db, manager, draft, adviser_id, Decimal(2), START)
    with pytest.raises(InvalidInput) as bad:
        assign_mission(db, manager, app_id, adviser_id, Decimal(-1), START, START - timedelta(1))
    assert {d["field"] for d in bad.value.details} == {"days"}
    with pytest.raises(InvalidInput) as bad:
        assign_mission(db, manager, app_id, adviser_id, Decimal(1), START, START - timedelta(1))
    assert bad.value.details == [{"field": "end_date", "message": "la fin précède le début"}]
    with pytest.raises(InvalidInput) as bad:
        reference_adviser(db, manager, " ", "guru", [], ["13"], Decimal(0))
    fields = {d["field"] for d in bad.value.details}
    assert fields == {"name", "model", "specialities", "regions", "daily_rate_mad"}
    # capacity: an individual consultant holds two overlapping active missions at most
    unknown_region = approved_application(db, "E0005", None)
    first = assign_mission(db, manager, unknown_region, adviser_id, Decimal(5), START)
    assign_mission(db, manager, app_id, adviser_id, Decimal(3), START + timedelta(2))
    with pytest.raises(Conflict, match="Capacité"):
        assign_mission(db, manager, app_id, adviser_id, Decimal(1), START + timedelta(4))
    assign_mission(db, manager, app_id, adviser_id, Decimal(1), START + timedelta(30))
    mission_step(db, manager, first.id, "cancel")
    assign_mission(db, manager, app_id, adviser_id, Decimal(1), START + timedelta(4))
    decide_accreditation(db, manager, adviser_id, "suspend", reason="plainte")
    with pytest.raises(Conflict, match="suspended"):
        decide_accreditation(db, manager, adviser_id, "suspend")
    withdrawn = decide_accreditation(db, manager, adviser_id, "withdraw", START)
    assert (withdrawn.accreditation, withdrawn.accredited_until) == ("withdrawn", START)
    with pytest.raises(Conflict, match="withdrawn"):
        decide_accreditation(db, manager, adviser_id, "accredit", UNTIL)


def test_an_adviser_sees_only_their_missions(db: Database) -> None:
    manager = create_user(db, "omar", "programme_manager")
    nadia, karim = create_user(db, "nadia", "adviser"), create_user(db, "karim", "adviser")
    analyst = create_user(db, "lina", "analyst")
    ids = [accredited(db, manager, name, account=name) for name in ("nadia", "karim")]
    app_id = approved_application(db, "E0010")
    missions = [assign_mission(db, manager, app_id, i, Decimal(2), START).id for i in ids]
    assert [m.id for m in list_missions(db, nadia)] == missions[:1]
    assert [m.id for m in list_missions(db, karim)] == missions[1:]
    assert len(list_missions(db, analyst)) == 2
    for attempt in (
        lambda: get_mission(db, nadia, missions[1]),
        lambda: mission_step(db, nadia, missions[1], "start"),
        lambda: add_deliverable(db, nadia, missions[1], "Rapport", START),
    ):
        with pytest.raises(NotFound):
            attempt()
    with pytest.raises(Forbidden):
        mission_step(db, analyst, missions[0], "start")
    with pytest.raises(Conflict, match="déjà lié"):
        reference_adviser(
            db, manager, "Bis", "individual", ["x"], ["06"], Decimal(1), account="nadia"
        )


def test_the_capacity_holds_under_concurrency(db: Database) -> None:
    manager = create_user(db, "omar", "programme_manager")
    adviser_id = accredited(db, manager, "Karim")
    app_id = approved_application(db, "E0030")

    def attempt(_: int) -> str:
        try:
            assign_mission(db, manager, app_id, adviser_id, Decimal(3), START)
            return "assigned"
        except Conflict as refused:
            return str(refused)

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, range(8)))
    assert outcomes.count("assigned") == 2
    assert all("Capacité" in o for o in outcomes if o != "assigned")


def _check_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message", "details"}
    assert body["error"]["status"] == status
    error: dict[str, Any] = body["error"]
    return error


def test_the_api(db: Database, database_url: str, tmp_path: Path) -> None:
    manager = create_user(db, "omar", "programme_manager")
    nadia = create_user(db, "nadia", "adviser")
    other = create_user(db, "karim", "adviser")
    agent = create_user(db, "salma", "desk_agent", chamber_code="CCIS06")
    auth = {
        who.username: {"Authorization": f"Bearer {issue_token(db, who)}"}
        for who in (manager, nadia, other, agent)
    }
    app_id = approved_application(db, "E0020")
    client = TestClient(create_app(get_settings(tmp_path / "home", database_url=database_url)))
    m = auth["omar"]
    created = client.post(
        "/api/advisers",
        headers=m,
        json={"name": "Nadia Conseil", "model": "individual", "specialities": ["export"],
              "regions": ["06"], "daily_rate_mad": "3500", "account": "nadia"},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    adviser_id = created.json()["id"]
    url = f"/api/advisers/{adviser_id}/accreditation"
    error = _check_error(
        client.post(url, headers=auth["salma"], json={"decision": "accredit", "until": str(UNTIL)}),
        403,
    )
    assert error["code"] == "forbidden"
    error = _check_error(client.post(url, headers=m, json={"decision": "accredit"}), 422)
    assert error["details"][0]["field"] == "until"
    ok = client.post(url, headers=m, json={"decision": "accredit", "until": str(UNTIL)})
    assert ok.json()["accreditation"] == "accredited"
    assert len(client.get("/api/advisers?region=06&accredited_on=" + str(START), headers=m).json())

    mission = {"application_id": app_id, "adviser_id": adviser_id, "days": 3,
               "start_date": str(START)}  # fmt: skip
    bad = client.post(
        "/api/missions", headers=m, json={**mission, "days": -2, "start_date": "2025-02-30"}
    )
    fields = {d["field"] for d in _check_error(bad, 422)["details"]}
    assert fields == {"body.days", "body.start_date"}
    bad = client.post("/api/advisers", headers=m, json={"name": "X", "model": "individual",
                      "specialities": ["a"], "regions": ["13"], "daily_rate_mad": 1})  # fmt: skip
    assert _check_error(bad, 422)["details"][0]["field"] == "body.regions.0"
    _check_error(client.post("/api/missions", headers=m, json={**mission, "adviser_id": 999}), 404)
    created = client.post("/api/missions", headers=m, json=mission)
    assert created.status_code == 201, created.text
    mission_id = created.json()["id"]
    _check_error(client.post(f"/api/missions/{mission_id}/deliver", headers=m), 409)
    _check_error(client.get(f"/api/missions/{mission_id}", headers=auth["karim"]), 404)
    assert client.get(f"/api/missions/{mission_id}", headers=auth["nadia"]).status_code == 200
    assert client.get("/api/missions", headers=auth["karim"]).json() == []
    _check_error(client.post(f"/api/missions/{mission_id}/explode", headers=m), 422)
    _check_error(client.get("/api/missions/0", headers=m), 422)
    _check_error(client.get("/api/missions", headers={}), 401)
    assert client.post(f"/api/missions/{mission_id}/start", headers=m).json()["status"] == (
        "in_progress"
    )
    item = client.post(
        f"/api/missions/{mission_id}/deliverables",
        headers=m,
        json={"title": "Plan export", "due_date": str(START + timedelta(5))},
    )
    assert item.status_code == 201
    client.post(f"/api/missions/{mission_id}/deliverables/{item.json()['id']}/hand-in", headers=m)
    assert client.post(f"/api/missions/{mission_id}/deliver", headers=m).status_code == 200
    score = client.post(f"/api/missions/{mission_id}/satisfaction", headers=m, json={"score": 0})
    assert _check_error(score, 422)["details"][0]["field"] == "body.score"
    done = client.post(f"/api/missions/{mission_id}/satisfaction", headers=m, json={"score": 5})
    assert done.json()["satisfaction"] == 5
    body = client.get(f"/api/missions/{mission_id}", headers=m).json()
    assert body["status"] == "delivered" and body["deliverables"][0]["delivered_at"]
