"""Participants and coaching in the back office: one participant's trainings and plans,
the coaching plans with the share of actions done, one plan with its visits and actions
(marked in progress, done or dropped), and the CSV exports of the training lists."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from marsad.errors import InvalidInput
from marsad.register.build import current_build
from marsad.training import coaching
from marsad.training.exports import export_cohort, export_cohorts, export_plans
from marsad.training.inclusion import label
from marsad.training.participants import ROLE_LABELS
from marsad.training.views import coached_inclusion, participant_view, plan_dict, plan_view
from marsad.web.backoffice_pages_forms import e, table
from marsad.web.backoffice_pages_layout import (
    HOME,
    MAX_ID,
    PageRoute,
    SignedIn,
    Visitor,
    csrf_field,
    layout,
    settings_of,
)
from marsad.web.backoffice_pages_training import (
    BASE,
    YES,
    csv_response,
    export_form,
    inclusion_html,
    purpose_of,
)
from marsad.web.deps import DB

router = APIRouter(prefix=HOME, route_class=PageRoute, include_in_schema=False)
ACTION_STATUS = {
    "agreed": "Convenue",
    "in_progress": "En cours",
    "done": "Faite",
    "dropped": "Abandonnée",
}
PLAN_STATUS = {"active": "En cours", "closed": "Clôturé"}


def _id(value: int) -> int:
    if not 1 <= value <= MAX_ID:
        raise InvalidInput("Numéro invalide.")
    return value


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


@router.get("/training/participants/{participant_id}", response_class=HTMLResponse)
def participant_page(
    request: Request, participant_id: int, db: DB, visitor: SignedIn
) -> HTMLResponse:
    build = current_build(settings_of(request))
    p = participant_view(db, visitor.actor, _id(participant_id), build, date.today())
    name = p.get("full_name") or f"Participant n° {p['id']}"
    personal = ""
    if "full_name" in p:
        personal = (
            f"<dt>Téléphone</dt><dd>{e(p['phone'] or '—')}</dd>"
            f"<dt>Courriel</dt><dd>{e(p['email'] or '—')}</dd>"
            f"<dt>Année de naissance</dt><dd>{e(p['birth_year'] or '—')}</dd>"
        )
    cohorts = [
        [
            f'<a href="{BASE}/cohorts/{c["cohort"]["id"]}">{e(c["cohort"]["code"])}</a>',
            e(c["cohort"]["module_code"]),
            e(f"{c['cohort']['starts_on']} → {c['cohort']['ends_on']}"),
            e("inscrit" if c["status"] == "enrolled" else "retiré"),
            e(c["attended"]),
            e(YES[c["completed"]]),
            e(" → ".join("—" if s is None else str(s) for s in c["scores"])),
            e(c["certificate"] or "—"),
        ]
        for c in p["cohorts"]
    ]
    plans = [
        [
            f'<a href="{BASE}/coaching/{x["id"]}">Plan n° {x["id"]}</a>',
            e(x["coach"]),
            e(PLAN_STATUS.get(x["status"], x["status"])),
            e(f"{x['done']} / {x['agreed'] - x['dropped']}"),
            e(_share(x["done_share"])),
        ]
        for x in p["coaching_plans"]
    ]
    body = f"""<h1>{e(name)}</h1>
