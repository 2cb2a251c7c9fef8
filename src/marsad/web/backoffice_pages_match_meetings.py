"""What came of a matchmaking proposal, in the back office: the page of one proposal with
its meetings and its outcome. Brokers record the meetings (date, place, participants,
notes) and the outcome (agreement type, value, date), which feed the market-access
indicator; the parties read them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from marsad.errors import MarsadError
from marsad.matchmaking import outcomes, proposals
from marsad.matchmaking.models import AGREEMENT_TYPES
from marsad.operational.db import Database
from marsad.web.backoffice_pages_forms import Form, control, e, field_text, form_alert, table
from marsad.web.backoffice_pages_layout import (
    HOME,
    PageRoute,
    SignedIn,
    Visitor,
    csrf_field,
    layout,
    mad,
)
from marsad.web.backoffice_pages_matchmaking import BASE, PROPOSAL_STATUS
from marsad.web.deps import DB

router = APIRouter(prefix=HOME, route_class=PageRoute, include_in_schema=False)
AGREEMENT_LABELS = {
    "subcontracting": "Sous-traitance",
    "supply": "Fourniture",
    "partnership": "Partenariat",
    "technology": "Transfert de technologie",
    "other": "Autre",
}
OUTCOMES = {"agreement": "Accord conclu", "no_agreement": "Sans accord"}
INTEREST = {"yes": "intéressée", "no": "pas intéressée", None: "sans réponse"}
NOTICES = {"meeting": "Rencontre enregistrée.", "outcome": "Issue enregistrée."}
MEETING_FIELDS = ("held_on", "place", "participants", "notes")
OUTCOME_FIELDS = ("outcome", "agreement_type", "value_mad", "signed_on", "notes")
PARTICIPANTS = "Participants : "


def _day(form: Form, name: str, *, required: bool = True) -> date | None:
    """A date typed AAAA-MM-JJ, not after today."""
    raw = form.values.get(name, "")
    if not raw:
        if required:
            form.errors[name] = "date obligatoire"
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        form.errors[name] = "date attendue (AAAA-MM-JJ)"
        return None
    if day > date.today():
        form.errors[name] = "date future : seule une date passée ou du jour est admise"
        return None
    return day


def _forms(visitor: Visitor, status: str, pid: int, forms: dict[str, Form]) -> str:
    """The broker's forms that the proposal's status allows; the parties only read."""
    if not visitor.actor.can("match.broker"):
        return ""
    if status not in ("connected", "agreement", "no_agreement"):
        return (
            "<p>Rencontres et issue s'enregistrent quand les deux parties se sont dites "
            "intéressées.</p>"
        )

    def post(action: str, title: str, form: Form, inner: str) -> str:
        return (
            f'<section class="action"><h3>{e(title)}</h3>{form_alert(form)}'
            f'<form method="post" action="{BASE}/proposals/{pid}/{action}" class="bo-form" '
            f'novalidate>{csrf_field(visitor)}{inner}<button type="submit">Enregistrer</button>'
            "</form></section>"
        )

    f = forms.get("meeting") or Form("meeting")
    out = post(
        "meetings",
        "Enregistrer une rencontre",
        f,
        control(f, "held_on", "Date de la rencontre", kind="date", required=True)
        + control(f, "place", "Lieu")
        + control(f, "participants", "Participants", hint="Noms et fonctions.")
        + control(f, "notes", "Notes", kind="textarea"),
    )
    if status == "connected":
        f = forms.get("outcome") or Form("outcome")
        types = [("", "Choisir"), *((t, AGREEMENT_LABELS[t]) for t in AGREEMENT_TYPES)]
        out += post(
            "outcome",
            "Enregistrer l'issue",
            f,
            control(f, "outcome", "Issue", options=list(OUTCOMES.items()), required=True)
            + control(f, "agreement_type", "Type d'accord", options=types)
            + control(f, "value_mad", "Valeur de l'accord (MAD)", extra='inputmode="decimal"')
            + control(f, "signed_on", "Date de l'accord", kind="date")
            + control(f, "notes", "Notes", kind="textarea"),
        )
    return out


def _page(
    request: Request,
    db: Database,
    visitor: Visitor,
    pid: int,
    forms: dict[str, Form] | None = None,
    status: int = 200,
    notice: str = "",
) -> HTMLResponse:
    p, r, o = proposals.visible_proposal(db, visitor.actor, pid)
    facts = [
        ("Statut", PROPOSAL_STATUS.get(p.status, p.status)),
        ("Score", f"{float(p.score):.0%}"),
        ("Demande", f"{r.title} ({r.enterprise_id}), {INTEREST.get(p.request_interest)}"),
        ("Offre", f"{o.title} ({o.enterprise_id}), {INTEREST.get(p.offer_interest)}"),
    ]
    meetings = [
        [e(m.held_on.strftime("%d/%m/%Y")), e(m.place or "—"), e(m.notes or "—"), e(m.recorded_by)]
        for m in outcomes.meetings_of(db, pid)
    ]
    ended = outcomes.outcome_of(db, pid)
    result = "<p>Aucune issue enregistrée.</p>"
    if ended is not None:
        signed = ended.signed_on.strftime("%d/%m/%Y") if ended.signed_on else "—"
        lines = [
            ("Issue", OUTCOMES.get(ended.outcome, ended.outcome)),
            ("Type d'accord", AGREEMENT_LABELS.get(ended.agreement_type or "", "—")),
            ("Valeur", mad(ended.value_mad)),
            ("Date", signed),
            ("Notes", ended.notes or "—"),
        ]
        result = (
            f'<dl class="facts">{"".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in lines)}</dl>'
        )
    headers = ["Date", "Lieu", "Participants et notes", "Enregistrée par"]
    body = f"""<h1>Proposition n° {p.id}</h1>
