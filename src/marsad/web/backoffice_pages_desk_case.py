"""One case of the auto-entrepreneur desk: who, the activity, the eligibility to the
status with its reason, the steps, and the forms of what the case's status allows next."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from marsad.errors import MarsadError, NotFound
from marsad.programmes import desk
from marsad.programmes.support_models import DeskCase
from marsad.web.backoffice_pages_desk import BASE, KINDS, STATUS, STEPS
from marsad.web.backoffice_pages_forms import Form, control, e, field_text, form_alert, table
from marsad.web.backoffice_pages_layout import (
    HOME,
    MAX_ID,
    NOTICES,
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
DECIMAL = 'inputmode="decimal"'


def _forms(visitor: Visitor, case: DeskCase, forms: dict[str, Form]) -> str:
    """The forms of what the case's status allows next."""
    if not visitor.actor.can("desk.write"):
        return "<p>Lecture seule.</p>"
    out, status = [], case.status

    def post(action: str, title: str, form: Form, inner: str, button: str) -> None:
        out.append(
            f'<section class="action"><h3>{e(title)}</h3>{form_alert(form)}'
            f'<form method="post" action="{BASE}/{case.id}/{action}" class="bo-form">'
            f'{csrf_field(visitor)}{inner}<button type="submit">{e(button)}</button></form>'
            "</section>"
        )

    if status in ("open", "eligible", "ineligible"):
        known = {"expected_turnover_mad": str(case.expected_turnover_mad)}
        f = forms.get("eligibility") or Form(
            "eligibility", known | {"activity_kind": case.activity_kind}
        )
        label = "Chiffre d'affaires annuel prévu (MAD)"
        inner = control(f, "expected_turnover_mad", label, required=True, extra=DECIMAL)
        inner += control(f, "activity_kind", "Nature de l'activité", options=KINDS)
        post("eligibility", "Vérifier l'éligibilité", f, inner, "Vérifier")
    if status not in ("registered", "abandoned"):
        steps = ["information", "follow_up"]
        if status in desk.HELPED:
            steps[1:1] = ["documents", "submission"]
        f = forms.get("step") or Form("step")
        inner = control(f, "step", "Étape", options=[(s, STEPS[s]) for s in steps])
        inner += control(f, "note", "Note", kind="textarea", hint="Obligatoire pour un suivi.")
        post("steps", "Enregistrer une étape", f, inner, "Enregistrer l'étape")
        outcomes = [("abandoned", "Abandon")]
        if status in desk.HELPED:
            outcomes.insert(0, ("registered", "Inscrit au registre"))
        f = forms.get("outcome") or Form("outcome")
        inner = control(f, "outcome", "Issue", options=outcomes)
        inner += control(
            f, "ae_number", "Numéro d'auto-entrepreneur", hint="Obligatoire pour une inscription."
        )
        inner += control(f, "note", "Note", kind="textarea")
        post("outcome", "Clore le dossier", f, inner, "Enregistrer l'issue")
    return "".join(out) or "<p>Dossier clos : aucune action possible.</p>"


