"""Matchmaking profiles in the back office: the form of a draft (new or changed), the page
of one profile with its history, and the steps of its workflow that the visitor's role
allows (brokers validate, reject, renew and expire; an enterprise submits and withdraws)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import duckdb
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from marsad.errors import Forbidden, InvalidInput, MarsadError
from marsad.matchmaking import profiles
from marsad.matchmaking.access import may, members_of
from marsad.matchmaking.domain import KIND_LABELS, KINDS, REGIONS, SIZE_LABELS, SIZES, region_names
from marsad.matchmaking.models import MatchProfile
from marsad.operational.db import Database
from marsad.register.build import current_build
from marsad.web.backoffice_pages_forms import Form, control, e, field_text, form_alert, table
from marsad.web.backoffice_pages_layout import (
    HOME,
    PageRoute,
    SignedIn,
    Visitor,
    csrf_field,
    layout,
    mad,
    settings_of,
    when,
)
from marsad.web.backoffice_pages_matchmaking import BASE, PROFILE_STATUS
from marsad.web.deps import DB

router = APIRouter(prefix=HOME, route_class=PageRoute, include_in_schema=False)
NEW = f"{BASE}/new-profile"
TEXTS = ("kind", "enterprise", "title", "description", "capacity_mad", "site_region")
MULTI = ("regions_served", "sizes_sought")
DATES = ("valid_from", "valid_until")
LISTS = {"tags": (20, 80), "activity_codes": (10, 8), "certifications": (10, 80)}
FIELDS = (*TEXTS, *LISTS, *MULTI, *DATES)
CODE = re.compile(r"^[0-9A-U][0-9.]{0,5}$")
ENTERPRISE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
ICE = re.compile(r"^\d{15}$")
# action: button, notice after it
STEPS = {
    "submit": ("Soumettre au courtier", "Profil soumis au courtier."),
    "validate": ("Valider et publier", "Profil validé et publié."),
    "reject": ("Rejeter", "Profil rejeté."),
    "renew": ("Renouveler", "Profil renouvelé."),
    "expire": ("Déclarer expiré", "Profil expiré."),
    "withdraw": ("Retirer", "Profil retiré."),
}
NOTICES = {k: v[1] for k, v in STEPS.items()}
NOTICES |= {"created": "Brouillon de profil enregistré.", "edited": "Brouillon modifié."}
ACTIONS = {k: v[0] for k, v in STEPS.items()} | {"create": "Création", "edit": "Modification"}


def _split(raw: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", raw) if part.strip()]


def _read(data: FormData) -> Form:
    values = {name: field_text(data, name) for name in FIELDS if name not in MULTI}
    for name in MULTI:
        values[name] = ",".join(v for v in data.getlist(name) if isinstance(v, str))[:200]
    return Form("profile", values)


def _date(form: Form, name: str) -> date | None:
    raw = form.values.get(name, "")
    if not raw:
        form.errors[name] = "date obligatoire"
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        form.errors[name] = "date attendue (AAAA-MM-JJ)"
        return None


def _fields(form: Form) -> dict[str, object]:
    """The profile's fields from the form; every problem goes next to its field."""
    v, errors = form.values, form.errors
    data: dict[str, object] = {"kind": v["kind"], "description": v["description"]}
    if v["kind"] not in KINDS:
        errors["kind"] = "choisissez le type de profil"
    if not v["title"] or len(v["title"]) > 300:
        errors["title"] = "titre obligatoire (300 caractères au plus)"
    data["title"] = v["title"]
    for name, (most, longest) in LISTS.items():
        items = _split(v[name])
        if len(items) > most or any(len(item) > longest for item in items):
            errors[name] = f"{most} éléments au plus, de {longest} caractères au plus"
        data[name] = items
    if any(not CODE.match(code) for code in _split(v["activity_codes"])):
        errors["activity_codes"] = "codes NMA attendus, par exemple 25 ou 25.62"
    data["capacity_mad"] = form.decimal("capacity_mad", required=False)
    if v["site_region"] and v["site_region"] not in REGIONS:
        errors["site_region"] = "région inconnue"
    data["site_region"] = v["site_region"] or None
    regions, sizes = _split(v["regions_served"]), _split(v["sizes_sought"])
    if not regions:
        errors["regions_served"] = "cochez au moins une région desservie"
    elif any(r not in REGIONS for r in regions):
        errors["regions_served"] = "région inconnue"
    if any(s not in SIZES for s in sizes):
        errors["sizes_sought"] = "taille inconnue"
    data |= {"regions_served": regions, "sizes_sought": sizes}
    data |= {"valid_from": _date(form, "valid_from"), "valid_until": _date(form, "valid_until")}
    form.check()
    return data


