"""The training API: the module catalogue, cohorts and sessions, enrolment, attendance,
skills assessments and certificates (participants and coaching: ``training_api_people``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from marsad.register.build import current_build
from marsad.training import assessment, attendance, catalogue, certificates, cohorts, enrolment
from marsad.training.views import cohort_list, cohort_view
from marsad.web.deps import DB, CurrentActor
from marsad.web.models import ErrorBody

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in {
        401: "Not signed in",
        403: "The role does not allow it",
        404: "Unknown module, cohort, session, enrolment or participant",
        409: "Refused by the state (a full cohort, a certificate already issued, ...)",
        422: "Invalid field",
    }.items()
}
router = APIRouter(prefix="/api/training", tags=["training"], responses=ERRORS)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
ModuleCode = Annotated[str, Path(pattern=r"^[A-Z][A-Z0-9-]{0,39}$")]
Partner = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{1,19}$")]
Region = Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])$")]
Commune = Annotated[str, Field(pattern=r"^[0-9]{8}$")]
Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2100, 12, 31))]
Format = Literal["in_person", "remote", "hybrid"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CohortIn(Strict):
    code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]{2,39}$")
    module_code: str = Field(pattern=r"^[A-Z][A-Z0-9-]{0,39}$")
    partner_code: Partner
    region_code: Region
    commune_code: Commune | None = None
    trainer: str = Field(min_length=1, max_length=200)
    language: Literal["fr", "ar", "zgh"] = "fr"
    capacity: int = Field(ge=1, le=cohorts.MAX_CAPACITY)
    starts_on: Day
    ends_on: Day


class SessionIn(Strict):
    held_on: Day
    hours: Decimal = Field(gt=0, le=24, decimal_places=1)
    place: str = Field(min_length=1, max_length=200)
    format: Format


class EnrolIn(Strict):
    participant_id: int = Field(ge=1, le=2**31 - 1)


class Presence(Strict):
    enrolment_id: int = Field(ge=1, le=2**31 - 1)
    present: bool


class AttendanceIn(Strict):
    present: list[Presence] = Field(min_length=1, max_length=cohorts.MAX_CAPACITY)


class AssessmentIn(Strict):
    phase: Literal["before", "after"]
    answers: dict[Annotated[str, Field(max_length=20)], Annotated[int, Field(ge=0, le=10)]] = Field(
        default_factory=dict, max_length=20
    )
    taken_on: Day


class IssueIn(Strict):
    issued_on: Day | None = Field(default=None, description="default: today")


def build_of(request: Request) -> FilePath | None:
    return current_build(request.app.state.settings)


@router.get("/modules", summary="The module catalogue")
def modules(
    db: DB, actor: CurrentActor, active: bool = Query(default=False, description="only active")
) -> list[dict[str, Any]]:
    return [catalogue.module_dict(m) for m in catalogue.list_modules(db, actor, active_only=active)]


@router.get("/modules/{code}", summary="One module, with its questionnaire")
def module(code: ModuleCode, db: DB, actor: CurrentActor) -> dict[str, Any]:
    found = catalogue.get_module(db, actor, code)
    questions = [
        {"id": q["id"], "text": q["text"], "choices": q["choices"]} for q in found.questionnaire
    ]
    return {**catalogue.module_dict(found), "questionnaire": questions}


@router.post("/modules/import", summary="Import the shipped catalogue into the database")
def import_modules(db: DB, actor: CurrentActor) -> dict[str, int]:
    return catalogue.import_modules(db, actor).to_dict()


@router.get("/cohorts", summary="Cohorts, their counts and the inclusion breakdown")
def list_cohorts(
    request: Request,
    db: DB,
    actor: CurrentActor,
    partner_code: str | None = Query(default=None, pattern=r"^[A-Z][A-Z0-9_]{1,19}$"),
    region_code: str | None = Query(default=None, pattern=r"^(0[1-9]|1[0-2])$"),
    module_code: str | None = Query(default=None, pattern=r"^[A-Z][A-Z0-9-]{0,39}$"),
) -> dict[str, Any]:
    return cohort_list(
        db,
        actor,
        build_of(request),
        date.today(),
        partner_code=partner_code,
        region_code=region_code,
        module_code=module_code,
    )


@router.post("/cohorts", status_code=201, summary="A new cohort, open to enrolment")
def create_cohort(body: CohortIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    return cohorts.cohort_dict(cohorts.create_cohort(db, actor, body.model_dump()))


class StatusIn(Strict):
    status: Literal["open", "closed", "cancelled"]


@router.post("/cohorts/{cohort_id}/status", summary="Open, close or cancel a cohort")
def cohort_status(cohort_id: Id, body: StatusIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    return cohorts.cohort_dict(cohorts.set_status(db, actor, cohort_id, body.status))


@router.get("/cohorts/{cohort_id}", summary="One cohort: sessions, participants, results")
def get_cohort(request: Request, cohort_id: Id, db: DB, actor: CurrentActor) -> dict[str, Any]:
    return cohort_view(db, actor, cohort_id, build_of(request), date.today())


@router.post("/cohorts/{cohort_id}/sessions", status_code=201, summary="The next session")
def add_session(cohort_id: Id, body: SessionIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    held = cohorts.add_session(db, actor, cohort_id, **body.model_dump())
    return cohorts.session_dict(held)


@router.post("/cohorts/{cohort_id}/enrolments", status_code=201, summary="Enrol a participant")
def enrol(cohort_id: Id, body: EnrolIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    made = enrolment.enrol(db, actor, cohort_id, body.participant_id)
    return {"id": made.id, "cohort_id": cohort_id, "participant_id": made.participant_id}


@router.post("/enrolments/{enrolment_id}/withdraw", summary="Withdraw: the seat is freed")
def withdraw(enrolment_id: Id, db: DB, actor: CurrentActor) -> dict[str, Any]:
    gone = enrolment.withdraw(db, actor, enrolment_id)
    return {"id": gone.id, "cohort_id": gone.cohort_id, "status": gone.status}


@router.post("/sessions/{session_id}/attendance", summary="Who was present at a session")
def record_attendance(
    session_id: Id, body: AttendanceIn, db: DB, actor: CurrentActor
) -> dict[str, int]:
    sheet = {p.enrolment_id: p.present for p in body.present}
    written = attendance.record_attendance(db, actor, session_id, sheet, date.today())
    return {"session_id": session_id, "recorded": written}


@router.post(
    "/enrolments/{enrolment_id}/assessments", status_code=201, summary="Skills before or after"
)
def assess(enrolment_id: Id, body: AssessmentIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    done = assessment.record_assessment(
        db, actor, enrolment_id, body.phase, body.answers, body.taken_on
    )
    return {"enrolment_id": enrolment_id, "phase": done.phase, "score": done.score}


@router.post("/enrolments/{enrolment_id}/certificate", status_code=201, summary="Certify")
def certify(enrolment_id: Id, body: IssueIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    made = certificates.issue(db, actor, enrolment_id, body.issued_on or date.today())
    return {"number": made.number, "enrolment_id": enrolment_id, "issued_on": str(made.issued_on)}


@router.post("/cohorts/{cohort_id}/certificates", summary="Certify everyone who completed")
def certify_all(cohort_id: Id, body: IssueIn, db: DB, actor: CurrentActor) -> dict[str, Any]:
    made = certificates.issue_all(db, actor, cohort_id, body.issued_on or date.today())
    return {"cohort_id": cohort_id, "issued": [c.number for c in made]}


@router.get(
    "/certificates/{number}",
    summary="Check a certificate number (public: no name is given)",
    responses={422: {"model": ErrorBody, "description": "Malformed number"}},
)
def verify_certificate(number: Annotated[str, Path(max_length=40)], db: DB) -> dict[str, Any]:
    found = certificates.verify(db, number)
    return {
        "number": found.number,
        "valid": found.valid,
        "module": found.module,
        "cohort": found.cohort,
        "partner_code": found.partner_code,
        "issued_on": None if found.issued_on is None else str(found.issued_on),
        "holder_initials": found.holder_initials,
    }


def include(app: FastAPI) -> None:
    from marsad.web.backoffice_pages_training import include as include_pages
    from marsad.web.training_api_people import router as people

    app.include_router(router)
    app.include_router(people)
    include_pages(app)
