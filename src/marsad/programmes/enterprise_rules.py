"""Eligibility rules on the enterprise: turnover, age, activity, category, sector, region,
size class."""

from __future__ import annotations

from collections.abc import Callable

from marsad.programmes import text
from marsad.programmes.facts import EnterpriseFacts, ProjectFacts, anniversary
from marsad.programmes.rules import (
    Between,
    Categories,
    Divisions,
    Maximum,
    Minimum,
    NoParams,
    Outcome,
    Regions,
    Sections,
    SizeClasses,
    Years,
    no,
    ok,
)


def _within(p: Between) -> str:
    if p.min_mad is not None and p.max_mad is not None:
        return f"compris entre {text.mad(p.min_mad)} et {text.mad(p.max_mad)}"
    if p.min_mad is not None:
        return f"au moins égal au minimum de {text.mad(p.min_mad)}"
    return f"dans la limite de {text.mad(p.max_mad or 0)}"


def _unknown_turnover(e: EnterpriseFacts, bound: object) -> Outcome:
    return no(
        "Chiffre d'affaires inconnu : aucune donnée dans le registre pour "
        f"{e.as_of.year} ou une année antérieure.",
        None,
        bound,
    )


def _turnover(e: EnterpriseFacts) -> str:
    return f"Chiffre d'affaires {e.year} : {text.mad(e.turnover_mad or 0)}"


def turnover_between(p: Between, e: EnterpriseFacts, _: ProjectFacts) -> Outcome:
    bound, n = [p.min_mad, p.max_mad], p.exempt_if_younger_than_years
    if n is not None and e.creation_date is not None and e.as_of < anniversary(e.creation_date, n):
        return ok(
            f"Entreprise créée le {text.fr_date(e.creation_date)}, de moins de "
            f"{text.years(n)} au {text.fr_date(e.as_of)} : dispensée de la condition de "
            f"chiffre d'affaires ({_within(p).removeprefix('compris ')}).",
            e.turnover_mad,
            bound,
        )
    if e.turnover_mad is None:
        return _unknown_turnover(e, bound)
    x = e.turnover_mad
    if p.min_mad is not None and x < p.min_mad:
        return no(f"{_turnover(e)}, inférieur au minimum de {text.mad(p.min_mad)}.", x, bound)
    if p.max_mad is not None and x > p.max_mad:
        return no(f"{_turnover(e)}, supérieur au plafond de {text.mad(p.max_mad)}.", x, bound)
    return ok(f"{_turnover(e)}, {_within(p)}.", x, bound)


def turnover_above(p: Minimum, e: EnterpriseFacts, _: ProjectFacts) -> Outcome:
    if e.turnover_mad is None:
        return _unknown_turnover(e, p.min_mad)
    x, bound = e.turnover_mad, text.mad(p.min_mad)
    if x > p.min_mad:
        return ok(f"{_turnover(e)}, supérieur au minimum de {bound}.", x, p.min_mad)
    return no(f"{_turnover(e)}, ne dépasse pas le minimum de {bound}.", x, p.min_mad)


def turnover_at_most(p: Maximum, e: EnterpriseFacts, _: ProjectFacts) -> Outcome:
    if e.turnover_mad is None:
        return _unknown_turnover(e, p.max_mad)
    x, bound = e.turnover_mad, text.mad(p.max_mad)
    if x <= p.max_mad:
        return ok(f"{_turnover(e)}, dans la limite de {bound}.", x, p.max_mad)
    return no(f"{_turnover(e)}, supérieur au plafond de {bound}.", x, p.max_mad)


def max_age_years(p: Years, e: EnterpriseFacts, _: ProjectFacts) -> Outcome:
    """At most ``value`` years old: the reference date is on or before the anniversary."""
    if e.creation_date is None:
        return no("Date de création inconnue : l'âge ne peut être vérifié.", None, p.value)
    head = (
        f"Entreprise créée le {text.fr_date(e.creation_date)}, âgée de "
        f"{text.years(e.age_years or 0)} au {text.fr_date(e.as_of)}"
    )
    if e.as_of <= anniversary(e.creation_date, p.value):
        return ok(f"{head} : dans la limite de {text.years(p.value)}.", e.age_years, p.value)
    return no(f"{head} : au-delà de la limite de {text.years(p.value)}.", e.age_years, p.value)


