"""The matchmaking API: profiles and their workflow, batch runs, proposals and outcomes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from marsad.errors import NotFound
from marsad.matchmaking import access, outcomes, profiles, proposals
from marsad.matchmaking.domain import Firm
from marsad.matchmaking.facts import register_firms
from marsad.matchmaking.models import MatchProfile, MatchProposal
from marsad.operational.auth import record
from marsad.register.build import current_build
from marsad.settings import Settings
from marsad.web.deps import DB, CurrentActor
from marsad.web.models import ErrorBody

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in {
        401: "Not signed in",
        403: "The role does not allow it",
        404: "Unknown or hidden profile or proposal",
        409: "Refused by the workflow (the message says why)",
        422: "Invalid field",
    }.items()
}
router = APIRouter(prefix="/api/match", tags=["matchmaking"], responses=ERRORS)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Code = Annotated[str, Field(pattern=r"^[0-9A-U][0-9.]{0,5}$")]
Region = Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])$")]
Size = Literal["MICRO", "TPE", "PE", "ME", "GE"]
Kind = Literal[
    "business_offer",
    "business_request",
    "subcontracting_request",
    "technology_offer",
    "technology_request",
]
Words = Annotated[str, Field(min_length=1, max_length=80)]
Enterprise = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")]
Amount = Annotated[Decimal, Field(ge=0, le=Decimal("1e12"), decimal_places=2)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProfileFields(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=4000)
    tags: list[Words] | None = Field(default=None, max_length=20)
    activity_codes: list[Code] | None = Field(default=None, max_length=10)
    certifications: list[Words] | None = Field(default=None, max_length=10)
    capacity_mad: Amount | None = None
    site_region: Region | None = None
    regions_served: list[Region] | None = Field(default=None, max_length=12)
    sizes_sought: list[Size] | None = Field(default=None, max_length=5)
    excluded: list[Enterprise] | None = Field(default=None, max_length=50)
    valid_from: date | None = None
    valid_until: date | None = None


class ProfileIn(ProfileFields):
    enterprise_id: Enterprise
    kind: Kind
    title: str = Field(min_length=1, max_length=300)
    valid_from: date
    valid_until: date


class ActionIn(Strict):
    reason: str = Field(default="", max_length=2000)
    valid_until: date | None = Field(default=None, description="renew: the new end")


class MemberIn(Strict):
    username: str = Field(min_length=1, max_length=80)
    enterprise_id: Enterprise


class RunIn(Strict):
    as_of: date | None = None
    per_request: int = Field(default=5, ge=1, le=50)
    per_offer: int = Field(default=3, ge=0, le=50)
    min_score: float = Field(default=0.3, ge=0, le=1)


class DecisionIn(Strict):
    action: Literal["validate", "dismiss"]
    reason: str = Field(default="", max_length=2000)


class InterestIn(Strict):
    interested: bool
    side: Literal["request", "offer"] | None = Field(
        default=None, description="a broker answering for one party"
    )


class MeetingIn(Strict):
    held_on: date
    place: str = Field(default="", max_length=200)
    notes: str = Field(default="", max_length=4000)


class OutcomeIn(Strict):
    agreement: bool
    agreement_type: Literal["subcontracting", "supply", "partnership", "technology", "other"] | None
    value_mad: Amount | None = None
    signed_on: date | None = None
    notes: str = Field(default="", max_length=4000)


def firms_loader(settings: Settings) -> proposals.FirmsLoader:
    """The register's facts on enterprises, from the current build."""

    def load(ids: set[str], day: date) -> dict[str, Firm]:
        build = current_build(settings)
        if build is None:
            raise NotFound("Aucun registre n'a été construit : lancez « marsad register build ».")
        return register_firms(build, ids, day)

    return load


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def profile_dict(p: MatchProfile) -> dict[str, Any]:
    return {
        "id": p.id,
        "enterprise_id": p.enterprise_id,
        "kind": p.kind,
        "status": p.status,
        "title": p.title,
        "description": p.description,
        "tags": p.tags,
        "activity_codes": p.activity_codes,
        "certifications": p.certifications,
        "capacity_mad": None if p.capacity_mad is None else str(p.capacity_mad),
        "site_region": p.site_region,
        "regions_served": p.regions_served,
        "sizes_sought": p.sizes_sought,
        "excluded": p.excluded,
        "valid_from": p.valid_from.isoformat(),
        "valid_until": p.valid_until.isoformat(),
        "chamber_code": p.chamber_code,
        "renewals": p.renewals,
        "created_by": p.created_by,
        "validated_by": p.validated_by,
    }


