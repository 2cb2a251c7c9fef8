"""Forms of assessments and coaching in the back office: a participant's answers to the
module's questionnaire (before or after), a new coaching plan, a visit with the actions
agreed during it — each checked with an error next to its field."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from marsad.errors import InvalidInput
from marsad.operational.db import Database
from marsad.register.build import current_build
from marsad.training import assessment, coaching
from marsad.training.catalogue import FORMAT_LABELS
from marsad.training.register_facts import in_register
from marsad.web.backoffice_pages_forms import Form, control, e, field_text
from marsad.web.backoffice_pages_layout import HOME, PageRoute, SignedIn, Visitor, settings_of
from marsad.web.backoffice_pages_training import BASE
from marsad.web.backoffice_pages_training_forms import checked_id, day, page, submit
from marsad.web.deps import DB

router = APIRouter(prefix=HOME, route_class=PageRoute, include_in_schema=False)
PHASES = {"before": "avant la formation", "after": "après la formation"}
PLAN_FIELDS = ("enterprise_id", "participant_id", "partner_code", "coach", "objectives")
ACTION_ROWS = 3


def _phase(value: str) -> str:
    if value not in PHASES:
        raise InvalidInput("Phase d'évaluation inconnue (before ou after).")
    return value


def _radios(form: Form, question: dict[str, Any]) -> str:
    name = f"q_{question['id']}"
    chosen = form.values.get(name, "")
    options = "".join(
        f'<div class="field check"><input type="radio" name="{e(name)}" value="{i}" '
        f'id="{e(name)}-{i}"{" checked" if chosen == str(i) else ""}> '
        f'<label for="{e(name)}-{i}">{e(text)}</label></div>'
        for i, text in enumerate(question["choices"])
    )
    return f"<fieldset><legend>{e(question['text'])}</legend>{options}</fieldset>"


def _assessment_page(
    request: Request,
    db: Database,
    visitor: Visitor,
    enrolment_id: int,
    phase: str,
    form: Form,
    status: int = 200,
) -> HTMLResponse:
    module, _ = assessment.questionnaire_of(db, enrolment_id)
    controls = [control(form, "taken_on", "Date de l'évaluation", kind="date", required=True)]
    controls += [_radios(form, q) for q in module.questionnaire]
    title = f"Évaluation {PHASES[phase]} — {module.title}"
    action = f"{BASE}/enrolments/{enrolment_id}/assessment/{phase}"
    return page(request, visitor, title, action, form, controls, "Enregistrer le score", status)


@router.get("/training/enrolments/{enrolment_id}/assessment/{phase}", response_class=HTMLResponse)
def assessment_form(
    request: Request, enrolment_id: int, phase: str, db: DB, visitor: SignedIn
) -> HTMLResponse:
    visitor.actor.require("training.write")
    form = Form("assess", {"taken_on": date.today().isoformat()})
    return _assessment_page(request, db, visitor, checked_id(enrolment_id), _phase(phase), form)


def _assess(
    request: Request, db: Database, visitor: Visitor, enrolment_id: int, phase: str, data: Any
) -> Response:
    module, enrolment = assessment.questionnaire_of(db, enrolment_id)
    names = ["taken_on", *(f"q_{q['id']}" for q in module.questionnaire)]
    form = Form("assess", {n: field_text(data, n, 20) for n in names})
    taken = day(form, "taken_on")
    answers = {
        str(q["id"]): int(form.values[f"q_{q['id']}"])
        for q in module.questionnaire
        if form.values[f"q_{q['id']}"].isdigit()
    }

    def act() -> str:
        assert taken is not None
        assessment.record_assessment(db, visitor.actor, enrolment_id, phase, answers, taken)
        return f"{BASE}/cohorts/{enrolment.cohort_id}?ok=assessment"

    return submit(
        form,
        act,
        lambda f, s: _assessment_page(request, db, visitor, enrolment_id, phase, f, s),
    )


@router.post("/training/enrolments/{enrolment_id}/assessment/{phase}", response_class=HTMLResponse)
async def assess(
    request: Request, enrolment_id: int, phase: str, db: DB, visitor: SignedIn
) -> Response:
    data = await request.form()
    ident, which = checked_id(enrolment_id), _phase(phase)
    return await run_in_threadpool(_assess, request, db, visitor, ident, which, data)


def _plan_page(request: Request, visitor: Visitor, form: Form, status: int = 200) -> HTMLResponse:
    controls = [
        control(form, "enterprise_id", "Entreprise au registre"),
        control(form, "participant_id", "N° du participant accompagné", hint="Facultatif."),
        control(form, "partner_code", "Organisateur", required=True),
        control(form, "coach", "Coach", required=True),
        control(form, "objectives", "Objectifs (un par ligne)", kind="textarea", required=True),
        control(form, "starts_on", "Début", kind="date", required=True),
    ]
    action = f"{BASE}/coaching/new"
    return page(
        request,
        visitor,
        "Nouveau plan d'accompagnement",
        action,
        form,
        controls,
        "Créer le plan",
        status,
    )


@router.get("/training/coaching/new", response_class=HTMLResponse)
def new_plan(request: Request, visitor: SignedIn) -> HTMLResponse:
    visitor.actor.require("coaching.write")
    return _plan_page(request, visitor, Form("plan", {"starts_on": date.today().isoformat()}))


def _create_plan(request: Request, db: Database, visitor: Visitor, data: Any) -> Response:
    form = Form("plan", {n: field_text(data, n, 3000) for n in (*PLAN_FIELDS, "starts_on")})
    start = day(form, "starts_on")
    person = form.integer("participant_id", 1, 2**31 - 1)
    build = current_build(settings_of(request))

    def act() -> str:
        values: dict[str, Any] = {
            **form.values,
            "participant_id": person,
            "objectives": form.values["objectives"].splitlines(),
            "starts_on": start,
        }
        made = coaching.create_plan(db, visitor.actor, values, exists=in_register(build))
        return f"{BASE}/coaching/{made.id}"

    return submit(form, act, lambda f, s: _plan_page(request, visitor, f, s))


@router.post("/training/coaching/new", response_class=HTMLResponse)
async def create_plan(request: Request, db: DB, visitor: SignedIn) -> Response:
    data = await request.form()
    return await run_in_threadpool(_create_plan, request, db, visitor, data)


def _visit_page(
    request: Request, visitor: Visitor, plan_id: int, form: Form, status: int = 200
) -> HTMLResponse:
    controls = [
        control(form, "visited_on", "Date de la visite", kind="date", required=True),
        control(form, "format", "Format", options=list(FORMAT_LABELS.items())),
        control(form, "notes", "Notes", kind="textarea"),
    ]
    for i in range(ACTION_ROWS):
        controls.append(control(form, f"action_{i}", f"Action convenue {i + 1}"))
        controls.append(control(form, f"due_{i}", f"Échéance de l'action {i + 1}", kind="date"))
    action = f"{BASE}/coaching/{plan_id}/visit"
    return page(
        request, visitor, "Nouvelle visite", action, form, controls, "Enregistrer la visite", status
    )


@router.get("/training/coaching/{plan_id}/visit", response_class=HTMLResponse)
def new_visit(request: Request, plan_id: int, visitor: SignedIn) -> HTMLResponse:
    visitor.actor.require("coaching.write")
    form = Form("visit", {"visited_on": date.today().isoformat(), "format": "in_person"})
    return _visit_page(request, visitor, checked_id(plan_id), form)


def _record_visit(
    request: Request, db: Database, visitor: Visitor, plan_id: int, data: Any
) -> Response:
    names = ["visited_on", "format", "notes"]
    names += [f"{k}_{i}" for i in range(ACTION_ROWS) for k in ("action", "due")]
    form = Form("visit", {n: field_text(data, n, 4000) for n in names})
    visited = day(form, "visited_on")
    actions = []
    for i in range(ACTION_ROWS):
        text = form.values[f"action_{i}"]
        if text:
            due = day(form, f"due_{i}")
            if due is not None:
                actions.append((text, due))

    def act() -> str:
        assert visited is not None
        coaching.record_visit(
            db,
            visitor.actor,
            plan_id,
            visited_on=visited,
            format=form.values["format"],
            notes=form.values["notes"],
            actions=actions,
        )
        return f"{BASE}/coaching/{plan_id}"

    return submit(form, act, lambda f, s: _visit_page(request, visitor, plan_id, f, s))


@router.post("/training/coaching/{plan_id}/visit", response_class=HTMLResponse)
async def record_visit(request: Request, plan_id: int, db: DB, visitor: SignedIn) -> Response:
    data = await request.form()
    ident = checked_id(plan_id)
    return await run_in_threadpool(_record_visit, request, db, visitor, ident, data)
