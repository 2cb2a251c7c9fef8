"""Matchmaking in the back office: profiles and proposals with their reasons in words, for
brokers (validate, dismiss) and for enterprises (submit their drafts, say their interest)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from marsad.errors import InvalidInput
from marsad.matchmaking import profiles, proposals
from marsad.matchmaking.access import members_of
from marsad.matchmaking.domain import KIND_LABELS
from marsad.matchmaking.models import MatchProfile
from marsad.operational.db import Database
from marsad.web.backoffice_pages_forms import e, field_text, table
from marsad.web.backoffice_pages_layout import HOME, PageRoute, SignedIn, Visitor, csrf_field
from marsad.web.backoffice_pages_layout import layout as page_layout
from marsad.web.deps import DB

router = APIRouter(prefix=HOME, route_class=PageRoute, include_in_schema=False)
BASE = f"{HOME}/match"
PROFILE_STATUS = {
    "draft": "Brouillon",
    "submitted": "Soumis",
    "published": "Publié",
    "rejected": "Rejeté",
    "expired": "Expiré",
    "withdrawn": "Retiré",
}
PROPOSAL_STATUS = {
    "proposed": "Proposée",
    "validated": "Validée par le courtier",
    "dismissed": "Écartée",
    "declined": "Déclinée",
    "connected": "Mise en relation",
    "agreement": "Accord conclu",
    "no_agreement": "Sans accord",
}
NOTICES = {
    "submit": "Profil soumis au courtier.",
    "validate": "Profil validé et publié.",
    "decision": "Décision enregistrée.",
    "interest": "Réponse enregistrée.",
}


def _button(visitor: Visitor, action: str, label: str, fields: dict[str, str]) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{e(k)}" value="{e(v)}">' for k, v in fields.items()
    )
    return (
        f'<form method="post" action="{e(action)}" class="inline">{csrf_field(visitor)}'
        f'{hidden}<button type="submit">{e(label)}</button></form>'
    )


def _profile_actions(visitor: Visitor, p: MatchProfile, own: set[str]) -> str:
    url = f"{BASE}/profiles/{p.id}"
    if visitor.actor.can("match.broker") and p.status in ("draft", "submitted"):
        return _button(visitor, url, "Valider et publier", {"action": "validate"})
    if p.enterprise_id in own and p.status in ("draft", "rejected"):
        return _button(visitor, url, "Soumettre au courtier", {"action": "submit"})
    return ""


def _proposal_actions(visitor: Visitor, status: str, pid: int, party: bool) -> str:
    url = f"{BASE}/proposals/{pid}"
    if visitor.actor.can("match.broker") and status == "proposed":
        return _button(visitor, f"{url}/decision", "Valider", {"action": "validate"}) + _button(
            visitor, f"{url}/decision", "Écarter", {"action": "dismiss"}
        )
    if party and status == "validated":
        return _button(visitor, f"{url}/interest", "Intéressé", {"interested": "yes"}) + _button(
            visitor, f"{url}/interest", "Pas intéressé", {"interested": "no"}
        )
    return ""


def _reasons(components: list[dict[str, Any]]) -> str:
    items = "".join(f"<li>{e(c.get('words', ''))}</li>" for c in components)
    return f"<details><summary>Pourquoi</summary><ul>{items}</ul></details>"


@router.get("/match", response_class=HTMLResponse)
def overview(request: Request, db: DB, visitor: SignedIn, ok: str = "") -> HTMLResponse:
    actor = visitor.actor
    own = members_of(db, actor) if actor.can("match.own") else set()
    rows = [
        [
            f'<a href="{BASE}/profiles/{p.id}">Profil n° {p.id}</a>',
            e(p.title),
            e(KIND_LABELS.get(p.kind, p.kind)),
            e(p.enterprise_id),
            e(PROFILE_STATUS.get(p.status, p.status)),
            e(f"{p.valid_from} → {p.valid_until}"),
            _profile_actions(visitor, p, own),
        ]
        for p in profiles.list_profiles(db, actor, limit=200)
    ]
    pairs = [
        [
            f'<a href="{BASE}/proposals/{m.id}">Proposition n° {m.id}</a>',
            e(f"{float(m.score):.0%}"),
            e(f"{r.title} ({r.enterprise_id})"),
            e(f"{o.title} ({o.enterprise_id})"),
            e(PROPOSAL_STATUS.get(m.status, m.status)),
            _reasons(m.components),
            _proposal_actions(
                visitor, m.status, m.id, bool({r.enterprise_id, o.enterprise_id} & own)
            ),
        ]
        for m, r, o in proposals.list_proposals(db, actor, limit=200)
    ]
    profile_headers = ["Profil", "Titre", "Type", "Entreprise", "Statut", "Validité", "Action"]
    pair_headers = ["Proposition", "Score", "Demande", "Offre", "Statut", "Raisons", "Action"]
    new = f'<p><a class="button" href="{BASE}/new-profile">Rédiger un profil</a></p>'
    body = f"""<h1>Mise en relation grandes entreprises – TPME</h1>
{new if actor.can("match.broker") or own else ""}
<h2>Profils</h2>
{table(f"Profils ({len(rows)})", profile_headers, rows, "Aucun profil visible.")}
<h2>Propositions</h2>
{table(f"Propositions ({len(pairs)})", pair_headers, pairs, "Aucune proposition visible.")}"""
    return page_layout(request, visitor, "Mise en relation", body, notice=NOTICES.get(ok, ""))


def _profile_action(db: Database, visitor: Visitor, profile_id: int, action: str) -> Response:
    if action not in ("submit", "validate"):
        raise InvalidInput(f"Action inconnue : {action}.")
    profiles.act(db, visitor.actor, profile_id, action)
    return RedirectResponse(f"{BASE}?ok={action}", status_code=303)


@router.post("/match/profiles/{profile_id}", response_class=HTMLResponse)
async def profile_action(request: Request, profile_id: int, db: DB, visitor: SignedIn) -> Response:
    action = field_text(await request.form(), "action", 20)
    return await run_in_threadpool(_profile_action, db, visitor, profile_id, action)


@router.post("/match/proposals/{proposal_id}/decision", response_class=HTMLResponse)
async def decision(request: Request, proposal_id: int, db: DB, visitor: SignedIn) -> Response:
    action = field_text(await request.form(), "action", 20)
    await run_in_threadpool(proposals.decide, db, visitor.actor, proposal_id, action)
    return RedirectResponse(f"{BASE}?ok=decision", status_code=303)


@router.post("/match/proposals/{proposal_id}/interest", response_class=HTMLResponse)
async def interest(request: Request, proposal_id: int, db: DB, visitor: SignedIn) -> Response:
    answer = field_text(await request.form(), "interested", 5)
    if answer not in ("yes", "no"):
        raise InvalidInput("Réponse attendue : yes ou no.")
    await run_in_threadpool(
        proposals.express_interest, db, visitor.actor, proposal_id, answer == "yes"
    )
    return RedirectResponse(f"{BASE}?ok=interest", status_code=303)
