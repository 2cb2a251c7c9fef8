"""The programme catalogue in the back office: each programme's rules, instruments and caps,
and what its budget has committed and paid."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from marsad.errors import NotFound
from marsad.programmes import service, text
from marsad.programmes.catalogue import CostShareGrant, Instrument, Loan, Programme
from marsad.programmes.models import ProgrammeBudget
from marsad.web.backoffice_pages_forms import e, table
from marsad.web.backoffice_pages_layout import HOME, PageRoute, SignedIn, layout, mad
from marsad.web.deps import DB

router = APIRouter(prefix=HOME, route_class=PageRoute, include_in_schema=False)

KIND_LABELS = {
    "technical_assistance": "Assistance technique",
    "cost_share_grant": "Subvention (part du coût)",
    "loan": "Prêt",
}
RULE_LABELS = {
    "active_in_register": "Entreprise active dans le registre",
    "not_dissolved": "Entreprise non dissoute",
    "turnover_between": "Chiffre d'affaires",
    "turnover_above": "Chiffre d'affaires",
    "turnover_at_most": "Chiffre d'affaires",
    "max_age_years": "Âge de l'entreprise d'au plus",
    "category_in": "Catégorie parmi",
    "section_in": "Section d'activité parmi",
    "section_not_in": "Section d'activité hors de",
    "division_in": "Division d'activité parmi",
    "region_in": "Région parmi",
    "region_not_in": "Région hors de",
    "size_class_in": "Classe de taille parmi",
    "project_kind_in": "Type de projet parmi",
    "investment_between": "Investissement",
    "min_own_funds_share": "Part des fonds propres d'au moins",
    "min_jobs_per_mdh": "Emplois stables par million de dirhams investi, au moins",
}
BONUS_LABELS = {
    "territorial": "Prime territoriale",
    "sectoral": "Prime sectorielle",
    "employment": "Prime à l'emploi",
}


def _codes(rule: str, values: list[str]) -> str:
    if rule.startswith("section"):
        return ", ".join(text.section(v) for v in values)
    if rule.startswith("region"):
        return ", ".join(text.region(v) for v in values)
    if rule == "division_in":
        return ", ".join(text.division(v) for v in values)
    if rule == "project_kind_in":
        return text.kinds(values)
    if rule == "category_in":
        return ", ".join(text.CATEGORY_LABELS.get(v, v) for v in values)
    return ", ".join(values)


def _parameter(rule: str, key: str, value: Any) -> str:
    if key == "values":
        return _codes(rule, [str(v) for v in value])
    if key == "value" and rule == "min_own_funds_share":
        return text.rate(Decimal(str(value)))
    if key == "value" and rule == "max_age_years":
        return text.years(int(value))
    if key == "value":
        return text.number(Decimal(str(value)), 2)
    if key in ("min_mad", "max_mad"):
        return f"{'au moins' if key == 'min_mad' else 'au plus'} {mad(Decimal(str(value)))}"
    if key == "exempt_if_younger_than_years":
        return f"sauf entreprises de moins de {text.years(int(value))}"
    return f"{'grille' if key == 'scheme' else key} {value}"


def rule_text(spec: dict[str, Any]) -> str:
    """A rule of the catalogue in words: ``Section d'activité parmi : C (Industrie ...)``."""
    rule = spec["rule"]
    parts = [_parameter(rule, k, v) for k, v in spec.items() if k != "rule"]
    return RULE_LABELS.get(rule, rule) + (f" : {' ; '.join(parts)}" if parts else "")


def regions_text(prog: Programme) -> str:
    if prog.regions == ["*"]:
        return "Toutes les régions"
    return ", ".join(text.region(r) for r in prog.regions)


def period_text(prog: Programme) -> str:
    start, end = prog.period.start, prog.period.end
    return f"du {text.fr_date(start)}" + (
        f" au {text.fr_date(end)}" if end else ", sans date de fin"
    )


def instrument_name(prog: Programme, index: int) -> str:
    item = prog.instruments[index]
    return f"n° {index} — {item.label or KIND_LABELS.get(item.kind, item.kind)}"


def _cap(value: Any) -> str:
    return "non publié" if value is None else mad(value)


