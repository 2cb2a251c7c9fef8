"""One regional committee's page: its members, its meetings (decisions and action items,
with the form that closes an action), its targets and the progress against them for a
chosen year, in a table with a bar per line whose percentage is written out (never colour
alone), and the forms of the changes for those who may make them."""

from __future__ import annotations

from datetime import date

from fastapi import Request
from fastapi.responses import HTMLResponse

from marsad.errors import NotFound
from marsad.operational.db import Database
from marsad.programmes import pilots, service
from marsad.programmes.support_models import PilotCommittee
from marsad.web.backoffice_pages_advisers import checked_id, page, regions
from marsad.web.backoffice_pages_forms import Form, control, e, form_alert, table
from marsad.web.backoffice_pages_layout import HOME, Visitor, csrf_field, mad

BASE = f"{HOME}/pilots"
NOTICES = {
    "created": "Le comité de pilotage a été créé.",
    "members": "Les membres du comité ont été enregistrés.",
    "meeting": "La réunion a été enregistrée.",
    "action": "Le suivi de l'action a été enregistré.",
    "target": "L'objectif a été enregistré.",
}
ACTION_STATUS = {"open": "Ouverte", "done": "Réalisée", "dropped": "Abandonnée"}
MEMBERS_HINT = "Un membre par ligne : nom ; organisme ; fonction (seul le nom est obligatoire)."
ACTIONS_HINT = "Une action par ligne : action ; responsable ; échéance (AAAA-MM-JJ)."


def members_text(c: PilotCommittee) -> str:
    return "\n".join(
        " ; ".join(m.get(k, "") for k in ("name", "organisation", "role")) for m in c.members
    )


def _bar(ratio: float | None, what: str) -> str:
    """A progress bar with its percentage written next to it; no target, no bar."""
    if ratio is None:
        return "— (pas d'objectif)"
    percent = round(ratio * 100)
    label = f"{what} : {percent} % de l'objectif"
    return (
        f'<progress max="100" value="{min(percent, 100)}" aria-label="{e(label)}">'
        f"{percent} %</progress> {percent} %"
    )


def _progress(db: Database, visitor: Visitor, c: PilotCommittee, year: int) -> str:
    found = pilots.pilot_progress(db, visitor.actor, c.id, year)
    rows = [
        [
            e(p.programme_code),
            e("—" if p.target_firms is None else p.target_firms),
            e(p.actual_firms),
            _bar(p.firms_ratio, f"{p.programme_code}, entreprises"),
            e(mad(p.target_budget_mad)),
            e(mad(p.approved_mad)),
            _bar(p.budget_ratio, f"{p.programme_code}, montant"),
        ]
        for p in found.programmes
    ]
    headers = ["Programme", "Objectif (entreprises)", "Accompagnées", "Atteinte (entreprises)"]
    headers += ["Objectif (budget)", "Montant approuvé", "Atteinte du budget"]
    empty = f"Aucun objectif ni aucune demande approuvée en {year}."
    return table(f"Objectifs et réalisations en {year}", headers, rows, empty)


def _meetings(
    visitor: Visitor, c: PilotCommittee, records: list[pilots.MeetingRecord], forms: dict[str, Form]
) -> str:
    out = []
    write = visitor.actor.can("pilot.write")
    for r in records:
        decisions = "".join(f"<li>{e(a.text)}</li>" for a in r.actions if a.kind == "decision")
        rows = []
        for a in (a for a in r.actions if a.kind == "action"):
            close = "—"
            if write and a.status == "open":
                f = forms.get(f"action-{a.id}") or Form(f"action-{a.id}")
                choices = [("done", "Réalisée"), ("dropped", "Abandonnée")]
                label = f"Suivi de l'action « {a.text[:80]} »"
                close = (
                    f'{form_alert(f)}<form method="post" action="{BASE}/{c.id}/actions/{a.id}" '
                    f'class="bo-form">{csrf_field(visitor)}'
                    f"{control(f, 'status', label, options=choices)}"
                    f'<button type="submit">Clore l\'action</button></form>'
                )
            due = a.due_date.strftime("%d/%m/%Y") if a.due_date else "—"
            status = ACTION_STATUS.get(a.status, a.status)
            rows.append([e(a.text), e(a.owner or "—"), e(due), e(status), close])
        held = r.meeting.held_on.strftime("%d/%m/%Y")
        headers = ["Action", "Responsable", "Échéance", "Statut", "Suivi"]
        out.append(
            f"<h3>Réunion du {held}</h3>"
            f"<p>{e(r.meeting.minutes) or 'Pas de compte rendu.'}</p>"
            f"<h4>Décisions</h4>{f'<ul>{decisions}</ul>' if decisions else '<p>Aucune.</p>'}"
            + table(f"Actions de la réunion du {held}", headers, rows, "Aucune action.")
        )
    return "".join(out) or "<p>Aucune réunion.</p>"


