"""The partner dashboard in the back office: trainings, events and campaigns of a partner
(and of one chamber), with the inclusion breakdowns; and the inclusion of the outreach
pages (events, mobilisation, this dashboard) in the application."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse

from marsad.outreach.dashboard import dashboard, partners_seen
from marsad.training.inclusion import DIMENSIONS, label
from marsad.web import backoffice_pages_campaigns, backoffice_pages_events
from marsad.web.backoffice_pages_advisers import page
from marsad.web.backoffice_pages_forms import Form, control, e, table
from marsad.web.backoffice_pages_layout import HOME, PageRoute, SignedIn
from marsad.web.backoffice_pages_layout import settings_of as settings
from marsad.web.deps import DB

router = APIRouter(prefix=HOME, route_class=PageRoute, include_in_schema=False)


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}".replace(".", ",")


def _count(value: int | None) -> str:
    return "—" if value is None else str(value)


def _figures(caption: str, pairs: list[tuple[str, Any]]) -> str:
    rows = [[e(k), e(v)] for k, v in pairs]
    return table(caption, ["Indicateur", "Valeur"], rows, "—")


def _inclusion(caption: str, counts: dict[str, dict[str, int]]) -> str:
    rows = [
        [e(label(d)), "; ".join(f"{e(label(d, code))} : {n}" for code, n in counts[d].items() if n)]
        for d in DIMENSIONS
    ]
    return table(caption, ["Dimension", "Répartition"], rows, "—")


@router.get("/outreach", response_class=HTMLResponse)
def partner_page(
    request: Request, db: DB, visitor: SignedIn, partner: str = "", chamber: str = ""
) -> HTMLResponse:
    visitor.actor.require("outreach.read")
    known = partners_seen(db)
    form = Form("partner", {"partner": partner, "chamber": chamber})
    choose = f"""<form method="get" action="{HOME}/outreach" class="bo-form">
{control(form, "partner", "Partenaire", options=[("", "Choisir"), *((p, p) for p in known)])}
{control(form, "chamber", "Chambre (facultatif)", hint="Code d'une chambre régionale, CCIS06 par exemple.")}
<button type="submit">Afficher</button></form>"""  # noqa: E501
    body = f"<h1>Tableau de bord partenaire</h1>\n{choose}"
    if partner:
        board = dashboard(
            settings(request), db, visitor.actor, partner[:20], chamber=chamber[:20] or None
        )
        t, v, c = board["trainings"], board["events"], board["campaigns"]
        body += f"<h2>{e(partner)}{' — ' + e(board['chamber']) if board['chamber'] else ''}</h2>"
        body += _figures(
            "Formations et accompagnement",
            [
                ("Cohortes", t["cohorts"]),
                ("Inscrits", t["enrolled"]),
                ("Ayant achevé", t["completed"]),
                ("Attestations", t["certificates"]),
                ("Taux d'achèvement", _rate(t["completion_rate"])),
                ("Plans d'accompagnement", _count(t["coaching_plans"])),
            ],
        )
        body += _inclusion("Participants aux formations", t["inclusion"])
        body += _figures(
            "Événements",
            [
                ("Événements (dont conjoints)", f"{v['events']} ({v['joint']})"),
                ("Places", v["capacity"]),
                ("Inscrits", v["registered"]),
                ("Présents", v["attended"]),
                ("Taux de présence", _rate(v["attendance_rate"])),
                ("Rendez-vous B2B", v["b2b_meetings"]),
            ],
        )
        body += _inclusion("Participants aux événements", v["inclusion"])
        body += _figures(
            "Campagnes de mobilisation",
            [
                ("Campagnes", c["campaigns"]),
                ("Entreprises ciblées", c["targeted"]),
                ("Contactées", c["contacted"]),
                ("Jointes", c["reached"]),
                ("Intéressées", c["interested"]),
                ("Demandes déposées", c["applied"]),
                ("Taux de conversion", _rate(c["conversion_rate"])),
            ],
        )
        body += _inclusion("Entreprises ciblées", c["inclusion"]["targeted"])
        body += _inclusion("Entreprises ayant déposé une demande", c["inclusion"]["applied"])
    return page(request, visitor, "Tableau de bord partenaire", body, 200, "")


def include(app: FastAPI) -> None:
    for pages in (router, backoffice_pages_events.router, backoffice_pages_campaigns.router):
        app.include_router(pages, include_in_schema=False)
