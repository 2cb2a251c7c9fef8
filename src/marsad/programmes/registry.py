"""The rules by name, with the model of their parameters, and their validation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from marsad.programmes import enterprise_rules as er
from marsad.programmes import project_rules as pr
from marsad.programmes.facts import EnterpriseFacts, ProjectFacts
from marsad.programmes.rules import (
    Between,
    Categories,
    Divisions,
    Kinds,
    Maximum,
    Minimum,
    NoParams,
    Ratio,
    Regions,
    RuleCheck,
    RuleDef,
    Sections,
    Share,
    SizeClasses,
    Years,
)

RULES: dict[str, RuleDef] = {
    "active_in_register": RuleDef(NoParams, er.active_in_register),
    "not_dissolved": RuleDef(NoParams, er.not_dissolved),
    "turnover_between": RuleDef(Between, er.turnover_between),
    "turnover_above": RuleDef(Minimum, er.turnover_above),
    "turnover_at_most": RuleDef(Maximum, er.turnover_at_most),
    "max_age_years": RuleDef(Years, er.max_age_years),
    "category_in": RuleDef(Categories, er.category_in),
    "section_in": RuleDef(Sections, er.section_in),
    "section_not_in": RuleDef(Sections, er.section_not_in),
    "division_in": RuleDef(Divisions, er.division_in),
    "region_in": RuleDef(Regions, er.region_in),
    "region_not_in": RuleDef(Regions, er.region_not_in),
    "size_class_in": RuleDef(SizeClasses, er.size_class_in),
    "project_kind_in": RuleDef(Kinds, pr.project_kind_in),
    "investment_between": RuleDef(Between, pr.investment_between),
    "min_own_funds_share": RuleDef(Share, pr.min_own_funds_share),
    "min_jobs_per_mdh": RuleDef(Ratio, pr.min_jobs_per_mdh),
}


def _parameters(spec: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in spec.items() if k != "rule"}


def rule_problems(spec: Any) -> list[str]:
    """What is wrong with a rule's mapping (an empty list when it is valid)."""
    if not isinstance(spec, Mapping) or not isinstance(spec.get("rule"), str):
        return ["a rule is a mapping with a 'rule' name"]
    name = spec["rule"]
    if name not in RULES:
        return [f"unknown rule {name!r} (known: {', '.join(sorted(RULES))})"]
    try:
        RULES[name].params.model_validate(_parameters(spec))
    except ValidationError as exc:
        return [
            f"rule {name}: {'.'.join(str(p) for p in e['loc']) or 'parameters'}: "
            f"{e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        ]
    return []


def check_rule(
    spec: Mapping[str, Any], enterprise: EnterpriseFacts, project: ProjectFacts
) -> RuleCheck:
    """Evaluate one rule (validated beforehand by the catalogue) against the facts."""
    definition = RULES[spec["rule"]]
    params = definition.params.model_validate(_parameters(spec))
    out = definition.evaluate(params, enterprise, project)
    return RuleCheck(spec["rule"], out.passed, out.reason_fr, out.value, out.bound)
