"""Whether an enterprise and its project are eligible to a programme, with a French reason
for every check, passed or failed.

The checks are, in order: the programme is open on the day of the examination, covers the
region of the project (else of the enterprise's seat), targets a group the enterprise
belongs to (groups are defined by rules in the catalogue), then every eligibility rule of
the programme. Nothing depends on the programme's code: rules are data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from marsad.programmes import text
from marsad.programmes.catalogue import Programme
from marsad.programmes.enterprise_rules import member
from marsad.programmes.facts import EnterpriseFacts, ProjectFacts, enterprise_facts
from marsad.programmes.registry import RULES, check_rule, rule_problems
from marsad.programmes.rules import RuleCheck

__all__ = [
    "RULES",
    "EligibilityResult",
    "EnterpriseFacts",
    "ProjectFacts",
    "RuleCheck",
    "check_rule",
    "enterprise_facts",
    "evaluate",
    "rule_problems",
]


@dataclass(frozen=True)
class EligibilityResult:
    programme: str
    enterprise_id: str
    today: date
    eligible: bool
    checks: list[RuleCheck] = field(default_factory=list)

    @property
    def failed(self) -> list[RuleCheck]:
        return [c for c in self.checks if not c.passed]

    def to_dict(self) -> dict[str, object]:
        return {
            "programme": self.programme,
            "enterprise_id": self.enterprise_id,
            "today": self.today.isoformat(),
            "eligible": self.eligible,
            "checks": [
                {"rule": c.rule, "passed": c.passed, "reason_fr": c.reason_fr} for c in self.checks
            ],
        }


def period_check(programme: Programme, today: date) -> RuleCheck:
    start, end = programme.period.start, programme.period.end
    span = f"du {text.fr_date(start)}" + (
        f" au {text.fr_date(end)}" if end else " sans date de fin"
    )
    bound = [start, end]
    if today < start:
        reason = f"Programme pas encore ouvert le {text.fr_date(today)} : ouvert {span}."
        return RuleCheck("period_open", False, reason, today, bound)
    if end is not None and today > end:
        reason = f"Programme clos le {text.fr_date(today)} : il était ouvert {span}."
        return RuleCheck("period_open", False, reason, today, bound)
    reason = f"Programme ouvert le {text.fr_date(today)} : ouvert {span}."
    return RuleCheck("period_open", True, reason, today, bound)


def region_check(
    programme: Programme, enterprise: EnterpriseFacts, project: ProjectFacts
) -> RuleCheck:
    if programme.regions == ["*"]:
        return RuleCheck(
            "region_covered", True, "Le programme couvre toutes les régions.", None, "*"
        )
    code, what = (
        (project.region_code, "Région du projet")
        if project.region_code
        else (enterprise.region_code, "Région du siège")
    )
    out = member(code, programme.regions, text.region, what, True)
    reason = out.reason_fr.replace("valeurs admises", "régions couvertes par le programme")
    return RuleCheck("region_covered", out.passed, reason, out.value, out.bound)


def group_check(
    programme: Programme, enterprise: EnterpriseFacts, project: ProjectFacts
) -> RuleCheck:
    """The first targeted group whose every rule passes; else why each group fails."""
    targeted, failures = programme.target_groups, []
    for group in targeted:
        checks = [check_rule(r, enterprise, project) for r in programme.target_group_rules[group]]
        failed = [c for c in checks if not c.passed]
        label = text.GROUP_LABELS.get(group, group)
        if not failed:
            why = " ".join(c.reason_fr for c in checks)
            reason = (
                f"L'entreprise relève du groupe « {label} », visé par le programme "
                f"({text.groups(targeted)}) : {why}"
            )
            return RuleCheck("target_group", True, reason, group, list(targeted))
        failures.append(f"« {label} » : {failed[0].reason_fr}")
    reason = (
        f"L'entreprise ne relève d'aucun groupe visé par le programme "
        f"({text.groups(targeted)}). " + " ".join(failures)
    )
    return RuleCheck("target_group", False, reason, None, list(targeted))


def evaluate(
    programme: Programme,
    enterprise: EnterpriseFacts,
    project: ProjectFacts | None = None,
    today: date | None = None,
) -> EligibilityResult:
    """Every check of ``programme`` for ``enterprise`` and ``project`` on ``today`` (by
    default the date the enterprise's facts were taken on)."""
    project = project or ProjectFacts()
    today = today or enterprise.as_of
    checks = [
        period_check(programme, today),
        region_check(programme, enterprise, project),
        group_check(programme, enterprise, project),
        *(check_rule(r, enterprise, project) for r in programme.eligibility),
    ]
    return EligibilityResult(
        programme=programme.code,
        enterprise_id=enterprise.enterprise_id,
        today=today,
        eligible=all(c.passed for c in checks),
        checks=checks,
    )
