"""One application's page: its figures, the eligibility checks with their reasons, the
proposed grant, its history and tranches, and the forms of the actions that the user's
role and the application's status allow."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from marsad.errors import MarsadError
from marsad.operational.auth import Actor
from marsad.operational.db import Database
from marsad.programmes import service, text
from marsad.programmes.models import Application, Tranche
from marsad.reference import load_regions
from marsad.settings import Settings
from marsad.web.backoffice_pages_forms import Form, control, e, form_alert, table
from marsad.web.backoffice_pages_layout import (
    HOME,
    STATUS_LABELS,
    Visitor,
    csrf_field,
    layout,
    mad,
    when,
)
from marsad.web.backoffice_pages_programmes import instrument_name

BASE = f"{HOME}/applications"
PROJECT_KINDS = [
    ("", "Non précisée"),
    ("rd", "Recherche et développement"),
    ("innovation", "Innovation"),
    ("patent", "Brevet"),
    ("investment", "Investissement"),
]
EVENT_LABELS = {
    "create": "Création",
    "submit": "Soumission",
    "declare_eligible": "Déclarée éligible",
    "declare_ineligible": "Déclarée non éligible",
    "appraise": "Évaluation",
    "approve": "Approbation",
    "reject": "Rejet",
    "sign_agreement": "Signature de la convention",
    "pay_tranche": "Paiement d'une tranche",
    "close": "Clôture",
    "claw_back": "Récupération de l'aide",
}
TRANCHE_LABELS = {"planned": "Prévue", "paid": "Payée", "cancelled": "Annulée"}
PROJECT_LABELS = {
    "kind": "Nature du projet",
    "project_cost_mad": "Coût du projet",
    "investment_mad": "Investissement",
    "own_funds_mad": "Fonds propres",
    "jobs_created": "Emplois créés",
    "region_code": "Région du projet",
    "description": "Description",
}


def _project_value(name: str, value: object) -> str:
    if name.endswith("_mad"):
        return mad(Decimal(str(value)))
    if name == "kind":
        return dict(PROJECT_KINDS).get(str(value), str(value))
    if name == "region_code":
        names = {r.code: r.name_fr for r in load_regions()}
        return f"{value} {names.get(str(value), '')}".strip()
    return str(value)


def _summary(app: Application) -> str:
    prog = service.catalogue().get(app.programme_code)
    instrument = instrument_name(prog, app.instrument) if prog else str(app.instrument)
    facts = [
        (
            "Programme",
            f'<a href="{HOME}/programmes/{e(app.programme_code)}">{e(app.programme_code)}</a>',
        ),
        ("Entreprise", e(app.enterprise_id)),
        ("Statut", f"<strong>{e(STATUS_LABELS.get(app.status, app.status))}</strong>"),
        ("Instrument", e(instrument)),
        ("Montant demandé", e(mad(app.requested_mad))),
        ("Montant approuvé", e(mad(app.approved_mad))),
        ("Montant payé", e(mad(app.paid_mad))),
        (
            "Note d'évaluation",
            e("—" if app.score is None else f"{text.number(app.score, 2)} / 100"),
        ),
        ("Chambre", e(app.chamber_code or "—")),
        ("Créée par", e(f"{app.created_by}, le {when(app.created_at)}")),
    ]
    facts += [
        (label, e(_project_value(name, app.project[name])))
        for name, label in PROJECT_LABELS.items()
        if app.project.get(name) not in (None, "")
    ]
    return '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"


def _eligibility(app: Application) -> str:
    result = app.eligibility or {}
    checks = result.get("checks") or []
    if not checks:
        return "<p>Pas encore vérifiée : elle l'est à la soumission de la demande.</p>"
    verdict = "Éligible" if result.get("eligible") else "Non éligible"
    items = "".join(
        f'<li class="{"passed" if c.get("passed") else "failed"}">'
        f'<span class="verdict">{"✔ Règle remplie" if c.get("passed") else "✘ Règle non remplie"}'
        f"</span> : {e(c.get('reason_fr', ''))}</li>"
        for c in checks
    )
    failed = sum(1 for c in checks if not c.get("passed"))
    day = result.get("today") or ""
    with contextlib.suppress(ValueError):
        day = text.fr_date(date.fromisoformat(day))
    return (
        f'<p class="verdict-line"><strong>{verdict}</strong> — {len(checks)} règles vérifiées '
        f'le {e(day)}, {failed} non remplie(s).</p><ul class="checks">{items}</ul>'
    )


def _grant(settings: Settings, db: Database, actor: Actor, app: Application) -> tuple[str, str]:
    """The proposed grant's section and the amount to prefill the approval with."""
    if not actor.can("application.decide") or app.status not in ("eligible", "appraised"):
        return "", str(app.requested_mad)
    try:
        grant = service.proposed_grant(settings, db, actor, app.id)
    except MarsadError as exc:
        return f"<h2>Subvention proposée</h2><p>Aucun calcul : {e(exc.message)}</p>", str(
            app.requested_mad
        )
    reasons = "".join(f"<li>{e(r)}</li>" for r in grant.reasons)
    tranches = "".join(
        f"<li>Tranche {t.number} : {e(mad(t.amount_mad))} — {e(t.milestone)}</li>"
        for t in grant.tranches
    )
    html = f"""<h2>Subvention proposée</h2>
<p class="big">{e(mad(grant.amount_mad))}</p>
<h3>Calcul</h3><ol>{reasons}</ol>
{f"<h3>Tranches prévues</h3><ul>{tranches}</ul>" if tranches else ""}"""
    prefill = min(grant.amount_mad, app.requested_mad) if grant.amount_mad > 0 else None
    return html, str(prefill if prefill is not None else app.requested_mad)


