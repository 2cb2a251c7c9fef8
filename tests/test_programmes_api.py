"""An application through the API, from draft to closure, on a real register; permissions."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from marsad.operational import Database, migrate
from marsad.operational.auth import create_user, issue_token
from marsad.programmes.service import build_dir, seed_budgets
from marsad.settings import Settings, get_settings
from marsad.web import create_app


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
    assert len(found), "the synthetic register has small manufacturers"
    return str(found["enterprise_id"].iloc[0])


@pytest.fixture
def setup(published: Settings, database_url: str) -> tuple[TestClient, dict[str, str], str]:
    settings = get_settings(published.home, database_url=database_url)
    migrate(database_url)
    db = Database(database_url)
    seed_budgets(db, {"MASCIR_RD": Decimal("10000000")})
    tokens = {}
    for name, role, chamber in [
        ("agent", "desk_agent", "CCIS06"),
        ("other", "desk_agent", "CCIS01"),
        ("manager", "programme_manager", None),
        ("steward", "data_steward", None),
    ]:
        actor = create_user(db, name, role, "un mot de passe long", chamber_code=chamber)
        tokens[name] = "Bearer " + issue_token(db, actor)
    db.dispose()
    return TestClient(create_app(settings)), tokens, _manufacturing_tpe(settings)


def _as(tokens: dict[str, str], who: str) -> dict[str, str]:
    return {"Authorization": tokens[who]}


def test_from_draft_to_closure(setup: tuple[TestClient, dict[str, str], str]) -> None:
    client, tokens, enterprise = setup
    catalogue = client.get("/api/programmes").json()
    assert {"MASCIR_RD", "TATWIR_RD", "IMTIAZ", "ISTITMAR", "CHARTE_TPME", "INTELAKA"} <= {
        p["code"] for p in catalogue
    }
    body = {
        "programme": "MASCIR_RD",
        "enterprise_id": enterprise,
        "requested_mad": "320000",
        "instrument": 1,
        "project": {"kind": "rd", "project_cost_mad": "400000", "description": "capteur"},
    }
    created = client.post("/api/applications", json=body, headers=_as(tokens, "agent"))
    assert created.status_code == 201, created.text
    app_id = created.json()["id"]
    assert created.json()["chamber_code"] == "CCIS06"

    checked = client.post(f"/api/applications/{app_id}/submit", headers=_as(tokens, "agent"))
    assert checked.status_code == 200, checked.text
    result = checked.json()
    assert result["eligible"], result
    assert all(c["reason_fr"] for c in result["checks"])

    manager = _as(tokens, "manager")
    grant = client.get(f"/api/applications/{app_id}/grant", headers=manager).json()
    assert Decimal(grant["amount_mad"]) == Decimal("320000")  # 80 % of 400,000 MAD
    appraisal = {"score": "78.5", "note": "projet solide"}
    assert client.post(
        f"/api/applications/{app_id}/appraisal", json=appraisal, headers=manager
    ).is_success
    approved = client.post(
        f"/api/applications/{app_id}/decision", json={"amount_mad": "320000"}, headers=manager
    )
    assert approved.json()["status"] == "approved", approved.text
    agreed = client.post(f"/api/applications/{app_id}/agreement", headers=manager)
    assert agreed.json()["status"] == "agreement"
    detail = client.get(f"/api/applications/{app_id}", headers=manager).json()
    assert sum(Decimal(t["amount_mad"]) for t in detail["tranches"]) == Decimal("320000")
    for tranche in detail["tranches"]:
        paid = client.post(
            f"/api/tranches/{tranche['id']}/payment", json={"milestone_met": True}, headers=manager
        )
        assert paid.json()["status"] == "paid"
    closed = client.post(f"/api/applications/{app_id}/close", headers=manager).json()
    assert closed["status"] == "closed" and Decimal(closed["paid_mad"]) == Decimal("320000")
    actions = [e["action"] for e in client.get(f"/api/applications/{app_id}", headers=manager)
               .json()["events"]]  # fmt: skip
    assert actions[:4] == ["create", "submit", "declare_eligible", "appraise"]

    # a second application of the same enterprise hits the 500,000 MAD cap
    body["requested_mad"] = "300000"
    second = client.post("/api/applications", json=body, headers=_as(tokens, "agent")).json()
    client.post(f"/api/applications/{second['id']}/submit", headers=_as(tokens, "agent"))
    client.post(f"/api/applications/{second['id']}/appraisal", json=appraisal, headers=manager)
    refused = client.post(
        f"/api/applications/{second['id']}/decision",
        json={"amount_mad": "300000"},
        headers=manager,
    )
    assert refused.status_code == 409
    assert "320000" in refused.json()["error"]["message"]


def test_permissions_and_bad_input(
    setup: tuple[TestClient, dict[str, str], str], published: Settings
) -> None:
    client, tokens, enterprise = setup
    firms = pd.read_parquet(build_dir(published) / "enterprises.parquet")
    ice = str(firms.loc[firms["enterprise_id"] == enterprise, "ice"].iloc[0])
    by_ice = client.post(
        "/api/applications",
        json={"programme": "MASCIR_RD", "ice": f" {ice[:5]} {ice[5:]} ", "requested_mad": "10"},
        headers=_as(tokens, "agent"),
    )
    assert by_ice.status_code == 201 and by_ice.json()["enterprise_id"] == enterprise
    body = {"programme": "MASCIR_RD", "enterprise_id": enterprise, "requested_mad": "1000"}
    app_id = client.post("/api/applications", json=body, headers=_as(tokens, "agent")).json()["id"]
    # another chamber's agent does not see it; a data steward cannot decide
    assert (
        client.get(f"/api/applications/{app_id}", headers=_as(tokens, "other")).status_code == 404
    )
    assert client.get("/api/applications", headers=_as(tokens, "other")).json() == []
    denied = client.post(
        f"/api/applications/{app_id}/decision",
        json={"amount_mad": "1000"},
        headers=_as(tokens, "agent"),
    )
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"
    assert client.get("/api/applications").status_code == 401
    for bad, field in [
        ({**body, "requested_mad": "-5"}, "requested_mad"),
        ({**body, "enterprise_id": "not an id!"}, "enterprise_id"),
        ({**body, "project": {"region_code": "99"}}, "region_code"),
        ({**body, "surprise": 1}, "surprise"),
    ]:
        response = client.post("/api/applications", json=bad, headers=_as(tokens, "agent"))
        assert response.status_code == 422
        assert any(field in d["field"] for d in response.json()["error"]["details"])
    bad_ice = client.post(
        "/api/applications",
        json={"programme": "MASCIR_RD", "ice": "001234567000089", "requested_mad": "10"},
        headers=_as(tokens, "agent"),
    )
    assert bad_ice.status_code == 422
    assert bad_ice.json()["error"]["details"][0]["field"] == "ice"
    unknown = client.post(
        "/api/applications",
        json={**body, "enterprise_id": "E000000000"},
        headers=_as(tokens, "agent"),
    )
    assert unknown.status_code == 404 and "registre" in unknown.json()["error"]["message"]
    rejected = client.post(
        f"/api/applications/{app_id}/decision", json={"reason": ""}, headers=_as(tokens, "manager")
    )
    assert rejected.status_code == 422
    log = client.app.state.database  # type: ignore[attr-defined]
    from sqlalchemy import select

    from marsad.operational.people import AccessLog

    with log.session() as session:
        reads = session.scalars(select(AccessLog).where(AccessLog.subject == enterprise)).all()
    assert reads and all(r.action == "enterprise.read" and r.purpose for r in reads)
    assert {r.actor for r in reads} == {"agent (desk_agent)"}
