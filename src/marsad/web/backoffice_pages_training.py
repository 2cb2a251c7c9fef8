"""Training in the back office: the module catalogue, the cohorts with the inclusion
breakdown of their participants, and one cohort's page — sessions, participants, the
attendance sheet, scores before and after, certificates — with CSV exports by role."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import HTMLResponse

from marsad.errors import InvalidInput
from marsad.register.build import current_build
from marsad.training.catalogue import FORMAT_LABELS, LANGUAGE_LABELS, LEVEL_LABELS, list_modules
from marsad.training.catalogue import topic_label as topic
from marsad.training.inclusion import DIMENSIONS, label
from marsad.training.views import cohort_list
from marsad.web.backoffice_pages_forms import e, table
from marsad.web.backoffice_pages_layout import (
    HOME,
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
    "session": "La séance a été ajoutée.",
    "assessment": "L'évaluation a été enregistrée et notée.",
    "enrolled": "Le participant a été inscrit.",
    "withdrawn": "L'inscription a été retirée ; la place est libre.",
    "open": "Les inscriptions sont ouvertes.",
    "closed": "Les inscriptions sont closes.",
    "cancelled": "La cohorte est annulée.",
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
    if actor.can("training.write"):
        links.append(f'<a href="{BASE}/cohorts/new">Nouvelle cohorte</a>')
        links.append(f'<a href="{BASE}/participants/new">Nouveau participant</a>')
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


def include(app: FastAPI) -> None:
    from marsad.web.backoffice_pages_training_coaching import router as coaching_forms
    from marsad.web.backoffice_pages_training_cohort import router as cohort
    from marsad.web.backoffice_pages_training_forms import router as forms
    from marsad.web.backoffice_pages_training_people import router as people

    app.include_router(forms)  # first: ".../new" before ".../{number}"
    app.include_router(coaching_forms)
    app.include_router(router)
    app.include_router(cohort)
    app.include_router(people)
