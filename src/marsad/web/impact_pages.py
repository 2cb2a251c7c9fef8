"""Public pages on the impact of the support programmes: the list, and a page per programme.

They show the evaluation kept for the current register build (aggregates only: estimates,
intervals, the event study and the protected indicator tables, never an enterprise). A
small register is evaluated on the first request and the result kept; a large one is
never evaluated in a request: the page asks for ``marsad impact evaluate`` instead.
"""

from __future__ import annotations

import html
import math
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse

from marsad.errors import NotFound
from marsad.impact.cache import cached_evaluation
from marsad.publish.report.fmt import number, signed
from marsad.publish.report.impact import (
    READING,
    effect,
    event_study_svg,
    forest_plot,
    interval,
)
from marsad.register.build import current_build
from marsad.web.pages import language, page

router = APIRouter(include_in_schema=False)
TITLE = "Impact des programmes"
SUBTITLE = "Impact of support programmes · أثر برامج الدعم"
NOT_COMPUTED = "évaluation non encore calculée : lancez « marsad impact evaluate »"
NAIVE_WHY = (
    "Ce chiffre trompe : il attribue au programme toute l'évolution des bénéficiaires, y "
    "compris la croissance qu'ils auraient connue sans soutien et la conjoncture de "
    "l'économie entière, que seule la comparaison avec des entreprises semblables retire."
)
INDICATORS = {
    "supported": ("Entreprises soutenues", "count"),
    "volatility_before": ("Volatilité du CA, avant", "decimal"),
    "volatility_after": ("Volatilité du CA, après", "decimal"),
    "drawdown_before": ("Chute maximale du CA, avant", "share"),
    "drawdown_after": ("Chute maximale du CA, après", "share"),
    "first_cnss_affiliation": ("Première affiliation CNSS", "share"),
    "ice_held": ("ICE détenu", "share"),
    "survival_2021": ("Actives en 2021", "share"),
    "recovered_by_2022": ("Niveau de 2019 retrouvé en 2022", "share"),
    "recovery_years": ("Années pour retrouver 2019", "decimal"),
    "ae_to_company": ("Auto-entrepreneurs devenus société", "share"),
    "market_access": ("Mises en relation devenues accords", "share"),
}
DESK = "GUICHET_AE"
DESK_TITLE = "Guichet auto-entrepreneur : personnes inscrites avec l'aide des chambres"
BREAKDOWNS = {
    "region": "Par région",
    "size_class": "Par taille",
    "section": "Par secteur (section)",
    "gender": "Par genre du dirigeant",
    "approval_year": "Par année d'approbation",
}


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _wrap(body: str) -> str:
    return f'<div lang="fr" dir="ltr"><p class="help">{_e(SUBTITLE)}</p>{body}</div>'


def _evaluation(request: Request) -> dict[str, Any] | None:
    return cached_evaluation(request.app.state.settings)


def _missing(request: Request, lang: str) -> HTMLResponse:
    settings = request.app.state.settings
    sentence = (
        "aucun registre n'a encore été construit : lancez « marsad register build »"
        if current_build(settings) is None
        else NOT_COMPUTED
    )
    body = f'<h1>{_e(TITLE)}</h1><p class="missing" role="status">{_e(sentence)}</p>'
    return page(request, lang, TITLE, _wrap(body))


def _percent(value: float) -> str:
    change = (math.exp(value) - 1) * 100
    return f"≈ {signed(number(change, 1), change)} %"


