"""Impact tables: the passage from auto-entrepreneur to company (register successions) and
market access (matchmaking proposals that became agreements, from the operational
database), per programme and for the auto-entrepreneur desk, under disclosure control."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from marsad.cli.app import app
from marsad.confidentiality import load_rules
from marsad.impact import impact_indicators, not_measured
from marsad.impact.cache import compute_cached
from marsad.impact.data import load_impact_data
from marsad.impact.operational import DESK_PROGRAMME
from marsad.matchmaking.models import MatchOutcome, MatchProfile, MatchProposal
from marsad.operational import Database, migrate
from marsad.operational.people import AccessLog
from marsad.programmes.support_models import DeskCase
from marsad.publish.report.impact import impact_section
from marsad.register.build import current_build
from marsad.settings import Settings, get_settings
from marsad.web.app import create_app

Economy = tuple[Settings, Path]
AGREED, REFUSED, WAITING = 6, 5, 4  # supported enterprises per proposal outcome
FORMALISED, STAYED = 12, 8  # desk-registered auto-entrepreneurs


def _profile(enterprise: str, kind: str) -> MatchProfile:
    return MatchProfile(
        enterprise_id=enterprise,
        kind=kind,
        status="published",
        title=f"{kind} {enterprise}",
        valid_from=date(2025, 1, 1),
        valid_until=date(2025, 12, 31),
    )


def _seed_operational(settings: Settings, supported: list[str], buyer: str) -> None:
    """Desk cases for auto-entrepreneurs with and without a successor, and proposals from
    one buyer to supported enterprises, ending in an agreement, none, or still open."""
    build = current_build(settings)
    assert build is not None
    links = pq.read_table(build / "successions.parquet").to_pandas()
    ent = pq.read_table(
        build / "enterprises.parquet", columns=["enterprise_id", "category"]
    ).to_pandas()
    plain = ent[(ent["category"] == "AE") & ~ent["enterprise_id"].isin(links["predecessor_id"])]
    formalised = links["predecessor_id"].head(FORMALISED).tolist()
    stayed = plain["enterprise_id"].head(STAYED).tolist()
    units = pq.read_table(build / "units.parquet", columns=["unit_id", "enterprise_id"])
    pairs = zip(units["unit_id"].to_pylist(), units["enterprise_id"].to_pylist(), strict=True)
    number = {e: u.removeprefix("ae:") for u, e in pairs if u.startswith("ae:")}
    migrate(settings.operational_url)
    db = Database(settings.operational_url)
    with db.session() as session:
        for i, enterprise in enumerate([*formalised, *stayed]):
            session.add(
                DeskCase(
                    chamber_code="CCIS-06",
                    person_name=f"Personne {i}",
                    activity_kind="services",
                    status="registered",
                    # half the cases were never linked: their AE number finds them
                    ae_number=number[enterprise],
                    enterprise_id=enterprise if i % 2 else None,
                    opened_at=datetime(2015, 2, 1),
                    closed_at=datetime(2015, 3, 1),
                )
            )
        request = _profile(buyer, "business_request")
        session.add(request)
        session.flush()
        statuses = ["agreement"] * AGREED + ["no_agreement"] * REFUSED + ["validated"] * WAITING
        for enterprise, status in zip(supported, [*statuses, "proposed"], strict=False):
            offer = _profile(enterprise, "business_offer")
            session.add(offer)
            session.flush()
            proposal = MatchProposal(
                request_id=request.id, offer_id=offer.id, score=Decimal("0.8"), status=status
            )
            session.add(proposal)
            session.flush()
            if status in ("agreement", "no_agreement"):
                session.add(
                    MatchOutcome(
                        proposal_id=proposal.id,
                        outcome=status,
                        agreement_type="supply" if status == "agreement" else None,
                        signed_on=date(2025, 6, 1) if status == "agreement" else None,
                        recorded_by="courtier",
                    )
                )
    db.dispose()


@pytest.fixture(scope="module")
def outcomes_home(impact_economy: Economy, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A copy of the impact economy's data directory with an operational database."""
    source, _ = impact_economy
    home = tmp_path_factory.mktemp("outcomes") / "home"
    shutil.copytree(source.home, home, ignore=shutil.ignore_patterns("impact", "*.db"))
    settings = get_settings(home)
    data = load_impact_data(settings)
    approvals = data.approvals[data.approvals["programme_code"] == "INTELAKA"]
    supported = [str(data.ids[r]) for r in approvals["row"].head(AGREED + REFUSED + WAITING + 1)]
    buyer = next(str(i) for i, s in zip(data.ids, data.supported_rows(), strict=True) if not s)
    _seed_operational(settings, supported, buyer)
    return settings


