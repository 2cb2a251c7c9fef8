"""One cohort in the back office: its module and sessions, its participants with their
attendance, scores before and after and certificates, the attendance sheets, enrolment and
withdrawal, and the CSV export of its participants (columns by role)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from marsad.errors import InvalidInput
from marsad.register.build import current_build
from marsad.training import attendance, certificates, cohorts
from marsad.training.catalogue import FORMAT_LABELS, LANGUAGE_LABELS
from marsad.training.inclusion import label
from marsad.training.views import cohort_view
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
from marsad.web.backoffice_pages_training import (
    BASE,
    NOTICES,
    STATUS,
    YES,
    export_form,
    inclusion_html,
)
from marsad.web.deps import DB

router = APIRouter(prefix=HOME, route_class=PageRoute, include_in_schema=False)


STATUS_ACTIONS = {
    "open": "Rouvrir les inscriptions",
    "closed": "Clore les inscriptions",
    "cancelled": "Annuler la cohorte",
}


def _writer_tools(visitor: Visitor, cohort_id: int, status: str) -> str:
    """Certificates, a session, an enrolment by participant number, the cohort's status
    (for who may write)."""
    if not visitor.actor.can("training.write"):
        return ""
    url = f"{BASE}/cohorts/{cohort_id}"
    moves = "".join(
        f'<form method="post" action="{url}/status" class="inline">{csrf_field(visitor)}'
        f'<input type="hidden" name="status" value="{target}">'
        f'<button type="submit">{text}</button></form> '
        for target, text in STATUS_ACTIONS.items()
        if status in cohorts.MOVES[target]
    )
    return (
        f'<form method="post" action="{url}/certificates" class="inline">{csrf_field(visitor)}'
        f'<button type="submit">Délivrer les attestations</button></form> {moves}'
        f'<a class="button" href="{url}/sessions/new">Ajouter une séance</a></p>'
        f'<form method="post" action="{url}/enrolments" class="bo-form filters-row">'
        f'{csrf_field(visitor)}<div class="field"><label for="enrol-participant">N° du '
        'participant à inscrire</label><input id="enrol-participant" name="participant_id" '
        f'inputmode="numeric" required></div><button type="submit">Inscrire</button></form>'
        f'<p><a href="{BASE}/participants/new">Enregistrer un nouveau participant</a>'
    )


def _score(visitor: Visitor, p: dict[str, Any], phase: str) -> str:
    """The score, or the link to enter the answers (for who may write)."""
    value = p[f"score_{phase}"]
    if value is not None:
        return e(value)
    if not visitor.actor.can("training.write") or p["status"] != "enrolled":
        return "—"
    return f'<a href="{BASE}/enrolments/{p["enrolment_id"]}/assessment/{phase}">Saisir</a>'


def _withdraw(visitor: Visitor, p: dict[str, Any]) -> str:
    if not visitor.actor.can("training.write") or p["status"] != "enrolled":
        return ""
    return (
        f'<form method="post" action="{BASE}/enrolments/{p["enrolment_id"]}/withdraw" '
        f'class="inline">{csrf_field(visitor)}<button type="submit">Retirer</button></form>'
    )


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
                _score(visitor, p, "before"),
                _score(visitor, p, "after"),
                e("—" if p["gain"] is None else f"{p['gain']:+d}"),
                e(p["certificate"] or "—"),
                _withdraw(visitor, p),
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
        "Action",
    ]
    gains = view["gains"]
    certify = _writer_tools(visitor, cohort_id, view["status"])
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
<dt>Statut</dt><dd>{e(STATUS.get(view["status"], view["status"]))}</dd>
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


@router.post("/training/cohorts/{cohort_id}/status", response_class=HTMLResponse)
async def cohort_status(request: Request, cohort_id: int, db: DB, visitor: SignedIn) -> Response:
    status = (await request.form()).get("status")
    if status not in cohorts.MOVES or not 1 <= cohort_id <= MAX_ID:
        raise InvalidInput("Statut de cohorte inconnu.")
    await run_in_threadpool(cohorts.set_status, db, visitor.actor, cohort_id, str(status))
    return RedirectResponse(f"{BASE}/cohorts/{cohort_id}?ok={status}", status_code=303)
