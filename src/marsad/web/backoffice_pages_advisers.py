"""Advisers in the back office: the list with its filters, the form to reference one, and
each adviser's page with the accreditation decisions for those who may take them; and the
helpers of the support services' pages (a date typed in a form, an action's refusal)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date, datetime

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from marsad.errors import MarsadError, NotFound
from marsad.programmes import advisers as svc
from marsad.programmes.support_models import Adviser
from marsad.reference import load_regions
from marsad.web.backoffice_pages_forms import Form, control, e, field_text, form_alert, table
from marsad.web.backoffice_pages_layout import (
    HOME,
    MAX_ID,
    PageRoute,
    SignedIn,
    Visitor,
    csrf_field,
    layout,
    mad,
)
from marsad.web.deps import DB

router = APIRouter(prefix=HOME, route_class=PageRoute, include_in_schema=False)
BASE = f"{HOME}/advisers"
MODELS = {
    "individual": "Consultant individuel",
    "platform": "Plateforme d'expertise",
    "resource_centre": "Centre de ressources spécialisé",
}
ACCREDITATION = {
    "pending": "En attente d'accréditation",
    "accredited": "Accrédité",
    "suspended": "Suspendu",
    "withdrawn": "Retiré",
}
DECISIONS = {"accredit": "Accréditer", "suspend": "Suspendre", "withdraw": "Retirer"}
NOTICES = {
    "referenced": "Le conseiller a été référencé (en attente d'accréditation).",
    "decided": "La décision d'accréditation a été enregistrée.",
}
ACCOUNT_HINT = "Identifiant d'un utilisateur de rôle conseiller : il verra ses missions."
FIELDS = ("name", "model", "specialities", "daily_rate_mad", "account")


def regions() -> dict[str, str]:
    return {r.code: f"{r.code} {r.name_fr}" for r in load_regions()}


def day(form: Form, name: str, *, required: bool = False) -> date | None:
    """A date typed as 2025-03-31 (a date input) or 31/03/2025, from 2000 to 2100."""
    raw = form.values.get(name, "")
    for pattern in ("%Y-%m-%d", "%d/%m/%Y") if raw else ():
        with contextlib.suppress(ValueError):
            value = datetime.strptime(raw, pattern).date()
            if svc.FIRST_DAY <= value <= svc.LAST_DAY:
                return value
    if raw or required:
        form.errors[name] = "date attendue (AAAA-MM-JJ ou JJ/MM/AAAA), de 2000 à 2100"
    return None


def checked_id(value: int, what: str) -> int:
    if not 1 <= value <= MAX_ID:
        raise NotFound(f"{what} {value} n'existe pas.")
    return value


async def act(
    request: Request,
    form: Form,
    fields: tuple[str, ...],
    run: Callable[[Form], str],
    again: Callable[[Form, int, str], HTMLResponse],
    data: FormData | None = None,
) -> Response:
    """Run a form's action: 303 to where ``run`` says, or the page again with the refusal."""
    data = data if data is not None else await request.form()
    form.values.update({name: field_text(data, name) for name in fields})

    def settle() -> Response:
        try:
            target = run(form)
        except MarsadError as exc:
            form.fail(exc)
            return again(form, exc.status, f"Refusé : {exc.message}")
        return RedirectResponse(target, status_code=303)

    return await run_in_threadpool(settle)


def page(
    request: Request, visitor: Visitor, title: str, body: str, status: int, notice: str
) -> HTMLResponse:
    alert = notice.startswith("Refusé")
    return layout(request, visitor, title, body, status=status, notice=notice, alert=alert)


def _region_boxes(form: Form) -> str:
    chosen = set(form.values.get("regions", "").split(","))
    error = form.errors.get("regions", "")
    boxes = "".join(
        f'<div class="field check"><input type="checkbox" name="regions" value="{code}" '
        f'id="{form.id}-regions-{code}"{" checked" if code in chosen else ""}> '
        f'<label for="{form.id}-regions-{code}">{e(name)}</label></div>'
        for code, name in regions().items()
    )
    css, described, problem = "field", "", ""
    if error:
        css, described = "field invalid", f' aria-describedby="{form.id}-regions-error"'
        problem = f'<p class="field-error" id="{form.id}-regions-error">Erreur : {e(error)}</p>'
    legend = 'Régions d\'intervention <span class="req">(obligatoire)</span>'
    return (
        f'<fieldset class="{css}"{described}><legend>{legend}</legend>{boxes}{problem}</fieldset>'
    )


