"""Applications in the back office: the list, each application's page and the actions of
the workflow (submit, appraise, approve or reject, sign, pay a tranche, close).

Each action is a small form posted to its own address; the services decide (permissions,
the chamber's scope, the workflow, budgets and caps) and a refusal comes back on the
application's page with its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from marsad.errors import MarsadError, NotFound
from marsad.programmes import service
from marsad.programmes.models import STATUSES, Tranche
from marsad.programmes.workflow import pay_tranche, transition
from marsad.web.backoffice_pages_application import application_page
from marsad.web.backoffice_pages_forms import Form, control, e, field_text, table
from marsad.web.backoffice_pages_layout import (
    HOME,
    MAX_ID,
    NOTICES,
    STATUS_LABELS,
    PageRoute,
    SignedIn,
    Visitor,
    layout,
    mad,
    settings_of,
)
from marsad.web.deps import DB

router = APIRouter(prefix=HOME, route_class=PageRoute, include_in_schema=False)
BASE = f"{HOME}/applications"


def _id(value: int) -> int:
    if not 1 <= value <= MAX_ID:
        raise NotFound(f"La demande {value} n'existe pas.")
    return value


@router.get("/applications", response_class=HTMLResponse)
def applications(
    request: Request, db: DB, visitor: SignedIn, status: str = "", programme: str = ""
) -> HTMLResponse:
    status = status if status in STATUSES else ""
    programme = programme if programme in service.catalogue() else ""
    found = service.listing(db, visitor.actor, status or None, programme or None)
    rows = [
        [
            f'<a href="{BASE}/{a.id}">Demande n° {a.id}</a>',
            e(a.programme_code),
            e(a.enterprise_id),
            e(STATUS_LABELS.get(a.status, a.status)),
            e(mad(a.requested_mad)),
            e(mad(a.approved_mad)),
            e(mad(a.paid_mad)),
            e(a.chamber_code or "—"),
            e(a.created_at.strftime("%d/%m/%Y")),
        ]
        for a in found
    ]
    filters = Form("filter", {"status": status, "programme": programme})
    statuses = [("", "Tous les statuts"), *STATUS_LABELS.items()]
    codes = [("", "Tous les programmes"), *((c, c) for c in service.catalogue())]
    new = ""
    if visitor.actor.can("application.create"):
        new = f'<p><a class="button" href="{BASE}/new">Nouvelle demande</a></p>'
    headers = ["Demande", "Programme", "Entreprise", "Statut", "Demandé", "Approuvé", "Payé"]
    body = f"""<h1>Demandes</h1>
{new}
<form method="get" action="{BASE}" class="bo-form filters-row" aria-label="Filtrer les demandes">
{control(filters, "status", "Statut", options=statuses)}
{control(filters, "programme", "Programme", options=codes)}
<button type="submit">Filtrer</button>
</form>
{table(f"Demandes ({len(rows)})", [*headers, "Chambre", "Créée le"], rows, "Aucune demande.")}"""
    return layout(request, visitor, "Demandes", body)


@router.get("/applications/{application_id:int}", response_class=HTMLResponse)
def application(
    request: Request, application_id: int, db: DB, visitor: SignedIn, ok: str = ""
) -> HTMLResponse:
    return application_page(
        request, db, visitor, settings_of(request), _id(application_id), notice=NOTICES.get(ok, "")
    )


async def _act(
    request: Request,
    db: DB,
    visitor: Visitor,
    application_id: int,
    form_id: str,
    fields: tuple[str, ...],
    run: Callable[[Form], object],
    done: str,
) -> Response:
    """Run one action of the page's forms; its refusal comes back on the page."""
    application_id = _id(application_id)
    data = await request.form()
    form = Form(form_id, {name: field_text(data, name) for name in fields})

    def settle() -> Response:
        try:
            run(form)
        except MarsadError as exc:
            form.fail(exc)
            return application_page(
                request,
                db,
                visitor,
                settings_of(request),
                application_id,
                forms={form_id: form},
                status=exc.status,
                notice=f"Refusé : {exc.message}",
            )
        return RedirectResponse(f"{BASE}/{application_id}?ok={done}", status_code=303)

    return await run_in_threadpool(settle)


@router.post("/applications/{application_id:int}/submit")
async def submit(request: Request, application_id: int, db: DB, visitor: SignedIn) -> Response:
    def run(_: Form) -> object:
        return service.submit(settings_of(request), db, visitor.actor, application_id)

    return await _act(request, db, visitor, application_id, "submit", (), run, "submitted")


@router.post("/applications/{application_id:int}/appraisal")
async def appraise(request: Request, application_id: int, db: DB, visitor: SignedIn) -> Response:
    def run(form: Form) -> object:
        visitor.actor.require("application.decide")
        score = form.decimal("score", high=Decimal(100), problem="note de 0 à 100")
        form.check()
        service.visible(db, visitor.actor, application_id)
        note = form.values["note"]
        return transition(db, visitor.actor.label, application_id, "appraise", note, score=score)

    fields = ("score", "note")
    return await _act(request, db, visitor, application_id, "appraisal", fields, run, "appraised")


@router.post("/applications/{application_id:int}/approve")
async def approve(request: Request, application_id: int, db: DB, visitor: SignedIn) -> Response:
    def run(form: Form) -> object:
        visitor.actor.require("application.decide")
        amount = form.decimal("amount_mad")
        form.check()
        return service.decide(db, visitor.actor, application_id, amount)

    fields = ("amount_mad",)
    return await _act(request, db, visitor, application_id, "approve", fields, run, "approved")


@router.post("/applications/{application_id:int}/reject")
async def reject(request: Request, application_id: int, db: DB, visitor: SignedIn) -> Response:
    def run(form: Form) -> object:
        return service.decide(db, visitor.actor, application_id, None, form.values["reason"])

    fields = ("reason",)
    return await _act(request, db, visitor, application_id, "reject", fields, run, "rejected")


@router.post("/applications/{application_id:int}/agreement")
async def agree(request: Request, application_id: int, db: DB, visitor: SignedIn) -> Response:
    def run(_: Form) -> object:
        return service.agree(db, visitor.actor, application_id)

    return await _act(request, db, visitor, application_id, "agreement", (), run, "agreement")


@router.post("/applications/{application_id:int}/close")
async def close(request: Request, application_id: int, db: DB, visitor: SignedIn) -> Response:
    def run(_: Form) -> object:
        visitor.actor.require("application.decide")
        service.visible(db, visitor.actor, application_id)
        return transition(db, visitor.actor.label, application_id, "close")

    return await _act(request, db, visitor, application_id, "close", (), run, "closed")


@router.post("/applications/{application_id:int}/tranches/{tranche_id:int}/payment")
async def pay(
    request: Request, application_id: int, tranche_id: int, db: DB, visitor: SignedIn
) -> Response:
    def run(form: Form) -> object:
        visitor.actor.require("application.pay")
        service.visible(db, visitor.actor, application_id)
        with db.session() as session:
            found = tranche_id <= MAX_ID and session.scalar(
                select(Tranche.id).where(
                    Tranche.id == tranche_id, Tranche.application_id == application_id
                )
            )
        if not found:
            raise NotFound(f"La tranche {tranche_id} n'existe pas pour cette demande.")
        met = form.values["milestone_met"] == "1"
        return pay_tranche(db, visitor.actor.label, tranche_id, met)

    fields = ("milestone_met",)
    form_id = f"pay-{tranche_id}"
    return await _act(request, db, visitor, application_id, form_id, fields, run, "paid")