def _enterprise(request: Request, form: Form) -> str:
    """The register id of the enterprise typed as its id or its ICE."""
    typed = form.values["enterprise"].replace(" ", "")
    if not ENTERPRISE.match(typed):
        form.errors["enterprise"] = "identifiant du registre ou ICE (15 chiffres) attendu"
        return ""
    build = current_build(settings_of(request))
    if build is None:
        if ICE.match(typed):
            form.errors["enterprise"] = "aucun registre construit : saisissez l'identifiant"
        return typed
    with duckdb.connect() as con:
        row = con.execute(
            "SELECT CAST(enterprise_id AS VARCHAR) FROM read_parquet(?) "
            "WHERE CAST(enterprise_id AS VARCHAR) = ? OR CAST(ice AS VARCHAR) = ? LIMIT 1",
            [str(build / "enterprises.parquet"), typed, typed],
        ).fetchone()
    found = None if row is None else str(row[0])
    if found is None:
        form.errors["enterprise"] = "inconnue du registre (ni identifiant, ni ICE)"
    return found or ""


def _checks(form: Form, name: str, legend: str, options: list[tuple[str, str]]) -> str:
    fid, chosen = f"{form.id}-{name}", set(form.values.get(name, "").split(","))
    error = form.errors.get(name, "")
    boxes = "".join(
        f'<div class="field check"><input type="checkbox" id="{fid}-{e(v)}" name="{name}" '
        f'value="{e(v)}"{" checked" if v in chosen else ""}> '
        f'<label for="{fid}-{e(v)}">{e(label)}</label></div>'
        for v, label in options
    )
    described = f' aria-describedby="{fid}-error"' if error else ""
    error_html = f'<p class="field-error" id="{fid}-error">Erreur : {e(error)}</p>' if error else ""
    css = ' class="invalid"' if error else ""
    head = f'<fieldset id="{fid}"{css}{described}><legend>{e(legend)}</legend>'
    return f"{head}{boxes}{error_html}</fieldset>"


def _controls(form: Form, enterprise: str) -> str:
    regions = [(r, f"{r} — {region_names().get(r, r)}") for r in REGIONS]
    kinds = [("", "Choisir"), *((k, KIND_LABELS[k].capitalize()) for k in KINDS)]
    return f"""{control(form, "kind", "Type de profil", options=kinds, required=True)}
{enterprise}
{control(form, "title", "Titre", required=True)}
{control(form, "description", "Capacités (texte libre)", kind="textarea")}
{control(form, "tags", "Mots-clés", hint="Séparés par des virgules.")}
{control(form, "activity_codes", "Codes d'activité NMA", hint="Par exemple 17, 25.62.")}
{control(form, "certifications", "Certifications", hint="Par exemple ISO 9001, ISO 14001.")}
{control(form, "capacity_mad", "Capacité annuelle (MAD)", extra='inputmode="decimal"')}
{control(form, "site_region", "Région du site", options=[("", "Non précisée"), *regions])}
{_checks(form, "regions_served", "Régions desservies (obligatoire)", regions)}
{_checks(form, "sizes_sought", "Taille du partenaire recherché", list(SIZE_LABELS.items()))}
{control(form, "valid_from", "Début de validité", kind="date", required=True)}
{control(form, "valid_until", "Fin de validité", kind="date", required=True)}"""