def committee_page(
    request: Request,
    db: Database,
    visitor: Visitor,
    committee_id: int,
    *,
    year: int | None = None,
    forms: dict[str, Form] | None = None,
    status: int = 200,
    notice: str = "",
) -> HTMLResponse:
    committee_id, forms = checked_id(committee_id, "Le comité de pilotage"), forms or {}
    found = [c for c in pilots.list_committees(db, visitor.actor) if c.id == committee_id]
    if not found:
        raise NotFound(f"Le comité de pilotage {committee_id} n'existe pas.")
    c, year = found[0], year or date.today().year
    members = [
        [e(m.get("name", "")), e(m.get("organisation") or "—"), e(m.get("role") or "—")]
        for m in c.members
    ]
    edit = ""
    if visitor.actor.can("pilot.write"):

        def post(action: str, title: str, f: Form, inner: str, button: str) -> str:
            return (
                f'<section class="action"><h3>{e(title)}</h3>{form_alert(f)}'
                f'<form method="post" action="{BASE}/{c.id}/{action}" class="bo-form" novalidate>'
                f'{csrf_field(visitor)}{inner}<button type="submit">{e(button)}</button></form>'
                "</section>"
            )

        f = forms.get("members") or Form("members", {"members": members_text(c)})
        inner = control(f, "members", "Membres", kind="textarea", hint=MEMBERS_HINT)
        edit = post("members", "Modifier les membres", f, inner, "Enregistrer les membres")
        f = forms.get("meeting") or Form("meeting")
        inner = control(f, "held_on", "Date de la réunion", kind="date", required=True)
        inner += control(f, "minutes", "Compte rendu", kind="textarea")
        inner += control(f, "decisions", "Décisions", kind="textarea", hint="Une par ligne.")
        inner += control(f, "actions", "Actions à suivre", kind="textarea", hint=ACTIONS_HINT)
        meeting_form = post("meetings", "Enregistrer une réunion", f, inner, "Enregistrer")
        f = forms.get("target") or Form("target", {"year": str(year)})
        codes = [("", "Choisir"), *((k, k) for k in service.catalogue())]
        inner = control(f, "year", "Année", required=True, extra='inputmode="numeric"')
        inner += control(f, "programme_code", "Programme", options=codes, required=True)
        inner += control(f, "firms_supported", "Entreprises à accompagner", required=True)
        inner += control(
            f, "budget_mad", "Budget (MAD)", required=True, extra='inputmode="decimal"'
        )
        target_form = post("targets", "Fixer un objectif", f, inner, "Enregistrer l'objectif")
    else:
        meeting_form = target_form = ""
    chosen = Form("year", {"year": str(year)})
    region = regions().get(c.region_code, c.region_code)
    body = f"""<h1>Comité de pilotage : {e(c.name)}</h1>
<p>Région : <strong>{e(region)}</strong></p>
<h2>Membres</h2>
{table("Membres du comité", ["Nom", "Organisme", "Fonction"], members, "Aucun membre.")}
{edit}
<h2>Réunions</h2>
{_meetings(visitor, c, pilots.list_meetings(db, visitor.actor, c.id), forms)}
{meeting_form}
<h2>Objectifs et avancement</h2>
<form method="get" action="{BASE}/{c.id}" class="bo-form filters-row" aria-label="Choisir l'année">
{control(chosen, "year", "Année", extra='inputmode="numeric"')}
<button type="submit">Afficher</button>
</form>
{_progress(db, visitor, c, year)}
{target_form}
<p><a href="{BASE}">Retour aux comités</a></p>"""
    return page(request, visitor, f"Comité de pilotage : {c.name}", body, status, notice)
