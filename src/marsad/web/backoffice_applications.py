"""The programmes API: the public catalogue, and applications for signed-in users."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from marsad.errors import InvalidInput
from marsad.programmes import service
from marsad.programmes.models import Application, ApplicationEvent, Tranche
from marsad.programmes.workflow import claw_back, pay_tranche, transition
from marsad.web.deps import DB, CurrentActor, app_settings
from marsad.web.models import ErrorBody

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in {
        401: "Not signed in",
        403: "The role does not allow it",
        404: "Unknown programme, application or tranche",
        409: "Refused by the workflow, a budget or a cap (the message says why)",
        422: "Invalid field",
    }.items()
}
router = APIRouter(prefix="/api", responses=ERRORS)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Amount = Annotated[Decimal, Field(ge=0, le=Decimal("1e12"), decimal_places=2)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProjectIn(Strict):
    investment_mad: Amount | None = None
    own_funds_mad: Amount | None = None
    project_cost_mad: Amount | None = None
    jobs_created: int | None = Field(default=None, ge=0, le=100000)
    kind: str | None = Field(default=None, pattern=r"^[a-z_]{2,30}$")
    region_code: str | None = Field(default=None, pattern=r"^(0[1-9]|1[0-2])$")
    description: str = Field(default="", max_length=4000)


class ApplicationIn(Strict):
    programme: str = Field(pattern=r"^[A-Z][A-Z0-9_]{1,39}$")
    enterprise_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,40}$")
    ice: str | None = Field(default=None, max_length=30, description="instead of enterprise_id")
    requested_mad: Amount
    instrument: int = Field(default=0, ge=0, le=20)
    project: ProjectIn = Field(default_factory=ProjectIn)


class DecisionIn(Strict):
    amount_mad: Amount | None = Field(default=None, description="null: reject")
    reason: str = Field(default="", max_length=2000)


class AppraisalIn(Strict):
    score: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)]
    note: str = Field(default="", max_length=4000)


class ClawbackIn(Strict):
    recovered_mad: Amount
    reason: str = Field(min_length=3, max_length=2000)


class PaymentIn(Strict):
    milestone_met: bool = True


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def application_dict(app: Application) -> dict[str, Any]:
    return {
        "id": app.id,
        "programme": app.programme_code,
        "enterprise_id": app.enterprise_id,
        "status": app.status,
        "instrument": app.instrument,
        "requested_mad": _money(app.requested_mad),
        "approved_mad": _money(app.approved_mad),
        "paid_mad": _money(app.paid_mad),
        "clawed_back_mad": _money(app.clawed_back_mad),
        "score": _money(app.score),
        "project": app.project,
        "eligibility": app.eligibility,
        "chamber_code": app.chamber_code,
        "created_by": app.created_by,
        "created_at": app.created_at.isoformat(),
    }


def _event(event: ApplicationEvent) -> dict[str, Any]:
    return {
        "at": event.at.isoformat(),
        "actor": event.actor,
        "action": event.action,
        "from": event.from_status,
        "to": event.to_status,
        "reason": event.reason,
        "detail": event.detail,
    }


@router.get("/programmes", tags=["programmes"], summary="The programme catalogue (public)")
def programmes() -> list[dict[str, Any]]:
    return [
        {
            "code": p.code,
            "name": p.name.model_dump(),
            "operator": p.operator,
            "target_groups": list(p.target_groups),
            "regions": p.regions,
            "period": p.period.model_dump(mode="json"),
            "budget_mad": _money(p.budget_mad),
            "instruments": [i.kind for i in p.instruments],
        }
        for p in service.catalogue().values()
    ]


@router.get("/programmes/{code}", tags=["programmes"], summary="One programme and its rules")
def programme(code: Annotated[str, Path(pattern=r"^[A-Z][A-Z0-9_]{1,39}$")]) -> dict[str, Any]:
    return service.programme(code).model_dump(mode="json")


@router.post("/applications", tags=["applications"], status_code=201, summary="A new draft")
def create(request: Request, body: ApplicationIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    project = body.project.model_dump(mode="json", exclude_none=True)
    settings = app_settings(request)
    if (body.enterprise_id is None) == (body.ice is None):
        raise InvalidInput(
            "Désignez l'entreprise par son identifiant du registre ou par son ICE.",
            details=[{"field": "body.enterprise_id", "message": "enterprise_id ou ice"}],
        )
    enterprise = body.enterprise_id or service.enterprise_by_ice(settings, str(body.ice))
    app = service.apply(
        settings,
        db,
        actor,
        body.programme,
        enterprise,
        body.requested_mad,
        project,
        body.instrument,
    )
    return application_dict(app)


@router.get("/applications", tags=["applications"], summary="Applications the user may see")
def listing(
    db: DB,
    actor: CurrentActor,
    status: str | None = None,
    programme: str | None = None,
) -> list[dict[str, Any]]:
    return [application_dict(a) for a in service.listing(db, actor, status, programme)]


@router.get("/applications/{application_id}", tags=["applications"], summary="One application")
def detail(application_id: Id, db: DB, actor: CurrentActor) -> dict[str, Any]:
    app = service.visible(db, actor, application_id)
    with db.session() as session:
        tranches = session.query(Tranche).filter_by(application_id=application_id).all()
    return {
        **application_dict(app),
        "events": [_event(e) for e in service.history(db, actor, application_id)],
        "tranches": [
            {
                "id": t.id,
                "seq": t.seq,
                "amount_mad": _money(t.amount_mad),
                "milestone": t.milestone,
                "status": t.status,
            }
            for t in sorted(tranches, key=lambda t: t.seq)
        ],
    }


@router.post("/applications/{application_id}/submit", tags=["applications"])
def submit(request: Request, application_id: Id, db: DB, actor: CurrentActor) -> dict[str, Any]:
    """Submit the application; eligibility is checked at once, with a reason per rule."""
    result = service.submit(app_settings(request), db, actor, application_id)
    return {"application": application_id, **result.to_dict()}


@router.get("/applications/{application_id}/grant", tags=["applications"])
def grant(request: Request, application_id: Id, db: DB, actor: CurrentActor) -> dict[str, Any]:
    """The grant the programme's rules give (rate, bonuses, ceilings, tranches)."""
    actor.require("application.decide")
    computed = service.proposed_grant(app_settings(request), db, actor, application_id)
    return {
        "amount_mad": str(computed.amount_mad),
        "total_rate": str(computed.total_rate),
        "capped_by": computed.capped_by,
        "reasons": computed.reasons,
        "tranches": [
            {"number": t.number, "milestone": t.milestone, "amount_mad": str(t.amount_mad)}
            for t in computed.tranches
        ],
    }


