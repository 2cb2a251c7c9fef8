"""Missions of the advisers in the back office: the list (an adviser sees only their own),
the form that assigns one, and the actions of each mission's page (``backoffice_pages_mission``):
deliverables added and handed in, start, delivery, acceptance or sending back, cancellation,
and the beneficiary's satisfaction."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from marsad.errors import Forbidden, NotFound
from marsad.operational.db import Database
from marsad.programmes import advisers as svc
from marsad.programmes import service, text
from marsad.web.backoffice_pages_advisers import ACCREDITATION, act, checked_id, day, page
from marsad.web.backoffice_pages_forms import Form, control, e, form_alert, table
from marsad.web.backoffice_pages_layout import (
    HOME,
    PageRoute,
    SignedIn,
    Visitor,
    csrf_field,
    layout,
)
from marsad.web.backoffice_pages_mission import (
    BASE,
    NOTICES,
    STATUS,
    STEPS,
    adviser_names,
    application_link,
    mission_page,
)
from marsad.web.deps import DB

router = APIRouter(prefix=HOME, route_class=PageRoute, include_in_schema=False)
NEW_FIELDS = ("application_id", "adviser_id", "days", "start_date", "end_date", "subject")


@router.get("/missions", response_class=HTMLResponse)
def missions(
    request: Request, db: DB, visitor: SignedIn, status: str = "", adviser: str = ""
) -> HTMLResponse:
    status = status if status in STATUS else ""
    adviser_id = int(adviser) if adviser.isdigit() and 1 <= int(adviser) < 2**31 else None
    found = svc.list_missions(db, visitor.actor, adviser_id, None, status or None)
    names = adviser_names(db, found)
    rows = [
        [
            f'<a href="{BASE}/{m.id}">Mission n° {m.id}</a>',
            application_link(visitor, m.application_id),
            e(names.get(m.adviser_id, m.adviser_id)),
            e(STATUS.get(m.status, m.status)),
            e(text.number(m.days, 1)),
            e(m.start_date.strftime("%d/%m/%Y")),
            e(m.end_date.strftime("%d/%m/%Y") if m.end_date else "—"),
            e(f"{m.satisfaction} / 5" if m.satisfaction else "—"),
        ]
        for m in found
    ]
    filters = Form("filter", {"status": status, "adviser": str(adviser_id or "")})
    new = ""
    if visitor.actor.can("mission.write"):
        new = f'<p><a class="button" href="{BASE}/new">Confier une mission</a></p>'
    scope = " (les vôtres)" if visitor.actor.role == "adviser" else ""
    headers = ["Mission", "Demande", "Conseiller", "Statut", "Jours", "Début", "Fin"]
    body = f"""<h1>Missions{scope}</h1>
{new}
<form method="get" action="{BASE}" class="bo-form filters-row" aria-label="Filtrer les missions">
{control(filters, "status", "Statut", options=[("", "Tous les statuts"), *STATUS.items()])}
<input type="hidden" name="adviser" value="{e(filters.values["adviser"])}">
<button type="submit">Filtrer</button>
</form>
{table(f"Missions ({len(rows)})", [*headers, "Satisfaction"], rows, "Aucune mission.")}"""
    return layout(request, visitor, "Missions", body)


def _new_page(
    request: Request, db: Database, visitor: Visitor, form: Form, status: int = 200
) -> HTMLResponse:
    granted = [
        a
        for s in svc.ASSIGNABLE
        for a in service.listing(db, visitor.actor, s)  # approved or under agreement
    ]
    apps = [("", "Choisir"), *((str(a.id), f"n° {a.id} — {a.programme_code}") for a in granted)]
    people = [
        (str(a.id), f"{a.name} — {ACCREDITATION.get(a.accreditation, a.accreditation)}")
        for a in svc.list_advisers(db, visitor.actor)
    ]
    body = f"""<h1>Confier une mission</h1>
{form_alert(form)}
<form method="post" action="{BASE}/new" class="bo-form" novalidate>
{csrf_field(visitor)}
{control(form, "application_id", "Demande approuvée", options=apps, required=True)}
{control(form, "adviser_id", "Conseiller", options=[("", "Choisir"), *people], required=True)}
{control(form, "days", "Jours de conseil", required=True, extra='inputmode="decimal"')}
{control(form, "start_date", "Début", kind="date", required=True)}
{control(form, "end_date", "Fin", kind="date", hint="Par défaut : un jour par jour de conseil.")}
{control(form, "subject", "Objet de la mission", kind="textarea")}
<button type="submit">Confier la mission</button>
</form>"""
    notice = f"Refusé : {form.message}" if form.message else ""
    return page(request, visitor, "Confier une mission", body, status, notice)


@router.get("/missions/new", response_class=HTMLResponse)
def new_mission_form(request: Request, db: DB, visitor: SignedIn, adviser: str = "") -> Response:
    visitor.actor.require("mission.write")
    return _new_page(request, db, visitor, Form("mission", {"adviser_id": adviser[:12]}))


@router.post("/missions/new")
async def new_mission(request: Request, db: DB, visitor: SignedIn) -> Response:
    def run(form: Form) -> str:
        visitor.actor.require("mission.write")
        application_id = form.integer("application_id", 1, 2**31 - 1)
        adviser_id = form.integer("adviser_id", 1, 2**31 - 1)
        for name, value in (("application_id", application_id), ("adviser_id", adviser_id)):
            if value is None:
                form.errors.setdefault(name, "choix obligatoire")
        days = form.decimal("days", high=Decimal(1000), problem="nombre de jours de 0,1 à 1000")
        if days is not None and days <= 0:
            form.errors["days"] = "le nombre de jours doit être strictement positif"
        start, end = day(form, "start_date", required=True), day(form, "end_date")
        if start and end and end < start:
            form.errors["end_date"] = "la fin précède le début"
        form.check()
        assert application_id and adviser_id and days and start
        mission = svc.assign_mission(
            db, visitor.actor, application_id, adviser_id, days, start, end, form.values["subject"]
        )
        return f"{BASE}/{mission.id}?ok=assigned"

    def again(form: Form, status: int, notice: str) -> HTMLResponse:
        return _new_page(request, db, visitor, form, status)

    return await act(request, Form("mission"), NEW_FIELDS, run, again)


@router.get("/missions/{mission_id:int}", response_class=HTMLResponse)
def mission(request: Request, mission_id: int, db: DB, visitor: SignedIn, ok: str = "") -> Response:
    return mission_page(request, db, visitor, mission_id, notice=NOTICES.get(ok, ""))


async def _act(
    request: Request,
    db: DB,
    visitor: Visitor,
    mission_id: int,
    form_id: str,
    fields: tuple[str, ...],
    run: Callable[[Form], str],
) -> Response:
    mission_id = checked_id(mission_id, "La mission")

    def again(form: Form, status: int, notice: str) -> HTMLResponse:
        return mission_page(request, db, visitor, mission_id, {form_id: form}, status, notice)

    def go(form: Form) -> str:
        if not (visitor.actor.can("mission.report") or visitor.actor.can("mission.write")):
            raise Forbidden(f"Le rôle « {visitor.actor.role} » ne permet pas « mission.report ».")
        return f"{BASE}/{mission_id}?ok={run(form)}"

    return await act(request, Form(form_id), fields, go, again)


@router.post("/missions/{mission_id:int}/deliverables")
async def deliverable(request: Request, mission_id: int, db: DB, visitor: SignedIn) -> Response:
    def run(form: Form) -> str:
        due = day(form, "due_date", required=True)
        if not form.values["title"]:
            form.errors["title"] = "intitulé obligatoire"
        form.check()
        assert due is not None
        svc.add_deliverable(db, visitor.actor, mission_id, form.values["title"], due)
        return "deliverable"

    fields = ("title", "due_date")
    return await _act(request, db, visitor, mission_id, "deliverable", fields, run)


@router.post("/missions/{mission_id:int}/deliverables/{deliverable_id:int}/hand-in")
async def hand_in(
    request: Request, mission_id: int, deliverable_id: int, db: DB, visitor: SignedIn
) -> Response:
    deliverable_id = checked_id(deliverable_id, "Le livrable")

    def run(_: Form) -> str:
        svc.hand_in(db, visitor.actor, mission_id, deliverable_id)
        return "handed_in"

    return await _act(request, db, visitor, mission_id, f"handin-{deliverable_id}", (), run)


@router.post("/missions/{mission_id:int}/satisfaction")
async def satisfaction(request: Request, mission_id: int, db: DB, visitor: SignedIn) -> Response:
    def run(form: Form) -> str:
        visitor.actor.require("mission.write")
        score = form.integer("score", 1, 5)
        if score is None:
            form.errors.setdefault("score", "choisissez une note de 1 à 5")
        form.check()
        assert score is not None
        svc.record_satisfaction(db, visitor.actor, mission_id, score, form.values["comment"])
        return "satisfaction"

    fields = ("score", "comment")
    return await _act(request, db, visitor, mission_id, "satisfaction", fields, run)


@router.post("/missions/{mission_id:int}/{action}")
async def step(
    request: Request, mission_id: int, action: str, db: DB, visitor: SignedIn
) -> Response:
    if action not in STEPS:
        raise NotFound("Cette action n'existe pas.")

    def run(form: Form) -> str:
        svc.mission_step(db, visitor.actor, mission_id, action, form.values["reason"])
        return action

    return await _act(request, db, visitor, mission_id, action, ("reason",), run)
