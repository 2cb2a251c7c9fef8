"""The events API: forums, B2B days and joint events, registrations and attendance, B2B
slots and meetings (seeded from matchmaking proposals), registrations as CSV."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from marsad.conventions.model import Sensitivity
from marsad.operational.exports import allowed_sensitivities
from marsad.outreach import b2b, events
from marsad.outreach.access import PARTNER_CODE
from marsad.outreach.exports import export_registrations
from marsad.web.deps import DB, CurrentActor
from marsad.web.outreach_api import CSV, ERRORS, Purpose

router = APIRouter(prefix="/api/events", tags=["events"], responses=ERRORS)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Partner = Annotated[str, Field(pattern=PARTNER_CODE)]
Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2100, 12, 31))]
Kind = Literal["forum", "b2b_day", "national_event", "international_event"]
Status = Literal["planned", "open", "closed", "cancelled"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventIn(Strict):
    title: str = Field(min_length=1, max_length=300)
    kind: Kind
    organiser_code: Partner
    partners: list[Partner] = Field(default_factory=list, max_length=20)
    chamber_code: str | None = Field(default=None, pattern=r"^[A-Z][A-Z0-9_]{1,19}$")
    region: str | None = Field(default=None, pattern=r"^(0[1-9]|1[0-2])$")
    place: str = Field(default="", max_length=300)
    starts_on: Day
    ends_on: Day
    capacity: int = Field(ge=1, le=events.MAX_CAPACITY)
    programme: str | None = Field(default=None, pattern=r"^[A-Z][A-Z0-9_]{1,39}$")
    status: Status = "open"


class StatusIn(Strict):
    status: Status


class RegistrationIn(Strict):
    participant_id: int = Field(ge=1, le=2**31 - 1)


class AttendanceIn(Strict):
    attended: bool


class SlotsIn(Strict):
    first: datetime = Field(description="start of the first slot (local time, no zone)")
    count: int = Field(ge=1, le=b2b.MAX_SLOTS)
    minutes: int = Field(ge=5, le=240)


class MeetingIn(Strict):
    slot_id: int = Field(ge=1, le=2**31 - 1)
    participant_a: int = Field(ge=1, le=2**31 - 1)
    participant_b: int = Field(ge=1, le=2**31 - 1)
    table_label: str = Field(default="", max_length=40)


@router.get("", summary="Events the user may see")
def list_events(
    db: DB,
    actor: CurrentActor,
    organiser: str | None = Query(default=None, max_length=20),
    kind: Kind | None = None,
) -> list[dict[str, Any]]:
    found = events.list_events(db, actor, organiser=organiser, kind=kind)
    counts = events.counts(db, [e.id for e in found])
    return [{**events.event_dict(e), **counts[e.id]} for e in found]


@router.post("", status_code=201, summary="A new event")
def create(body: EventIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    spec = events.EventSpec(
        title=body.title,
        kind=body.kind,
        organiser_code=body.organiser_code,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        capacity=body.capacity,
        place=body.place,
        partners=tuple(body.partners),
        chamber_code=body.chamber_code,
        region=body.region,
        programme=body.programme,
        status=body.status,
    )
    return events.event_dict(events.create_event(db, actor, spec))


@router.get("/{event_id}", summary="An event with its registrations and attendance counts")
def event(event_id: Id, db: DB, actor: CurrentActor) -> dict[str, Any]:
    found = events.get_event(db, actor, event_id)
    return {**events.event_dict(found), **events.counts(db, [event_id])[event_id]}


@router.post("/{event_id}/status", summary="Open, close or cancel an event")
def status(event_id: Id, body: StatusIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    return events.event_dict(events.set_status(db, actor, event_id, body.status))


@router.get("/{event_id}/registrations", summary="Registrations (names by role, logged)")
def registrations(event_id: Id, db: DB, actor: CurrentActor) -> list[dict[str, Any]]:
    personal = Sensitivity.personal in allowed_sensitivities(actor.role)
    return [
        {
            "participant_id": p.id,
            "full_name": p.full_name if personal else None,
            "enterprise_id": p.enterprise_id,
            "status": r.status,
            "registered_at": r.registered_at.isoformat(),
            "attended": r.attended_at is not None,
        }
        for r, p in events.registrations(db, actor, event_id)
    ]


@router.post("/{event_id}/registrations", status_code=201, summary="Register a participant")
def register(event_id: Id, body: RegistrationIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    done = events.register(db, actor, event_id, body.participant_id)
    return {"event_id": event_id, "participant_id": done.participant_id, "status": "registered"}


@router.post("/{event_id}/registrations/{participant_id}/cancel", summary="Cancel a registration")
def cancel(event_id: Id, participant_id: Id, db: DB, actor: CurrentActor) -> dict[str, Any]:
    events.cancel(db, actor, event_id, participant_id)
    return {"event_id": event_id, "participant_id": participant_id, "status": "cancelled"}


@router.post("/{event_id}/registrations/{participant_id}/attendance", summary="Attendance")
def attendance(
    event_id: Id, participant_id: Id, body: AttendanceIn, db: DB, actor: CurrentActor
) -> dict[str, Any]:
    events.mark_attendance(db, actor, event_id, participant_id, body.attended)
    return {"event_id": event_id, "participant_id": participant_id, "attended": body.attended}


@router.get(
    "/{event_id}/registrations.csv",
    summary="Registrations as CSV (columns by role, logged)",
    response_class=Response,
    responses=CSV,
)
def registrations_csv(event_id: Id, db: DB, actor: CurrentActor, purpose: Purpose) -> Response:
    done = export_registrations(db, actor, event_id, purpose)
    return Response(
        done.text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="inscriptions-{event_id}.csv"'},
    )


@router.post("/{event_id}/slots", status_code=201, summary="Slots of a B2B day")
def slots(event_id: Id, body: SlotsIn, db: DB, actor: CurrentActor) -> list[dict[str, Any]]:
    made = b2b.add_slots(db, actor, event_id, body.first, body.count, body.minutes)
    return [b2b.slot_dict(s) for s in made]


@router.get("/{event_id}/meetings", summary="Slots and meetings of a B2B day")
def meetings(event_id: Id, db: DB, actor: CurrentActor) -> dict[str, Any]:
    events.get_event(db, actor, event_id)
    return {
        "slots": [b2b.slot_dict(s) for s in b2b.slots_of(db, event_id)],
        "meetings": [b2b.meeting_dict(m) for m in b2b.meetings_of(db, event_id)],
    }


@router.post("/{event_id}/meetings", status_code=201, summary="A meeting in a slot")
def meeting(event_id: Id, body: MeetingIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    made = b2b.schedule_meeting(
        db,
        actor,
        event_id,
        body.slot_id,
        body.participant_a,
        body.participant_b,
        table_label=body.table_label,
    )
    return b2b.meeting_dict(made)


@router.post("/{event_id}/meetings/seed", summary="Meetings from validated matchmaking proposals")
def seed(event_id: Id, db: DB, actor: CurrentActor) -> dict[str, Any]:
    return b2b.seed_from_proposals(db, actor, event_id).to_dict()


@router.post("/{event_id}/meetings/{meeting_id}/cancel", summary="Cancel a meeting")
def cancel_meeting(event_id: Id, meeting_id: Id, db: DB, actor: CurrentActor) -> dict[str, Any]:
    b2b.cancel_meeting(db, actor, event_id, meeting_id)
    return {"id": meeting_id, "status": "cancelled"}


def include(app: FastAPI) -> None:
    app.include_router(router)
