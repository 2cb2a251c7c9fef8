"""Profiles from draft to publication and renewal, proposals from a run to an agreement,
and who may see and do what (on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from marsad.errors import Conflict, Forbidden, InvalidInput, NotFound
from marsad.matchmaking import access, outcomes, profiles, proposals
from marsad.matchmaking.domain import Firm
from marsad.matchmaking.models import MatchProposal
from marsad.operational import Database, migrate
from marsad.operational.auth import Actor, create_user

TODAY = date(2026, 3, 1)
FIRMS = {
    "E1": Firm("E1", "06", "C", "29", "GE", 25.0, 0.05),
    "E2": Firm("E2", "06", "C", "25", "PE", 9.0, 0.1),
    "E3": Firm("E3", "04", "C", "25", "TPE", 4.0, 0.3),
}


def firms(ids: set[str], day: date) -> dict[str, Firm]:
    return {k: v for k, v in FIRMS.items() if k in ids}


def known(enterprise: str) -> bool:
    return enterprise in FIRMS


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    migrate(database_url)
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def people(db: Database) -> dict[str, Actor]:
    out = {}
    for name, role, chamber in [
        ("agent", "desk_agent", "CCIS06"),
        ("other", "desk_agent", "CCIS01"),
        ("manager", "programme_manager", None),
        ("analyst", "analyst", None),
        ("steward", "data_steward", None),
        ("buyer", "public", None),
        ("maker", "public", None),
        ("nobody", "public", None),
    ]:
        out[name] = create_user(db, name, role, chamber_code=chamber)  # no password: tokens
    access.add_member(db, out["manager"], "buyer", "E1")
    access.add_member(db, out["agent"], "maker", "E2")
    return out


def data(kind: str, title: str, **kw: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "title": title,
        "description": kw.pop("description", title),
        "tags": kw.pop("tags", ["usinage"]),
        "activity_codes": kw.pop("activity_codes", ["25"]),
        "valid_from": TODAY - timedelta(days=10),
        "valid_until": TODAY + timedelta(days=300),
        **kw,
    }


def test_a_profile_from_draft_to_renewal(db: Database, people: dict[str, Actor]) -> None:
    buyer, agent, other = people["buyer"], people["agent"], people["other"]
    mine = data("subcontracting_request", "Usinage CNC de pièces", site_region="06")
    draft = profiles.create_profile(db, buyer, "E1", mine, exists=known, today=TODAY)
    assert draft.status == "draft" and draft.chamber_code is None
    with pytest.raises(Forbidden):
        profiles.create_profile(db, buyer, "E2", mine, today=TODAY)
    with pytest.raises(InvalidInput) as bad:
        broken = mine | {"activity_codes": ["9X"], "regions_served": ["13"], "kind": "x"}
        profiles.create_profile(db, agent, "E9", broken, exists=known, today=TODAY)
    fields = {d["field"] for d in bad.value.details}
    assert fields == {"kind", "activity_codes", "regions_served", "enterprise_id"}
    assert profiles.act(db, buyer, draft.id, "submit").status == "submitted"
    with pytest.raises(Forbidden):
        profiles.act(db, buyer, draft.id, "validate", today=TODAY)
    with pytest.raises(InvalidInput):
        profiles.act(db, agent, draft.id, "reject")
    assert profiles.act(db, agent, draft.id, "reject", "capacité à préciser").status == "rejected"
    edited = profiles.update_profile(db, buyer, draft.id, {"capacity_mad": 500000}, today=TODAY)
    assert edited.status == "draft" and edited.capacity_mad == Decimal("500000.00")
    profiles.act(db, buyer, draft.id, "submit")
    published = profiles.act(db, other, draft.id, "validate", today=TODAY)
    assert published.status == "published" and published.validated_by == other.label
    with pytest.raises(Conflict):
        profiles.act(db, agent, draft.id, "validate", today=TODAY)
    with pytest.raises(Conflict):
        profiles.update_profile(db, buyer, draft.id, {"title": "autre"}, today=TODAY)
    # past its validity it expires, then a broker renews it for a year
    later = TODAY + timedelta(days=400)
    assert profiles.expire_due(db, agent, today=TODAY) == 0
    assert profiles.expire_due(db, agent, today=later) == 1
    renewed = profiles.act(db, agent, draft.id, "renew", today=later)
    assert renewed.status == "published" and renewed.renewals == 1
    assert renewed.valid_until == later + timedelta(days=365)
    actions = [e.action for e in profiles.history(db, buyer, draft.id)]
    assert actions == [
        "create",
        "submit",
        "reject",
        "edit",
        "submit",
        "validate",
        "expire",
        "renew",
    ]
    assert profiles.act(db, buyer, draft.id, "withdraw").status == "withdrawn"


def test_who_sees_which_profiles(db: Database, people: dict[str, Actor]) -> None:
    agent, other, buyer, maker = people["agent"], people["other"], people["buyer"], people["maker"]
    e2_draft = profiles.create_profile(db, agent, "E2", data("business_offer", "Tôlerie"))
    assert e2_draft.chamber_code == "CCIS06"
    e1_draft = profiles.create_profile(db, buyer, "E1", data("business_request", "Emballage"))
    shown = profiles.create_profile(db, agent, "E3", data("business_offer", "Usinage"))
    profiles.act(db, agent, shown.id, "validate", today=TODAY)

    def seen(actor: Actor) -> set[int]:
        return {p.id for p in profiles.list_profiles(db, actor)}

    # an enterprise: the published profiles and its own drafts, nothing else
    assert seen(buyer) == {e1_draft.id, shown.id}
    assert seen(maker) == {e2_draft.id, shown.id}
    with pytest.raises(NotFound):
        profiles.get_profile(db, buyer, e2_draft.id)
    with pytest.raises(Forbidden):
        profiles.act(db, maker, e2_draft.id, "validate", today=TODAY)
    # brokers: every profile of their chamber or of none; readers: the published ones
    assert seen(agent) == {e1_draft.id, e2_draft.id, shown.id}
    assert seen(other) == {e1_draft.id, shown.id}
    with pytest.raises(NotFound):
        profiles.act(db, other, e2_draft.id, "validate", today=TODAY)
    assert seen(people["analyst"]) == {shown.id}
    assert seen(people["manager"]) == {e1_draft.id, e2_draft.id, shown.id}
    with pytest.raises(Forbidden):
        profiles.list_profiles(db, people["steward"])
    with pytest.raises(Forbidden):
        profiles.list_profiles(db, people["nobody"])  # represents no enterprise
    with pytest.raises(InvalidInput):
        access.add_member(db, agent, "analyst", "E3")  # only public accounts represent firms


def _published(db: Database, broker: Actor, enterprise: str, values: dict[str, Any]) -> int:
    profile = profiles.create_profile(db, broker, enterprise, values, today=TODAY)
    profiles.act(db, broker, profile.id, "validate", today=TODAY)
    return profile.id


def test_from_a_run_to_an_agreement(db: Database, people: dict[str, Actor]) -> None:
    manager, buyer, maker = people["manager"], people["buyer"], people["maker"]
    request = _published(
        db,
        manager,
        "E1",
        data("subcontracting_request", "Usinage CNC", capacity_mad=400000, site_region="06"),
    )
    near = _published(db, manager, "E2", data("business_offer", "Usinage CNC de précision"))
    _published(db, manager, "E3", data("business_offer", "Usinage et tournage"))
    _published(db, manager, "E2", data("technology_offer", "Capteurs iot", tags=["iot"]))
    summary = proposals.run_matching(db, manager, firms, TODAY, min_score=0.0)
    assert (summary.requests, summary.offers, summary.proposals_new) == (1, 3, 2)
    with pytest.raises(Forbidden):
        proposals.run_matching(db, buyer, firms, TODAY)
    listed = proposals.list_proposals(db, manager)
    best, _, offer = listed[0]
    assert offer.id == near and best.request_id == request and best.status == "proposed"
    assert [c["component"] for c in best.components] == [
        "capability",
        "sector",
        "distance",
        "size",
        "track_record",
    ]
    assert all(c["words"] for c in best.components)
    # the parties see a proposal only once a broker validated it
    assert proposals.list_proposals(db, maker) == []
    with pytest.raises(NotFound):
        proposals.express_interest(db, maker, best.id, True)
    with pytest.raises(Forbidden):
        proposals.decide(db, maker, best.id, "validate")
    assert proposals.decide(db, manager, best.id, "validate").status == "validated"
    proposals.decide(db, manager, listed[1][0].id, "dismiss", "trop éloigné")
    assert [p.id for p, _, _ in proposals.list_proposals(db, maker)] == [best.id]
    with pytest.raises(Conflict):
        outcomes.record_meeting(db, manager, best.id, TODAY)
    assert proposals.express_interest(db, buyer, best.id, True).status == "validated"
    with pytest.raises(NotFound):
        proposals.express_interest(db, people["nobody"], best.id, True)
    assert proposals.express_interest(db, maker, best.id, True).status == "connected"
    outcomes.record_meeting(db, manager, best.id, TODAY + timedelta(days=7), "CCIS Casablanca")
    with pytest.raises(InvalidInput):
        outcomes.record_outcome(db, manager, best.id, True, agreement_type="loan")
    done = outcomes.record_outcome(
        db,
        manager,
        best.id,
        True,
        agreement_type="subcontracting",
        value_mad=Decimal("250000"),
        signed_on=TODAY + timedelta(days=30),
    )
    assert done.outcome == "agreement"
    with pytest.raises(Conflict):
        outcomes.record_outcome(db, manager, best.id, False)
    indicator = outcomes.market_access(db, people["analyst"], firms, TODAY)
    assert indicator["agreements"] == 1 and indicator["meetings"] == 1
    assert indicator["agreements_value_mad"] == 250000.0
    assert indicator["agreements_by_type"]["subcontracting"]["agreements"] == 1
    assert indicator["tpme_with_large_partner"] == 1
    assert indicator["tpme_agreements_by_region"] == {"06": 1}
    with pytest.raises(Forbidden):
        outcomes.market_access(db, maker)
    # a later run leaves decided pairs alone; the agreement now counts in the track record
    later = TODAY + timedelta(days=60)
    assert proposals.agreements_before(db, later) == {"E1": 1, "E2": 1}
    again = proposals.run_matching(db, manager, firms, later, min_score=0.0)
    assert again.proposals_new == 0
    assert proposals.visible_proposal(db, maker, best.id)[0].status == "agreement"


def test_the_database_refuses_an_impossible_proposal(
    db: Database, people: dict[str, Actor]
) -> None:
    manager = people["manager"]
    a = _published(db, manager, "E1", data("business_request", "Emballage"))
    b = _published(db, manager, "E2", data("business_offer", "Emballage carton"))
    for values in ({"score": Decimal("1.5")}, {"score": Decimal("0.5"), "status": "won"}):
        with pytest.raises(IntegrityError), db.session() as session:
            session.add(MatchProposal(request_id=a, offer_id=b, components=[], **values))
