"""Mobilisation in the back office: the target list of a programme (contacts only where the
chambers' convention allows the role), campaigns created from it, and each campaign's page
with its conversion figures and the form that records an enterprise's outcome."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from marsad.operational.db import Database
from marsad.outreach import campaigns as service
from marsad.outreach.conversion import conversion
from marsad.outreach.targets import TargetQuery, build_targets
from marsad.programmes.service import catalogue
from marsad.reference import load_sections
from marsad.web.backoffice_pages_advisers import act, checked_id, day, page, regions
from marsad.web.backoffice_pages_forms import Form, control, e, form_alert, table
from marsad.web.backoffice_pages_layout import HOME, PageRoute, SignedIn, Visitor, csrf_field
from marsad.web.backoffice_pages_layout import settings_of as settings
from marsad.web.deps import DB

router = APIRouter(prefix=HOME, route_class=PageRoute, include_in_schema=False)
BASE = f"{HOME}/campaigns"
NOTICES = {"created": "La campagne a été créée.", "outcome": "L'issue a été enregistrée."}
CONTACT_LABELS = {"denomination": "Dénomination", "phone": "Téléphone", "email": "Courriel"}
CRITERIA = {
    "women_led": "dirigée par une femme",
    "young_manager": "jeune dirigeant",
    "rural_commune": "commune rurale",
    "underserved_region": "région sous-desservie",
}


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}".replace(".", ",")


def _figures_table(caption: str, rows: list[tuple[str, dict[str, object]]]) -> str:
    keys = ("targeted", "contacted", "reached", "interested", "applied")
    body = [
        [e(name), *(e(f[k]) for k in keys), _rate(f["conversion_rate"])]  # type: ignore[arg-type]
        for name, f in rows
    ]
    head = ["", "Ciblées", "Contactées", "Jointes", "Intéressées", "Demandes", "Conversion"]
    return table(caption, head, body, "Aucune campagne.")


def _programme_options() -> list[tuple[str, str]]:
    return [("", "Choisir"), *((code, f"{code} — {p.name.fr}") for code, p in catalogue().items())]


def _section_options() -> list[tuple[str, str]]:
    return [("", "Toutes"), *((s.code, f"{s.code} {s.label_fr}") for s in load_sections())]


@router.get("/campaigns", response_class=HTMLResponse)
def campaigns(request: Request, db: DB, visitor: SignedIn) -> HTMLResponse:
    actor = visitor.actor
    found = service.list_campaigns(db, actor) if actor.can("campaign.read") else []
    figures = conversion(db, actor) if actor.can("campaign.read") else None
    by_id = {c["id"]: c for c in figures["campaigns"]} if figures else {}
    rows = [
        [
            f'<a href="{BASE}/{c.id}">{e(c.name)}</a>',
            e(c.organiser_code),
            e(c.chamber_code or "—"),
            e(c.programme_code),
            e(service.CHANNEL_LABELS.get(c.channel, c.channel)),
            e(c.targeted),
            e(by_id.get(c.id, {}).get("applied", 0)),
        ]
        for c in found
    ]
    listed = table(
        "Campagnes de mobilisation",
        ["Campagne", "Organisateur", "Chambre", "Programme", "Canal", "Ciblées", "Demandes"],
        rows,
        "Aucune campagne.",
    )
    form = Form("targets")
    search = ""
    if actor.can("target.read"):
        search = f"""<h2>Liste cible d'un programme</h2>