@router.post("/applications/{application_id}/appraisal", tags=["applications"])
def appraise(application_id: Id, body: AppraisalIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    actor.require("application.decide")
    service.visible(db, actor, application_id)
    app = transition(db, actor.label, application_id, "appraise", body.note, score=body.score)
    return application_dict(app)


@router.post("/applications/{application_id}/decision", tags=["applications"])
def decision(application_id: Id, body: DecisionIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    """Approve an amount (within the budget and every cap) or reject with a reason."""
    return application_dict(service.decide(db, actor, application_id, body.amount_mad, body.reason))


@router.post("/applications/{application_id}/agreement", tags=["applications"])
def agreement(application_id: Id, db: DB, actor: CurrentActor) -> dict[str, Any]:
    return application_dict(service.agree(db, actor, application_id))


@router.post("/applications/{application_id}/close", tags=["applications"])
def close(application_id: Id, db: DB, actor: CurrentActor) -> dict[str, Any]:
    actor.require("application.decide")
    service.visible(db, actor, application_id)
    return application_dict(transition(db, actor.label, application_id, "close"))


@router.post("/applications/{application_id}/clawback", tags=["applications"])
def clawback(application_id: Id, body: ClawbackIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    """The conditions failed: unpaid tranches cancelled, part of what was paid recovered."""
    actor.require("application.decide")
    service.visible(db, actor, application_id)
    app = claw_back(db, actor.label, application_id, body.recovered_mad, body.reason)
    return application_dict(app)


@router.post("/tranches/{tranche_id}/payment", tags=["applications"])
def payment(tranche_id: Id, body: PaymentIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    actor.require("application.pay")
    tranche = pay_tranche(db, actor.label, tranche_id, body.milestone_met)
    return {"id": tranche.id, "status": tranche.status, "amount_mad": str(tranche.amount_mad)}


def include(app: FastAPI) -> None:
    app.include_router(router)
