"""The new-application form: the programme and its instrument, the enterprise of the
register, the amount and the project's figures, each checked with an error by field."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from marsad.errors import MarsadError
from marsad.operational.db import Database
from marsad.programmes import service
from marsad.reference import load_regions
from marsad.web.backoffice_pages_application import PROJECT_KINDS
from marsad.web.backoffice_pages_forms import Form, control, e, field_text
from marsad.web.backoffice_pages_layout import (
    HOME,
    PageRoute,
    SignedIn,
    Visitor,
    csrf_field,
    layout,
    settings_of,
)
from marsad.web.backoffice_pages_programmes import instrument_name
from marsad.web.deps import DB

router = APIRouter(prefix=HOME, route_class=PageRoute, include_in_schema=False)
BASE = f"{HOME}/applications"
ENTERPRISE_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
NEW_FIELDS = (
    "programme",
    "enterprise_id",
    "requested_mad",
    "instrument",
    "kind",
    "project_cost_mad",
    "investment_mad",
    "own_funds_mad",
    "jobs_created",
    "region_code",
    "description",
)
PROJECT_AMOUNTS = ("project_cost_mad", "investment_mad", "own_funds_mad")


def _instrument_options(chosen_programme: str, chosen: str) -> str:
    groups = []
    for code, prog in service.catalogue().items():
        options = "".join(
            f'<option value="{i}"'
            f"{' selected' if code == chosen_programme and str(i) == chosen else ''}>"
            f"{e(instrument_name(prog, i))}</option>"
            for i in range(len(prog.instruments))
        )
        groups.append(f'<optgroup label="{e(code)}">{options}</optgroup>')
    return "".join(groups)


def _new_page(request: Request, visitor: Visitor, form: Form, status: int = 200) -> HTMLResponse:
    names = ((c, f"{c} — {p.name.fr}") for c, p in service.catalogue().items())
    programmes = [("", "Choisir un programme"), *names]
    regions = [
        ("", "Région du siège"),
        *((r.code, f"{r.code} {r.name_fr}") for r in load_regions()),
    ]
    v, money = form.values, 'inputmode="decimal"'
    instruments = _instrument_options(v.get("programme", ""), v.get("instrument", ""))
    what = [
        control(form, "programme", "Programme", options=programmes, required=True),
        control(
            form,
            "enterprise_id",
            "Identifiant de l'entreprise au registre",
            required=True,
            hint="Par exemple E009665CB9E.",
            extra='autocomplete="off"',
        ),
        control(form, "requested_mad", "Montant demandé (MAD)", required=True, extra=money),
        control(
            form,
            "instrument",
            "Instrument",
            options_html=instruments,
            hint="Choisissez un instrument du programme retenu.",
        ),
    ]
    project = [
        control(form, "kind", "Nature du projet", options=PROJECT_KINDS),
        control(form, "project_cost_mad", "Coût du projet (MAD)", extra=money),
        control(form, "investment_mad", "Investissement (MAD)", extra=money),
        control(form, "own_funds_mad", "Fonds propres (MAD)", extra=money),
        control(form, "jobs_created", "Emplois créés", extra='inputmode="numeric"'),
        control(form, "region_code", "Région du projet", options=regions),
        control(form, "description", "Description", kind="textarea"),
    ]
    body = f"""<h1>Nouvelle demande</h1>
<form method="post" action="{BASE}/new" class="bo-form" novalidate>
{csrf_field(visitor)}
<fieldset><legend>Demande</legend>
{"".join(what)}
</fieldset>
<fieldset><legend>Projet</legend>
{"".join(project)}
</fieldset>
<button type="submit">Créer la demande</button>
</form>"""
    notice = f"Refusé : {form.message}" if form.message else ""
    return layout(
        request, visitor, "Nouvelle demande", body, status=status, notice=notice, alert=True
    )


@router.get("/applications/new", response_class=HTMLResponse)
def new_form(request: Request, visitor: SignedIn, programme: str = "") -> HTMLResponse:
    visitor.actor.require("application.create")
    return _new_page(request, visitor, Form("new", {"programme": programme[:40]}))


def _project(form: Form) -> dict[str, Any]:
    v = form.values
    project: dict[str, Any] = {}
    for name in PROJECT_AMOUNTS:
        amount = form.decimal(name, required=False)
        if amount is not None:
            project[name] = str(amount)
    jobs = form.integer("jobs_created", 0, 100_000)
    if jobs is not None:
        project["jobs_created"] = jobs
    if v["kind"]:
        if v["kind"] in dict(PROJECT_KINDS):
            project["kind"] = v["kind"]
        else:
            form.errors["kind"] = "nature de projet inconnue"
    if v["region_code"]:
        if v["region_code"] in {r.code for r in load_regions()}:
            project["region_code"] = v["region_code"]
        else:
            form.errors["region_code"] = "région inconnue"
    if v["description"]:
        project["description"] = v["description"]
    return project


def _create(request: Request, db: Database, visitor: Visitor, data: FormData) -> Response:
    form = Form("new", {name: field_text(data, name) for name in NEW_FIELDS})
    v = form.values
    try:
        prog = service.catalogue().get(v["programme"])
        if prog is None:
            form.errors["programme"] = "choisissez un programme du catalogue"
        if not ENTERPRISE_ID.match(v["enterprise_id"]):
            form.errors["enterprise_id"] = "identifiant du registre : lettres, chiffres, - et _"
        requested = form.decimal("requested_mad")
        instrument = form.integer("instrument", 0, len(prog.instruments) - 1 if prog else 20)
        project = _project(form)
        form.check()
        assert prog is not None and requested is not None
        created = service.apply(
            settings_of(request),
            db,
            visitor.actor,
            prog.code,
            v["enterprise_id"],
            requested,
            project,
            instrument or 0,
        )
    except MarsadError as exc:
        form.fail(exc)
        return _new_page(request, visitor, form, status=exc.status)
    return RedirectResponse(f"{BASE}/{created.id}?ok=created", status_code=303)


@router.post("/applications/new", response_class=HTMLResponse)
async def create(request: Request, db: DB, visitor: SignedIn) -> Response:
    data = await request.form()
    return await run_in_threadpool(_create, request, db, visitor, data)