<form method="get" action="{BASE}/targets" class="bo-form">
{control(form, "programme", "Programme", options=_programme_options(), required=True)}
{control(form, "region", "Région", options=[("", "Toutes"), *regions().items()])}
{control(form, "section", "Section d'activité", options=_section_options())}
<button type="submit">Établir la liste</button></form>"""
    totals = ""
    if figures:
        chambers = list(figures["by_chamber"].items())
        regions_ = [(f"Région {k}", v) for k, v in figures["by_region"].items()]
        totals = _figures_table("Conversion par chambre", chambers) + _figures_table(
            "Conversion par région", regions_
        )
    body = f"<h1>Mobilisation des entreprises cibles</h1>\n{search}\n{listed}\n{totals}"
    return page(request, visitor, "Mobilisation", body, 200, "")


@router.get("/campaigns/targets", response_class=HTMLResponse)
def targets(
    request: Request,
    db: DB,
    visitor: SignedIn,
    programme: str = "",
    region: str = "",
    section: str = "",
) -> HTMLResponse:
    return _targets_page(request, db, visitor, programme, region, section, Form("campaign"))


def _targets_page(
    request: Request,
    db: Database,
    visitor: Visitor,
    programme: str,
    region: str,
    section: str,
    form: Form,
    status: int = 200,
    notice: str = "",
) -> HTMLResponse:
    sections = [section[:1]] if section else []
    query = TargetQuery(programme[:40], region[:2] or None, sections, limit=200)
    found = build_targets(settings(request), db, visitor.actor, query)
    head = ["Entreprise", "Région", "Commune", "Section", "Taille", "Priorité", "Critères"]
    head += [CONTACT_LABELS[f] for f in found.contact_fields]
    rows = [
        [
            e(r["enterprise_id"]),
            e(r["region_code"] or "—"),
            e(r["commune_kind"] or "—"),
            e(r["section"] or "—"),
            e(r["size_class"] or "—"),
            e(r["priority"]),
            e(", ".join(CRITERIA.get(c, c) for c in r["criteria"]) or "—"),
            *(e(r.get(f) or "—") for f in found.contact_fields),
        ]
        for r in found.rows
    ]
    c = found.counts
    summary = (
        f"<p>{c['examined']} entreprises examinées, {c['eligible']} éligibles, "
        f"{c['already_applied']} ont déjà déposé une demande : <strong>{c['listed']} à "
        f"mobiliser</strong> (les {len(rows)} premières ci-dessous, par priorité).</p>"
    )
    if found.deferred_rules:
        summary += (
            f'<p class="hint">Vérifiées au dépôt de la demande (conditions sur le projet) : '
            f"{e(', '.join(found.deferred_rules))}.</p>"
        )
    if found.withheld_fields:
        summary += (
            '<p class="hint">Coordonnées non affichées : la convention des chambres ne les '
            "ouvre pas à votre rôle.</p>"
        )
    params = {"programme": found.programme, "purpose": "mobilisation"}
    if found.region:
        params["region"] = found.region
    if section:
        params["section"] = section[:1]
    export = f'<p><a href="/api/targets.csv?{urlencode(params)}">Exporter la liste (CSV)</a></p>'
    create = ""
    if visitor.actor.can("campaign.write"):
        channels = [("", "Choisir"), *service.CHANNEL_LABELS.items()]
        create = f"""<h2>Créer une campagne sur cette liste</h2>{form_alert(form)}
