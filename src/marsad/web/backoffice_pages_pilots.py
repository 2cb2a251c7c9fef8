"""Regional pilots in the back office: the committees by region with the form that creates
one, and the actions of each committee's page (``backoffice_pages_pilot``): its members,
a meeting with its decisions and action items, an action closed, a year's target."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from marsad.operational.db import Database
from marsad.programmes import pilots, service
from marsad.web.backoffice_pages_advisers import act, checked_id, day, page, regions
from marsad.web.backoffice_pages_forms import Form, control, e, form_alert, table
from marsad.web.backoffice_pages_layout import HOME, PageRoute, SignedIn, Visitor, csrf_field
from marsad.web.backoffice_pages_pilot import (
    BASE,
    MEMBERS_HINT,
    NOTICES,
    committee_page,
)
from marsad.web.deps import DB

router = APIRouter(prefix=HOME, route_class=PageRoute, include_in_schema=False)


def _lines(form: Form, name: str, limits: tuple[int, ...], shape: str) -> list[list[str]]:
    """The non-empty lines of a textarea, each split on « ; » into ``len(limits)`` parts at
    most, of which the first is required."""
    out = []
    for n, line in enumerate(form.values.get(name, "").splitlines(), start=1):
        cells = [c.strip() for c in line.split(";")]
        if not line.strip():
            continue
        too_long = any(len(c) > k for c, k in zip(cells, limits, strict=False))
        if len(cells) > len(limits) or not cells[0] or too_long:
            form.errors.setdefault(name, f"ligne {n} : {shape}")
        out.append(cells + [""] * (len(limits) - len(cells)))
    return out


def _members(form: Form) -> list[dict[str, str]]:
    shape = "« nom ; organisme ; fonction », le nom obligatoire, 200 caractères par partie"
    rows = _lines(form, "members", (200, 200, 200), shape)
    return [{"name": r[0], "organisation": r[1], "role": r[2]} for r in rows]


@router.get("/pilots", response_class=HTMLResponse)
def committees(request: Request, db: DB, visitor: SignedIn) -> HTMLResponse:
    return _list_page(request, db, visitor, Form("committee"))


def _list_page(
    request: Request,
    db: Database,
    visitor: Visitor,
    form: Form,
    status: int = 200,
    notice: str = "",
) -> HTMLResponse:
    found = pilots.list_committees(db, visitor.actor)
    names = regions()
    rows = [
        [
            e(names.get(c.region_code, c.region_code)),
            f'<a href="{BASE}/{c.id}">{e(c.name)}</a>',
            str(len(c.members)),
        ]
        for c in found
    ]
    create = ""
    if visitor.actor.can("pilot.write"):
        taken = {c.region_code for c in found}
        free = [("", "Choisir"), *((k, v) for k, v in names.items() if k not in taken)]
        create = f"""<h2>Créer un comité</h2>{form_alert(form)}