<p><a href="{BASE}">Retour aux cohortes</a></p>
<dl class="facts">{personal}
<dt>Genre</dt><dd>{e(label("gender", p["gender"] or "inconnu"))}</dd>
<dt>Tranche d'âge</dt><dd>{e(label("age_band", p["age_band"]))}</dd>
<dt>Région</dt><dd>{e(label("region", p["region_code"] or "inconnu"))}</dd>
<dt>Milieu</dt><dd>{e(label("area", p["area"] or "inconnu"))}</dd>
<dt>Entreprise</dt><dd>{e(p["enterprise_id"] or "porteur de projet sans entreprise")}
({e(ROLE_LABELS.get(p["enterprise_role"], p["enterprise_role"]))})</dd>
<dt>Taille</dt><dd>{e(label("size_class", p["size_class"] or "inconnu"))}</dd>
<dt>Organisateur</dt><dd>{e(p["partner_code"])}</dd>
</dl>
<h2>Formations suivies</h2>
{
        table(
            f"Cohortes ({len(cohorts)})",
            [
                "Cohorte",
                "Module",
                "Dates",
                "Inscription",
                "Séances suivies",
                "Achevée",
                "Score avant → après",
                "Attestation",
            ],
            cohorts,
            "Aucune formation.",
        )
    }
<h2>Accompagnement</h2>
{
        table(
            f"Plans ({len(plans)})",
            ["Plan", "Coach", "Statut", "Actions faites", "Part"],
            plans,
            "Aucun plan d'accompagnement.",
        )
    }"""
    return layout(request, visitor, name, body)


@router.get("/training/coaching", response_class=HTMLResponse)
def plans_page(request: Request, db: DB, visitor: SignedIn) -> HTMLResponse:
    today = date.today()
    found = coaching.list_plans(db, visitor.actor)
    counts = coaching.action_counts(db, [x.id for x in found], today)
    rows = []
    for plan in found:
        d = plan_dict(plan, counts[plan.id])
        a = d["actions"]
        rows.append(
            [
                f'<a href="{BASE}/coaching/{plan.id}">Plan n° {plan.id}</a>',
                e(plan.enterprise_id or "—"),
                e(plan.partner_code),
                e(plan.coach),
                e(f"{plan.starts_on} → {plan.ends_on or '…'}"),
                e(PLAN_STATUS.get(plan.status, plan.status)),
                e(f"{a['done']} / {a['agreed'] - a['dropped']}"),
                e(a["overdue"]),
                e(_share(a["done_share"])),
            ]
        )
    headers = [
        "Plan",
        "Entreprise",
        "Organisateur",
        "Coach",
        "Période",
        "Statut",
        "Actions faites",
        "En retard",
        "Part faite",
    ]
    total = [counts[x.id] for x in found]
    live = sum(c.agreed - c.dropped for c in total)
    done = sum(c.done for c in total)
    summary = f"{done} actions faites sur {live} convenues (hors abandons)" if live else ""
    reached = coached_inclusion(db, found, current_build(settings_of(request)), today)
    writer = visitor.actor.can("coaching.write")
    new = f' · <a href="{BASE}/coaching/new">Nouveau plan</a>' if writer else ""
    body = f"""<h1>Plans d'accompagnement</h1>
<p><a href="{BASE}">Retour aux cohortes</a>{new}</p>
<p>{e(summary)}</p>
{table(f"Plans ({len(rows)})", headers, rows, "Aucun plan d'accompagnement.")}
{export_form(visitor, f"{BASE}/export/coaching", "les plans")}
<h2>Qui est accompagné</h2>
{inclusion_html(reached, "Répartition des personnes et entreprises accompagnées")}"""
    return layout(request, visitor, "Plans d'accompagnement", body)


def _move_buttons(visitor: Visitor, action_id: int, status: str) -> str:
    if not visitor.actor.can("coaching.write") or status in ("done", "dropped"):
        return ""
    url = f"{BASE}/coaching/actions/{action_id}"
    out = []
    for target, text in (("in_progress", "En cours"), ("done", "Faite"), ("dropped", "Abandonner")):
        if target == "in_progress" and status == "in_progress":
            continue
        out.append(
            f'<form method="post" action="{url}" class="inline">{csrf_field(visitor)}'
            f'<input type="hidden" name="status" value="{target}">'
            f'<button type="submit">{text}</button></form>'
        )
    return " ".join(out)


@router.get("/training/coaching/{plan_id}", response_class=HTMLResponse)
def plan_page(request: Request, plan_id: int, db: DB, visitor: SignedIn) -> HTMLResponse:
    view = plan_view(db, visitor.actor, _id(plan_id), date.today())
    visits = [[e(v["visited_on"]), e(v["format"]), e(v["notes"])] for v in view["visits"]]
    actions = [
        [
            e(a["description"]),
            e(a["agreed_on"]),
            e(a["due_on"]),
            e(a["done_on"] or "—"),
            e(ACTION_STATUS.get(a["status"], a["status"])),
            _move_buttons(visitor, a["id"], a["status"]),
        ]
        for a in view["action_list"]
    ]
    objectives = "".join(f"<li>{e(o)}</li>" for o in view["objectives"])
    visit = ""
    if visitor.actor.can("coaching.write") and view["status"] == "active":
        visit = f' · <a href="{BASE}/coaching/{view["id"]}/visit">Nouvelle visite</a>'
    counts = view["actions"]
    body = f"""<h1>Plan d'accompagnement n° {view["id"]}</h1>
