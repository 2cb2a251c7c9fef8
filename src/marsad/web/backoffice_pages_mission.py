"""One mission's page: the mission, its deliverables, the actions that the user's role and
the mission's status allow, and the form of the beneficiary's satisfaction."""

from __future__ import annotations

from decimal import Decimal

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from marsad.operational.db import Database
from marsad.programmes import advisers as svc
from marsad.programmes import text
from marsad.programmes.support_models import Adviser, Mission
from marsad.web.backoffice_pages_advisers import checked_id, page
from marsad.web.backoffice_pages_forms import Form, control, e, form_alert, table
from marsad.web.backoffice_pages_layout import HOME, Visitor, csrf_field, mad, when

BASE = f"{HOME}/missions"
STATUS = {
    "assigned": "Confiée",
    "in_progress": "En cours",
    "delivered": "Livrée",
    "accepted": "Acceptée",
    "cancelled": "Annulée",
}
STEPS = {  # action: (title, button, asks for a reason)
    "start": ("Démarrer la mission", "Démarrer", False),
    "deliver": ("Livrer la mission", "Livrer", False),
    "accept": ("Accepter la livraison", "Accepter", False),
    "send_back": ("Renvoyer au conseiller", "Renvoyer", True),
    "cancel": ("Annuler la mission", "Annuler la mission", True),
}
NOTICES = {
    "assigned": "La mission a été confiée au conseiller.",
    "deliverable": "Le livrable a été ajouté.",
    "handed_in": "Le livrable a été remis.",
    "start": "La mission a démarré.",
    "deliver": "La mission a été livrée.",
    "accept": "La livraison a été acceptée.",
    "send_back": "La mission a été renvoyée au conseiller.",
    "cancel": "La mission a été annulée.",
    "satisfaction": "La satisfaction du bénéficiaire a été enregistrée.",
}


def adviser_names(db: Database, missions: list[Mission]) -> dict[int, str]:
    """Names of the advisers of missions the user already sees."""
    ids = {m.adviser_id for m in missions}
    with db.session() as session:
        rows = session.execute(select(Adviser.id, Adviser.name).where(Adviser.id.in_(ids)))
        return {int(i): str(n) for i, n in rows}


def application_link(visitor: Visitor, application_id: int) -> str:
    label = f"Demande n° {application_id}"
    if visitor.actor.can("application.read"):
        return f'<a href="{HOME}/applications/{application_id}">{label}</a>'
    return label


def _post(visitor: Visitor, url: str, form: Form, title: str, inner: str, button: str) -> str:
    return (
        f'<section class="action"><h3>{e(title)}</h3>{form_alert(form)}'
        f'<form method="post" action="{url}" class="bo-form">{csrf_field(visitor)}{inner}'
        f'<button type="submit">{e(button)}</button></form></section>'
    )


def _actions(visitor: Visitor, m: Mission, forms: dict[str, Form]) -> str:
    """The forms that the user's role and the mission's status allow."""
    who, out, url = visitor.actor, [], f"{BASE}/{m.id}"
    reports = who.can("mission.report") or who.can("mission.write")
    for action, (title, button, asks) in STEPS.items():
        permission, starts, _ = svc.STEPS[action]
        allowed = reports if permission == "mission.report" else who.can(permission)
        if allowed and m.status in starts:
            f = forms.get(action) or Form(action)
            inner = control(f, "reason", "Motif", kind="textarea") if asks else ""
            out.append(_post(visitor, f"{url}/{action}", f, title, inner, button))
    if reports and m.status in svc.ACTIVE:
        f = forms.get("deliverable") or Form("deliverable")
        inner = control(f, "title", "Intitulé", required=True)
        inner += control(f, "due_date", "Échéance", kind="date", required=True)
        out.append(
            _post(visitor, f"{url}/deliverables", f, "Ajouter un livrable", inner, "Ajouter")
        )
    done = m.status in ("delivered", "accepted")
    if who.can("mission.write") and done and m.satisfaction is None:
        f = forms.get("satisfaction") or Form("satisfaction")
        scores = [("", "Choisir"), *((str(n), f"{n} sur 5") for n in range(1, 6))]
        inner = control(f, "score", "Satisfaction du bénéficiaire", options=scores, required=True)
        inner += control(f, "comment", "Commentaire", kind="textarea")
        title = "Satisfaction du bénéficiaire"
        out.append(_post(visitor, f"{url}/satisfaction", f, title, inner, "Enregistrer"))
    return "".join(out) or "<p>Aucune action possible pour votre rôle au statut actuel.</p>"


def mission_page(
    request: Request,
    db: Database,
    visitor: Visitor,
    mission_id: int,
    forms: dict[str, Form] | None = None,
    status: int = 200,
    notice: str = "",
) -> HTMLResponse:
    found = svc.get_mission(db, visitor.actor, checked_id(mission_id, "La mission"))
    m, forms = found.mission, forms or {}
    reports = visitor.actor.can("mission.report") or visitor.actor.can("mission.write")
    rows = []
    for d in found.deliverables:
        action = "—"
        if reports and m.status == "in_progress" and d.delivered_at is None:
            f = forms.get(f"handin-{d.id}") or Form(f"handin-{d.id}")
            action = (
                f'{form_alert(f)}<form method="post" action="{BASE}/{m.id}/deliverables/{d.id}'
                f'/hand-in" class="bo-form">{csrf_field(visitor)}'
                f'<button type="submit">Remettre « {e(d.title)} »</button></form>'
            )
        accepted = "—" if d.accepted is None else "Oui" if d.accepted else "Non"
        due = d.due_date.strftime("%d/%m/%Y")
        rows.append([e(d.title), e(due), e(when(d.delivered_at)), e(accepted), action])
    cost = mad((m.days * m.daily_rate_mad).quantize(Decimal("0.01")))
    score = f"{m.satisfaction} / 5 {m.satisfaction_comment}".strip() if m.satisfaction else "—"
    facts = [
        ("Statut", e(STATUS.get(m.status, m.status))),
        ("Demande", application_link(visitor, m.application_id)),
        ("Conseiller", e(adviser_names(db, [m]).get(m.adviser_id, m.adviser_id))),
        ("Objet", e(m.subject or "—")),
        ("Jours", e(text.number(m.days, 1))),
        ("Coût prévu", e(f"{cost} ({mad(m.daily_rate_mad)} par jour)")),
        ("Début", e(m.start_date.strftime("%d/%m/%Y"))),
        ("Fin", e(m.end_date.strftime("%d/%m/%Y") if m.end_date else "—")),
        ("Satisfaction", e(score)),
    ]
    headers = ["Livrable", "Échéance", "Remis le", "Accepté", "Remise"]
    body = f"""<h1>Mission n° {m.id}</h1>
<dl class="facts">{"".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)}</dl>
<h2>Livrables</h2>
{table("Livrables de la mission", headers, rows, "Aucun livrable.")}
<h2>Actions</h2>
{_actions(visitor, m, forms)}
<p><a href="{BASE}">Retour aux missions</a></p>"""
    return page(request, visitor, f"Mission n° {m.id}", body, status, notice)
