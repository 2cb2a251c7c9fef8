"""Training in the back office: the module catalogue, the cohorts with the inclusion
breakdown of their participants, and one cohort's page — sessions, participants, the
attendance sheet, scores before and after, certificates — with CSV exports by role."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from marsad.errors import InvalidInput
from marsad.register.build import current_build
from marsad.training import attendance, certificates
from marsad.training.catalogue import FORMAT_LABELS, LANGUAGE_LABELS, LEVEL_LABELS, list_modules
from marsad.training.catalogue import topic_label as topic
from marsad.training.inclusion import DIMENSIONS, label
from marsad.training.views import cohort_list, cohort_view
from marsad.web.backoffice_pages_forms import e, table
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
from marsad.web.deps import DB

router = APIRouter(prefix=HOME, route_class=PageRoute, include_in_schema=False)
BASE = f"{HOME}/training"
NOTICES = {
    "attendance": "La feuille de présence a été enregistrée.",
    "certificates": "Attestations délivrées aux participants qui ont achevé la formation.",
}
STATUS = {"planned": "Prévue", "open": "Ouverte", "closed": "Clôturée", "cancelled": "Annulée"}
YES = {True: "oui", False: "non", None: "—"}


def inclusion_html(counts: dict[str, dict[str, int]], caption: str) -> str:
    """The breakdown as one table: a row per dimension, each category with its count."""
    rows = [
        [
            e(label(d)),
            " · ".join(f"{e(label(d, code))} : {n}" for code, n in counts[d].items()),
        ]
        for d in DIMENSIONS
    ]
    return table(caption, ["Dimension", "Répartition"], rows, "Aucun participant.")


def export_form(visitor: Visitor, action: str, what: str) -> str:
    """A CSV export: the purpose is asked (and logged); the columns follow the role."""
    return (
        f'<form method="post" action="{e(action)}" class="bo-form filters-row">'
        f"{csrf_field(visitor)}"
        f'<div class="field"><label for="purpose-{e(what)}">Objet de l\'exportation '
        f'<span class="req">(obligatoire)</span></label>'
        f'<input id="purpose-{e(what)}" name="purpose" required minlength="3" maxlength="300">'
        f'</div><button type="submit">Exporter {e(what)} (CSV)</button></form>'
    )


def csv_response(text: str, name: str) -> Response:
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def purpose_of(request: Request) -> str:
    value = (await request.form()).get("purpose")
    text = value.strip() if isinstance(value, str) else ""
    if not 3 <= len(text) <= 300:
        raise InvalidInput("Dites l'objet de l'exportation (3 à 300 caractères).")
    return text


@router.get("/training", response_class=HTMLResponse)
def overview(request: Request, db: DB, visitor: SignedIn, ok: str = "") -> HTMLResponse:
    actor = visitor.actor
    links = [f'<a href="{BASE}/modules">Catalogue des modules</a>']
    if actor.can("coaching.read"):
        links.append(f'<a href="{BASE}/coaching">Plans d\'accompagnement</a>')
    if not actor.can("training.read"):
        body = f"<h1>Formation et accompagnement</h1><p>{' · '.join(links[1:])}</p>"
        return layout(request, visitor, "Formation et accompagnement", body)
    listing = cohort_list(db, actor, current_build(settings_of(request)), date.today())
    rows = [
        [
            f'<a href="{BASE}/cohorts/{c["id"]}">{e(c["code"])}</a>',
            e(c["module_title"]),
            e(c["partner_code"]),
            e(label("region", c["region_code"])),
            e(f"{c['starts_on']} → {c['ends_on']}"),
            e(f"{c['enrolled']} / {c['capacity']}"),
            e(c["completed"]),
            e(c["certificates"]),
            e(STATUS.get(c["status"], c["status"])),
        ]
        for c in listing["cohorts"]
    ]
    headers = [
        "Cohorte",
        "Module",
        "Organisateur",
        "Région",
        "Dates",
        "Inscrits / places",
        "Achevée",
        "Attestations",
        "Statut",
    ]
    body = f"""<h1>Formation et accompagnement</h1>