@router.get("/advisers", response_class=HTMLResponse)
def advisers(
    request: Request,
    db: DB,
    visitor: SignedIn,
    speciality: str = "",
    region: str = "",
    accredited: str = "",
) -> HTMLResponse:
    speciality, region = speciality.strip()[:80], region if region in regions() else ""
    on = date.today() if accredited else None
    found = svc.list_advisers(db, visitor.actor, speciality or None, region or None, on)
    rows = [
        [
            f'<a href="{BASE}/{a.id}">{e(a.name)}</a>',
            e(MODELS.get(a.model, a.model)),
            e(", ".join(a.specialities)),
            e(", ".join(a.regions)),
            e(mad(a.daily_rate_mad)),
            e(_accreditation(a)),
        ]
        for a in found
    ]
    filters = Form("filter", {"speciality": speciality, "region": region, "accredited": accredited})
    new = ""
    if visitor.actor.can("adviser.write"):
        new = f'<p><a class="button" href="{BASE}/new">Référencer un conseiller</a></p>'
    headers = ["Conseiller", "Modèle", "Spécialités", "Régions", "Tarif journalier", "Statut"]
    all_regions = [("", "Toutes les régions"), *regions().items()]
    body = f"""<h1>Conseillers</h1>
{new}
<form method="get" action="{BASE}" class="bo-form filters-row" aria-label="Filtrer les conseillers">
{control(filters, "speciality", "Spécialité", hint="Par exemple export.")}
{control(filters, "region", "Région", options=all_regions)}
{control(filters, "accredited", "Accrédités aujourd'hui seulement", kind="checkbox")}
<button type="submit">Filtrer</button>
</form>
{table(f"Conseillers ({len(rows)})", headers, rows, "Aucun conseiller.")}"""
    return layout(request, visitor, "Conseillers", body)


def _accreditation(a: Adviser) -> str:
    until = a.accredited_until.strftime(" jusqu'au %d/%m/%Y") if a.accredited_until else ""
    return ACCREDITATION.get(a.accreditation, a.accreditation) + until


def _new_page(request: Request, visitor: Visitor, form: Form, status: int = 200) -> HTMLResponse:
    models = [("", "Choisir"), *MODELS.items()]
    rate = "Tarif journalier (MAD)"
    body = f"""<h1>Référencer un conseiller</h1>
{form_alert(form)}
<form method="post" action="{BASE}/new" class="bo-form" novalidate>
{csrf_field(visitor)}
{control(form, "name", "Nom", required=True, extra='autocomplete="off"')}
{control(form, "model", "Modèle d'intervention", options=models, required=True)}
{control(form, "specialities", "Spécialités", required=True, hint="Séparées par des virgules.")}
{_region_boxes(form)}
{control(form, "daily_rate_mad", rate, required=True, extra='inputmode="decimal"')}
{control(form, "account", "Compte du conseiller", hint=ACCOUNT_HINT)}
<button type="submit">Référencer</button>
</form>"""
    notice = f"Refusé : {form.message}" if form.message else ""
    return page(request, visitor, "Référencer un conseiller", body, status, notice)


@router.get("/advisers/new", response_class=HTMLResponse)
def new_adviser_form(request: Request, visitor: SignedIn) -> HTMLResponse:
    visitor.actor.require("adviser.write")
    return _new_page(request, visitor, Form("adviser"))


@router.post("/advisers/new")
async def new_adviser(request: Request, db: DB, visitor: SignedIn) -> Response:
    data = await request.form()
    form = Form("adviser")
    chosen = [r for r in data.getlist("regions") if isinstance(r, str)][:20]
    form.values["regions"] = ",".join(r[:2] for r in chosen)

    def run(form: Form) -> str:
        visitor.actor.require("adviser.write")
        v = form.values
        rate = form.decimal("daily_rate_mad")
        if not chosen or any(r not in regions() for r in chosen):
            form.errors["regions"] = "choisissez au moins une région parmi 01 à 12"
        if v["model"] not in MODELS:
            form.errors["model"] = "choisissez le modèle d'intervention"
        form.check()
        assert rate is not None
        specs = [s for s in v["specialities"].split(",") if s.strip()]
        who, name, model, account = visitor.actor, v["name"], v["model"], v["account"] or None
        adviser = svc.reference_adviser(db, who, name, model, specs, chosen, rate, account=account)
        return f"{BASE}/{adviser.id}?ok=referenced"

    def again(form: Form, status: int, notice: str) -> HTMLResponse:
        return _new_page(request, visitor, form, status)

    return await act(request, form, FIELDS, run, again, data)


