"""Eligibility rules on the project: kind, investment, own funds, stable jobs."""

from __future__ import annotations

from decimal import Decimal

from marsad.programmes import text
from marsad.programmes.facts import EnterpriseFacts, ProjectFacts
from marsad.programmes.rules import Between, Kinds, Outcome, Ratio, Share, no, ok

MDH = Decimal(1_000_000)


def project_kind_in(p: Kinds, _e: EnterpriseFacts, project: ProjectFacts) -> Outcome:
    values = list(p.values)
    if project.kind is None:
        return no("Type de projet non renseigné.", None, values)
    head = f"Projet de type « {text.kinds([project.kind])} »"
    if project.kind in values:
        return ok(f"{head}, parmi les types admis ({text.kinds(values)}).", project.kind, values)
    return no(f"{head}, hors des types admis ({text.kinds(values)}).", project.kind, values)


def investment_between(p: Between, _e: EnterpriseFacts, project: ProjectFacts) -> Outcome:
    bound, x = [p.min_mad, p.max_mad], project.investment_mad
    if x is None:
        return no("Montant de l'investissement non renseigné.", None, bound)
    head = f"Investissement de {text.mad(x)}"
    if p.min_mad is not None and x < p.min_mad:
        return no(f"{head}, inférieur au minimum de {text.mad(p.min_mad)}.", x, bound)
    if p.max_mad is not None and x > p.max_mad:
        return no(f"{head}, supérieur au plafond de {text.mad(p.max_mad)}.", x, bound)
    limits = [f"au moins {text.mad(p.min_mad)}"] if p.min_mad is not None else []
    limits += [f"au plus {text.mad(p.max_mad)}"] if p.max_mad is not None else []
    return ok(f"{head}, dans les limites requises ({' et '.join(limits)}).", x, bound)


def min_own_funds_share(p: Share, _e: EnterpriseFacts, project: ProjectFacts) -> Outcome:
    """Own funds over the investment (else over the project's cost)."""
    base, own = project.invested_mad, project.own_funds_mad
    if base is None or own is None or base <= 0:
        return no("Fonds propres ou montant du projet non renseignés.", None, p.value)
    share = own / base
    head = (
        f"Fonds propres de {text.mad(own)}, soit {text.rate(share.quantize(Decimal('0.0001')))} "
        f"des {text.mad(base)} du projet"
    )
    if share >= p.value:
        return ok(f"{head} : au moins {text.rate(p.value)} requis.", share, p.value)
    return no(f"{head} : moins que les {text.rate(p.value)} requis.", share, p.value)


def jobs_per_mdh(project: ProjectFacts) -> Decimal | None:
    """Stable jobs created per million dirhams invested (``None`` when unknown)."""
    base = project.invested_mad
    if project.jobs_created is None or base is None or base <= 0:
        return None
    return Decimal(project.jobs_created) * MDH / base


def min_jobs_per_mdh(p: Ratio, _e: EnterpriseFacts, project: ProjectFacts) -> Outcome:
    ratio = jobs_per_mdh(project)
    if ratio is None:
        return no("Emplois stables créés ou montant investi non renseignés.", None, p.value)
    head = (
        f"{project.jobs_created} emploi(s) stable(s) pour {text.mad(project.invested_mad or 0)}"
        f" investis, soit {text.number(ratio, 2)} par million de dirhams"
    )
    if ratio >= p.value:
        return ok(f"{head} : au moins {text.number(p.value, 2)} requis.", ratio, p.value)
    return no(f"{head} : moins que les {text.number(p.value, 2)} requis.", ratio, p.value)