@router.get("/impact", response_class=HTMLResponse)
def impact_list(request: Request) -> HTMLResponse:
    lang = language(request)
    cached = _evaluation(request)
    if cached is None:
        return _missing(request, lang)
    programmes = list(cached.get("programmes") or [])
    items = []
    for p in programmes:
        code = str(p["programme"])
        shown = (
            f"{effect(p.get('estimate'))} {interval(p.get('ci_low'), p.get('ci_high'))}"
            if p.get("status") == "estimated"
            else "non publié (effectif insuffisant)"
        )
        items.append(
            f'<li><a href="/impact/{_e(code)}?lang={lang}">{_e(code)}</a> : '
            f"effet estimé {_e(shown)}</li>"
        )
    title = "Effet estimé et comparaison naïve, par programme"
    chart = ""
    if any(p.get("estimate") is not None for p in programmes):
        chart = f"<figure><figcaption>{_e(title)}</figcaption>{forest_plot(title, programmes)}"
        chart += "</figure>"
    if any(str(c.get("programme")) == DESK for c in cached.get("indicators") or []):
        items.append(
            f'<li><a href="/impact/{DESK}?lang={lang}">{_e(DESK_TITLE)}</a> : '
            "indicateurs (passage à la société, accès aux marchés)</li>"
        )
    missing = "".join(f"<li>{_e(r)}</li>" for r in (cached.get("not_measured") or {}).values())
    body = (
        f"<h1>{_e(TITLE)}</h1><p>{_e(READING)}</p>"
        f"<ul>{''.join(items) or '<li>aucun programme</li>'}</ul>{chart}"
        + (f"<h2>Non mesuré</h2><ul>{missing}</ul>" if missing else "")
        + f'<p class="help">Évaluation du registre {_e(cached.get("build", "?"))}.</p>'
    )
    return page(request, lang, TITLE, _wrap(body))


def _event_study(p: dict[str, Any]) -> str:
    points = list(p.get("event_study") or [])
    if not points:
        return "<p>Pas d'étude d'événement publiable pour ce programme.</p>"
    title = f"{p['programme']} : effet année par année autour de l'approbation (IC 95 %)"
    rows = "".join(
        f"<tr><th scope=row>{int(e['relative_year']):+d}</th>"
        f"<td>{_e(effect(float(e['estimate'])))}</td>"
        f"<td>{_e(interval(float(e['ci_low']), float(e['ci_high'])))}</td>"
        f"<td>{int(e['beneficiaries'])}</td></tr>"
        for e in sorted(points, key=lambda e: int(e["relative_year"]))
    )
    alt = (
        "<details><summary>Données du graphique (texte)</summary><table><thead><tr>"
        "<th scope=col>Année relative</th><th scope=col>Effet</th><th scope=col>IC 95 %</th>"
        f"<th scope=col>Bénéficiaires</th></tr></thead><tbody>{rows}</tbody></table></details>"
    )
    return (
        f"<figure><figcaption>{_e(title)}</figcaption>{event_study_svg(title, points)}"
        f"</figure>{alt}"
    )


def _pre_trend(p: dict[str, Any]) -> str:
    check = p.get("pre_trend") or {}
    if not check:
        return "<p>Test des pré-tendances : non disponible.</p>"
    years, pv = int(check.get("years", 0)), float(check.get("p_value", 1.0))
    if not years:
        return "<p>Test des pré-tendances : aucune année antérieure à tester.</p>"
    verdict = (
        "non rejeté : avant le soutien, les bénéficiaires évoluaient comme leurs comparables"
        if check.get("passed")
        else "rejeté : avant le soutien, les bénéficiaires n'évoluaient pas comme leurs "
        "comparables ; l'estimation est à lire avec prudence"
    )
    return (
        f"<p>Test des pré-tendances ({years} année(s) avant le soutien, "
        f"p = {_e(number(pv, 3))}) : {_e(verdict)}.</p>"
    )


def _value(cell: dict[str, Any], kind: str) -> str:
    if not cell:
        return "<td>–</td>"
    if cell.get("status") != "F":
        return '<td class="sup" title="secret statistique">C</td>'
    value = cell.get("value")
    if value is None:
        return "<td>–</td>"
    text = {
        "count": number(float(value), 0),
        "share": f"{number(float(value) * 100, 1)} %",
        "decimal": number(float(value), 3),
    }[kind]
    return f"<td>{_e(text)}</td>"