def _dissolved(e: EnterpriseFacts) -> Outcome | None:
    if e.dissolution_date is not None and e.dissolution_date <= e.as_of:
        return no(f"Entreprise radiée le {text.fr_date(e.dissolution_date)}.", False, True)
    return None


def active_in_register(_p: NoParams, e: EnterpriseFacts, _: ProjectFacts) -> Outcome:
    if (dissolved := _dissolved(e)) is not None:
        return dissolved
    if e.active is None:
        return no(f"Activité inconnue : aucune année de panel jusqu'en {e.as_of.year}.", None, True)
    if e.active:
        return ok(f"Entreprise active en {e.active_year} selon le registre.", True, True)
    return no(f"Entreprise inactive en {e.active_year} selon le registre.", False, True)


def not_dissolved(_p: NoParams, e: EnterpriseFacts, _: ProjectFacts) -> Outcome:
    if (dissolved := _dissolved(e)) is not None:
        return dissolved
    if e.creation_date is None:
        return no("Date d'immatriculation inconnue dans le registre.", None, True)
    created, on = text.fr_date(e.creation_date), text.fr_date(e.as_of)
    if e.creation_date > e.as_of:
        return no(f"Entreprise immatriculée le {created}, après le {on}.", False, True)
    return ok(f"Entreprise immatriculée le {created} et non radiée au {on}.", True, True)


def member(
    value: str | None, values: list[str], label: Callable[[str], str], what: str, inside: bool
) -> Outcome:
    """``value`` among ``values`` (``inside``) or not among them."""
    allowed = text.codes(values)
    if value is None:
        return no(f"{what} : inconnu(e) dans le registre.", None, values)
    if (value in values) == inside:
        where = (
            f"parmi les valeurs admises ({allowed})"
            if inside
            else f"hors des exclusions ({allowed})"
        )
        return ok(f"{what} {label(value)}, {where}.", value, values)
    where = (
        f"hors des valeurs admises ({allowed})" if inside else f"parmi les exclusions ({allowed})"
    )
    return no(f"{what} {label(value)}, {where}.", value, values)


def category_in(p: Categories, e: EnterpriseFacts, _: ProjectFacts) -> Outcome:
    def label(c: str) -> str:
        return f"{c} ({text.CATEGORY_LABELS.get(c, c)})"

    return member(e.category, list(p.values), label, "Catégorie", True)


def section_in(p: Sections, e: EnterpriseFacts, _: ProjectFacts) -> Outcome:
    return member(e.section, p.values, text.section, "Secteur", True)


def section_not_in(p: Sections, e: EnterpriseFacts, _: ProjectFacts) -> Outcome:
    return member(e.section, p.values, text.section, "Secteur", False)


def division_in(p: Divisions, e: EnterpriseFacts, _: ProjectFacts) -> Outcome:
    return member(e.division, p.values, text.division, "Division d'activité", True)


def _region(e: EnterpriseFacts, project: ProjectFacts) -> tuple[str | None, str]:
    if project.region_code:
        return project.region_code, "Région du projet"
    return e.region_code, "Région du siège"


def region_in(p: Regions, e: EnterpriseFacts, project: ProjectFacts) -> Outcome:
    code, what = _region(e, project)
    return member(code, p.values, text.region, what, True)


def region_not_in(p: Regions, e: EnterpriseFacts, project: ProjectFacts) -> Outcome:
    code, what = _region(e, project)
    return member(code, p.values, text.region, what, False)


def size_class_in(p: SizeClasses, e: EnterpriseFacts, _: ProjectFacts) -> Outcome:
    value = e.size_classes.get(p.scheme)
    if value is None:
        return no(f"Taille inconnue selon {p.scheme} : mesure absente du registre.", None, p.values)
    return member(value, p.values, lambda c: f"{c} ({p.scheme}, {e.year})", "Taille", True)