def _case_page(
    request: Request,
    db: DB,
    visitor: Visitor,
    case_id: int,
    forms: dict[str, Form] | None = None,
    status: int = 200,
    notice: str = "",
) -> HTMLResponse:
    if not 1 <= case_id <= MAX_ID:
        raise NotFound(f"Le dossier {case_id} n'existe pas.")
    found = desk.get_case(db, visitor.actor, case_id)
    c = found.case
    facts = [
        ("Statut", STATUS.get(c.status, c.status)),
        ("Chambre", c.chamber_code),
        (
            "Activité",
            f"{dict(KINDS).get(c.activity_kind, c.activity_kind)} {c.activity_code or ''}".strip(),
        ),
        ("Chiffre d'affaires prévu", mad(c.expected_turnover_mad)),
        ("Sexe", {"F": "Femme", "M": "Homme"}.get(c.gender or "", "—")),
        ("Année de naissance", str(c.birth_year or "—")),
        ("Commune", c.commune_code or "—"),
        ("Téléphone", c.phone or "—"),
        ("Numéro d'auto-entrepreneur", c.ae_number or "—"),
        ("Entreprise du registre", c.enterprise_id or "—"),
        ("Ouvert", f"le {when(c.opened_at)} par {c.created_by}"),
    ]
    steps = [
        [e(when(s.at)), e(STEPS.get(s.step, s.step)), e(s.note or "—"), e(s.actor)]
        for s in found.steps
    ]
    reason = c.eligibility_reason or "Pas encore vérifiée."
    body = f"""<h1>Dossier n° {c.id} : {e(c.person_name)}</h1>
<dl class="facts">{"".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts)}</dl>
<h2>Éligibilité au statut</h2>
<p class="reason">{e(reason)}</p>
<h2>Actions</h2>
{_forms(visitor, c, forms or {})}
<h2>Étapes</h2>
{table("Étapes du dossier", ["Date", "Étape", "Note", "Par"], steps, "Aucune étape.")}
<p><a href="{BASE}">Retour aux dossiers</a></p>"""
    alert = notice.startswith("Refusé")
    return layout(
        request, visitor, f"Dossier n° {c.id}", body, status=status, notice=notice, alert=alert
    )


@router.get("/desk/{case_id:int}", response_class=HTMLResponse)
def case_page(request: Request, case_id: int, db: DB, visitor: SignedIn, ok: str = "") -> Response:
    return _case_page(request, db, visitor, case_id, notice=NOTICES.get(ok, ""))


async def _act(
    request: Request,
    db: DB,
    visitor: Visitor,
    case_id: int,
    form_id: str,
    fields: tuple[str, ...],
    run: Callable[[Form], object],
    done: str,
) -> Response:
    if not 1 <= case_id <= MAX_ID:
        raise NotFound(f"Le dossier {case_id} n'existe pas.")
    data = await request.form()
    form = Form(form_id, {name: field_text(data, name) for name in fields})

    def settle() -> Response:
        try:
            run(form)
        except MarsadError as exc:
            form.fail(exc)
            notice = f"Refusé : {exc.message}"
            return _case_page(request, db, visitor, case_id, {form_id: form}, exc.status, notice)
        return RedirectResponse(f"{BASE}/{case_id}?ok={done}", status_code=303)

    return await run_in_threadpool(settle)


@router.post("/desk/{case_id:int}/eligibility")
async def eligibility(request: Request, case_id: int, db: DB, visitor: SignedIn) -> Response:
    def run(form: Form) -> object:
        turnover = form.decimal("expected_turnover_mad")
        form.check()
        kind = form.values["activity_kind"] or None
        return desk.check_eligibility(
            db, visitor.actor, case_id, expected_turnover_mad=turnover, activity_kind=kind
        )

    fields = ("expected_turnover_mad", "activity_kind")
    return await _act(request, db, visitor, case_id, "eligibility", fields, run, "checked")


@router.post("/desk/{case_id:int}/steps")
async def step(request: Request, case_id: int, db: DB, visitor: SignedIn) -> Response:
    def run(form: Form) -> object:
        return desk.add_step(db, visitor.actor, case_id, form.values["step"], form.values["note"])

    return await _act(request, db, visitor, case_id, "step", ("step", "note"), run, "step")


@router.post("/desk/{case_id:int}/outcome")
async def outcome(request: Request, case_id: int, db: DB, visitor: SignedIn) -> Response:
    def run(form: Form) -> object:
        v = form.values
        number = v["ae_number"] if v["outcome"] == "registered" else None
        return desk.record_outcome(
            db, visitor.actor, case_id, v["outcome"], ae_number=number, note=v["note"]
        )

    fields = ("outcome", "ae_number", "note")
    return await _act(request, db, visitor, case_id, "outcome", fields, run, "outcome")