def proposal_dict(p: MatchProposal, request: MatchProfile, offer: MatchProfile) -> dict[str, Any]:
    return {
        "id": p.id,
        "status": p.status,
        "score": str(p.score),
        "components": p.components,
        "request": {
            "id": request.id,
            "enterprise_id": request.enterprise_id,
            "title": request.title,
        },
        "offer": {"id": offer.id, "enterprise_id": offer.enterprise_id, "title": offer.title},
        "request_interest": p.request_interest,
        "offer_interest": p.offer_interest,
        "validated_by": p.validated_by,
        "reason": p.reason,
    }


@router.get("/profiles", summary="Profiles the user may see")
def list_profiles(
    db: DB,
    actor: CurrentActor,
    status: str | None = Query(default=None, max_length=20),
    kind: str | None = Query(default=None, max_length=30),
    enterprise_id: str | None = Query(default=None, max_length=40),
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = Query(default=0, ge=0, le=10**7),
) -> list[dict[str, Any]]:
    rows = profiles.list_profiles(
        db, actor, status=status, kind=kind, enterprise_id=enterprise_id, limit=limit, offset=offset
    )
    return [profile_dict(p) for p in rows]


@router.post("/profiles", status_code=201, summary="A new draft profile")
def create_profile(
    request: Request, body: ProfileIn, db: DB, actor: CurrentActor
) -> dict[str, Any]:
    fields = body.model_dump(exclude_none=True, exclude={"enterprise_id"})
    ids = firms_loader(_settings(request))

    def exists(enterprise: str) -> bool:
        return enterprise in ids({enterprise}, date.today())

    profile = profiles.create_profile(db, actor, body.enterprise_id, fields, exists=exists)
    return profile_dict(profile)


@router.get("/profiles/{profile_id}", summary="One profile and its history")
def get_profile(profile_id: Id, db: DB, actor: CurrentActor) -> dict[str, Any]:
    profile = profiles.get_profile(db, actor, profile_id)
    events = [
        {
            "at": e.at.isoformat(),
            "actor": e.actor,
            "action": e.action,
            "from": e.from_status,
            "to": e.to_status,
            "reason": e.reason,
        }
        for e in profiles.history(db, actor, profile_id)
    ]
    return {**profile_dict(profile), "events": events}


@router.patch("/profiles/{profile_id}", summary="Change a draft or a rejected profile")
def edit_profile(
    profile_id: Id, body: ProfileFields, db: DB, actor: CurrentActor
) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    return profile_dict(profiles.update_profile(db, actor, profile_id, changes))


@router.post("/profiles/{profile_id}/{action}", summary="Submit, validate, reject, renew, ...")
def profile_action(
    profile_id: Id,
    action: Literal["submit", "validate", "reject", "renew", "expire", "withdraw"],
    body: ActionIn,
    db: DB,
    actor: CurrentActor,
) -> dict[str, Any]:
    moved = profiles.act(db, actor, profile_id, action, body.reason, valid_until=body.valid_until)
    return profile_dict(moved)


@router.post("/members", status_code=201, summary="Link a public account to its enterprise")
def add_member(body: MemberIn, db: DB, actor: CurrentActor) -> dict[str, str]:
    access.add_member(db, actor, body.username, body.enterprise_id)
    return {"username": body.username, "enterprise_id": body.enterprise_id}


