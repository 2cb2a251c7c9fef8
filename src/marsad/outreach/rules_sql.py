"""A programme's eligibility as one SQL condition over every enterprise of a register build.

The rules are those of the catalogue (``marsad.programmes.registry.RULES``), evaluated for
one enterprise by ``marsad.programmes.eligibility.evaluate``. Here the same rules are
written once each as a SQL predicate over the facts relation of ``outreach.facts`` (one
line per enterprise on the reference date), so that a whole region is judged in one query.
Each predicate keeps the one-enterprise semantics: an unknown fact fails the rule (SQL's
NULL is turned into false), bounds are inclusive or strict exactly as in the rule.

Rules on the project (kind, investment, own funds, jobs: the rules of
``marsad.programmes.project_rules``) cannot be known before the enterprise applies: they
are *deferred*, listed with the target list and checked when the application is made. A
rule on the enterprise for which no SQL is written here (a rule added to the catalogue
later) is not ignored: ``python_rules`` names it and ``outreach.targets`` evaluates it with
the rule's own function on each remaining candidate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from marsad.ingest.rules import lit, q
from marsad.programmes import project_rules
from marsad.programmes.catalogue import Programme
from marsad.programmes.registry import RULES
from marsad.programmes.rules import (
    Between,
    Categories,
    Divisions,
    Maximum,
    Minimum,
    NoParams,
    Regions,
    Sections,
    SizeClasses,
    Years,
)

# the rules that judge the project rather than the enterprise
PROJECT_RULES = frozenset(
    name for name, d in RULES.items() if d.evaluate.__module__ == project_rules.__name__
)


def _number(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"not a finite amount: {value}")
    return f"CAST({lit(str(value))} AS DECIMAL(18, 2))"


def _day(value: date) -> str:
    return f"DATE {lit(value.isoformat())}"


def _codes(values: Any) -> str:
    return "(" + ", ".join(lit(str(v)) for v in values) + ")"


def _anniversary(years: int) -> str:
    """creation_date plus ``years`` (29 February gives 28 February, as ``anniversary``)."""
    return f"CAST(creation_date + to_years({int(years)}) AS DATE)"


def _dissolved(on: date) -> str:
    return f"coalesce(dissolution_date <= {_day(on)}, false)"


def _active(_p: NoParams, on: date) -> str:
    return f"NOT {_dissolved(on)} AND coalesce(active, false)"


def _not_dissolved(_p: NoParams, on: date) -> str:
    return f"NOT {_dissolved(on)} AND creation_date IS NOT NULL AND creation_date <= {_day(on)}"


def _within(p: Between) -> str:
    parts = ["turnover_mad IS NOT NULL"]
    if p.min_mad is not None:
        parts.append(f"turnover_mad >= {_number(p.min_mad)}")
    if p.max_mad is not None:
        parts.append(f"turnover_mad <= {_number(p.max_mad)}")
    return " AND ".join(parts)


def _turnover_between(p: Between, on: date) -> str:
    n = p.exempt_if_younger_than_years
    if n is None:
        return _within(p)
    young = f"creation_date IS NOT NULL AND {_day(on)} < {_anniversary(n)}"
    return f"({young}) OR ({_within(p)})"


def _turnover_above(p: Minimum, _on: date) -> str:
    return f"turnover_mad > {_number(p.min_mad)}"


def _turnover_at_most(p: Maximum, _on: date) -> str:
    return f"turnover_mad <= {_number(p.max_mad)}"


def _max_age(p: Years, on: date) -> str:
    return f"creation_date IS NOT NULL AND {_day(on)} <= {_anniversary(p.value)}"


def _member(column: str, inside: bool) -> Callable[[Any, date], str]:
    def predicate(p: Any, _on: date) -> str:
        return f"{column} IS NOT NULL AND {column} {'' if inside else 'NOT '}IN {_codes(p.values)}"

    return predicate


def _size_class(p: SizeClasses, _on: date) -> str:
    column = q(f"size_{p.scheme}")
    return f"{column} IS NOT NULL AND {column} IN {_codes(p.values)}"


SQL_RULES: dict[str, Callable[[Any, date], str]] = {
    "active_in_register": _active,
    "not_dissolved": _not_dissolved,
    "turnover_between": _turnover_between,
    "turnover_above": _turnover_above,
    "turnover_at_most": _turnover_at_most,
    "max_age_years": _max_age,
    "category_in": _member("category", True),
    "section_in": _member("section", True),
    "section_not_in": _member("section", False),
    "division_in": _member("division", True),
    "region_in": _member("region_code", True),
    "region_not_in": _member("region_code", False),
    "size_class_in": _size_class,
}
# the parameter models the predicates above were written for
_PARAMS = {
    "active_in_register": NoParams,
    "not_dissolved": NoParams,
    "turnover_between": Between,
    "turnover_above": Minimum,
    "turnover_at_most": Maximum,
    "max_age_years": Years,
    "category_in": Categories,
    "section_in": Sections,
    "section_not_in": Sections,
    "division_in": Divisions,
    "region_in": Regions,
    "region_not_in": Regions,
    "size_class_in": SizeClasses,
}


def rule_sql(spec: Mapping[str, Any], on: date) -> str | None:
    """The SQL condition of one rule (true or false, never NULL), ``"true"`` for a deferred
    project rule, ``None`` when the rule has no SQL form here."""
    name = spec["rule"]
    if name in PROJECT_RULES:
        return "true"
    definition = RULES.get(name)
    if name not in SQL_RULES or definition is None or definition.params is not _PARAMS[name]:
        return None
    params = definition.params.model_validate({k: v for k, v in spec.items() if k != "rule"})
    return f"coalesce(({SQL_RULES[name](params, on)}), false)"


@dataclass(frozen=True)
class EligibilitySql:
    """``where``: the condition every candidate of the SQL stage meets; ``python_rules``:
    the eligibility rules without SQL form, to evaluate on those candidates;
    ``groups_in_python``: a target group has such a rule, so the target-group check is
    evaluated on the candidates too (``where`` then leaves it out); ``deferred``: the
    project rules left for the application."""

    where: str
    python_rules: tuple[Mapping[str, Any], ...]
    groups_in_python: bool
    deferred: tuple[str, ...]


def _all(parts: list[str]) -> str:
    return "(" + " AND ".join(parts) + ")" if parts else "true"


def programme_sql(programme: Programme, on: date) -> EligibilitySql:
    """The region, target-group and eligibility checks of ``programme`` on ``on`` (the
    period check is the caller's: it does not depend on the enterprise)."""
    parts, python_rules = [], []
    if programme.regions != ["*"]:
        parts.append(f"coalesce(region_code IN {_codes(programme.regions)}, false)")
    groups, groups_translated = [], True
    for group in programme.target_groups:
        rules = programme.target_group_rules[group]
        translated = [rule_sql(r, on) for r in rules]
        groups_translated = groups_translated and all(t is not None for t in translated)
        groups.append(_all([t for t in translated if t is not None]))
    if groups_translated:
        parts.append("(" + " OR ".join(groups) + ")")
    for spec in programme.eligibility:
        sql = rule_sql(spec, on)
        if sql is None:
            python_rules.append(spec)
        else:
            parts.append(sql)
    deferred = sorted(
        {
            r["rule"]
            for rules in (
                programme.eligibility,
                *(programme.target_group_rules[g] for g in programme.target_groups),
            )
            for r in rules
            if r["rule"] in PROJECT_RULES
        }
    )
    return EligibilitySql(_all(parts), tuple(python_rules), not groups_translated, tuple(deferred))