<p>{" · ".join(links)}</p>
<h2>Cohortes</h2>
{table(f"Cohortes ({len(rows)})", headers, rows, "Aucune cohorte.")}
{export_form(visitor, f"{BASE}/export/cohorts", "les cohortes")}
<h2>Qui a été formé</h2>
<p>Participants inscrits dans ces cohortes, comptés une fois chacun, au {listing["on"]}.</p>
{inclusion_html(listing["inclusion"], "Répartition des participants")}"""
    notice = NOTICES.get(ok, "")
    return layout(request, visitor, "Formation et accompagnement", body, notice=notice)


@router.get("/training/modules", response_class=HTMLResponse)
def modules(request: Request, db: DB, visitor: SignedIn) -> HTMLResponse:
    rows = []
    for m in list_modules(db, visitor.actor):
        sectors = "; ".join(f"{k} : {v}" for k, v in sorted(m.sector_adaptations.items()))
        rows.append(
            [
                e(m.code),
                e(m.title) + ("" if m.active else " (retiré)"),
                e(topic(m.topic)),
                e(LEVEL_LABELS.get(m.level, m.level)),
                e(", ".join(LANGUAGE_LABELS.get(x, x) for x in m.languages)),
                e(", ".join(FORMAT_LABELS.get(x, x) for x in m.formats)),
                e(f"{m.duration_hours} h"),
                e(f"{m.completion_share:.0%}"),
                e(sectors or "—"),
            ]
        )
    headers = [
        "Code",
        "Intitulé",
        "Thème",
        "Niveau",
        "Langues",
        "Formats",
        "Durée",
        "Présence exigée",
        "Adaptations sectorielles (section NMA)",
    ]
    body = f"""<h1>Catalogue des modules</h1>
<p><a href="{BASE}">Retour aux cohortes</a></p>
{table(f"Modules ({len(rows)})", headers, rows, "Catalogue vide : importez-le.")}"""
    return layout(request, visitor, "Catalogue des modules", body)


def _sheet_form(visitor: Visitor, view: dict[str, Any]) -> str:
    """One form per session held: a checkbox per enrolled participant."""
    if not visitor.actor.can("training.write"):
        return ""
    today = date.today().isoformat()
    active = [p for p in view["participants"] if p["status"] == "enrolled"]
    forms = []
    for s in view["sessions"]:
        if s["held_on"] > today or not active:
            continue
        boxes = "".join(
            f'<div class="field check"><input type="checkbox" name="present" '
            f'value="{p["enrolment_id"]}" id="s{s["id"]}-e{p["enrolment_id"]}"'
            f"{' checked' if p['presence'].get(str(s['id'])) else ''}> "
            f'<label for="s{s["id"]}-e{p["enrolment_id"]}">'
            f"{e(p.get('full_name') or 'Participant n° ' + str(p['id']))}</label></div>"
            for p in active
        )
        forms.append(
            f"<details><summary>Séance {s['number']} du {e(s['held_on'])}</summary>"
            f'<form method="post" action="{BASE}/sessions/{s["id"]}/attendance" '
            f'class="bo-form">{csrf_field(visitor)}'
            f'<input type="hidden" name="cohort" value="{view["id"]}">'
            f"<fieldset><legend>Présents à la séance {s['number']}</legend>{boxes}</fieldset>"
            f'<button type="submit">Enregistrer la présence</button></form></details>'
        )
    if not forms:
        return ""
    return "<h2>Feuilles de présence</h2>" + "".join(forms)


@router.get("/training/cohorts/{cohort_id}", response_class=HTMLResponse)
def cohort_page(
    request: Request, cohort_id: int, db: DB, visitor: SignedIn, ok: str = ""
) -> HTMLResponse:
    if not 1 <= cohort_id <= MAX_ID:
        raise InvalidInput("Numéro de cohorte invalide.")
    view = cohort_view(
        db, visitor.actor, cohort_id, current_build(settings_of(request)), date.today()
    )
    module = view["module"] or {}
    sessions = [
        [
            e(s["number"]),
            e(s["held_on"]),
            e(f"{s['hours']} h"),
            e(s["place"]),
            e(FORMAT_LABELS.get(s["format"], s["format"])),
        ]
        for s in view["sessions"]
    ]
    people = []
    for p in view["participants"]:
        name = p.get("full_name") or f"Participant n° {p['id']}"
        marks = " ".join(
            {True: "P", False: "A", None: "·"}[p["presence"].get(str(s["id"]))]
            for s in view["sessions"]
        )
        people.append(
            [
                f'<a href="{BASE}/participants/{p["id"]}">{e(name)}</a>',
                e(label("gender", p["gender"] or "inconnu")),
                e(label("age_band", p["age_band"])),
                e(p["enterprise_id"] or "porteur de projet"),
                e("inscrit" if p["status"] == "enrolled" else "retiré"),
                f'<span title="P présent, A absent">{e(marks)}</span>',
                e(f"{p['attended']} / {p['sessions']}"),
                e(YES[p["completed"]]),
                e("—" if p["score_before"] is None else p["score_before"]),
                e("—" if p["score_after"] is None else p["score_after"]),
                e("—" if p["gain"] is None else f"{p['gain']:+d}"),
                e(p["certificate"] or "—"),
            ]
        )
    headers = [
        "Participant",
        "Genre",
        "Âge",
        "Entreprise",
        "Inscription",
        "Présence",
        "Séances",
        "Achevée",
        "Score avant",
        "Score après",
        "Gain",
        "Attestation",
    ]
    gains = view["gains"]
    certify = (
        f'<form method="post" action="{BASE}/cohorts/{cohort_id}/certificates" class="inline">'
        f'{csrf_field(visitor)}<button type="submit">Délivrer les attestations</button></form>'
        if visitor.actor.can("training.write")
        else ""
    )
    personal = (
        ""
        if view["personal_data"]
        else (
            "<p>Votre rôle ne donne pas accès aux données personnelles : les noms, téléphones "
            "et courriels ne sont pas affichés.</p>"
        )
    )
    body = f"""<h1>Cohorte {e(view["code"])} — {e(module.get("title", view["module_code"]))}</h1>
