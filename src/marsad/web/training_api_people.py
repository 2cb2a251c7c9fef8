"""The training API, people's side: participants, coaching plans, visits and actions, the
inclusion breakdowns and the CSV exports (columns by role, every export logged)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import Field

from marsad.conventions.model import Sensitivity
from marsad.operational.auth import record
from marsad.operational.exports import may_see
from marsad.training import coaching, participants
from marsad.training.exports import export_cohort, export_cohorts, export_plans
from marsad.training.register_facts import facts_for, in_register
from marsad.training.views import (
    coached_inclusion,
    inclusion_of,
    participant_row,
    participant_view,
    plan_dict,
)
from marsad.training.views import plan_view as plan_detail
from marsad.web.deps import DB, CurrentActor
from marsad.web.models import ErrorBody
from marsad.web.training_api import ERRORS, Commune, Day, Format, Id, Partner, Strict, build_of

router = APIRouter(prefix="/api/training", tags=["training"], responses=ERRORS)
Enterprise = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")]
Purpose = Annotated[str, Query(min_length=3, max_length=300, description="why (logged)")]
CSV: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "UTF-8 with BOM, ';' between fields (French spreadsheets)",
    },
    422: {"model": ErrorBody, "description": "Invalid field"},
}


class ParticipantIn(Strict):
    full_name: str = Field(min_length=1, max_length=200)
    gender: Literal["F", "M"] | None = None
    birth_year: int | None = Field(default=None, ge=1920, le=2100)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=200)
    commune_code: Commune | None = None
    enterprise_id: Enterprise | None = None
    enterprise_role: (
        Literal["manager", "owner", "associate", "employee", "project_holder", "other"] | None
    ) = None
    partner_code: Partner


class PlanIn(Strict):
    enterprise_id: Enterprise | None = None
    participant_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    partner_code: Partner
    coach: str = Field(min_length=1, max_length=200)
    objectives: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        min_length=1, max_length=coaching.MAX_OBJECTIVES
    )
    starts_on: Day
    ends_on: Day | None = None


class ActionIn(Strict):
    description: str = Field(min_length=1, max_length=500)
    due_on: Day


class VisitIn(Strict):
    visited_on: Day
    format: Format = "in_person"
    notes: str = Field(default="", max_length=4000)
    actions: list[ActionIn] = Field(default_factory=list, max_length=30)


class MoveIn(Strict):
    status: Literal["in_progress", "done", "dropped"]
    done_on: Day | None = Field(default=None, description="required when done")


def _exists(request: Request) -> Callable[[str], bool]:
    return in_register(build_of(request))


@router.get("/participants", summary="Participants (personal fields by role)")
def list_participants(
    request: Request,
    db: DB,
    actor: CurrentActor,
    partner_code: str | None = Query(default=None, pattern=r"^[A-Z][A-Z0-9_]{1,19}$"),
    enterprise_id: str | None = Query(default=None, pattern=r"^[A-Za-z0-9_-]{1,40}$"),
    limit: int = Query(default=200, ge=1, le=1000),
    offset: int = Query(default=0, ge=0, le=10**7),
) -> list[dict[str, Any]]:
    found = participants.list_participants(
        db,
        actor,
        partner_code=partner_code,
        enterprise_id=enterprise_id,
        limit=limit,
        offset=offset,
    )
    today = date.today()
    lookup = facts_for(build_of(request), [p.enterprise_id or "" for p in found], today)
    if found and may_see(actor, Sensitivity.personal):  # names and contacts were read
        subject = f"participants {partner_code or 'tous organisateurs'}"
        record(db, actor, "training.read", subject, "liste des participants", {"rows": len(found)})
    return [participant_row(p, actor, lookup, today) for p in found]


@router.post("/participants", status_code=201, summary="Register a participant")
def register(request: Request, body: ParticipantIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    made = participants.register_participant(db, actor, body.model_dump(), exists=_exists(request))
    return {"id": made.id, "partner_code": made.partner_code}


@router.get("/participants/{participant_id}", summary="One participant, cohorts and coaching")
def participant(
    request: Request, participant_id: Id, db: DB, actor: CurrentActor
) -> dict[str, Any]:
    return participant_view(db, actor, participant_id, build_of(request), date.today())


@router.get("/inclusion", summary="Inclusion breakdown of the people trained or coached")
def inclusion(
    request: Request,
    db: DB,
    actor: CurrentActor,
    of: Literal["enrolled", "coached"] = Query(default="enrolled"),
) -> dict[str, Any]:
    today = date.today()
    if of == "coached":
        found = coaching.list_plans(db, actor, limit=100_000)
        counts = coached_inclusion(db, found, build_of(request), today)
    else:
        actor.require("training.read")
        counts = inclusion_of(db, None, build_of(request), today)
    return {"on": str(today), "of": of, "breakdown": counts}


@router.get("/coaching/plans", summary="Coaching plans and the share of actions done")
def plans(
    db: DB,
    actor: CurrentActor,
    enterprise_id: str | None = Query(default=None, pattern=r"^[A-Za-z0-9_-]{1,40}$"),
    limit: int = Query(default=200, ge=1, le=1000),
    offset: int = Query(default=0, ge=0, le=10**7),
) -> list[dict[str, Any]]:
    found = coaching.list_plans(db, actor, enterprise_id=enterprise_id, limit=limit, offset=offset)
    counts = coaching.action_counts(db, [p.id for p in found], date.today())
    return [plan_dict(p, counts[p.id]) for p in found]


@router.post("/coaching/plans", status_code=201, summary="A coaching plan")
def create_plan(request: Request, body: PlanIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    made = coaching.create_plan(db, actor, body.model_dump(), exists=_exists(request))
    return plan_dict(made, coaching.ActionCounts(0, 0, 0, 0))


@router.get("/coaching/plans/{plan_id}", summary="A plan, its visits and actions")
def plan_view(plan_id: Id, db: DB, actor: CurrentActor) -> dict[str, Any]:
    return plan_detail(db, actor, plan_id, date.today())


@router.post("/coaching/plans/{plan_id}/visits", status_code=201, summary="A visit and actions")
def visit(plan_id: Id, body: VisitIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    made, agreed = coaching.record_visit(
        db,
        actor,
        plan_id,
        visited_on=body.visited_on,
        format=body.format,
        notes=body.notes,
        actions=[(a.description, a.due_on) for a in body.actions],
    )
    return {"id": made.id, "plan_id": plan_id, "actions": [a.id for a in agreed]}


@router.post("/coaching/actions/{action_id}", summary="An action in progress, done or dropped")
def move(action_id: Id, body: MoveIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    moved = coaching.move_action(db, actor, action_id, body.status, body.done_on)
    done_on = None if moved.done_on is None else str(moved.done_on)
    return {"id": moved.id, "status": moved.status, "done_on": done_on}


def _csv(text: str, name: str) -> Response:
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/exports/cohorts.csv", summary="Cohorts as CSV", response_class=Response, responses=CSV
)
def cohorts_csv(request: Request, db: DB, actor: CurrentActor, purpose: Purpose) -> Response:
    done = export_cohorts(db, actor, build_of(request), date.today(), purpose)
    return _csv(done.text, "cohortes.csv")


@router.get(
    "/exports/cohorts/{cohort_id}.csv",
    summary="A cohort's participants as CSV (columns by role)",
    response_class=Response,
    responses=CSV,
)
def cohort_csv(
    request: Request, cohort_id: Id, db: DB, actor: CurrentActor, purpose: Purpose
) -> Response:
    done = export_cohort(db, actor, cohort_id, build_of(request), date.today(), purpose)
    return _csv(done.text, f"cohorte-{cohort_id}.csv")


@router.get(
    "/exports/coaching-plans.csv",
    summary="Coaching plans as CSV",
    response_class=Response,
    responses=CSV,
)
def plans_csv(db: DB, actor: CurrentActor, purpose: Purpose) -> Response:
    return _csv(export_plans(db, actor, date.today(), purpose).text, "accompagnements.csv")