def _new_page(
    request: Request, db: Database, visitor: Visitor, form: Form, status: int = 200
) -> HTMLResponse:
    actor = visitor.actor
    if actor.can("match.broker"):
        hint = "Identifiant du registre ou ICE (15 chiffres)."
        who = control(form, "enterprise", "Entreprise", required=True, hint=hint)
    else:
        own = sorted(members_of(db, actor)) if actor.can("match.own") else []
        if not own:
            raise Forbidden("Votre compte ne permet pas de rédiger un profil.")
        who = control(form, "enterprise", "Entreprise", options=[(o, o) for o in own])
    body = f"""<h1>Nouveau profil de mise en relation</h1>
{form_alert(form)}
<form method="post" action="{NEW}" class="bo-form" novalidate>
{csrf_field(visitor)}
{_controls(form, who)}
<button type="submit">Enregistrer le brouillon</button>
</form>
<p><a href="{BASE}">Retour à la mise en relation</a></p>"""
    notice = f"Refusé : {form.message}" if form.message else ""
    return layout(
        request, visitor, "Nouveau profil", body, status=status, notice=notice, alert=True
    )


@router.get("/match/new-profile", response_class=HTMLResponse)
def new_profile_form(request: Request, db: DB, visitor: SignedIn) -> HTMLResponse:
    today = date.today()
    start = {"valid_from": str(today), "valid_until": str(today + timedelta(days=365))}
    return _new_page(request, db, visitor, Form("profile", start))


def _create(request: Request, db: Database, visitor: Visitor, data: FormData) -> Response:
    form = _read(data)
    try:
        enterprise = _enterprise(request, form)
        fields = _fields(form)
        profile = profiles.create_profile(db, visitor.actor, enterprise, fields)
    except MarsadError as exc:
        form.fail(exc)
        if isinstance(exc, Forbidden):
            form.errors.setdefault("enterprise", "vous ne représentez pas cette entreprise")
        return _new_page(request, db, visitor, form, exc.status)
    return RedirectResponse(f"{BASE}/profiles/{profile.id}?ok=created", status_code=303)


@router.post("/match/new-profile", response_class=HTMLResponse)
async def new_profile(request: Request, db: DB, visitor: SignedIn) -> Response:
    data = await request.form()
    return await run_in_threadpool(_create, request, db, visitor, data)


def _values(p: MatchProfile) -> dict[str, str]:
    capacity = "" if p.capacity_mad is None else str(p.capacity_mad)
    return {
        "kind": p.kind,
        "title": p.title,
        "description": p.description,
        **{name: ", ".join(getattr(p, name) or []) for name in LISTS},
        **{name: ",".join(getattr(p, name) or []) for name in MULTI},
        "capacity_mad": capacity,
        "site_region": p.site_region or "",
        "valid_from": p.valid_from.isoformat(),
        "valid_until": p.valid_until.isoformat(),
    }


def _step_forms(db: Database, visitor: Visitor, p: MatchProfile, form: Form | None) -> str:
    out = []
    for action, (starts, _, who) in profiles.TRANSITIONS.items():
        if p.status not in starts or not may(db, visitor.actor, p, who):
            continue
        f = form if form is not None and form.id == action else Form(action)
        inner = ""
        if action in ("reject", "withdraw"):
            inner = control(f, "reason", "Motif", kind="textarea", required=action == "reject")
        if action == "renew":
            inner = control(f, "valid_until", "Nouvelle fin de validité", kind="date")
        out.append(
            f'<section class="action">{form_alert(f)}<form method="post" '
            f'action="{BASE}/profiles/{p.id}/step" class="bo-form">{csrf_field(visitor)}'
            f'<input type="hidden" name="action" value="{action}">{inner}'
            f'<button type="submit">{e(STEPS[action][0])}</button></form></section>'
        )
    return "".join(out) or "<p>Aucune action possible pour vous sur ce profil.</p>"


def _status(status: str | None) -> str:
    return e(PROFILE_STATUS.get(status or "", "—"))


