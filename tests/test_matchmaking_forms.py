"""Matchmaking forms of the back office: drafting a profile and moving it through the
workflow, and recording the meetings and the outcome of a proposal."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import duckdb
from fastapi.testclient import TestClient

from backoffice_browser import PASSWORD, sign_in
from marsad.matchmaking import access, outcomes, profiles, proposals
from marsad.matchmaking.domain import Firm
from marsad.operational import Database, migrate
from marsad.operational.auth import create_user
from marsad.register.build import current_build
from marsad.settings import Settings, get_settings
from marsad.web import create_app
from test_matchmaking_pages import _values

NEW = "/backoffice/match/new-profile"


def _two_enterprises(settings: Settings) -> list[tuple[str, str]]:
    """Two enterprises of the register with their ICE."""
    build = current_build(settings)
    assert build is not None
    rows = duckdb.sql(
        "SELECT CAST(enterprise_id AS VARCHAR), CAST(ice AS VARCHAR) FROM "
        f"read_parquet('{(build / 'enterprises.parquet').as_posix()}') "
        "WHERE ice IS NOT NULL ORDER BY 1 LIMIT 2"
    ).fetchall()
    assert len(rows) == 2
    return [(str(a), str(b)) for a, b in rows]


def _draft(enterprise: str, csrf: str, **changes: Any) -> dict[str, Any]:
    today = date.today()
    return {
        "csrf": csrf,
        "kind": "business_offer",
        "enterprise": enterprise,
        "title": "Cartonnage et emballage",
        "description": "Caisses en carton ondulé sur mesure",
        "tags": "emballage, carton",
        "activity_codes": "17, 17.21",
        "certifications": "ISO 9001",
        "capacity_mad": "1 200 000",
        "site_region": "06",
        "regions_served": ["06", "07"],
        "sizes_sought": ["GE"],
        "valid_from": str(today),
        "valid_until": str(today + timedelta(days=200)),
    } | changes


def _setup(published: Settings, database_url: str) -> tuple[Settings, Database, Any]:
    settings = get_settings(published.home, database_url=database_url)
    migrate(database_url)
    db = Database(database_url)
    broker = create_user(db, "courtier", "programme_manager", PASSWORD)
    create_user(db, "firme", "public", PASSWORD)
    return settings, db, broker


def test_profile_forms(published: Settings, database_url: str) -> None:
    settings, db, broker = _setup(published, database_url)
    (own, own_ice), (other, _) = _two_enterprises(settings)
    access.add_member(db, broker, "firme", own)
    app = create_app(settings)
    office = TestClient(app)
    csrf = sign_in(office, "courtier")
    assert 'href="/backoffice/match/new-profile"' in office.get("/backoffice/match").text
    assert "Régions desservies" in office.get(NEW).text
    made = office.post(NEW, data=_draft(own_ice, csrf), follow_redirects=False)
    assert made.status_code == 303, made.text
    url = made.headers["location"].split("?")[0]
    ((profile),) = profiles.list_profiles(db, broker)
    assert profile.enterprise_id == own and profile.status == "draft"  # the ICE was resolved
    assert profile.regions_served == ["06", "07"] and profile.tags == ["emballage", "carton"]
    page = office.get(url).text
    assert "Modifier le brouillon" in page and "Cartonnage et emballage" in page
    edited = office.post(
        f"{url}/edit", data=_draft("", csrf, title="Cartonnage industriel"), follow_redirects=False
    )
    assert edited.status_code == 303, edited.text
    for action in ("submit", "validate"):
        moved = office.post(
            f"{url}/step", data={"csrf": csrf, "action": action}, follow_redirects=False
        )
        assert moved.status_code == 303 and moved.headers["location"].endswith(f"ok={action}")
    shown = profiles.get_profile(db, broker, profile.id)
    assert shown.status == "published" and shown.title == "Cartonnage industriel"
    assert "Renouveler" in office.get(url).text
    too_soon = office.post(f"{url}/step", data={"csrf": csrf, "action": "expire"})
    assert too_soon.status_code == 409 and "Refusé" in too_soon.text
    bad = office.post(
        NEW,
        data=_draft(other, csrf, capacity_mad="-5", regions_served=[], valid_until="demain"),
    )
    assert bad.status_code == 422
    assert bad.text.count('class="field-error"') == 3
    assert "cochez au moins une région" in bad.text and "AAAA-MM-JJ" in bad.text
    unknown = office.post(NEW, data=_draft("E-NOWHERE", csrf))
    assert unknown.status_code == 422 and "inconnue du registre" in unknown.text
    assert len(profiles.list_profiles(db, broker)) == 1

    firm = TestClient(app)
    firm_csrf = sign_in(firm, "firme")
    assert f'<option value="{own}"' in firm.get(NEW).text
    mine = firm.post(NEW, data=_draft(own, firm_csrf), follow_redirects=False)
    assert mine.status_code == 303, mine.text
    refused = firm.post(NEW, data=_draft(other, firm_csrf))
    assert refused.status_code == 403
    assert "que pour votre entreprise" in refused.text and 'class="field-error"' in refused.text
    assert firm.post(NEW, data=_draft(own, "")).status_code == 403  # no CSRF token
    assert [p.enterprise_id for p in profiles.list_profiles(db, broker)] == [own, own]
    db.dispose()


def test_meeting_and_outcome_forms(published: Settings, database_url: str) -> None:
    settings, db, broker = _setup(published, database_url)
    access.add_member(db, broker, "firme", "E-SMALL")
    for enterprise, title, kind in (
        ("E-BIG", "Emballages carton", "business_request"),
        ("E-SMALL", "Cartonnage et emballage", "business_offer"),
    ):
        made = profiles.create_profile(db, broker, enterprise, _values(title, kind))
        profiles.act(db, broker, made.id, "validate")
    firms = {
        "E-BIG": Firm("E-BIG", "06", size_class="GE"),
        "E-SMALL": Firm("E-SMALL", "06", size_class="TPE"),
    }
    proposals.run_matching(db, broker, lambda ids, day: firms, min_score=0.0)
    ((pair, _, _),) = proposals.list_proposals(db, broker)
    url = f"/backoffice/match/proposals/{pair.id}"
    proposals.decide(db, broker, pair.id, "validate")
    app = create_app(settings)
    office = TestClient(app)
    csrf = sign_in(office, "courtier")
    assert f'href="{url}"' in office.get("/backoffice/match").text
    early = office.post(f"{url}/meetings", data={"csrf": csrf, "held_on": str(date.today())})
    assert early.status_code == 409 and "Refusé" in early.text
    for side in ("request", "offer"):
        proposals.express_interest(db, broker, pair.id, True, side)
    meeting = {
        "csrf": csrf,
        "held_on": str(date.today() - timedelta(days=3)),
        "place": "Chambre de Casablanca",
        "participants": "M. Alami (achats), Mme Bennani (gérante)",
        "notes": "Visite de l'atelier prévue",
    }
    met = office.post(f"{url}/meetings", data=meeting, follow_redirects=False)
    assert met.status_code == 303 and met.headers["location"].endswith("ok=meeting")
    assert "Mme Bennani" in office.get(url).text
    signed = str(date.today() - timedelta(days=1))
    deal = {"csrf": csrf, "outcome": "agreement", "agreement_type": "supply", "notes": ""}
    negative = office.post(f"{url}/outcome", data=deal | {"value_mad": "-10", "signed_on": signed})
    assert negative.status_code == 422 and "montant en dirhams attendu" in negative.text
    tomorrow = str(date.today() + timedelta(days=1))
    future = office.post(f"{url}/outcome", data=deal | {"value_mad": "10", "signed_on": tomorrow})
    assert future.status_code == 422 and "date future" in future.text
    assert outcomes.outcome_of(db, pair.id) is None
    done = office.post(
        f"{url}/outcome",
        data=deal | {"value_mad": "250 000,50", "signed_on": signed},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    indicator = outcomes.market_access(db, broker, lambda ids, day: firms)
    assert indicator["agreements"] == 1 and indicator["meetings"] == 1
    assert indicator["agreements_value_mad"] == 250000.5
    assert indicator["agreements_by_type"] == {"supply": {"agreements": 1, "value_mad": 250000.5}}
    assert indicator["tpme_with_large_partner"] == 1

    firm = TestClient(app)
    sign_in(firm, "firme")
    party = firm.get(url).text
    assert "Accord conclu" in party and "Fourniture" in party and "Mme Bennani" in party
    assert "Enregistrer une rencontre" not in party
    db.dispose()
