"""Events in the back office: the list with the form that creates one, and each event's
page: registrations (names where the role's field rights allow), the registration of a
participant, attendance, and for a B2B day its slots and meetings, seeded from the
validated matchmaking proposals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from marsad.conventions.model import Sensitivity
from marsad.operational.db import Database
from marsad.operational.exports import allowed_sensitivities
from marsad.outreach import b2b, events
from marsad.web.backoffice_pages_advisers import act, checked_id, day, page
from marsad.web.backoffice_pages_forms import Form, control, e, form_alert, table
from marsad.web.backoffice_pages_layout import HOME, PageRoute, SignedIn, Visitor, csrf_field
from marsad.web.deps import DB

router = APIRouter(prefix=HOME, route_class=PageRoute, include_in_schema=False)
BASE = f"{HOME}/events"
NOTICES = {
    "created": "L'événement a été créé.",
    "registered": "Le participant est inscrit.",
    "attendance": "La présence a été enregistrée.",
    "slots": "Les créneaux ont été créés.",
    "seeded": "Les rendez-vous ont été programmés à partir des propositions validées.",
}
FIELDS = ("title", "kind", "organiser_code", "partners", "place", "starts_on", "ends_on",
          "capacity")  # fmt: skip


@router.get("/events", response_class=HTMLResponse)
def list_page(request: Request, db: DB, visitor: SignedIn) -> HTMLResponse:
    return _list_page(request, db, visitor, Form("event"))


def _list_page(
    request: Request,
    db: Database,
    visitor: Visitor,
    form: Form,
    status: int = 200,
    notice: str = "",
) -> HTMLResponse:
    found = events.list_events(db, visitor.actor)
    counts = events.counts(db, [x.id for x in found])
    rows = [
        [
            f'<a href="{BASE}/{x.id}">{e(x.title)}</a>',
            e(events.KIND_LABELS[x.kind]),
            e(x.organiser_code + (" + " + ", ".join(x.partners) if x.partners else "")),
            e(x.starts_on.strftime("%d/%m/%Y")),
            e(x.place or "—"),
            f"{counts[x.id]['registered']} / {x.capacity}",
            e(counts[x.id]["attended"]),
        ]
        for x in found
    ]
    listed = table(
        "Événements",
        ["Événement", "Type", "Organisateurs", "Date", "Lieu", "Inscrits", "Présents"],
        rows,
        "Aucun événement.",
    )
    create = ""
    if visitor.actor.can("event.write"):
        kinds = [("", "Choisir"), *events.KIND_LABELS.items()]
        create = f"""<h2>Créer un événement</h2>{form_alert(form)}
<form method="post" action="{BASE}/new" class="bo-form" novalidate>{csrf_field(visitor)}
{control(form, "title", "Titre", required=True)}
{control(form, "kind", "Type", options=kinds, required=True)}
{control(form, "organiser_code", "Organisateur (code partenaire)", required=True)}
{control(form, "partners", "Co-organisateurs", hint="Codes séparés par des virgules (événement conjoint).")}
{control(form, "place", "Lieu")}
{control(form, "starts_on", "Début", kind="date", required=True)}
{control(form, "ends_on", "Fin", kind="date", required=True)}
{control(form, "capacity", "Places", required=True)}
<button type="submit">Créer l'événement</button></form>"""  # noqa: E501
    body = f"<h1>Événements : forums et journées d'affaires</h1>\n{listed}\n{create}"
    return page(request, visitor, "Événements", body, status, notice)


@router.post("/events/new")
async def new_event(request: Request, db: DB, visitor: SignedIn) -> Response:
    def run(form: Form) -> str:
        v = form.values
        starts = day(form, "starts_on", required=True)
        ends = day(form, "ends_on", required=True)
        capacity = form.integer("capacity", 1, events.MAX_CAPACITY)
        if capacity is None:
            form.errors.setdefault("capacity", "valeur obligatoire")
        form.check()
        assert starts is not None and ends is not None and capacity is not None
        partners = tuple(p.strip() for p in v["partners"].split(",") if p.strip())
        spec = events.EventSpec(
            v["title"], v["kind"], v["organiser_code"], starts, ends, capacity,
            place=v["place"], partners=partners,
        )  # fmt: skip
        return f"{BASE}/{events.create_event(db, visitor.actor, spec).id}?ok=created"

    def again(form: Form, status: int, notice: str) -> HTMLResponse:
        return _list_page(request, db, visitor, form, status, notice)

    return await act(request, Form("event"), FIELDS, run, again)