def adviser_page(
    request: Request,
    db: DB,
    visitor: Visitor,
    adviser_id: int,
    form: Form | None = None,
    status: int = 200,
    notice: str = "",
) -> HTMLResponse:
    adviser_id = checked_id(adviser_id, "Le conseiller")
    found = [a for a in svc.list_advisers(db, visitor.actor) if a.id == adviser_id]
    if not found:
        raise NotFound(f"Le conseiller {adviser_id} n'existe pas.")
    a, who = found[0], visitor.actor
    facts = [
        ("Modèle", MODELS.get(a.model, a.model)),
        ("Spécialités", ", ".join(a.specialities)),
        ("Régions", ", ".join(regions().get(r, r) for r in a.regions)),
        ("Tarif journalier", mad(a.daily_rate_mad)),
        ("Accréditation", _accreditation(a)),
        ("Compte lié", "Oui" if a.user_id else "Non"),
    ]
    decide = ""
    if who.can("adviser.write"):
        f = form or Form("decision")
        allowed = [(k, v) for k, v in DECISIONS.items() if a.accreditation in svc.DECISIONS[k][0]]
        inner = control(f, "decision", "Décision", options=allowed, required=True)
        inner += control(f, "until", "Jusqu'au", kind="date", hint="Obligatoire pour accréditer.")
        inner += control(f, "reason", "Motif", kind="textarea")
        decide = (
            f'<h2>Accréditation</h2><section class="action">{form_alert(f)}'
            f'<form method="post" action="{BASE}/{a.id}/accreditation" class="bo-form">'
            f'{csrf_field(visitor)}{inner}<button type="submit">Enregistrer la décision</button>'
            "</form></section>"
            if allowed
            else "<h2>Accréditation</h2><p>Conseiller retiré : aucune décision possible.</p>"
        )
    links = []
    if who.can("mission.read"):
        links.append(f'<a href="{HOME}/missions?adviser={a.id}">Missions de ce conseiller</a>')
    if who.can("mission.write"):
        links.append(f'<a href="{HOME}/missions/new?adviser={a.id}">Confier une mission</a>')
    missions = "".join(f"<p>{link}</p>" for link in links)
    body = f"""<h1>Conseiller : {e(a.name)}</h1>
<dl class="facts">{"".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts)}</dl>
{decide}
<h2>Missions</h2>
{missions or "<p>Lecture seule.</p>"}
<p><a href="{BASE}">Retour aux conseillers</a></p>"""
    return page(request, visitor, f"Conseiller : {a.name}", body, status, notice)


@router.get("/advisers/{adviser_id:int}", response_class=HTMLResponse)
def adviser(request: Request, adviser_id: int, db: DB, visitor: SignedIn, ok: str = "") -> Response:
    return adviser_page(request, db, visitor, adviser_id, notice=NOTICES.get(ok, ""))


@router.post("/advisers/{adviser_id:int}/accreditation")
async def accreditation(request: Request, adviser_id: int, db: DB, visitor: SignedIn) -> Response:
    adviser_id = checked_id(adviser_id, "Le conseiller")

    def run(form: Form) -> str:
        visitor.actor.require("adviser.write")
        until = day(form, "until")
        if form.values["decision"] not in DECISIONS:
            form.errors["decision"] = "choisissez une décision"
        form.check()
        decision, reason = form.values["decision"], form.values["reason"]
        svc.decide_accreditation(db, visitor.actor, adviser_id, decision, until, reason)
        return f"{BASE}/{adviser_id}?ok=decided"

    def again(form: Form, status: int, notice: str) -> HTMLResponse:
        return adviser_page(request, db, visitor, adviser_id, form, status, notice)

    fields = ("decision", "until", "reason")
    return await act(request, Form("decision"), fields, run, again)