def _total(cells: pd.DataFrame, programme: str, indicator: str) -> pd.Series:
    found = cells[
        (cells["programme"] == programme)
        & (cells["indicator"] == indicator)
        & (cells["breakdown"] == "total")
    ]
    assert len(found) == 1, found
    return found.iloc[0]


def test_formalisation_and_market_access_are_counted(outcomes_home: Settings) -> None:
    data = load_impact_data(outcomes_home)
    assert not_measured(data) == {}
    cells = pd.DataFrame(impact_indicators(outcomes_home, data=data))
    desk = _total(cells, DESK_PROGRAMME, "ae_to_company")
    assert desk["status"] == "F" and desk["n"] == FORMALISED + STAYED
    assert desk["value"] == pytest.approx(FORMALISED / (FORMALISED + STAYED))
    assert _total(cells, DESK_PROGRAMME, "supported")["value"] == FORMALISED + STAYED
    market = _total(cells, "INTELAKA", "market_access")
    assert market["status"] == "F" and market["n"] == AGREED + REFUSED + WAITING
    assert market["value"] == pytest.approx(AGREED / (AGREED + REFUSED + WAITING))
    # Maroc PME supports companies: no auto-entrepreneur among INTELAKA's beneficiaries
    assert _total(cells, "INTELAKA", "ae_to_company")["n"] == 0
    # the same disclosure rules as every other indicator
    minimum = load_rules(outcomes_home.home).min_frequency
    mine = cells[cells["indicator"].isin(["ae_to_company", "market_access"])]
    free = mine[mine["status"] == "F"]
    assert ((free["n"] == 0) | (free["n"] >= minimum)).all()
    hidden = mine[mine["status"] != "F"]
    assert not hidden.empty and hidden["value"].isna().all()
    totals = mine[mine["breakdown"] == "total"].set_index(["programme", "indicator"])
    for (programme, indicator, _), margin in mine[mine["breakdown"] != "total"].groupby(
        ["programme", "indicator", "breakdown"]
    ):
        if totals.loc[(programme, indicator), "status"] == "F":
            assert (margin["status"] != "F").sum() != 1  # else: the total minus the others
    # reading enterprise-level operational records is logged
    db = Database(outcomes_home.operational_url)
    with db.session() as session:
        actions = session.scalars(select(AccessLog.action)).all()
    db.dispose()
    assert "impact.operational_read" in actions


def test_without_operational_database_market_access_is_said_unmeasured(
    impact_economy: Economy,
) -> None:
    settings, _ = impact_economy
    data = load_impact_data(settings)
    assert data.market is None and data.successor_year is not None
    assert set(not_measured(data)) == {"market_access"}
    assert not Path(settings.operational_url.removeprefix("sqlite:///")).exists()
    out = CliRunner().invoke(app, ["--home", str(settings.home), "impact", "indicators", "--json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert set(payload["not_measured"]) == {"market_access"}
    assert "ae_to_company" in {c["indicator"] for c in payload["cells"]}


def test_pages_and_report_show_them(outcomes_home: Settings) -> None:
    compute_cached(outcomes_home)
    client = TestClient(create_app(outcomes_home))
    listing = client.get("/impact")
    assert listing.status_code == 200
    assert f"/impact/{DESK_PROGRAMME}" in listing.text
    desk = client.get(f"/impact/{DESK_PROGRAMME}")
    assert desk.status_code == 200
    assert "Auto-entrepreneurs devenus société" in desk.text
    programme = client.get("/impact/INTELAKA")
    assert "Mises en relation devenues accords" in programme.text
    assert client.get("/impact/NOPE").status_code == 404
    section = impact_section(outcomes_home)
    assert section is not None
    assert "Formalisation et accès aux marchés" in section.body
    assert DESK_PROGRAMME in section.body
