"""Matchmaking pages of the back office, signed in as a broker and as an enterprise."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from backoffice_browser import PASSWORD, sign_in
from marsad.matchmaking import access, profiles, proposals
from marsad.matchmaking.domain import Firm
from marsad.operational import Database, migrate
from marsad.operational.auth import create_user
from marsad.settings import Settings, get_settings
from marsad.web import create_app


def _values(title: str, kind: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "title": title,
        "description": title,
        "tags": ["emballage", "carton"],
        "activity_codes": ["17"],
        "valid_from": date.today() - timedelta(days=1),
        "valid_until": date.today() + timedelta(days=100),
    }


def test_broker_and_enterprise_pages(published: Settings, database_url: str) -> None:
    settings = get_settings(published.home, database_url=database_url)
    migrate(database_url)
    db = Database(database_url)
    broker = create_user(db, "courtier", "programme_manager", PASSWORD)
    create_user(db, "firme", "public", PASSWORD)
    access.add_member(db, broker, "firme", "E-SMALL")
    request = profiles.create_profile(
        db, broker, "E-BIG", _values("Emballages carton", "business_request")
    )
    profiles.act(db, broker, request.id, "validate")
    draft = profiles.create_profile(
        db, broker, "E-SMALL", _values("Cartonnage et emballage", "business_offer")
    )
    hidden = profiles.create_profile(db, broker, "E-OTHER", _values("Caisses", "business_offer"))
    app = create_app(settings)
    firm = TestClient(app)
    firm_csrf = sign_in(firm, "firme")
    page = firm.get("/backoffice/match").text
    assert "Emballages carton" in page and "Cartonnage et emballage" in page
    assert "Caisses" not in page  # another enterprise's draft
    assert "Soumettre au courtier" in page and "Valider et publier" not in page
    refused = firm.post(f"/backoffice/match/profiles/{draft.id}", data={"action": "submit"})
    assert refused.status_code == 403  # no CSRF token
    sent = firm.post(
        f"/backoffice/match/profiles/{draft.id}",
        data={"csrf": firm_csrf, "action": "submit"},
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"].endswith("ok=submit")
    office = TestClient(app)
    office_csrf = sign_in(office, "courtier")
    assert "Caisses" in office.get("/backoffice/match").text
    office.post(
        f"/backoffice/match/profiles/{draft.id}",
        data={"csrf": office_csrf, "action": "validate"},
        follow_redirects=False,
    )
    firms = {"E-BIG": Firm("E-BIG", "06", size_class="GE"), "E-SMALL": Firm("E-SMALL", "06")}
    ran = proposals.run_matching(db, broker, lambda ids, day: firms, min_score=0.0)
    assert ran.proposals_new == 1
    ((pair, _, _),) = proposals.list_proposals(db, broker)
    assert "Aucune proposition visible" in firm.get("/backoffice/match").text
    shown = office.get("/backoffice/match").text
    assert "Pourquoi" in shown and "Capacités" in shown and "emballage" in shown
    office.post(
        f"/backoffice/match/proposals/{pair.id}/decision",
        data={"csrf": office_csrf, "action": "validate"},
        follow_redirects=False,
    )
    assert "Intéressé" in firm.get("/backoffice/match").text
    said = firm.post(
        f"/backoffice/match/proposals/{pair.id}/interest",
        data={"csrf": firm_csrf, "interested": "yes"},
        follow_redirects=False,
    )
    assert said.status_code == 303
    assert proposals.visible_proposal(db, broker, pair.id)[0].offer_interest == "yes"
    assert hidden.status == "draft"
    db.dispose()