def _event_page(
    request: Request,
    db: Database,
    visitor: Visitor,
    event_id: int,
    forms: dict[str, Form] | None = None,
    status: int = 200,
    notice: str = "",
) -> HTMLResponse:
    forms = forms or {}
    event = events.get_event(db, visitor.actor, event_id)
    names = Sensitivity.personal in allowed_sensitivities(visitor.actor.role)
    writable = visitor.actor.can("event.write")
    rows = []
    for r, p in events.registrations(db, visitor.actor, event_id, purpose="page de l'événement"):
        mark = ""
        if writable and r.status == "registered":
            present = r.attended_at is None
            mark = (
                f'<form method="post" action="{BASE}/{event_id}/attendance" class="inline">'
                f'{csrf_field(visitor)}<input type="hidden" name="participant_id" value="{p.id}">'
                f'<input type="hidden" name="attended" value="{"1" if present else ""}">'
                f'<button type="submit">{"Présent" if present else "Absent"}</button></form>'
            )
        rows.append(
            [
                e(p.id),
                e(p.full_name if names else "—"),
                e(p.enterprise_id or "—"),
                e("inscrit" if r.status == "registered" else "annulé"),
                "oui" if r.attended_at else "non",
                mark,
            ]
        )
    registered = table(
        "Inscriptions",
        ["Participant", "Nom", "Entreprise", "Inscription", "Présent", "Action"],
        rows,
        "Aucune inscription.",
    )
    add = ""
    if writable:
        f = forms.get("register", Form("register"))
        add = f"""<h2>Inscrire un participant</h2>{form_alert(f)}
<form method="post" action="{BASE}/{event_id}/registrations" class="bo-form" novalidate>
{csrf_field(visitor)}{control(f, "participant_id", "Numéro du participant", required=True)}
<button type="submit">Inscrire</button></form>"""
    b2b_part = _b2b_part(db, visitor, event_id, forms) if event.kind == "b2b_day" else ""
    info = (
        f"<p>{e(events.KIND_LABELS[event.kind])} · {e(event.organiser_code)} · "
        f"{event.starts_on.strftime('%d/%m/%Y')} · {e(event.place or '—')} · "
        f"{event.registered} inscrits pour {event.capacity} places · "
        f"{e(events.STATUS_LABELS[event.status])}</p>"
        f'<p><a href="/api/events/{event_id}/registrations.csv?purpose=suivi">'
        "Exporter les inscriptions (CSV)</a></p>"
    )
    body = f"<h1>{e(event.title)}</h1>\n{info}\n{registered}\n{add}\n{b2b_part}"
    return page(request, visitor, event.title, body, status, notice)


def _b2b_part(db: Database, visitor: Visitor, event_id: int, forms: dict[str, Form]) -> str:
    slots = {s.id: s for s in b2b.slots_of(db, event_id)}
    rows = [
        [
            e(slots[m.slot_id].starts_at.strftime("%d/%m %H:%M")),
            e(m.participant_a),
            e(m.participant_b),
            e(m.table_label or "—"),
            e("proposition n° " + str(m.proposal_id) if m.proposal_id else "manuel"),
            e({"scheduled": "programmé", "held": "tenu", "cancelled": "annulé"}[m.status]),
        ]
        for m in b2b.meetings_of(db, event_id)
    ]
    meetings = table(
        "Rendez-vous d'affaires",
        ["Créneau", "Participant A", "Participant B", "Table", "Origine", "Statut"],
        rows,
        "Aucun rendez-vous.",
    )
    actions = ""
    if visitor.actor.can("event.write"):
        f = forms.get("slots", Form("slots"))
        actions = f"""<h2>Créneaux</h2>{form_alert(f)}
<form method="post" action="{BASE}/{event_id}/slots" class="bo-form" novalidate>
{csrf_field(visitor)}{control(f, "first", "Début du premier créneau", kind="datetime-local", required=True)}
{control(f, "count", "Nombre de créneaux", required=True)}
{control(f, "minutes", "Durée (minutes)", required=True)}
<button type="submit">Créer les créneaux</button></form>
<form method="post" action="{BASE}/{event_id}/seed" class="bo-form">{csrf_field(visitor)}
<button type="submit">Programmer les propositions validées de mise en relation</button></form>"""  # noqa: E501
    return f"<h2>Journée B2B : {len(slots)} créneaux</h2>\n{meetings}\n{actions}"


