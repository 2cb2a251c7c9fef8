"""Back-office JSON endpoints of the support services: advisers, missions, regional pilots.

Each request body is a model with field constraints, so that a negative number of days,
an impossible date or an unknown region is answered 422 with one detail per field; the
services check again and decide (permissions, row-level rules, states), and every refusal
comes back in the one error shape.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from marsad.programmes import advisers as svc
from marsad.programmes import pilots
from marsad.programmes.support_models import Adviser, Deliverable, Mission, PilotCommittee
from marsad.web.deps import DB, CurrentActor
from marsad.web.models import ErrorBody

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in {
        401: "Missing or unknown token or session",
        403: "The role does not allow it",
        404: "No such adviser, mission, committee or programme (for this user)",
        409: "The current state refuses it",
        422: "Invalid field",
    }.items()
}
router = APIRouter(prefix="/api", responses=ERRORS)

MAX_ID = 2_147_483_647
NO_NUL = r"^[^\x00]*$"
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Ref = Annotated[int, Field(ge=1, le=MAX_ID)]
Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2100, 12, 31))]
Region = Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])$", examples=["06"])]
Line = Annotated[str, Field(min_length=1, max_length=200, pattern=NO_NUL)]
Note = Annotated[str, Field(max_length=4000, pattern=NO_NUL)]
Programme = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$")]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AdviserIn(Body):
    name: Line
    model: Literal["individual", "platform", "resource_centre"]
    specialities: list[Annotated[str, Field(min_length=1, max_length=80, pattern=NO_NUL)]] = Field(
        min_length=1, max_length=50
    )
    regions: list[Region] = Field(min_length=1, max_length=12)
    daily_rate_mad: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    account: Line | None = Field(None, description="username of the adviser's own account")


class AccreditationIn(Body):
    decision: Literal["accredit", "suspend", "withdraw"]
    until: Day | None = Field(None, description="end of accreditation (required to accredit)")
    reason: Note = ""


class MissionIn(Body):
    application_id: Ref
    adviser_id: Ref
    days: Decimal = Field(gt=0, le=1000, max_digits=5, decimal_places=1)
    start_date: Day
    end_date: Day | None = None
    subject: Note = ""


class StepIn(Body):
    reason: Note = ""


class DeliverableIn(Body):
    title: Annotated[str, Field(min_length=1, max_length=300, pattern=NO_NUL)]
    due_date: Day


class SatisfactionIn(Body):
    score: int = Field(ge=1, le=5)
    comment: Note = ""


class MemberIn(Body):
    name: Line
    organisation: Annotated[str, Field(max_length=200, pattern=NO_NUL)] = ""
    role: Annotated[str, Field(max_length=200, pattern=NO_NUL)] = ""


class CommitteeIn(Body):
    region_code: Region
    name: Line
    members: list[MemberIn] = Field(default_factory=list, max_length=200)


class MembersIn(Body):
    members: list[MemberIn] = Field(max_length=200)


class ActionIn(Body):
    text: Annotated[str, Field(min_length=1, max_length=4000, pattern=NO_NUL)]
    owner: Annotated[str, Field(max_length=200, pattern=NO_NUL)] = ""
    due_date: Day | None = None


class MeetingIn(Body):
    held_on: Day
    minutes: Annotated[str, Field(max_length=100_000, pattern=NO_NUL)] = ""
    decisions: list[Annotated[str, Field(min_length=1, max_length=4000, pattern=NO_NUL)]] = Field(
        default_factory=list, max_length=200
    )
    actions: list[ActionIn] = Field(default_factory=list, max_length=200)


class ActionStatusIn(Body):
    status: Literal["done", "dropped"]


class TargetIn(Body):
    year: int = Field(ge=2000, le=2100)
    programme_code: Programme
    firms_supported: int = Field(ge=0, le=10_000_000)
    budget_mad: Decimal = Field(ge=0, max_digits=14, decimal_places=2)


def _plain(row: Any, *keys: str) -> dict[str, Any]:
    """Columns of a row for JSON: money as a string, never a float."""
    values = {key: getattr(row, key) for key in keys}
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def _adviser(a: Adviser) -> dict[str, Any]:
    keys = ("id", "name", "model", "accreditation", "accredited_until", "specialities")
    return _plain(a, *keys, "regions", "daily_rate_mad") | {"linked_account": bool(a.user_id)}


def _deliverable(d: Deliverable) -> dict[str, Any]:
    return _plain(d, "id", "title", "due_date", "delivered_at", "accepted")


def _mission(m: Mission, deliverables: list[Deliverable] | None = None) -> dict[str, Any]:
    keys = ("id", "application_id", "adviser_id", "status", "subject", "start_date", "end_date")
    body = _plain(m, *keys, "days", "daily_rate_mad", "satisfaction", "satisfaction_comment")
    if deliverables is not None:
        body["deliverables"] = [_deliverable(d) for d in deliverables]
    return body


def _meeting(record: pilots.MeetingRecord) -> dict[str, Any]:
    keys = ("id", "kind", "text", "owner", "due_date", "status")
    actions = [_plain(a, *keys) for a in record.actions]
    return _plain(record.meeting, "id", "held_on", "minutes") | {"actions": actions}


def _committee(c: PilotCommittee) -> dict[str, Any]:
    return _plain(c, "id", "region_code", "name", "members")


@router.post("/advisers", tags=["advisers"], status_code=201, summary="Reference an adviser")
def reference_adviser(db: DB, actor: CurrentActor, body: AdviserIn) -> dict[str, Any]:
    values = body.model_dump(exclude={"account"})
    return _adviser(svc.reference_adviser(db, actor, **values, account=body.account))


@router.get("/advisers", tags=["advisers"], summary="Advisers, filtered")
def list_advisers(
    db: DB,
    actor: CurrentActor,
    speciality: Annotated[str | None, Query(max_length=80, pattern=NO_NUL)] = None,
    region: Annotated[str | None, Query(pattern=r"^(0[1-9]|1[0-2])$")] = None,
    accredited_on: Annotated[date | None, Query()] = None,
) -> list[dict[str, Any]]:
    found = svc.list_advisers(db, actor, speciality, region, accredited_on)
    return [_adviser(a) for a in found]


@router.post(
    "/advisers/{adviser_id}/accreditation",
    tags=["advisers"],
    summary="Accredit (until a date), suspend or withdraw an adviser",
)
def decide_accreditation(
    db: DB, actor: CurrentActor, adviser_id: Id, body: AccreditationIn
) -> dict[str, Any]:
    adviser = svc.decide_accreditation(
        db, actor, adviser_id, body.decision, body.until, body.reason
    )
    return _adviser(adviser)


@router.post("/missions", tags=["advisers"], status_code=201, summary="Assign a mission")
def assign_mission(db: DB, actor: CurrentActor, body: MissionIn) -> dict[str, Any]:
    return _mission(svc.assign_mission(db, actor, **body.model_dump()))


@router.get("/missions", tags=["advisers"], summary="Missions the user may see")
def list_missions(
    db: DB,
    actor: CurrentActor,
    adviser_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    application_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    status: Annotated[
        Literal["assigned", "in_progress", "delivered", "accepted", "cancelled"] | None, Query()
    ] = None,
) -> list[dict[str, Any]]:
    return [_mission(m) for m in svc.list_missions(db, actor, adviser_id, application_id, status)]


@router.get("/missions/{mission_id}", tags=["advisers"], summary="A mission, its deliverables")
def get_mission(db: DB, actor: CurrentActor, mission_id: Id) -> dict[str, Any]:
    found = svc.get_mission(db, actor, mission_id)
    return _mission(found.mission, found.deliverables)


@router.post(
    "/missions/{mission_id}/deliverables",
    tags=["advisers"],
    status_code=201,
    summary="Add a deliverable",
)
def add_deliverable(
    db: DB, actor: CurrentActor, mission_id: Id, body: DeliverableIn
) -> dict[str, Any]:
    return _deliverable(svc.add_deliverable(db, actor, mission_id, body.title, body.due_date))


@router.post(
    "/missions/{mission_id}/deliverables/{deliverable_id}/hand-in",
    tags=["advisers"],
    summary="Hand in a deliverable",
)
def hand_in(db: DB, actor: CurrentActor, mission_id: Id, deliverable_id: Id) -> dict[str, Any]:
    return _deliverable(svc.hand_in(db, actor, mission_id, deliverable_id))


@router.post(
    "/missions/{mission_id}/satisfaction",
    tags=["advisers"],
    summary="Record the beneficiary's satisfaction (1 to 5, once, after delivery)",
)
def satisfaction(
    db: DB, actor: CurrentActor, mission_id: Id, body: SatisfactionIn
) -> dict[str, Any]:
    return _mission(svc.record_satisfaction(db, actor, mission_id, body.score, body.comment))


@router.post(
    "/missions/{mission_id}/{action}",
    tags=["advisers"],
    summary="Start, deliver, accept, send back or cancel a mission",
)
def mission_step(
    db: DB,
    actor: CurrentActor,
    mission_id: Id,
    action: Annotated[str, Path(pattern=r"^(start|deliver|accept|send_back|cancel)$")],
    body: StepIn | None = None,
) -> dict[str, Any]:
    reason = body.reason if body else ""
    return _mission(svc.mission_step(db, actor, mission_id, action, reason))


@router.post("/pilots", tags=["pilots"], status_code=201, summary="Create a regional committee")
def create_committee(db: DB, actor: CurrentActor, body: CommitteeIn) -> dict[str, Any]:
    members = [m.model_dump() for m in body.members]
    return _committee(pilots.create_committee(db, actor, body.region_code, body.name, members))


@router.get("/pilots", tags=["pilots"], summary="Regional committees")
def list_committees(db: DB, actor: CurrentActor) -> list[dict[str, Any]]:
    return [_committee(c) for c in pilots.list_committees(db, actor)]


@router.put("/pilots/{committee_id}/members", tags=["pilots"], summary="Replace the members")
def set_members(db: DB, actor: CurrentActor, committee_id: Id, body: MembersIn) -> dict[str, Any]:
    members = [m.model_dump() for m in body.members]
    return _committee(pilots.set_members(db, actor, committee_id, members))


@router.post(
    "/pilots/{committee_id}/meetings",
    tags=["pilots"],
    status_code=201,
    summary="Record a meeting: minutes, decisions, action items",
)
def add_meeting(db: DB, actor: CurrentActor, committee_id: Id, body: MeetingIn) -> dict[str, Any]:
    items = [pilots.ActionItem(a.text, a.owner, a.due_date) for a in body.actions]
    meeting = pilots.add_meeting(
        db, actor, committee_id, body.held_on, body.minutes, body.decisions, items
    )
    return _meeting(meeting)


@router.get("/pilots/{committee_id}/meetings", tags=["pilots"], summary="Meetings and actions")
def list_meetings(db: DB, actor: CurrentActor, committee_id: Id) -> list[dict[str, Any]]:
    return [_meeting(m) for m in pilots.list_meetings(db, actor, committee_id)]


@router.post(
    "/pilots/{committee_id}/actions/{action_id}",
    tags=["pilots"],
    summary="Close an action item: done or dropped",
)
def close_action(
    db: DB, actor: CurrentActor, committee_id: Id, action_id: Id, body: ActionStatusIn
) -> dict[str, Any]:
    action = pilots.close_action(db, actor, committee_id, action_id, body.status)
    return _plain(action, "id", "kind", "text", "owner", "due_date", "status")


@router.put("/pilots/{committee_id}/targets", tags=["pilots"], summary="Set a year's target")
def set_target(db: DB, actor: CurrentActor, committee_id: Id, body: TargetIn) -> dict[str, Any]:
    target = pilots.set_target(db, actor, committee_id, **body.model_dump())
    return _plain(target, "year", "programme_code", "firms_supported", "budget_mad")


@router.get(
    "/pilots/{committee_id}/progress",
    tags=["pilots"],
    summary="Targets of a year against the applications approved in the region",
)
def progress(
    db: DB,
    actor: CurrentActor,
    committee_id: Id,
    year: Annotated[int, Query(ge=2000, le=2100)],
) -> dict[str, Any]:
    found = pilots.pilot_progress(db, actor, committee_id, year)
    lines = [_plain(p, *(f.name for f in fields(p))) for p in found.programmes]
    header = {"committee_id": committee_id, "region_code": found.region_code, "year": year}
    return header | {"programmes": lines}


def include(app: FastAPI) -> None:
    app.include_router(router)
