"""The auto-entrepreneur desk in the back office: the cases of the agent's chamber with the
counts per month, and the form of a new case (each case has its page in
``backoffice_pages_desk_case``)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from marsad.errors import MarsadError
from marsad.operational.db import Database
from marsad.programmes import desk
from marsad.web.backoffice_pages_forms import Form, control, e, field_text, table
from marsad.web.backoffice_pages_layout import (
    HOME,
    PageRoute,
    SignedIn,
    Visitor,
    csrf_field,
    layout,
    mad,
    when,
)
from marsad.web.deps import DB

router = APIRouter(prefix=HOME, route_class=PageRoute, include_in_schema=False)
BASE = f"{HOME}/desk"
STATUS = {
    "open": "Ouvert",
    "eligible": "Éligible",
    "ineligible": "Non éligible",
    "registering": "Inscription en cours",
    "registered": "Inscrit",
    "abandoned": "Abandonné",
}
KINDS = [
    ("commerce", "Commerce"),
    ("industry", "Industrie"),
    ("crafts", "Artisanat"),
    ("services", "Prestation de services"),
]
STEPS = {
    "opened": "Ouverture du dossier",
    "information": "Information donnée",
    "documents": "Pièces réunies",
    "submission": "Dossier déposé",
    "follow_up": "Note de suivi",
    "eligible": "Éligibilité vérifiée : éligible",
    "ineligible": "Éligibilité vérifiée : non éligible",
    "registered": "Inscrit au registre",
    "abandoned": "Abandon",
}
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
DECIMAL = 'inputmode="decimal"'
COUNT_HEADERS = ["Mois", "Chambre", "Ouverts", "Éligibles", "Inscrits", "Abandons"]
NEW_FIELDS = (
    "person_name",
    "gender",
    "birth_year",
    "commune_code",
    "phone",
    "activity_kind",
    "activity_code",
    "expected_turnover_mad",
    "chamber_code",
)


@router.get("/desk", response_class=HTMLResponse)
def cases(
    request: Request, db: DB, visitor: SignedIn, status: str = "", year: str = ""
) -> HTMLResponse:
    status = status if status in STATUS else ""
    this_year = date.today().year
    chosen = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else this_year
    found = desk.list_cases(db, visitor.actor, status=status or None, limit=200)
    rows = [
        [
            f'<a href="{BASE}/{c.id}">Dossier n° {c.id}</a>',
            e(c.person_name),
            e(dict(KINDS).get(c.activity_kind, c.activity_kind)),
            e(mad(c.expected_turnover_mad)),
            e(STATUS.get(c.status, c.status)),
            e(c.chamber_code),
            e(when(c.opened_at)),
        ]
        for c in found
    ]
    counts = [
        [
            e(f"{MONTHS[m.month - 1]} {chosen}"),
            e(m.chamber_code),
            str(m.opened),
            str(m.eligible),
            str(m.registered),
            str(m.abandoned),
        ]
        for m in desk.desk_counts(db, visitor.actor, chosen)
    ]
    filters = Form("filter", {"status": status, "year": str(chosen)})
    new = ""
    if visitor.actor.can("desk.write"):
        new = f'<p><a class="button" href="{BASE}/new">Ouvrir un dossier</a></p>'
    scope = f" — chambre {visitor.actor.chamber_code}" if visitor.actor.chamber_code else ""
    headers = ["Dossier", "Personne", "Activité", "CA prévu", "Statut", "Chambre", "Ouvert le"]
    body = f"""<h1>Guichet auto-entrepreneur{e(scope)}</h1>
{new}
<form method="get" action="{BASE}" class="bo-form filters-row" aria-label="Filtrer les dossiers">
{control(filters, "status", "Statut", options=[("", "Tous les statuts"), *STATUS.items()])}
{control(filters, "year", "Année des comptes", extra='inputmode="numeric"')}
<button type="submit">Afficher</button>
</form>
<h2>Dossiers</h2>
{table(f"Dossiers ({len(rows)})", headers, rows, "Aucun dossier.")}
<h2>Dossiers par mois en {chosen}</h2>
{table(f"Dossiers par mois en {chosen}", COUNT_HEADERS, counts, "Aucun dossier cette année.")}"""
    return layout(request, visitor, "Guichet auto-entrepreneur", body)


def _new_page(request: Request, visitor: Visitor, form: Form, status: int = 200) -> HTMLResponse:
    chamber = ""
    if visitor.actor.role != "desk_agent":
        chamber = control(form, "chamber_code", "Chambre (code)", required=True)
    genders = [("", "Non précisé"), ("F", "Femme"), ("M", "Homme")]
    kinds = [("", "Choisir"), *KINDS]
    label = "Chiffre d'affaires annuel prévu (MAD)"
    turnover = control(form, "expected_turnover_mad", label, required=True, extra=DECIMAL)
    body = f"""<h1>Nouveau dossier au guichet</h1>
<form method="post" action="{BASE}/new" class="bo-form" novalidate>
{csrf_field(visitor)}
{control(form, "person_name", "Nom et prénom", required=True, extra='autocomplete="off"')}
{control(form, "gender", "Sexe", options=genders)}
{control(form, "birth_year", "Année de naissance", extra='inputmode="numeric"')}
{control(form, "phone", "Téléphone", kind="tel", hint="Par exemple 06 12 34 56 78.")}
{control(form, "commune_code", "Code de la commune")}
{control(form, "activity_kind", "Nature de l'activité", options=kinds, required=True)}
{control(form, "activity_code", "Code d'activité NMA", hint="Par exemple 4711 ou 47.11.")}
{turnover}
{chamber}
<button type="submit">Ouvrir le dossier</button>
</form>"""
    notice = f"Refusé : {form.message}" if form.message else ""
    return layout(
        request, visitor, "Nouveau dossier", body, status=status, notice=notice, alert=True
    )


@router.get("/desk/new", response_class=HTMLResponse)
def new_case_form(request: Request, visitor: SignedIn) -> HTMLResponse:
    visitor.actor.require("desk.write")
    return _new_page(request, visitor, Form("case"))


def _new_case(request: Request, db: Database, visitor: Visitor, data: FormData) -> Response:
    form = Form("case", {name: field_text(data, name, 200) for name in NEW_FIELDS})
    v = form.values
    try:
        birth_year = form.integer("birth_year", 1900, 2100)
        turnover = form.decimal("expected_turnover_mad")
        if not v["activity_kind"]:
            form.errors["activity_kind"] = "choisissez la nature de l'activité"
        form.check()
        assert turnover is not None
        case = desk.open_case(
            db,
            visitor.actor,
            person_name=v["person_name"],
            activity_kind=v["activity_kind"],
            expected_turnover_mad=turnover,
            gender=v["gender"] or None,
            birth_year=birth_year,
            commune_code=v["commune_code"] or None,
            phone=v["phone"] or None,
            activity_code=v["activity_code"] or None,
            chamber_code=v["chamber_code"] or None,
        )
    except MarsadError as exc:
        form.fail(exc)
        return _new_page(request, visitor, form, status=exc.status)
    return RedirectResponse(f"{BASE}/{case.id}?ok=case", status_code=303)


@router.post("/desk/new", response_class=HTMLResponse)
async def new_case(request: Request, db: DB, visitor: SignedIn) -> Response:
    data = await request.form()
    return await run_in_threadpool(_new_case, request, db, visitor, data)