<form method="post" action="{BASE}/new" class="bo-form" novalidate>{csrf_field(visitor)}
<input type="hidden" name="programme" value="{e(found.programme)}">
<input type="hidden" name="region" value="{e(found.region or "")}">
<input type="hidden" name="section" value="{e(section[:1])}">
{control(form, "name", "Nom de la campagne", required=True)}
{control(form, "organiser_code", "Organisateur (code partenaire)", required=True)}
{control(form, "channel", "Canal", options=channels, required=True)}
{control(form, "starts_on", "Début", kind="date", required=True)}
{control(form, "ends_on", "Fin", kind="date")}
{control(form, "message", "Message", kind="textarea")}
<button type="submit">Créer la campagne</button></form>"""
    title = f"Liste cible — {found.programme}"
    listed = table(title, head, rows, "Aucune entreprise à mobiliser.")
    body = f"<h1>{e(title)}</h1>\n{summary}{export}\n{listed}\n{create}"
    return page(request, visitor, title, body, status, notice)


@router.post("/campaigns/new")
async def new_campaign(request: Request, db: DB, visitor: SignedIn) -> Response:
    def run(form: Form) -> str:
        v = form.values
        starts = day(form, "starts_on", required=True)
        ends = day(form, "ends_on")
        form.check()
        assert starts is not None
        spec = service.CampaignSpec(
            name=v["name"],
            organiser_code=v["organiser_code"],
            programme=v["programme"],
            channel=v["channel"],
            starts_on=starts,
            ends_on=ends,
            message=v["message"],
            region=v["region"] or None,
            sections=(v["section"],) if v["section"] else (),
        )
        made, _ = service.create_campaign(settings(request), db, visitor.actor, spec)
        return f"{BASE}/{made.id}?ok=created"

    def again(form: Form, status: int, notice: str) -> HTMLResponse:
        v = form.values
        return _targets_page(
            request, db, visitor, v["programme"], v["region"], v["section"], form, status, notice
        )

    fields = (
        *("name", "organiser_code", "channel", "starts_on", "ends_on", "message"),
        *("programme", "region", "section"),
    )
    return await act(request, Form("campaign"), fields, run, again)


def _campaign_page(
    request: Request,
    db: Database,
    visitor: Visitor,
    campaign_id: int,
    status: int = 200,
    notice: str = "",
) -> HTMLResponse:
    campaign_id = checked_id(campaign_id, "La campagne")
    campaign = service.get_campaign(db, visitor.actor, campaign_id)
    figures = conversion(db, visitor.actor, campaign_id=campaign_id)
    writable = visitor.actor.can("campaign.write")
    options = "".join(
        f'<option value="{k}">{e(service.OUTCOME_LABELS[k])}</option>' for k in service.TRANSITIONS
    )
    rows = []
    for t in service.targets_of(db, visitor.actor, campaign_id):
        action = ""
        if writable and t.state not in ("applied", "declined"):
            action = (
                f'<form method="post" action="{BASE}/{campaign_id}/outcomes" class="inline">'
                f'{csrf_field(visitor)}<input type="hidden" name="enterprise_id" '
                f'value="{e(t.enterprise_id)}"><label class="visually-hidden" '
                f'for="o-{t.id}">Issue pour {e(t.enterprise_id)}</label>'
                f'<select id="o-{t.id}" name="outcome">{options}</select> '
                f'<button type="submit">Enregistrer</button></form>'
            )
        rows.append(
            [
                e(t.enterprise_id),
                e(t.rank),
                e(t.priority),
                e(service.OUTCOME_LABELS.get(t.state, t.state)),
                e(t.region_code or "—"),
                e(t.size_class or "—"),
                action,
            ]
        )
    listed = table(
        "Entreprises ciblées",
        ["Entreprise", "Rang", "Priorité", "Issue", "Région", "Taille", "Action"],
        rows,
        "Aucune entreprise.",
    )
    info = (
        f"<p>Programme {e(campaign.programme_code)} · organisateur {e(campaign.organiser_code)} · "
        f"canal {e(service.CHANNEL_LABELS.get(campaign.channel, campaign.channel))} · "
        f"du {campaign.starts_on.strftime('%d/%m/%Y')}</p>"
        f'<p><a href="/api/campaigns/{campaign_id}/outcomes.csv?purpose=suivi">'
        f"Exporter les issues (CSV)</a></p>"
    )
    body = (
        f"<h1>Campagne « {e(campaign.name)} »</h1>\n{info}\n"
        + _figures_table("Conversion", [("Campagne", figures["total"])])
        + listed
    )
    return page(request, visitor, f"Campagne {campaign.name}", body, status, notice)


@router.get("/campaigns/{campaign_id:int}", response_class=HTMLResponse)
def campaign(
    request: Request, campaign_id: int, db: DB, visitor: SignedIn, ok: str = ""
) -> HTMLResponse:
    return _campaign_page(request, db, visitor, campaign_id, notice=NOTICES.get(ok, ""))


@router.post("/campaigns/{campaign_id:int}/outcomes")
async def outcome(request: Request, campaign_id: int, db: DB, visitor: SignedIn) -> Response:
    campaign_id = checked_id(campaign_id, "La campagne")

    def run(form: Form) -> str:
        v = form.values
        service.record_outcome(db, visitor.actor, campaign_id, v["enterprise_id"], v["outcome"])
        return f"{BASE}/{campaign_id}?ok=outcome"

    def again(form: Form, status: int, notice: str) -> HTMLResponse:
        return _campaign_page(request, db, visitor, campaign_id, status, notice)

    return await act(request, Form("outcome"), ("enterprise_id", "outcome"), run, again)