<p><a href="{BASE}/coaching">Retour aux plans</a>{visit}</p>
<dl class="facts">
<dt>Entreprise</dt><dd>{e(view["enterprise_id"] or "—")}</dd>
<dt>Coach</dt><dd>{e(view["coach"])}</dd>
<dt>Organisateur</dt><dd>{e(view["partner_code"])}</dd>
<dt>Période</dt><dd>{e(view["starts_on"])} → {e(view["ends_on"] or "…")}</dd>
<dt>Actions</dt><dd>{counts["done"]} faites sur {counts["agreed"] - counts["dropped"]}
(hors abandons) — {_share(counts["done_share"])} ; {counts["overdue"]} en retard</dd>
</dl>
<h2>Objectifs</h2><ul>{objectives}</ul>
<h2>Visites</h2>
{table(f"Visites ({len(visits)})", ["Date", "Format", "Notes"], visits, "Aucune visite.")}
<h2>Actions convenues</h2>
{
        table(
            f"Actions ({len(actions)})",
            ["Action", "Convenue le", "Échéance", "Faite le", "Statut", "Suivi"],
            actions,
            "Aucune action.",
        )
    }"""
    return layout(request, visitor, f"Plan n° {view['id']}", body)


@router.post("/training/coaching/actions/{action_id}", response_class=HTMLResponse)
async def move_action(request: Request, action_id: int, db: DB, visitor: SignedIn) -> Response:
    status = (await request.form()).get("status")
    if status not in coaching.MOVES:
        raise InvalidInput("Statut d'action inconnu.")
    moved = await run_in_threadpool(
        coaching.move_action, db, visitor.actor, _id(action_id), str(status), date.today()
    )
    return RedirectResponse(f"{BASE}/coaching/{moved.plan_id}", status_code=303)


@router.post("/training/export/cohorts")
async def cohorts_csv(request: Request, db: DB, visitor: SignedIn) -> Response:
    purpose = await purpose_of(request)
    build = current_build(settings_of(request))
    done = await run_in_threadpool(export_cohorts, db, visitor.actor, build, date.today(), purpose)
    return csv_response(done.text, "cohortes.csv")


@router.post("/training/export/cohorts/{cohort_id}")
async def cohort_csv(request: Request, cohort_id: int, db: DB, visitor: SignedIn) -> Response:
    purpose = await purpose_of(request)
    build = current_build(settings_of(request))
    done = await run_in_threadpool(
        export_cohort, db, visitor.actor, _id(cohort_id), build, date.today(), purpose
    )
    return csv_response(done.text, f"cohorte-{cohort_id}.csv")


@router.post("/training/export/coaching")
async def plans_csv(request: Request, db: DB, visitor: SignedIn) -> Response:
    purpose = await purpose_of(request)
    done = await run_in_threadpool(export_plans, db, visitor.actor, date.today(), purpose)
    return csv_response(done.text, "accompagnements.csv")
