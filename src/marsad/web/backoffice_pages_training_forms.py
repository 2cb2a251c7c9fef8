"""Forms of the training pages: a new cohort, a session, a participant, an enrolment —
each checked with an error next to its field, through the same services as the API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from marsad.errors import InvalidInput, MarsadError
from marsad.operational.db import Database
from marsad.reference import load_regions
from marsad.register.build import current_build
from marsad.training import cohorts, enrolment, participants
from marsad.training.catalogue import FORMAT_LABELS, LANGUAGE_LABELS, list_modules
from marsad.training.register_facts import in_register
from marsad.web.backoffice_pages_forms import Form, control, e, field_text, form_alert
from marsad.web.backoffice_pages_layout import (
    HOME,
    MAX_ID,
    PageRoute,
    SignedIn,
    Visitor,
    csrf_field,
    layout,
    settings_of,
)
from marsad.web.backoffice_pages_training import BASE
from marsad.web.deps import DB

router = APIRouter(prefix=HOME, route_class=PageRoute, include_in_schema=False)
COHORT_FIELDS = (
    "code",
    "module_code",
    "partner_code",
    "region_code",
    "commune_code",
    "trainer",
    "language",
    "capacity",
    "starts_on",
    "ends_on",
)
SESSION_FIELDS = ("held_on", "hours", "place", "format")
PERSON_FIELDS = (
    "full_name",
    "gender",
    "birth_year",
    "phone",
    "email",
    "commune_code",
    "enterprise_id",
    "enterprise_role",
    "partner_code",
)
ROLES = [("", "Dirigeant (ou porteur de projet sans entreprise)")] + [
    (k, v) for k, v in participants.ROLE_LABELS.items()
]


def day(form: Form, name: str) -> date | None:
    raw = form.values.get(name, "")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        form.errors[name] = "date attendue (AAAA-MM-JJ)"
        return None


def page(
    request: Request,
    visitor: Visitor,
    title: str,
    action: str,
    form: Form,
    controls: list[str],
    button: str,
    status: int = 200,
) -> HTMLResponse:
    body = f"""<h1>{e(title)}</h1>
