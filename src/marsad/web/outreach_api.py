"""The outreach API: target lists (JSON and CSV), campaigns and the outcome of each
enterprise, conversion figures, and the dashboard of a partner."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from marsad.outreach import campaigns as service
from marsad.outreach.access import PARTNER_CODE
from marsad.outreach.conversion import conversion
from marsad.outreach.dashboard import dashboard
from marsad.outreach.exports import export_outcomes, export_targets
from marsad.outreach.targets import TargetQuery, build_targets
from marsad.outreach.views import campaign_dict, target_dict
from marsad.settings import Settings
from marsad.web.deps import DB, CurrentActor
from marsad.web.models import ErrorBody

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in {
        401: "Not signed in",
        403: "The role (or the chamber) does not allow it",
        404: "Unknown or hidden campaign, or no register built",
        409: "Refused by the state (a closed programme, an outcome that cannot follow)",
        422: "Invalid field",
    }.items()
}
CSV: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "UTF-8 with BOM, ';' between fields (French spreadsheets)",
    }
}
router = APIRouter(tags=["outreach"], responses=ERRORS)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Programme = Annotated[str, Query(pattern=r"^[A-Z][A-Z0-9_]{1,39}$", description="catalogue code")]
Region = Annotated[str | None, Query(pattern=r"^(0[1-9]|1[0-2])$")]
Sections = Annotated[list[str] | None, Query(max_length=21, description="NMA sections (A-U)")]
Divisions = Annotated[list[str] | None, Query(max_length=99, description="NMA divisions")]
Days = Annotated[int | None, Query(ge=0, le=3650, description="exclude contacts this recent")]
AsOf = Annotated[
    date | None,
    Query(ge=date(2000, 1, 1), le=date(2100, 12, 31), description="reference day (today)"),
]
Partner = Annotated[str, Field(pattern=PARTNER_CODE)]
Chamber = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{1,19}$")]
Purpose = Annotated[str, Query(min_length=3, max_length=300, description="why (logged)")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CampaignIn(Strict):
    name: str = Field(min_length=1, max_length=300)
    organiser_code: Partner
    chamber_code: Chamber | None = None
    programme: str = Field(pattern=r"^[A-Z][A-Z0-9_]{1,39}$")
    region: str | None = Field(default=None, pattern=r"^(0[1-9]|1[0-2])$")
    sections: list[Annotated[str, Field(pattern=r"^[A-U]$")]] = Field(
        default_factory=list, max_length=21
    )
    divisions: list[Annotated[str, Field(pattern=r"^[0-9]{2}$")]] = Field(
        default_factory=list, max_length=99
    )
    not_contacted_days: int | None = Field(default=None, ge=0, le=3650)
    channel: Literal["phone", "email", "sms", "visit", "letter"]
    message: str = Field(default="", max_length=4000)
    starts_on: date = Field(ge=date(2000, 1, 1), le=date(2100, 12, 31))
    ends_on: date | None = Field(default=None, ge=date(2000, 1, 1), le=date(2100, 12, 31))
    max_targets: int | None = Field(default=None, ge=1, le=service.MAX_TARGETS)


class OutcomeIn(Strict):
    enterprise_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")
    outcome: Literal["contacted", "interested", "applied", "not_reachable", "declined"]
    note: str = Field(default="", max_length=2000)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _query(
    programme: str,
    region: str | None,
    section: list[str] | None,
    division: list[str] | None,
    not_contacted_days: int | None,
    as_of: date | None,
    limit: int | None = None,
    offset: int = 0,
) -> TargetQuery:
    return TargetQuery(
        programme,
        region,
        list(section or []),
        list(division or []),
        not_contacted_days,
        as_of=as_of,
        limit=limit,
        offset=offset,
    )


def _csv(text: str, name: str) -> Response:
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/api/targets", summary="Eligible enterprises that have not applied (logged)")
def targets(
    request: Request,
    db: DB,
    actor: CurrentActor,
    programme: Programme,
    region: Region = None,
    section: Sections = None,
    division: Divisions = None,
    not_contacted_days: Days = None,
    as_of: AsOf = None,
    limit: int = Query(default=200, ge=1, le=10_000),
    offset: int = Query(default=0, ge=0, le=10**7),
) -> dict[str, Any]:
    query = _query(programme, region, section, division, not_contacted_days, as_of, limit, offset)
    return build_targets(_settings(request), db, actor, query).to_dict()


@router.get(
    "/api/targets.csv",
    summary="A whole target list as CSV (columns by role, logged)",
    response_class=Response,
    responses=CSV,
)
def targets_csv(
    request: Request,
    db: DB,
    actor: CurrentActor,
    programme: Programme,
    purpose: Purpose,
    region: Region = None,
    section: Sections = None,
    division: Divisions = None,
    not_contacted_days: Days = None,
    as_of: AsOf = None,
) -> Response:
    query = _query(programme, region, section, division, not_contacted_days, as_of)
    found = build_targets(_settings(request), db, actor, query, purpose=purpose)
    return _csv(export_targets(db, actor, found, purpose).text, f"cibles-{programme}.csv")


@router.get("/api/campaigns", summary="Campaigns the user may see")
def campaigns(
    db: DB,
    actor: CurrentActor,
    programme: str | None = Query(default=None, max_length=40),
    organiser: str | None = Query(default=None, max_length=20),
) -> list[dict[str, Any]]:
    found = service.list_campaigns(db, actor, programme=programme, organiser=organiser)
    return [campaign_dict(c) for c in found]


@router.post("/api/campaigns", status_code=201, summary="A campaign from a target list")
def create(request: Request, body: CampaignIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    spec = service.CampaignSpec(
        name=body.name,
        organiser_code=body.organiser_code,
        programme=body.programme,
        channel=body.channel,
        starts_on=body.starts_on,
        message=body.message,
        ends_on=body.ends_on,
        chamber_code=body.chamber_code,
        region=body.region,
        sections=tuple(body.sections),
        divisions=tuple(body.divisions),
        not_contacted_days=body.not_contacted_days,
        max_targets=body.max_targets,
    )
    made, _ = service.create_campaign(_settings(request), db, actor, spec)
    return campaign_dict(made)


@router.get("/api/campaigns/conversion", summary="Conversion per campaign, chamber and region")
def conversion_figures(
    db: DB,
    actor: CurrentActor,
    organiser: str | None = Query(default=None, max_length=20),
    chamber: str | None = Query(default=None, max_length=20),
    programme: str | None = Query(default=None, max_length=40),
) -> dict[str, Any]:
    return conversion(db, actor, organiser=organiser, chamber=chamber, programme=programme)


@router.get("/api/campaigns/{campaign_id}", summary="A campaign with its conversion figures")
def campaign(campaign_id: Id, db: DB, actor: CurrentActor) -> dict[str, Any]:
    found = service.get_campaign(db, actor, campaign_id)
    figures = conversion(db, actor, campaign_id=campaign_id)
    return {
        **campaign_dict(found),
        "conversion": figures["total"],
        "inclusion": figures["inclusion"],
    }


@router.get("/api/campaigns/{campaign_id}/targets", summary="The outcome of each enterprise")
def campaign_targets(campaign_id: Id, db: DB, actor: CurrentActor) -> list[dict[str, Any]]:
    service.sync_applications(db, campaign_id)
    return [target_dict(t) for t in service.targets_of(db, actor, campaign_id)]


@router.post("/api/campaigns/{campaign_id}/outcomes", summary="Record an enterprise's outcome")
def outcome(campaign_id: Id, body: OutcomeIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    done = service.record_outcome(
        db, actor, campaign_id, body.enterprise_id, body.outcome, body.note
    )
    return target_dict(done)


@router.get(
    "/api/campaigns/{campaign_id}/outcomes.csv",
    summary="A campaign's outcomes as CSV (contacts by role, logged)",
    response_class=Response,
    responses=CSV,
)
def outcomes_csv(
    request: Request, campaign_id: Id, db: DB, actor: CurrentActor, purpose: Purpose
) -> Response:
    done = export_outcomes(_settings(request), db, actor, campaign_id, purpose)
    return _csv(done.text, f"campagne-{campaign_id}.csv")


@router.get("/api/outreach/dashboard", summary="Trainings, events and campaigns of a partner")
def partner_dashboard(
    request: Request,
    db: DB,
    actor: CurrentActor,
    partner: str = Query(pattern=PARTNER_CODE),
    chamber: str | None = Query(default=None, pattern=r"^[A-Z][A-Z0-9_]{1,19}$"),
) -> dict[str, Any]:
    return dashboard(_settings(request), db, actor, partner, chamber=chamber)


def include(app: FastAPI) -> None:
    app.include_router(router)