def instrument_html(index: int, item: Instrument) -> str:
    title = e(item.label or KIND_LABELS[item.kind])
    facts: list[tuple[str, str]] = [("Nature", KIND_LABELS[item.kind])]
    if isinstance(item, CostShareGrant):
        facts += [
            ("Types de projets", text.kinds(item.project_kinds) or "tous"),
            ("Base de coût", "investissement" if item.cost_basis == "investment" else "coût"),
            ("Taux de base", text.rate(item.rate)),
            ("Taux total maximal", text.rate(item.max_total_rate) if item.max_total_rate else "—"),
            ("Plafond par entreprise", _cap(item.cap_per_enterprise_mad)),
            ("Plafond par projet", _cap(item.cap_per_project_mad)),
            ("Plafond pour le programme", _cap(item.cap_per_programme_mad)),
        ]
        if item.cumulation:
            scope = "ce programme" if item.cumulation.scope == "programme" else "tous programmes"
            facts.append(("Cumul des aides", f"{mad(item.cumulation.cap_mad)} ({scope})"))
        for bonus in item.bonuses:
            rate = text.rate(bonus.rate) if bonus.rate else "selon les tranches d'emplois"
            facts.append((BONUS_LABELS[bonus.kind], f"{bonus.label or ''} {rate}".strip()))
        for n, tranche in enumerate(item.tranches, 1):
            facts.append((f"Tranche {n}", f"{text.rate(tranche.share)} — {tranche.milestone}"))
        if item.clawback:
            conditions = "; ".join(item.clawback.conditions)
            facts.append(
                ("Récupération", f"{conditions} (dans les {item.clawback.within_years} ans)")
            )
    elif isinstance(item, Loan):
        facts += [
            ("Taux", text.rate(item.rate)),
            ("Taux en milieu rural", text.rate(item.rural_rate) if item.rural_rate else "—"),
            (
                "Garantie",
                f"{text.rate(item.guarantee_share)} jusqu'à {mad(item.guarantee_cap_mad)}",
            ),
        ]
    else:
        facts += [
            ("Jours au plus", str(item.max_days)),
            ("Coût journalier", mad(item.daily_rate_mad)),
        ]
    rows = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts)
    return f"<section><h3>Instrument n° {index} : {title}</h3><dl class=facts>{rows}</dl></section>"


@router.get("/programmes", response_class=HTMLResponse)
def programmes(request: Request, visitor: SignedIn) -> HTMLResponse:
    rows = [
        [
            f'<a href="{HOME}/programmes/{e(p.code)}">{e(p.code)}</a>',
            e(p.name.fr),
            e(p.operator),
            e(text.groups(p.target_groups)),
            e(period_text(p)),
            e(_cap(p.budget_mad)),
            e(", ".join(KIND_LABELS[i.kind] for i in p.instruments)),
        ]
        for p in service.catalogue().values()
    ]
    headers = ["Code", "Programme", "Opérateur", "Cibles", "Période", "Enveloppe", "Instruments"]
    body = "<h1>Programmes d'appui</h1>" + table(
        f"Catalogue des programmes ({len(rows)})", headers, rows, "Aucun programme."
    )
    return layout(request, visitor, "Programmes", body)


@router.get("/programmes/{code}", response_class=HTMLResponse)
def programme_page(request: Request, code: str, db: DB, visitor: SignedIn) -> HTMLResponse:
    if code not in service.catalogue():
        raise NotFound(f"Le programme {code[:40]} n'existe pas.")
    prog = service.programme(code)
    with db.session() as session:
        budget = session.get(ProgrammeBudget, code)
    money = ""
    if budget is not None:
        money = (
            f"<dt>Budget suivi</dt><dd>{e(mad(budget.budget_mad))} : "
            f"{e(mad(budget.committed_mad))} engagés, {e(mad(budget.paid_mad))} payés</dd>"
        )
    rules = "".join(f"<li>{e(rule_text(r))}</li>" for r in prog.eligibility)
    steps = "".join(f"<li>{e(s)}</li>" for s in prog.appraisal)
    notes = f'<h2>Hypothèses retenues</h2><p lang="en">{e(prog.notes)}</p>' if prog.notes else ""
    body = f"""<h1>{e(prog.name.fr)}</h1>
<dl class="facts">
<dt>Code</dt><dd>{e(prog.code)}</dd>
<dt>Opérateur</dt><dd>{e(prog.operator)}</dd>
<dt>Partenaires</dt><dd>{e(", ".join(prog.partners) or "—")}</dd>
<dt>Cibles</dt><dd>{e(text.groups(prog.target_groups))}</dd>
<dt>Régions</dt><dd>{e(regions_text(prog))}</dd>
<dt>Période</dt><dd>{e(period_text(prog))}</dd>
<dt>Enveloppe publiée</dt><dd>{e(_cap(prog.budget_mad))}</dd>
{money}
</dl>
<h2>Règles d'éligibilité</h2>
<p class="hint">Vérifiées à la soumission, en plus de la période, des régions et des cibles.</p>
{f"<ul>{rules}</ul>" if rules else "<p>Aucune règle propre au programme.</p>"}
<h2>Instruments</h2>
{"".join(instrument_html(i, item) for i, item in enumerate(prog.instruments))}
{f"<h2>Étapes de sélection</h2><ol>{steps}</ol>" if steps else ""}
<h2>Source</h2><p>{e(prog.source)}</p>
{notes}
<p><a href="{HOME}/programmes">Retour au catalogue</a></p>"""
    return layout(request, visitor, prog.code, body)
