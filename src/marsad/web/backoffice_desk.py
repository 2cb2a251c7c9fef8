"""The auto-entrepreneur desk over HTTP: cases, steps, eligibility, outcome, counts.

The routes are thin: the services of ``marsad.programmes.desk`` apply the row-level rule
(a desk agent sees only the cases of their chamber) and write the access log. A request
that breaks a constraint of the models below is answered 422 with one detail per field.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Path, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from marsad.programmes import desk
from marsad.programmes.desk_rules import (
    MAX_TURNOVER,
    check_activity_code,
    check_ae_number,
    check_birth_year,
    check_commune,
    check_phone,
)
from marsad.web.deps import DB, CurrentActor
from marsad.web.models import ErrorBody

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in {
        401: "Missing, unknown or revoked token, or no session",
        403: "The role does not allow it, or the CSRF token is missing",
        404: "No such case in the actor's scope",
        409: "The case is not at a status that allows this step",
        422: "Invalid field",
        429: "Too many requests",
    }.items()
}
router = APIRouter(prefix="/api/desk", tags=["desk"], responses=ERRORS)

Kind = Literal["commerce", "industry", "crafts", "services"]
Status = Literal["open", "eligible", "ineligible", "registering", "registered", "abandoned"]
Turnover = Annotated[Decimal, Field(ge=0, lt=MAX_TURNOVER, decimal_places=2)]
Chamber = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,20}$")]
Purpose = Annotated[str, Field(max_length=300, description="Why the data is used (access log)")]
Year = Annotated[int, Query(ge=2000, le=2100)]
BirthYear = Annotated[int, AfterValidator(check_birth_year)]
CommuneCode = Annotated[str, Field(max_length=12), AfterValidator(check_commune)]
Phone = Annotated[str, Field(max_length=30), AfterValidator(check_phone)]
ActivityCode = Annotated[str, Field(max_length=10), AfterValidator(check_activity_code)]
AeNumber = Annotated[str, Field(max_length=30), AfterValidator(check_ae_number)]
CaseId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Case number")]


class DeskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    purpose: Purpose = desk.DEFAULT_PURPOSE


class CaseIn(DeskRequest):
    person_name: str = Field(min_length=2, max_length=200)
    gender: Literal["F", "M"] | None = None
    birth_year: BirthYear | None = None
    commune_code: CommuneCode | None = None
    phone: Phone | None = Field(None, examples=["06 12 34 56 78"])
    activity_kind: Kind
    activity_code: ActivityCode | None = Field(None, description="NMA 2010 code")
    expected_turnover_mad: Turnover
    chamber_code: Chamber | None = Field(None, description="Administrators only")


class StepIn(DeskRequest):
    step: Literal["information", "documents", "submission", "follow_up"]
    note: str = Field("", max_length=4000)


class EligibilityIn(DeskRequest):
    expected_turnover_mad: Turnover | None = None
    activity_kind: Kind | None = None


class OutcomeIn(DeskRequest):
    outcome: Literal["registered", "abandoned"]
    ae_number: AeNumber | None = Field(None, description="Required when registered")
    note: str = Field("", max_length=4000)


class StepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    at: datetime
    step: str
    note: str
    actor: str


class CaseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    chamber_code: str
    person_name: str
    gender: str | None
    birth_year: int | None
    commune_code: str | None
    phone: str | None
    activity_kind: str
    activity_code: str | None
    expected_turnover_mad: Decimal
    status: str
    eligibility_reason: str
    ae_number: str | None
    enterprise_id: str | None
    opened_at: datetime
    closed_at: datetime | None
    created_by: str


class CaseDetail(CaseOut):
    steps: list[StepOut]


class EligibilityOut(BaseModel):
    eligible: bool
    reason: str
    ceiling_mad: Decimal
    source: str
    case: CaseOut


class MonthCountOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    chamber_code: str
    month: int
    opened: int
    eligible: int
    registered: int
    abandoned: int


class CountsOut(BaseModel):
    year: int
    rows: list[MonthCountOut]


@router.post("/cases", status_code=201, summary="Open a case", response_model=CaseOut)
def open_case(body: CaseIn, db: DB, actor: CurrentActor) -> CaseOut:
    case = desk.open_case(db, actor, **body.model_dump())
    return CaseOut.model_validate(case)


@router.get("/cases", summary="List the cases in scope", response_model=list[CaseOut])
def list_cases(
    db: DB,
    actor: CurrentActor,
    status: Status | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    chamber_code: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_-]{1,20}$")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    purpose: Annotated[str, Query(max_length=300)] = desk.DEFAULT_PURPOSE,
) -> list[CaseOut]:
    cases = desk.list_cases(
        db,
        actor,
        chamber_code=chamber_code,
        status=status,
        year=year,
        limit=limit,
        offset=offset,
        purpose=purpose,
    )
    return [CaseOut.model_validate(c) for c in cases]


@router.get("/cases/{case_id}", summary="A case and its steps", response_model=CaseDetail)
def get_case(
    case_id: CaseId,
    db: DB,
    actor: CurrentActor,
    purpose: Annotated[str, Query(max_length=300)] = desk.DEFAULT_PURPOSE,
) -> CaseDetail:
    found = desk.get_case(db, actor, case_id, purpose)
    steps = [StepOut.model_validate(s) for s in found.steps]
    return CaseDetail(**CaseOut.model_validate(found.case).model_dump(), steps=steps)


@router.post(
    "/cases/{case_id}/steps", status_code=201, summary="Add a step", response_model=CaseOut
)
def add_step(case_id: CaseId, body: StepIn, db: DB, actor: CurrentActor) -> CaseOut:
    case = desk.add_step(db, actor, case_id, body.step, body.note, body.purpose)
    return CaseOut.model_validate(case)


@router.post(
    "/cases/{case_id}/eligibility",
    summary="Check the case against the turnover ceilings",
    response_model=EligibilityOut,
)
def check_eligibility(
    case_id: CaseId, body: EligibilityIn, db: DB, actor: CurrentActor
) -> EligibilityOut:
    case, found = desk.check_eligibility(
        db,
        actor,
        case_id,
        expected_turnover_mad=body.expected_turnover_mad,
        activity_kind=body.activity_kind,
        purpose=body.purpose,
    )
    return EligibilityOut(
        eligible=found.eligible,
        reason=found.reason,
        ceiling_mad=found.ceiling_mad,
        source=found.source,
        case=CaseOut.model_validate(case),
    )


@router.post(
    "/cases/{case_id}/outcome",
    summary="Close the case: registered (with the AE number) or abandoned",
    response_model=CaseOut,
)
def record_outcome(case_id: CaseId, body: OutcomeIn, db: DB, actor: CurrentActor) -> CaseOut:
    case = desk.record_outcome(
        db,
        actor,
        case_id,
        body.outcome,
        ae_number=body.ae_number,
        note=body.note,
        purpose=body.purpose,
    )
    return CaseOut.model_validate(case)


@router.get("/counts", summary="Cases per chamber and month", response_model=CountsOut)
def counts(
    db: DB,
    actor: CurrentActor,
    year: Year,
    chamber_code: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_-]{1,20}$")] = None,
) -> CountsOut:
    rows = desk.desk_counts(db, actor, year, chamber_code)
    return CountsOut(year=year, rows=[MonthCountOut.model_validate(r) for r in rows])


def include(app: FastAPI) -> None:
    app.include_router(router)