<form method="post" action="{BASE}/new" class="bo-form" novalidate>{csrf_field(visitor)}
{control(form, "region_code", "Région", options=free, required=True)}
{control(form, "name", "Nom du comité", required=True)}
{control(form, "members", "Membres", kind="textarea", hint=MEMBERS_HINT)}
<button type="submit">Créer le comité</button></form>"""
    body = f"""<h1>Pilotage régional</h1>
{table("Comités de pilotage par région", ["Région", "Comité", "Membres"], rows, "Aucun comité.")}
{create}"""
    return page(request, visitor, "Pilotage régional", body, status, notice)


@router.post("/pilots/new")
async def new_committee(request: Request, db: DB, visitor: SignedIn) -> Response:
    def run(form: Form) -> str:
        visitor.actor.require("pilot.write")
        v = form.values
        if v["region_code"] not in regions():
            form.errors["region_code"] = "région inconnue : choisissez une région de 01 à 12"
        members = _members(form)
        form.check()
        committee = pilots.create_committee(db, visitor.actor, v["region_code"], v["name"], members)
        return f"{BASE}/{committee.id}?ok=created"

    def again(form: Form, status: int, notice: str) -> HTMLResponse:
        return _list_page(request, db, visitor, form, status, notice)

    fields = ("region_code", "name", "members")
    return await act(request, Form("committee"), fields, run, again)


@router.get("/pilots/{committee_id:int}", response_class=HTMLResponse)
def committee(
    request: Request, committee_id: int, db: DB, visitor: SignedIn, ok: str = "", year: str = ""
) -> Response:
    chosen = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None
    notice = NOTICES.get(ok, "")
    return committee_page(request, db, visitor, committee_id, year=chosen, notice=notice)


async def _act(
    request: Request,
    db: DB,
    visitor: Visitor,
    committee_id: int,
    form_id: str,
    fields: tuple[str, ...],
    run: Callable[[Form], str],
) -> Response:
    committee_id = checked_id(committee_id, "Le comité de pilotage")

    def again(form: Form, status: int, notice: str) -> HTMLResponse:
        typed = form.values.get("year", "") if form_id == "target" else ""
        year = int(typed) if typed.isdigit() and 2000 <= int(typed) <= 2100 else None
        return committee_page(
            request,
            db,
            visitor,
            committee_id,
            year=year,
            forms={form_id: form},
            status=status,
            notice=notice,
        )

    def go(form: Form) -> str:
        visitor.actor.require("pilot.write")
        return f"{BASE}/{committee_id}?ok={run(form)}"

    return await act(request, Form(form_id), fields, go, again)


@router.post("/pilots/{committee_id:int}/members")
async def members(request: Request, committee_id: int, db: DB, visitor: SignedIn) -> Response:
    def run(form: Form) -> str:
        found = _members(form)
        form.check()
        pilots.set_members(db, visitor.actor, committee_id, found)
        return "members"

    return await _act(request, db, visitor, committee_id, "members", ("members",), run)


@router.post("/pilots/{committee_id:int}/meetings")
async def meeting(request: Request, committee_id: int, db: DB, visitor: SignedIn) -> Response:
    def run(form: Form) -> str:
        held = day(form, "held_on", required=True)
        decisions = [d.strip() for d in form.values["decisions"].splitlines() if d.strip()]
        if any(len(d) > 4000 for d in decisions):
            form.errors["decisions"] = "une décision par ligne, 4000 caractères au plus"
        shape = "« action ; responsable ; échéance », l'action obligatoire"
        items = []
        for text, owner, due in _lines(form, "actions", (4000, 200, 10), shape):
            f = Form("due", {"due": due})
            items.append(pilots.ActionItem(text, owner, day(f, "due")))
            if f.errors:
                form.errors["actions"] = f"échéance « {due} » : {f.errors['due']}"
        form.check()
        assert held is not None
        minutes = form.values["minutes"]
        pilots.add_meeting(db, visitor.actor, committee_id, held, minutes, decisions, items)
        return "meeting"

    fields = ("held_on", "minutes", "decisions", "actions")
    return await _act(request, db, visitor, committee_id, "meeting", fields, run)


@router.post("/pilots/{committee_id:int}/actions/{action_id:int}")
async def close_action(
    request: Request, committee_id: int, action_id: int, db: DB, visitor: SignedIn
) -> Response:
    action_id = checked_id(action_id, "L'action")

    def run(form: Form) -> str:
        pilots.close_action(db, visitor.actor, committee_id, action_id, form.values["status"])
        return "action"

    return await _act(request, db, visitor, committee_id, f"action-{action_id}", ("status",), run)


@router.post("/pilots/{committee_id:int}/targets")
async def target(request: Request, committee_id: int, db: DB, visitor: SignedIn) -> Response:
    def run(form: Form) -> str:
        v = form.values
        year = form.integer("year", 2000, 2100)
        firms = form.integer("firms_supported", 0, 10_000_000)
        budget = form.decimal("budget_mad")
        for name, value in (("year", year), ("firms_supported", firms)):
            if value is None:
                form.errors.setdefault(name, "valeur obligatoire")
        if v["programme_code"] not in service.catalogue():
            form.errors["programme_code"] = "choisissez un programme du catalogue"
        form.check()
        assert year is not None and firms is not None and budget is not None
        pilots.set_target(db, visitor.actor, committee_id, year, v["programme_code"], firms, budget)
        return f"target&year={year}"

    fields = ("year", "programme_code", "firms_supported", "budget_mad")
    return await _act(request, db, visitor, committee_id, "target", fields, run)
