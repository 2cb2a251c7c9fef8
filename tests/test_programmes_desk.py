"""The auto-entrepreneur desk: ceilings, the workflow, the chamber scope, counts, the link."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from marsad.errors import Conflict, Forbidden, InvalidInput, NotFound
from marsad.operational import Database, migrate
from marsad.operational.auth import Actor, create_user, issue_token
from marsad.operational.people import AccessLog, utcnow
from marsad.programmes import desk
from marsad.programmes.desk_rules import check_ae_number, check_phone, eligibility
from marsad.programmes.support_models import DeskCase, DeskStep
from marsad.register.build import current_build
from marsad.settings import get_settings
from marsad.web import create_app

PERSON: dict[str, Any] = {
    "person_name": "Fatima Zahra Alaoui",
    "gender": "F",
    "birth_year": 1990,
    "commune_code": "01001001",
    "phone": "06 12 34 56 78",
    "activity_kind": "commerce",
    "activity_code": "4711",
    "expected_turnover_mad": 120_000,
}


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    migrate(database_url)
    database = Database(database_url)
    yield database
    database.dispose()


def agent(db: Database, name: str, chamber: str) -> Actor:
    return create_user(db, name, "desk_agent", chamber_code=chamber)


def log_lines(db: Database) -> list[AccessLog]:
    with db.session() as session:
        return list(session.scalars(select(AccessLog).order_by(AccessLog.id)))


@pytest.mark.parametrize(
    ("kind", "turnover", "eligible"),
    [
        ("commerce", "499999.99", True),
        ("commerce", "500000", True),
        ("industry", "500000.01", False),
        ("crafts", "500000", True),
        ("crafts", "750000", False),
        ("services", "199999.99", True),
        ("services", "200000", True),
        ("services", "200000.01", False),
        ("services", "0", True),
    ],
)
def test_eligibility_at_and_around_the_ceilings(kind: str, turnover: str, eligible: bool) -> None:
    found = eligibility(kind, Decimal(turnover))
    ceiling = "200 000 MAD" if kind == "services" else "500 000 MAD"
    assert found.eligible is eligible
    assert found.ceiling_mad == (200_000 if kind == "services" else 500_000)
    assert ceiling in found.reason and "loi 114-13" in found.reason
    assert found.source == "loi 114-13 relative au statut de l'auto-entrepreneur"
    if eligible:
        assert found.reason.startswith("Éligible : ") and "ne dépasse pas" in found.reason
    else:
        assert found.reason.startswith("Non éligible : ") and " dépasse le plafond" in found.reason


def test_field_checks() -> None:
    for writing in ("0612345678", "06 12 34 56 78", "+212 612-345-678", "00212612345678"):
        assert check_phone(writing) == "+212612345678"
    for bad in ("12345", "0412345678", "+33612345678", "06123456789"):
        with pytest.raises(ValueError, match="numéro marocain"):
            check_phone(bad)
    assert check_ae_number(" 123 456-78 ") == "12345678"
    with pytest.raises(ValueError, match="chiffres"):
        check_ae_number("AE-12")


def test_workflow_to_registered_with_the_access_log(db: Database) -> None:
    salma = agent(db, "salma", "CCIS01")
    case = desk.open_case(db, salma, **{**PERSON, "expected_turnover_mad": 600_000})
    assert (case.chamber_code, case.status, case.phone) == ("CCIS01", "open", "+212612345678")
    desk.add_step(db, salma, case.id, "information", "statut, cotisations, plateforme RNAE")
    with pytest.raises(Conflict, match="« open »"):
        desk.add_step(db, salma, case.id, "documents")
    case, found = desk.check_eligibility(db, salma, case.id)
    assert (case.status, found.eligible) == ("ineligible", False)
    case, found = desk.check_eligibility(db, salma, case.id, expected_turnover_mad="450000")
    assert (case.status, case.expected_turnover_mad) == ("eligible", Decimal("450000.00"))
    assert case.eligibility_reason == found.reason and "ne dépasse pas" in found.reason
    desk.add_step(db, salma, case.id, "documents", "CIN, photo")
    case = desk.add_step(db, salma, case.id, "submission", "dossier déposé en ligne")
    assert case.status == "registering"
    with pytest.raises(InvalidInput) as bad:
        desk.record_outcome(db, salma, case.id, "registered")
    assert bad.value.details[0]["field"] == "ae_number"
    with pytest.raises(InvalidInput):
        desk.record_outcome(db, salma, case.id, "registered", ae_number="AE12")
    case = desk.record_outcome(db, salma, case.id, "registered", ae_number="123 456 78")
    assert (case.status, case.ae_number) == ("registered", "12345678") and case.closed_at
    with pytest.raises(Conflict, match="« registered »"):
        desk.record_outcome(db, salma, case.id, "abandoned")
    desk.add_note(db, salma, case.id, "a reçu sa carte, premier trimestre déclaré")
    with pytest.raises(InvalidInput):
        desk.add_note(db, salma, case.id, "  ")

    file = desk.get_case(db, salma, case.id, "suivi du dossier")
    assert [s.step for s in file.steps] == [
        "opened", "information", "ineligible", "eligible", "documents", "submission",
        "registered", "follow_up",
    ]  # fmt: skip
    assert all(s.actor == "salma (desk_agent)" for s in file.steps)
    other = desk.open_case(db, salma, **PERSON)
    assert desk.record_outcome(db, salma, other.id, "abandoned", note="injoignable").status == (
        "abandoned"
    )
    lines = log_lines(db)
    assert [line.action for line in lines if line.subject == f"desk_case:{case.id}"] == [
        "desk.open", "desk.step", "desk.status", "desk.status", "desk.status", "desk.status",
        "desk.status", "desk.step", "desk.read",
    ]  # fmt: skip
    assert all(line.purpose and line.actor == "salma (desk_agent)" for line in lines)
    assert lines[-1].detail == {"before": "open", "after": "abandoned"}
    read = [line for line in lines if line.action == "desk.read"]
    assert read[0].purpose == "suivi du dossier"


def test_bad_input_is_refused_field_by_field(db: Database) -> None:
    salma = agent(db, "salma", "CCIS01")
    wrong = {
        "expected_turnover_mad": -1,
        "activity_kind": "farming",
        "birth_year": 1850,
        "phone": "123",
        "commune_code": "99999999",
        "activity_code": "X1",
        "gender": "Z",
    }
    with pytest.raises(InvalidInput) as bad:
        desk.open_case(db, salma, **{**PERSON, **wrong})
    assert {d["field"] for d in bad.value.details} == set(wrong)
    admin = create_user(db, "root", "administrator")
    with pytest.raises(InvalidInput, match="chambre"):
        desk.open_case(db, admin, **PERSON)
    assert desk.open_case(db, admin, **PERSON, chamber_code="CCIS05").chamber_code == "CCIS05"
    with pytest.raises(InvalidInput):
        desk.desk_counts(db, salma, 1800)


def test_an_agent_sees_only_the_cases_of_their_chamber(db: Database) -> None:
    salma, karim = agent(db, "salma", "CCIS01"), agent(db, "karim", "CCIS06")
    analyst = create_user(db, "nadia", "analyst")
    manager = create_user(db, "omar", "programme_manager")
    mine = desk.open_case(db, salma, **PERSON)
    with pytest.raises(Forbidden, match="CCIS06"):
        desk.open_case(db, karim, **PERSON, chamber_code="CCIS01")
    theirs = desk.open_case(db, karim, **PERSON, chamber_code="CCIS06")
    for attempt in (
        lambda: desk.get_case(db, salma, theirs.id),
        lambda: desk.check_eligibility(db, salma, theirs.id),
        lambda: desk.add_step(db, salma, theirs.id, "information"),
        lambda: desk.record_outcome(db, salma, theirs.id, "abandoned"),
        lambda: desk.get_case(db, salma, 999_999),
    ):
        with pytest.raises(NotFound, match="n'existe pas"):
            attempt()
    assert [c.id for c in desk.list_cases(db, salma)] == [mine.id]
    assert [c.id for c in desk.list_cases(db, salma, chamber_code="CCIS06")] == [mine.id]
    assert {c.id for c in desk.list_cases(db, analyst)} == {mine.id, theirs.id}
    assert desk.get_case(db, analyst, theirs.id).case.chamber_code == "CCIS06"
    with pytest.raises(Forbidden):
        desk.check_eligibility(db, analyst, theirs.id)
    with pytest.raises(Forbidden):
        desk.list_cases(db, manager)
    assert desk.get_case(db, karim, theirs.id).case.status == "open"


def _at(db: Database, case_id: int, opened: str, closed: str | None = None) -> None:
    """Date a case (and its steps) as if it had been handled in those months."""
    with db.session() as session:
        session.execute(
            update(DeskCase)
            .where(DeskCase.id == case_id)
            .values(
                opened_at=datetime.fromisoformat(opened),
                closed_at=datetime.fromisoformat(closed) if closed else None,
            )
        )
        session.execute(
            update(DeskStep)
            .where(DeskStep.case_id == case_id)
            .values(at=datetime.fromisoformat(closed or opened))
        )


def test_counts_per_chamber_and_month(db: Database) -> None:
    salma, karim = agent(db, "salma", "CCIS01"), agent(db, "karim", "CCIS06")
    analyst = create_user(db, "nadia", "analyst")

    def case(who: Actor, outcome: str | None, opened: str, closed: str | None = None) -> None:
        created = desk.open_case(db, who, **PERSON)
        if outcome in ("eligible", "registered"):
            desk.check_eligibility(db, who, created.id)
        if outcome == "registered":
            desk.record_outcome(db, who, created.id, "registered", ae_number="1234567")
        if outcome == "abandoned":
            desk.record_outcome(db, who, created.id, "abandoned")
        _at(db, created.id, opened, closed)

    case(salma, None, "2025-01-10")
    case(salma, "eligible", "2025-01-20")
    case(salma, "registered", "2025-01-25", "2025-03-02")
    case(salma, "abandoned", "2025-02-14", "2025-02-20")
    case(karim, "registered", "2025-02-01", "2025-02-28")
    case(karim, None, "2024-12-31")

    everything = desk.desk_counts(db, analyst, 2025)
    table = {(r.chamber_code, r.month): (r.opened, r.eligible, r.registered, r.abandoned)
             for r in everything}  # fmt: skip
    assert table == {
        ("CCIS01", 1): (3, 1, 0, 0),
        ("CCIS01", 2): (1, 0, 0, 1),
        ("CCIS01", 3): (0, 1, 1, 0),
        ("CCIS06", 2): (1, 1, 1, 0),
    }
    assert {r.chamber_code for r in desk.desk_counts(db, salma, 2025)} == {"CCIS01"}
    assert [r.month for r in desk.desk_counts(db, karim, 2024)] == [12]
    assert desk.desk_counts(db, analyst, 2025, "CCIS06")[0].registered == 1


def test_registered_cases_are_linked_to_the_register(db: Database, tmp_path: Path) -> None:
    home = tmp_path / "home"
    build = home / "register" / "builds" / "b1"
    build.mkdir(parents=True)
    (home / "register" / "current.json").write_text(json.dumps({"build": "b1"}))
    pq.write_table(
        pa.table(
            {
                "enterprise_id": ["E1", "E2", "E3"],
                "category": ["AE", "AE", "PM"],
                "name": ["ALAOUI FATIMA", "BENNANI ALI", "ATLAS SARL"],
                "region_code": ["01", "06", "06"],
            }
        ),
        build / "enterprises.parquet",
    )
    pq.write_table(
        pa.table(
            {
                "unit_id": ["ae:12345678", "ae:00077001", "if:12345678", "dgi:1"],
                "system": ["ae", "ae", "if", "if"],
                "enterprise_id": ["E1", "E2", "E3", "E3"],
            }
        ),
        build / "units.parquet",
    )
    salma = agent(db, "salma", "CCIS01")
    numbers = ["12345678", "77001", "99999"]
    for number in numbers:
        case = desk.open_case(db, salma, **PERSON)
        desk.check_eligibility(db, salma, case.id)
        desk.record_outcome(db, salma, case.id, "registered", ae_number=number)
    desk.open_case(db, salma, **PERSON)  # still open: not linked
    found = current_build(get_settings(home))
    assert found == build
    assert desk.link_registered_cases(db, build) == desk.LinkReport(2, 0, 1)
    assert desk.link_registered_cases(db, build) == desk.LinkReport(0, 2, 1)
    with db.session() as session:
        linked = dict(session.execute(select(DeskCase.ae_number, DeskCase.enterprise_id)).all())
    assert linked == {"12345678": "E1", "77001": "E2", "99999": None, None: None}
    assert log_lines(db)[-1].action == "desk.link"
    with pytest.raises(NotFound):
        desk.link_registered_cases(db, tmp_path / "nothing")


def assert_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message", "details"} and error["status"] == status
    return error


def test_the_desk_api(database_url: str, tmp_path: Path) -> None:
    migrate(database_url)
    db = Database(database_url)
    settings = get_settings(tmp_path / "home", database_url=database_url, api_rate_per_minute=0)
    client = TestClient(create_app(settings))
    try:
        salma = {"Authorization": f"Bearer {issue_token(db, agent(db, 'salma', 'CCIS01'))}"}
        karim = {"Authorization": f"Bearer {issue_token(db, agent(db, 'karim', 'CCIS06'))}"}
        nadia = {"Authorization": f"Bearer {issue_token(db, create_user(db, 'nadia', 'analyst'))}"}

        assert_error(client.post("/api/desk/cases", json=PERSON), 401)
        created = client.post("/api/desk/cases", json=PERSON, headers=salma)
        assert created.status_code == 201, created.text
        case = created.json()
        assert (case["chamber_code"], case["phone"], case["status"]) == (
            "CCIS01", "+212612345678", "open",
        )  # fmt: skip
        url = f"/api/desk/cases/{case['id']}"

        bad = {**PERSON, "expected_turnover_mad": -5, "activity_kind": "farming",
               "birth_year": 1850, "phone": "0412", "unknown": 1}  # fmt: skip
        error = assert_error(client.post("/api/desk/cases", json=bad, headers=salma), 422)
        assert {d["field"] for d in error["details"]} == {
            "body.expected_turnover_mad", "body.activity_kind", "body.birth_year",
            "body.phone", "body.unknown",
        }  # fmt: skip
        assert_error(client.post("/api/desk/cases", content=b"{", headers=salma), 422)
        assert_error(client.get("/api/desk/cases/0", headers=salma), 422)
        assert_error(client.get("/api/desk/cases/99999999999", headers=salma), 422)
        assert_error(client.get("/api/desk/counts", headers=salma), 422)

        answer = client.post(f"{url}/eligibility", json={"expected_turnover_mad": 500000.01},
                             headers=salma)  # fmt: skip
        assert answer.status_code == 200 and answer.json()["eligible"] is False
        answer = client.post(f"{url}/eligibility", json={"expected_turnover_mad": 500000},
                             headers=salma)  # fmt: skip
        body = answer.json()
        assert body["eligible"] is True and body["case"]["status"] == "eligible"
        assert "500 000 MAD" in body["reason"] and "loi 114-13" in body["source"]
        steps = [{"step": "documents", "note": "CIN"}, {"step": "submission"}]
        for step in steps:
            assert client.post(f"{url}/steps", json=step, headers=salma).status_code == 201
        error = assert_error(
            client.post(f"{url}/outcome", json={"outcome": "registered"}, headers=salma), 422
        )
        assert error["details"][0]["field"] == "ae_number"
        bad_number = {"outcome": "registered", "ae_number": "AE-1"}
        assert_error(client.post(f"{url}/outcome", json=bad_number, headers=salma), 422)
        done = {"outcome": "registered", "ae_number": "1234 5678"}
        answer = client.post(f"{url}/outcome", json=done, headers=salma)
        assert answer.json()["status"] == "registered" and answer.json()["ae_number"] == "12345678"
        assert_error(client.post(f"{url}/outcome", json=done, headers=salma), 409)

        assert_error(client.get(url, headers=karim), 404)
        assert_error(client.post(f"{url}/steps", json={"step": "information"}, headers=karim), 404)
        assert client.get("/api/desk/cases", headers=karim).json() == []
        assert_error(client.post(f"{url}/eligibility", json={}, headers=nadia), 403)
        detail = client.get(url, params={"purpose": "contrôle qualité"}, headers=nadia).json()
        assert [s["step"] for s in detail["steps"]] == [
            "opened", "ineligible", "eligible", "documents", "submission", "registered",
        ]  # fmt: skip
        listed = client.get("/api/desk/cases", params={"status": "registered"}, headers=nadia)
        assert [c["id"] for c in listed.json()] == [case["id"]]

        today = utcnow()
        counts = client.get("/api/desk/counts", params={"year": today.year}, headers=nadia).json()
        assert counts["rows"] == [
            {"chamber_code": "CCIS01", "month": today.month, "opened": 1, "eligible": 1,
             "registered": 1, "abandoned": 0},
        ]  # fmt: skip
        lines = log_lines(db)
        assert ("nadia (analyst)", "desk.read", "contrôle qualité") in {
            (line.actor, line.action, line.purpose) for line in lines
        }
        subject = f"desk_case:{case['id']}"
        assert not any(line.actor.startswith("karim") and line.subject == subject for line in lines)
    finally:
        client.close()
        db.dispose()