def _profile_page(
    request: Request,
    db: Database,
    visitor: Visitor,
    profile_id: int,
    form: Form | None = None,
    status: int = 200,
    notice: str = "",
) -> HTMLResponse:
    p = profiles.get_profile(db, visitor.actor, profile_id)
    facts = [
        ("Type", KIND_LABELS.get(p.kind, p.kind)),
        ("Entreprise", p.enterprise_id),
        ("Statut", PROFILE_STATUS.get(p.status, p.status)),
        ("Capacités", p.description or "—"),
        ("Mots-clés", ", ".join(p.tags) or "—"),
        ("Codes NMA", ", ".join(p.activity_codes) or "—"),
        ("Certifications", ", ".join(p.certifications) or "—"),
        ("Capacité annuelle", mad(p.capacity_mad)),
        ("Régions desservies", ", ".join(p.regions_served) or "toutes"),
        ("Taille recherchée", ", ".join(p.sizes_sought) or "toutes"),
        ("Validité", f"du {p.valid_from} au {p.valid_until} ({p.renewals} renouvellement(s))"),
    ]
    edit = ""
    if p.status in profiles.EDITABLE and may(db, visitor.actor, p, "both"):
        f = form if form is not None and form.id == "profile" else Form("profile", _values(p))
        edit = f"""<h2>Modifier le brouillon</h2>{form_alert(f)}
<form method="post" action="{BASE}/profiles/{p.id}/edit" class="bo-form" novalidate>
{csrf_field(visitor)}{_controls(f, "")}<button type="submit">Enregistrer</button></form>"""
    events = [
        [
            e(when(ev.at)),
            e(f"{ACTIONS.get(ev.action, ev.action)} {ev.reason}"),
            _status(ev.to_status),
        ]
        for ev in profiles.history(db, visitor.actor, profile_id)
    ]
    body = f"""<h1>Profil n° {p.id} : {e(p.title)}</h1>
<dl class="facts">{"".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts)}</dl>
<h2>Étapes possibles</h2>
{_step_forms(db, visitor, p, form)}
{edit}
<h2>Historique</h2>
{table("Historique du profil", ["Date", "Action et motif", "Statut"], events, "Aucun événement.")}
<p><a href="{BASE}">Retour à la mise en relation</a></p>"""
    alert = notice.startswith("Refusé")
    title = f"Profil n° {p.id}"
    return layout(request, visitor, title, body, status=status, notice=notice, alert=alert)


@router.get("/match/profiles/{profile_id:int}", response_class=HTMLResponse)
def profile_page(
    request: Request, profile_id: int, db: DB, visitor: SignedIn, ok: str = ""
) -> HTMLResponse:
    return _profile_page(request, db, visitor, profile_id, notice=NOTICES.get(ok, ""))


def _settle(
    request: Request,
    db: Database,
    visitor: Visitor,
    pid: int,
    form: Form,
    run: Callable[[], object],
) -> Response:
    try:
        run()
    except MarsadError as exc:
        form.fail(exc)
        notice = f"Refusé : {exc.message}"
        return _profile_page(request, db, visitor, pid, form, exc.status, notice)
    done = "edited" if form.id == "profile" else form.id
    return RedirectResponse(f"{BASE}/profiles/{pid}?ok={done}", status_code=303)


@router.post("/match/profiles/{profile_id:int}/edit", response_class=HTMLResponse)
async def edit_profile(request: Request, profile_id: int, db: DB, visitor: SignedIn) -> Response:
    form = _read(await request.form())

    def run() -> object:
        return profiles.update_profile(db, visitor.actor, profile_id, _fields(form))

    return await run_in_threadpool(_settle, request, db, visitor, profile_id, form, run)


@router.post("/match/profiles/{profile_id:int}/step", response_class=HTMLResponse)
async def profile_step(request: Request, profile_id: int, db: DB, visitor: SignedIn) -> Response:
    data = await request.form()
    action = field_text(data, "action", 20)
    form = Form(action, {k: field_text(data, k, 2000) for k in ("reason", "valid_until")})

    def run() -> object:
        if action not in STEPS:
            raise InvalidInput(f"Action inconnue : {action}.")
        end = _date(form, "valid_until") if form.values["valid_until"] else None
        form.check()
        reason = form.values["reason"]
        return profiles.act(db, visitor.actor, profile_id, action, reason, valid_until=end)

    return await run_in_threadpool(_settle, request, db, visitor, profile_id, form, run)