<dl class="facts">{"".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts)}</dl>
<h2>Rencontres</h2>
{table(f"Rencontres ({len(meetings)})", headers, meetings, "Aucune rencontre enregistrée.")}
<h2>Issue</h2>
{result}
{_forms(visitor, p.status, p.id, forms or {})}
<p><a href="{BASE}">Retour à la mise en relation</a></p>"""
    alert = notice.startswith("Refusé")
    title = f"Proposition n° {p.id}"
    return layout(request, visitor, title, body, status=status, notice=notice, alert=alert)


@router.get("/match/proposals/{proposal_id:int}", response_class=HTMLResponse)
def proposal_page(
    request: Request, proposal_id: int, db: DB, visitor: SignedIn, ok: str = ""
) -> HTMLResponse:
    return _page(request, db, visitor, proposal_id, notice=NOTICES.get(ok, ""))


async def _act(
    request: Request,
    db: Database,
    visitor: Visitor,
    pid: int,
    form_id: str,
    fields: tuple[str, ...],
    run: Callable[[Form], object],
) -> Response:
    data = await request.form()
    form = Form(form_id, {name: field_text(data, name) for name in fields})

    def settle() -> Response:
        try:
            run(form)
        except MarsadError as exc:
            form.fail(exc)
            notice = f"Refusé : {exc.message}"
            return _page(request, db, visitor, pid, {form_id: form}, exc.status, notice)
        return RedirectResponse(f"{BASE}/proposals/{pid}?ok={form_id}", status_code=303)

    return await run_in_threadpool(settle)


@router.post("/match/proposals/{proposal_id:int}/meetings", response_class=HTMLResponse)
async def meeting(request: Request, proposal_id: int, db: DB, visitor: SignedIn) -> Response:
    def run(form: Form) -> object:
        v = form.values
        held_on = _day(form, "held_on")
        if len(v["place"]) > 200:
            form.errors["place"] = "200 caractères au plus"
        form.check()
        assert held_on is not None
        who = f"{PARTICIPANTS}{v['participants']}" if v["participants"] else ""
        notes = "\n".join(part for part in (who, v["notes"]) if part)
        return outcomes.record_meeting(db, visitor.actor, proposal_id, held_on, v["place"], notes)

    return await _act(request, db, visitor, proposal_id, "meeting", MEETING_FIELDS, run)


@router.post("/match/proposals/{proposal_id:int}/outcome", response_class=HTMLResponse)
async def outcome(request: Request, proposal_id: int, db: DB, visitor: SignedIn) -> Response:
    def run(form: Form) -> object:
        v = form.values
        if v["outcome"] not in OUTCOMES:
            form.errors["outcome"] = "choisissez l'issue"
        agreement = v["outcome"] == "agreement"
        if agreement and v["agreement_type"] not in AGREEMENT_TYPES:
            form.errors["agreement_type"] = "choisissez le type d'accord"
        value = form.decimal("value_mad", required=False)
        signed_on = _day(form, "signed_on", required=agreement)
        form.check()
        return outcomes.record_outcome(
            db,
            visitor.actor,
            proposal_id,
            agreement,
            agreement_type=v["agreement_type"] or None,
            value_mad=value,
            signed_on=signed_on,
            notes=v["notes"],
        )

    return await _act(request, db, visitor, proposal_id, "outcome", OUTCOME_FIELDS, run)