@router.get("/events/{event_id:int}", response_class=HTMLResponse)
def event_page(
    request: Request, event_id: int, db: DB, visitor: SignedIn, ok: str = ""
) -> HTMLResponse:
    event_id = checked_id(event_id, "L'événement")
    return _event_page(request, db, visitor, event_id, notice=NOTICES.get(ok, ""))


async def _act(
    request: Request,
    db: Database,
    visitor: Visitor,
    event_id: int,
    form_id: str,
    fields: tuple[str, ...],
    run: Callable[[Form], str],
) -> Response:
    event_id = checked_id(event_id, "L'événement")

    def again(form: Form, status: int, notice: str) -> HTMLResponse:
        return _event_page(request, db, visitor, event_id, {form_id: form}, status, notice)

    def go(form: Form) -> str:
        return f"{BASE}/{event_id}?ok={run(form)}"

    return await act(request, Form(form_id), fields, go, again)


@router.post("/events/{event_id:int}/registrations")
async def register(request: Request, event_id: int, db: DB, visitor: SignedIn) -> Response:
    def run(form: Form) -> str:
        pid = form.integer("participant_id", 1, 2**31 - 1)
        if pid is None:
            form.errors.setdefault("participant_id", "valeur obligatoire")
        form.check()
        assert pid is not None
        events.register(db, visitor.actor, event_id, pid)
        return "registered"

    return await _act(request, db, visitor, event_id, "register", ("participant_id",), run)


@router.post("/events/{event_id:int}/attendance")
async def attendance(request: Request, event_id: int, db: DB, visitor: SignedIn) -> Response:
    def run(form: Form) -> str:
        pid = form.integer("participant_id", 1, 2**31 - 1)
        form.check()
        assert pid is not None
        attended = bool(form.values["attended"])
        events.mark_attendance(db, visitor.actor, event_id, pid, attended)
        return "attendance"

    fields = ("participant_id", "attended")
    return await _act(request, db, visitor, event_id, "attendance", fields, run)


@router.post("/events/{event_id:int}/slots")
async def slots(request: Request, event_id: int, db: DB, visitor: SignedIn) -> Response:
    def run(form: Form) -> str:
        count = form.integer("count", 1, b2b.MAX_SLOTS)
        minutes = form.integer("minutes", 5, 240)
        try:
            first = datetime.fromisoformat(form.values["first"])
        except ValueError:
            form.errors["first"] = "date et heure attendues (AAAA-MM-JJ HH:MM)"
        for name, value in (("count", count), ("minutes", minutes)):
            if value is None:
                form.errors.setdefault(name, "valeur obligatoire")
        form.check()
        assert count is not None and minutes is not None
        b2b.add_slots(db, visitor.actor, event_id, first, count, minutes)
        return "slots"

    fields = ("first", "count", "minutes")
    return await _act(request, db, visitor, event_id, "slots", fields, run)


@router.post("/events/{event_id:int}/seed")
async def seed(request: Request, event_id: int, db: DB, visitor: SignedIn) -> Response:
    def run(_: Form) -> str:
        b2b.seed_from_proposals(db, visitor.actor, event_id)
        return "seeded"

    return await _act(request, db, visitor, event_id, "slots", (), run)