<p><a href="{BASE}">Retour aux cohortes</a></p>
{form_alert(form)}
<form method="post" action="{e(action)}" class="bo-form" novalidate>{csrf_field(visitor)}
{"".join(controls)}
<button type="submit">{e(button)}</button></form>"""
    notice = f"Refusé : {form.message}" if form.message else ""
    return layout(request, visitor, title, body, status=status, notice=notice, alert=True)


def submit(
    form: Form,
    act: Callable[[], str],
    again: Callable[[Form, int], HTMLResponse],
) -> Response:
    """Run ``act`` (the address to go to); a refusal shows the form again with its errors."""
    try:
        form.check()
        target = act()
    except MarsadError as exc:
        form.fail(exc)
        return again(form, exc.status)
    return RedirectResponse(target, status_code=303)


def _cohort_controls(db: Database, visitor: Visitor, form: Form) -> list[str]:
    modules = [("", "Choisir un module")] + [
        (m.code, f"{m.code} — {m.title}") for m in list_modules(db, visitor.actor, active_only=True)
    ]
    regions = [("", "Choisir une région")] + [
        (r.code, f"{r.code} {r.name_fr}") for r in load_regions()
    ]
    return [
        control(form, "code", "Code de la cohorte", required=True, hint="Par exemple TRESO-TNG-1."),
        control(form, "module_code", "Module", options=modules, required=True),
        control(form, "partner_code", "Organisateur", required=True, hint="MAROC_PME, CCIS06…"),
        control(form, "region_code", "Région", options=regions, required=True),
        control(form, "commune_code", "Commune (code du référentiel)", hint="Facultatif."),
        control(form, "trainer", "Formateur", required=True),
        control(form, "language", "Langue", options=list(LANGUAGE_LABELS.items())),
        control(form, "capacity", "Places", required=True, extra='inputmode="numeric"'),
        control(form, "starts_on", "Début", kind="date", required=True),
        control(form, "ends_on", "Fin", kind="date", required=True),
    ]


def _cohort_page(
    request: Request, db: Database, visitor: Visitor, form: Form, status: int = 200
) -> HTMLResponse:
    controls = _cohort_controls(db, visitor, form)
    action = f"{BASE}/cohorts/new"
    return page(request, visitor, "Nouvelle cohorte", action, form, controls, "Créer", status)


@router.get("/training/cohorts/new", response_class=HTMLResponse)
def new_cohort(request: Request, db: DB, visitor: SignedIn) -> HTMLResponse:
    visitor.actor.require("training.write")
    return _cohort_page(request, db, visitor, Form("cohort", {"language": "fr"}))


def _create_cohort(request: Request, db: Database, visitor: Visitor, data: Any) -> Response:
    form = Form("cohort", {n: field_text(data, n, 300) for n in COHORT_FIELDS})
    capacity = form.integer("capacity", 1, cohorts.MAX_CAPACITY)
    start, end = day(form, "starts_on"), day(form, "ends_on")

    def act() -> str:
        values: dict[str, Any] = {**form.values, "capacity": capacity}
        values.update(starts_on=start, ends_on=end, commune_code=values["commune_code"] or None)
        made = cohorts.create_cohort(db, visitor.actor, values)
        return f"{BASE}/cohorts/{made.id}/sessions/new"

    return submit(form, act, lambda f, s: _cohort_page(request, db, visitor, f, s))


@router.post("/training/cohorts/new", response_class=HTMLResponse)
async def create_cohort(request: Request, db: DB, visitor: SignedIn) -> Response:
    data = await request.form()
    return await run_in_threadpool(_create_cohort, request, db, visitor, data)


def _session_page(
    request: Request, visitor: Visitor, cohort_id: int, form: Form, status: int = 200
) -> HTMLResponse:
    formats = list(FORMAT_LABELS.items())
    controls = [
        control(form, "held_on", "Date", kind="date", required=True),
        control(form, "hours", "Durée (heures)", required=True, extra='inputmode="decimal"'),
        control(form, "place", "Lieu", required=True),
        control(form, "format", "Format", options=formats),
    ]
    action = f"{BASE}/cohorts/{cohort_id}/sessions/new"
    title = "Nouvelle séance"
    return page(request, visitor, title, action, form, controls, "Ajouter la séance", status)


def checked_id(value: int) -> int:
    if not 1 <= value <= MAX_ID:
        raise InvalidInput("Numéro invalide.")
    return value


@router.get("/training/cohorts/{cohort_id}/sessions/new", response_class=HTMLResponse)
def new_session(request: Request, cohort_id: int, visitor: SignedIn) -> HTMLResponse:
    visitor.actor.require("training.write")
    form = Form("session", {"format": "in_person", "hours": "3"})
    return _session_page(request, visitor, checked_id(cohort_id), form)


def _add_session(
    request: Request, db: Database, visitor: Visitor, cohort_id: int, data: Any
) -> Response:
    form = Form("session", {n: field_text(data, n, 200) for n in SESSION_FIELDS})
    held = day(form, "held_on")
    hours = form.decimal("hours", high=Decimal(24), problem="nombre d'heures (24 au plus)")

    def act() -> str:
        assert held is not None and hours is not None  # form.check() passed
        cohorts.add_session(
            db,
            visitor.actor,
            cohort_id,
            held_on=held,
            hours=hours,
            place=form.values["place"],
            format=form.values["format"],
        )
        return f"{BASE}/cohorts/{cohort_id}?ok=session"

    return submit(form, act, lambda f, s: _session_page(request, visitor, cohort_id, f, s))


@router.post("/training/cohorts/{cohort_id}/sessions/new", response_class=HTMLResponse)
async def add_session(request: Request, cohort_id: int, db: DB, visitor: SignedIn) -> Response:
    data = await request.form()
    ident = checked_id(cohort_id)
    return await run_in_threadpool(_add_session, request, db, visitor, ident, data)


def _person_page(request: Request, visitor: Visitor, form: Form, status: int = 200) -> HTMLResponse:
    genders = [("", "Non renseigné"), ("F", "Femme"), ("M", "Homme")]
    controls = [
        control(form, "full_name", "Nom et prénom", required=True),
        control(form, "gender", "Genre", options=genders),
        control(form, "birth_year", "Année de naissance", extra='inputmode="numeric"'),
        control(form, "phone", "Téléphone", kind="tel"),
        control(form, "email", "Courriel", kind="email"),
        control(form, "commune_code", "Commune (code du référentiel)"),
        control(form, "enterprise_id", "Entreprise au registre", hint="Vide : porteur de projet."),
        control(form, "enterprise_role", "Rôle dans l'entreprise", options=ROLES),
        control(form, "partner_code", "Organisateur", required=True),
    ]
    title, action = "Nouveau participant", f"{BASE}/participants/new"
    return page(request, visitor, title, action, form, controls, "Enregistrer", status)


@router.get("/training/participants/new", response_class=HTMLResponse)
def new_person(request: Request, visitor: SignedIn) -> HTMLResponse:
    visitor.actor.require("training.write")
    return _person_page(request, visitor, Form("person", {}))


def _register(request: Request, db: Database, visitor: Visitor, data: Any) -> Response:
    form = Form("person", {n: field_text(data, n, 200) for n in PERSON_FIELDS})
    year = form.integer("birth_year", 1900, 2100)
    build = current_build(settings_of(request))

    def act() -> str:
        values: dict[str, Any] = {**form.values, "birth_year": year}
        values = {k: (v if v != "" else None) for k, v in values.items()}
        made = participants.register_participant(
            db, visitor.actor, values, exists=in_register(build)
        )
        return f"{BASE}/participants/{made.id}"

    return submit(form, act, lambda f, s: _person_page(request, visitor, f, s))


@router.post("/training/participants/new", response_class=HTMLResponse)
async def register(request: Request, db: DB, visitor: SignedIn) -> Response:
    data = await request.form()
    return await run_in_threadpool(_register, request, db, visitor, data)


@router.post("/training/cohorts/{cohort_id}/enrolments", response_class=HTMLResponse)
async def enrol(request: Request, cohort_id: int, db: DB, visitor: SignedIn) -> Response:
    raw = field_text(await request.form(), "participant_id", 12)
    ident = checked_id(cohort_id)
    person = checked_id(int(raw)) if raw.isdigit() else checked_id(0)
    await run_in_threadpool(enrolment.enrol, db, visitor.actor, ident, person)
    return RedirectResponse(f"{BASE}/cohorts/{ident}?ok=enrolled", status_code=303)


@router.post("/training/enrolments/{enrolment_id}/withdraw", response_class=HTMLResponse)
async def withdraw(request: Request, enrolment_id: int, db: DB, visitor: SignedIn) -> Response:
    gone = await run_in_threadpool(enrolment.withdraw, db, visitor.actor, checked_id(enrolment_id))
    return RedirectResponse(f"{BASE}/cohorts/{gone.cohort_id}?ok=withdrawn", status_code=303)