<p><a href="{BASE}">Retour aux cohortes</a></p>
<dl class="facts">
<dt>Organisateur</dt><dd>{e(view["partner_code"])}</dd>
<dt>Région</dt><dd>{e(label("region", view["region_code"]))}</dd>
<dt>Formateur</dt><dd>{e(view["trainer"])}</dd>
<dt>Langue</dt><dd>{e(LANGUAGE_LABELS.get(view["language"], view["language"]))}</dd>
<dt>Dates</dt><dd>du {e(view["starts_on"])} au {e(view["ends_on"])}</dd>
<dt>Places</dt><dd>{view["enrolled"]} inscrits sur {view["capacity"]}</dd>
<dt>Présence exigée</dt><dd>{e(module.get("completion_share", "—"))} des séances</dd>
<dt>Progression des compétences</dt><dd>{gains["paired"]} participants évalués avant et
après ; score moyen {e(gains["mean_before"] or "—")} → {e(gains["mean_after"] or "—")},
gain moyen {e(gains["mean_gain"] if gains["mean_gain"] is not None else "—")} points</dd>
</dl>
<h2>Séances</h2>
{
        table(
            f"Séances ({len(sessions)})",
            ["N°", "Date", "Durée", "Lieu", "Format"],
            sessions,
            "Aucune séance prévue.",
        )
    }
<h2>Participants</h2>
{personal}
{table(f"Participants ({len(people)})", headers, people, "Aucun inscrit.")}
<p>{certify}</p>
{export_form(visitor, f"{BASE}/export/cohorts/{cohort_id}", "les participants")}
{_sheet_form(visitor, view)}
<h2>Inclusion</h2>
{inclusion_html(view["inclusion"], "Répartition des inscrits")}"""
    title = f"Cohorte {view['code']}"
    return layout(request, visitor, title, body, notice=NOTICES.get(ok, ""))


@router.post("/training/sessions/{session_id}/attendance", response_class=HTMLResponse)
async def attendance_sheet(
    request: Request, session_id: int, db: DB, visitor: SignedIn
) -> Response:
    form = await request.form()
    cohort = str(form.get("cohort") or "")
    if not cohort.isdigit() or not 1 <= session_id <= MAX_ID:
        raise InvalidInput("Feuille de présence invalide.")
    ticked = {int(v) for v in form.getlist("present") if isinstance(v, str) and v.isdigit()}
    view = await run_in_threadpool(
        cohort_view, db, visitor.actor, int(cohort), None, date.today(), log=False
    )
    sheet = {
        p["enrolment_id"]: p["enrolment_id"] in ticked
        for p in view["participants"]
        if p["status"] == "enrolled"
    }
    await run_in_threadpool(
        attendance.record_attendance, db, visitor.actor, session_id, sheet, date.today()
    )
    return RedirectResponse(f"{BASE}/cohorts/{cohort}?ok=attendance", status_code=303)


@router.post("/training/cohorts/{cohort_id}/certificates", response_class=HTMLResponse)
async def certify(request: Request, cohort_id: int, db: DB, visitor: SignedIn) -> Response:
    if not 1 <= cohort_id <= MAX_ID:
        raise InvalidInput("Numéro de cohorte invalide.")
    await run_in_threadpool(certificates.issue_all, db, visitor.actor, cohort_id, date.today())
    return RedirectResponse(f"{BASE}/cohorts/{cohort_id}?ok=certificates", status_code=303)


def include(app: FastAPI) -> None:
    from marsad.web import backoffice_pages_training_people

    app.include_router(router)
    app.include_router(backoffice_pages_training_people.router)
