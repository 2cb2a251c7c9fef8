"""Training over HTTP on a real synthetic register: the flow from catalogue to certificate,
the bad requests (one JSON error shape), and the CSV exports by role with their log."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from marsad.operational import Database, migrate
from marsad.operational.auth import create_user, issue_token
from marsad.operational.people import AccessLog
from marsad.programmes.service import build_dir
from marsad.settings import Settings, get_settings
from marsad.web import create_app

Setup = tuple[TestClient, dict[str, str], list[str]]


@pytest.fixture
def setup(published: Settings, database_url: str) -> Setup:
    settings = get_settings(published.home, database_url=database_url, api_rate_per_minute=0)
    migrate(database_url)
    db = Database(database_url)
    tokens = {}
    for name, role in [("manager", "programme_manager"), ("analyst", "analyst")]:
        tokens[name] = "Bearer " + issue_token(db, create_user(db, name, role))
    db.dispose()
    panel = pd.read_parquet(build_dir(settings) / "panel.parquet")
    firms = sorted(panel["enterprise_id"].astype(str).unique())[:3]
    return TestClient(create_app(settings)), tokens, firms


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message", "details"}
    assert body["error"]["status"] == status
    return dict(body["error"])


def test_from_catalogue_to_certificate_over_http(setup: Setup) -> None:
    client, tokens, firms = setup
    manager = {"Authorization": tokens["manager"]}
    imported = client.post("/api/training/modules/import", headers=manager).json()
    assert imported["created"] == 10
    modules = client.get("/api/training/modules", headers=manager).json()
    assert {m["topic"] for m in modules} >= {"costing", "cash", "invoicing", "online", "crm"}
    start = date.today() - timedelta(days=30)
    cohort = client.post(
        "/api/training/cohorts",
        headers=manager,
        json={
            "code": "FACT-TNG-1",
            "module_code": "FACTURE-1",
            "partner_code": "CCIS01",
            "region_code": "01",
            "commune_code": "01001001",
            "trainer": "Salma Tazi",
            "capacity": 2,
            "starts_on": str(start),
            "ends_on": str(start + timedelta(days=14)),
        },
    )
    assert cohort.status_code == 201, cohort.text
    cid = cohort.json()["id"]
    sessions = [
        client.post(
            f"/api/training/cohorts/{cid}/sessions",
            headers=manager,
            json={
                "held_on": str(start + timedelta(days=d)),
                "hours": "3",
                "place": "CCIS",
                "format": "in_person",
            },
        ).json()["id"]
        for d in (0, 7)
    ]
    people = []
    for n, firm in enumerate([firms[0], firms[1], None]):
        made = client.post(
            "/api/training/participants",
            headers=manager,
            json={
                "full_name": f"Gérant {n}",
                "gender": "F" if n else "M",
                "birth_year": 1995 - n,
                "phone": f"0661{n:06d}",
                "enterprise_id": firm,
                "partner_code": "CCIS01",
                "commune_code": "01001003",
            },
        )
        assert made.status_code == 201, made.text
        people.append(made.json()["id"])
    unknown = client.post(
        "/api/training/participants",
        headers=manager,
        json={"full_name": "X", "enterprise_id": "NOPE404", "partner_code": "CCIS01"},
    )
    assert _error(unknown, 422)["details"] == [
        {"field": "enterprise_id", "message": "entreprise inconnue du registre"}
    ]
    enrolled = [
        client.post(
            f"/api/training/cohorts/{cid}/enrolments", headers=manager, json={"participant_id": p}
        )
        for p in people
    ]
    assert [r.status_code for r in enrolled[:2]] == [201, 201]
    assert "complète" in _error(enrolled[2], 409)["message"]
    e0, e1 = (r.json()["id"] for r in enrolled[:2])
    for sid, present in zip(sessions, ([e0, e1], [e0]), strict=True):
        sheet = [{"enrolment_id": e, "present": e in present} for e in (e0, e1)]
        ok = client.post(
            f"/api/training/sessions/{sid}/attendance", headers=manager, json={"present": sheet}
        )
        assert ok.status_code == 200, ok.text
    before = client.post(
        f"/api/training/enrolments/{e0}/assessments",
        headers=manager,
        json={"phase": "before", "answers": {"q1": 0}, "taken_on": str(start)},
    )
    assert before.json()["score"] == 33
    after = client.post(
        f"/api/training/enrolments/{e0}/assessments",
        headers=manager,
        json={
            "phase": "after",
            "answers": {"q1": 0, "q2": 0, "q3": 0},
            "taken_on": str(date.today()),
        },
    )
    assert after.json()["score"] == 100
    issued = client.post(f"/api/training/cohorts/{cid}/certificates", headers=manager, json={})
    numbers = issued.json()["issued"]
    assert len(numbers) == 1  # one of two sessions is under the 75 % rule
    check = client.get(f"/api/training/certificates/{numbers[0]}")  # public
    assert check.json()["valid"] and check.json()["holder_initials"] == "G."
    view = client.get(f"/api/training/cohorts/{cid}", headers=manager).json()
    assert view["gains"]["mean_gain"] == 67.0 and view["certificates"] == 1
    assert view["inclusion"]["gender"] == {"F": 1, "M": 1, "inconnu": 0}
    assert view["inclusion"]["youth"]["oui"] == 2
    assert view["inclusion"]["area"]["rural"] == 2
    assert sum(view["inclusion"]["size_class"].values()) == 2
    assert view["participants"][0]["full_name"].startswith("Gérant")
    listed = client.get("/api/training/participants", headers=manager).json()
    assert {p["full_name"] for p in listed} == {"Gérant 0", "Gérant 1", "Gérant 2"}
    db = Database(client.app.state.settings.operational_url)
    with db.session() as session:
        reads = session.scalars(
            select(AccessLog.subject).where(AccessLog.action == "training.read")
        )
        assert set(reads) == {"cohorte FACT-TNG-1", "participants tous organisateurs"}
    db.dispose()
    hidden = client.get(
        f"/api/training/cohorts/{cid}", headers={"Authorization": tokens["analyst"]}
    )
    assert all("full_name" not in p and "phone" not in p for p in hidden.json()["participants"])


def test_exports_by_role_over_http(setup: Setup) -> None:
    client, tokens, firms = setup
    manager = {"Authorization": tokens["manager"]}
    client.post("/api/training/modules/import", headers=manager)
    start = date.today() - timedelta(days=3)
    cid = client.post(
        "/api/training/cohorts",
        headers=manager,
        json={
            "code": "CRM-1-RBT",
            "module_code": "CRM-1",
            "partner_code": "MAROC_PME",
            "region_code": "04",
            "trainer": "Omar Fassi",
            "capacity": 10,
            "starts_on": str(start),
            "ends_on": str(start + timedelta(days=9)),
        },
    ).json()["id"]
    pid = client.post(
        "/api/training/participants",
        headers=manager,
        json={
            "full_name": "Khadija Berrada",
            "phone": "0662000000",
            "email": "k.berrada@example.ma",
            "enterprise_id": firms[2],
            "partner_code": "MAROC_PME",
        },
    ).json()["id"]
    client.post(
        f"/api/training/cohorts/{cid}/enrolments", headers=manager, json={"participant_id": pid}
    )
    url = f"/api/training/exports/cohorts/{cid}.csv"
    full = client.get(url, headers=manager, params={"purpose": "convocations"})
    assert full.headers["content-type"].startswith("text/csv")
    assert full.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(full.content.decode("utf-8-sig")), delimiter=";"))
    assert {"Nom et prénom", "Téléphone", "Courriel"} <= set(rows[0])
    assert "Khadija Berrada" in rows[1]
    bare = client.get(
        url, headers={"Authorization": tokens["analyst"]}, params={"purpose": "bilan régional"}
    )
    header = bare.content.decode("utf-8-sig").splitlines()[0].split(";")
    assert not {"Nom et prénom", "Téléphone", "Courriel", "Année de naissance"} & set(header)
    assert "Berrada" not in bare.text and "example.ma" not in bare.text
    _error(client.get(url, headers=manager), 422)  # no purpose, no export
    db = Database(client.app.state.settings.operational_url)
    with db.session() as session:
        logs = session.scalars(
            select(AccessLog).where(AccessLog.action == "export").order_by(AccessLog.id)
        ).all()
    db.dispose()
    assert [(x.actor, x.subject, x.purpose) for x in logs] == [
        ("manager (programme_manager)", "cohorte CRM-1-RBT", "convocations"),
        ("analyst (analyst)", "cohorte CRM-1-RBT", "bilan régional"),
    ]
    assert logs[0].detail["rows"] == 1 and logs[0].detail["columns_withheld"] == []
    assert set(logs[1].detail["columns_withheld"]) == {
        "full_name",
        "phone",
        "email",
        "birth_year",
    }


def test_bad_requests_get_the_one_error_shape(setup: Setup) -> None:
    client, tokens, _ = setup
    manager = {"Authorization": tokens["manager"]}
    _error(client.get("/api/training/cohorts"), 401)
    _error(client.post("/api/training/cohorts", headers=manager, json={"code": "x"}), 422)
    _error(client.get("/api/training/cohorts/0", headers=manager), 422)
    _error(client.get("/api/training/cohorts/99", headers=manager), 404)
    _error(client.get("/api/training/modules/NOPE", headers=manager), 404)
    _error(
        client.post(
            "/api/training/cohorts/99/enrolments", headers=manager, json={"participant_id": "many"}
        ),
        422,
    )
    _error(
        client.post("/api/training/sessions/5/attendance", headers=manager, json={"present": []}),
        422,
    )
    _error(client.get("/api/training/certificates/2025-00000001-00"), 422)
    _error(client.get("/api/training/inclusion", headers=manager, params={"of": "all"}), 422)
    coached = client.get("/api/training/inclusion", headers=manager, params={"of": "coached"})
    assert coached.json()["breakdown"]["gender"] == {"F": 0, "M": 0, "inconnu": 0}
    _error(
        client.post(
            "/api/training/coaching/plans",
            headers={"Authorization": tokens["analyst"]},
            json={
                "enterprise_id": "E1",
                "partner_code": "MAROC_PME",
                "coach": "A",
                "objectives": ["x"],
                "starts_on": "2025-01-01",
            },
        ),
        403,
    )
    _error(
        client.post(
            "/api/training/coaching/actions/3", headers=manager, json={"status": "dropped"}
        ),
        404,
    )
    _error(
        client.get("/api/training/exports/cohorts.csv", headers=manager, params={"purpose": "x"}),
        422,
    )
