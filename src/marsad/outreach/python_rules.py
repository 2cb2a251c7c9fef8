"""The eligibility rules that have no SQL form, evaluated with their own functions.

A rule added to the catalogue's registry without a predicate in ``outreach.rules_sql`` is
judged here, on the candidates the SQL stage kept, by the same function that judges one
enterprise (``check_rule``), on facts built from the candidate's line of ``ot_facts``.
Project rules pass: they are checked when the enterprise applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from marsad.outreach.rules_sql import PROJECT_RULES
from marsad.programmes.catalogue import Programme
from marsad.programmes.facts import EnterpriseFacts, ProjectFacts
from marsad.programmes.registry import check_rule


def facts_of(row: Mapping[str, Any], on: date) -> EnterpriseFacts:
    return EnterpriseFacts(
        enterprise_id=str(row["enterprise_id"]),
        as_of=on,
        category=row.get("category"),
        legal_form=row.get("legal_form"),
        region_code=row.get("region_code"),
        section=row.get("section"),
        division=row.get("division"),
        creation_date=row.get("creation_date"),
        dissolution_date=row.get("dissolution_date"),
        year=row.get("year"),
        active=None if row.get("active") is None else bool(row["active"]),
        active_year=row.get("active_year"),
        turnover_mad=row.get("turnover_mad"),
        employees=None if row.get("employees") is None else int(row["employees"]),
        size_classes={k.removeprefix("size_"): v for k, v in row.items() if k.startswith("size_")},
    )


def _passes(spec: Mapping[str, Any], facts: EnterpriseFacts) -> bool:
    return spec["rule"] in PROJECT_RULES or check_rule(spec, facts, ProjectFacts()).passed


def python_verdicts(
    programme: Programme,
    rows: list[dict[str, Any]],
    on: date,
    rules: tuple[Mapping[str, Any], ...],
    groups: bool,
) -> set[str]:
    """The enterprises of ``rows`` that pass ``rules`` (and a target group, when
    ``groups``)."""
    keep = set()
    for row in rows:
        facts = facts_of(row, on)
        if not all(_passes(r, facts) for r in rules):
            continue
        if groups and not any(
            all(_passes(r, facts) for r in programme.target_group_rules[g])
            for g in programme.target_groups
        ):
            continue
        keep.add(facts.enterprise_id)
    return keep