def _indicator_tables(cells: list[dict[str, Any]], code: str) -> str:
    mine = [c for c in cells if str(c.get("programme")) == code]
    if not mine:
        return "<p>Aucun indicateur publiable pour ce programme.</p>"
    index = {(c["breakdown"], str(c["code"]), c["indicator"]): c for c in mine}
    shown = [k for k in INDICATORS if any(c["indicator"] == k for c in mine)]
    head = "".join(f"<th scope=col>{_e(INDICATORS[k][0])}</th>" for k in shown)
    out = [
        "<p class=help>C : secret statistique (cellule trop petite, ou masquée pour en "
        "protéger une autre).</p>"
    ]
    for breakdown, label in [("total", "Ensemble"), *BREAKDOWNS.items()]:
        codes = sorted({str(c["code"]) for c in mine if c["breakdown"] == breakdown})
        rows = "".join(
            f"<tr><th scope=row>{_e('Ensemble' if c == '_T' else c)}</th>"
            + "".join(_value(index.get((breakdown, c, k), {}), INDICATORS[k][1]) for k in shown)
            + "</tr>"
            for c in codes
        )
        table = (
            f"<table><caption>{_e(label)}</caption><thead><tr><th scope=col>Catégorie</th>"
            f"{head}</tr></thead><tbody>{rows}</tbody></table>"
        )
        out.append(
            table
            if breakdown == "total"
            else f"<details><summary>{_e(label)}</summary>{table}</details>"
        )
    return "".join(out)


@router.get("/impact/{code}", response_class=HTMLResponse)
def impact_programme(request: Request, code: str) -> HTMLResponse:
    lang = language(request)
    cached = _evaluation(request)
    if cached is None:
        return _missing(request, lang)
    wanted = code.strip().upper()
    found = [p for p in cached.get("programmes") or [] if str(p["programme"]) == wanted]
    cells = cached.get("indicators") or []
    if not found and wanted == DESK and any(str(c.get("programme")) == DESK for c in cells):
        body = (
            f"<h1>{_e(DESK_TITLE)}</h1><p>Personnes inscrites au registre national de "
            "l'auto-entrepreneur avec l'aide du guichet, comptées l'année de leur inscription ; "
            "pas d'estimation contrefactuelle (aucun groupe de comparaison n'est apparié).</p>"
            f"<h2>Indicateurs agrégés</h2>{_indicator_tables(cells, DESK)}"
            f'<p><a href="/impact?lang={lang}">Tous les programmes</a></p>'
        )
        return page(request, lang, DESK_TITLE, _wrap(body))
    if not found:
        raise NotFound(f"Le programme {code} n'a pas d'évaluation d'impact.")
    p = found[0]
    title = f"{TITLE} : {wanted}"
    if p.get("status") == "estimated":
        estimate = float(p["estimate"])
        headline = (
            f"<p><strong>Effet estimé : {_e(effect(estimate))}</strong> "
            f"({_e(_percent(estimate))} de chiffre d'affaires), intervalle de confiance à "
            f"95 % : {_e(interval(p.get('ci_low'), p.get('ci_high')))}.</p>"
        )
    else:
        headline = "<p><strong>Effet estimé : non publié (effectif insuffisant).</strong></p>"
    naive = (
        f"<p>Comparaison avant/après naïve : {_e(effect(p.get('naive_estimate')))} "
        f"{_e(interval(p.get('naive_ci_low'), p.get('naive_ci_high')))}. {_e(NAIVE_WHY)}</p>"
    )
    matching = p.get("matching") or {}
    caveats = "".join(f"<li>{_e(c)}</li>" for c in p.get("caveats") or [])
    body = (
        f"<h1>{_e(title)}</h1>{headline}{naive}"
        f"<p class=help>Estimand : {_e(p.get('estimand', ''))} ; "
        f"{_e(matching.get('matched', 0))} bénéficiaires appariés sur "
        f"{_e(matching.get('beneficiaries', 0))}.</p>"
        f"<h2>Étude d'événement</h2>{_event_study(p)}{_pre_trend(p)}"
        f"<h2>Précautions</h2><ul>{caveats}</ul>"
        f"<h2>Indicateurs agrégés</h2>{_indicator_tables(cached.get('indicators') or [], wanted)}"
        f'<p><a href="/impact?lang={lang}">Tous les programmes</a></p>'
    )
    return page(request, lang, title, _wrap(body))


def include(app: FastAPI) -> None:
    app.include_router(router)