@router.post("/runs", summary="Propose the best pairs among published profiles")
def run(request: Request, body: RunIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    summary = proposals.run_matching(
        db,
        actor,
        firms_loader(_settings(request)),
        body.as_of,
        per_request=body.per_request,
        per_offer=body.per_offer,
        min_score=body.min_score,
    )
    return summary.to_dict()


@router.get("/proposals", summary="Proposals the user may see, best first")
def list_proposals(
    db: DB,
    actor: CurrentActor,
    status: str | None = Query(default=None, max_length=20),
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = Query(default=0, ge=0, le=10**7),
) -> list[dict[str, Any]]:
    return [proposal_dict(*t) for t in proposals.list_proposals(db, actor, status, limit, offset)]


@router.get("/proposals/{proposal_id}", summary="One proposal, its meetings and outcome")
def get_proposal(proposal_id: Id, db: DB, actor: CurrentActor) -> dict[str, Any]:
    found = proposals.visible_proposal(db, actor, proposal_id)
    record(db, actor, "match.read", f"proposition {proposal_id}", "mise en relation")
    outcome = outcomes.outcome_of(db, proposal_id)
    return {
        **proposal_dict(*found),
        "meetings": [
            {"held_on": m.held_on.isoformat(), "place": m.place, "notes": m.notes}
            for m in outcomes.meetings_of(db, proposal_id)
        ],
        "outcome": None
        if outcome is None
        else {
            "outcome": outcome.outcome,
            "agreement_type": outcome.agreement_type,
            "value_mad": None if outcome.value_mad is None else str(outcome.value_mad),
            "signed_on": None if outcome.signed_on is None else outcome.signed_on.isoformat(),
        },
    }


def _one(db: DB, actor: CurrentActor, proposal_id: int) -> dict[str, Any]:
    return proposal_dict(*proposals.visible_proposal(db, actor, proposal_id))


@router.post("/proposals/{proposal_id}/decision", summary="A broker validates or dismisses")
def decision(proposal_id: Id, body: DecisionIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    proposals.decide(db, actor, proposal_id, body.action, body.reason)
    return _one(db, actor, proposal_id)


@router.post("/proposals/{proposal_id}/interest", summary="A party says yes or no")
def interest(proposal_id: Id, body: InterestIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    proposals.express_interest(db, actor, proposal_id, body.interested, body.side)
    return _one(db, actor, proposal_id)


@router.post("/proposals/{proposal_id}/meetings", status_code=201, summary="A meeting held")
def meeting(proposal_id: Id, body: MeetingIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    held = outcomes.record_meeting(db, actor, proposal_id, body.held_on, body.place, body.notes)
    return {"id": held.id, "proposal_id": proposal_id, "held_on": held.held_on.isoformat()}


@router.post("/proposals/{proposal_id}/outcome", summary="An agreement (type, value, date) or none")
def outcome(proposal_id: Id, body: OutcomeIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    outcomes.record_outcome(
        db,
        actor,
        proposal_id,
        body.agreement,
        agreement_type=body.agreement_type,
        value_mad=body.value_mad,
        signed_on=body.signed_on,
        notes=body.notes,
    )
    return _one(db, actor, proposal_id)


@router.get("/indicators/market-access", summary="Market access of TPE/PME through matches")
def market_access(request: Request, db: DB, actor: CurrentActor) -> dict[str, Any]:
    loader = firms_loader(_settings(request)) if current_build(_settings(request)) else None
    return outcomes.market_access(db, actor, loader)


def include(app: FastAPI) -> None:
    from marsad.web import (
        backoffice_pages_match_meetings,
        backoffice_pages_match_profiles,
        backoffice_pages_matchmaking,
    )

    app.include_router(router)
    app.include_router(backoffice_pages_matchmaking.router, include_in_schema=False)
    app.include_router(backoffice_pages_match_profiles.router, include_in_schema=False)
    app.include_router(backoffice_pages_match_meetings.router, include_in_schema=False)