def _events(db: Database, actor: Actor, app: Application) -> str:
    rows = []
    for event in service.history(db, actor, app.id):
        reason = event.reason
        if event.detail.get("amount_mad"):
            reason = f"{reason} {mad(Decimal(event.detail['amount_mad']))}".strip()
        rows.append(
            [
                e(when(event.at)),
                e(event.actor),
                e(EVENT_LABELS.get(event.action, event.action)),
                e(STATUS_LABELS.get(event.from_status or "", "—")),
                e(STATUS_LABELS.get(event.to_status or "", "—")),
                e(reason or "—"),
            ]
        )
    headers = ["Date", "Par", "Action", "De", "Vers", "Motif"]
    return table("Historique de la demande", headers, rows, "Aucun événement.")


def _post(app: Application, action: str, visitor: Visitor, inner: str, button: str) -> str:
    return (
        f'<form method="post" action="{BASE}/{app.id}/{action}" class="bo-form">'
        f'{csrf_field(visitor)}{inner}<button type="submit">{e(button)}</button></form>'
    )


def _tranches(db: Database, visitor: Visitor, app: Application, forms: dict[str, Form]) -> str:
    with db.session() as session:
        found = list(
            session.scalars(
                select(Tranche).where(Tranche.application_id == app.id).order_by(Tranche.seq)
            )
        )
    payable = visitor.actor.can("application.pay") and app.status == "agreement"
    rows = []
    for t in found:
        action = ""
        if payable and t.status == "planned":
            form = forms.get(f"pay-{t.id}") or Form(f"pay-{t.id}")
            met = control(form, "milestone_met", f"Jalon atteint : {t.milestone}", kind="checkbox")
            inner = form_alert(form) + met
            action = _post(
                app, f"tranches/{t.id}/payment", visitor, inner, f"Payer la tranche {t.seq}"
            )
        paid = f"{when(t.paid_at)} par {t.paid_by}" if t.paid_at else "—"
        rows.append(
            [
                f"Tranche {t.seq}",
                e(mad(t.amount_mad)),
                e(t.milestone),
                e(TRANCHE_LABELS.get(t.status, t.status)),
                e(paid),
                action or "—",
            ]
        )
    headers = ["Tranche", "Montant", "Jalon", "Statut", "Payée", "Paiement"]
    return table("Tranches de la convention", headers, rows, "Aucune tranche : pas de convention.")


SUBMIT_HINT = "<p class=hint>La soumission vérifie l'éligibilité sur le registre.</p>"
APPROVE_HINT = "Prérempli avec la subvention proposée ; plafonds et budget sont vérifiés."


def _appraisal_fields(f: Form) -> str:
    score = control(f, "score", "Note (0 à 100)", required=True, extra='inputmode="decimal"')
    return score + control(f, "note", "Avis d'évaluation", kind="textarea")


def _approval_fields(f: Form) -> str:
    label, extra = "Montant approuvé (MAD)", 'inputmode="decimal"'
    return control(f, "amount_mad", label, required=True, hint=APPROVE_HINT, extra=extra)


def _rejection_fields(f: Form) -> str:
    return control(f, "reason", "Motif du rejet", kind="textarea", required=True)


def _actions(visitor: Visitor, app: Application, forms: dict[str, Form], prefill: str) -> str:
    """The forms of the actions that the user's role and the application's status allow."""
    who, status, out = visitor.actor, app.status, []
    decide = who.can("application.decide")

    def offer(form_id: str, title: str, button: str, fields: Callable[[Form], str]) -> None:
        f = forms.get(form_id) or Form(form_id, {"amount_mad": prefill})
        post = _post(app, form_id, visitor, fields(f), button)
        out.append(f'<section class="action"><h3>{e(title)}</h3>{form_alert(f)}{post}</section>')

    if status == "draft" and who.can("application.create"):
        offer("submit", "Soumettre", "Soumettre la demande", lambda _: SUBMIT_HINT)
    if decide and status == "eligible":
        offer("appraisal", "Évaluer", "Enregistrer l'évaluation", _appraisal_fields)
    if decide and status == "appraised":
        offer("approve", "Approuver", "Approuver", _approval_fields)
    if decide and status in ("submitted", "eligible", "appraised"):
        offer("reject", "Rejeter", "Rejeter la demande", _rejection_fields)
    if decide and status == "approved":
        offer("agreement", "Convention", "Signer la convention", lambda _: "")
    if decide and status == "agreement":
        offer("close", "Clôturer", "Clôturer la demande", lambda _: "")
    return "".join(out) or "<p>Aucune action possible pour votre rôle au statut actuel.</p>"


def application_page(
    request: Request,
    db: Database,
    visitor: Visitor,
    settings: Settings,
    application_id: int,
    *,
    forms: dict[str, Form] | None = None,
    status: int = 200,
    notice: str = "",
) -> HTMLResponse:
    app = service.visible(db, visitor.actor, application_id)
    forms = forms or {}
    grant, prefill = _grant(settings, db, visitor.actor, app)
    body = f"""<h1>Demande n° {app.id}</h1>
{_summary(app)}
<h2>Actions</h2>
{_actions(visitor, app, forms, prefill)}
<h2>Éligibilité</h2>
{_eligibility(app)}
{grant}
<h2>Tranches</h2>
{_tranches(db, visitor, app, forms)}
<h2>Historique</h2>
{_events(db, visitor.actor, app)}
<p><a href="{BASE}">Retour aux demandes</a></p>"""
    alert = notice.startswith("Refusé")
    title = f"Demande n° {app.id}"
    return layout(request, visitor, title, body, status=status, notice=notice, alert=alert)
