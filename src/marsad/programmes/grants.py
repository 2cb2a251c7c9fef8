"""The grant of a cost-share instrument: base rate, bonuses, total rate capped, amount,
ceilings, and the schedule of its tranches, each step with a French reason.

Money is ``Decimal`` to the dirham, rounded down at every step so that no rounding ever
takes a grant above its rate of the eligible cost or above a ceiling. Tranches take their
share of the total rounded down, the last one the rest, so that they add up to the total
exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from marsad.errors import InvalidInput
from marsad.programmes import text
from marsad.programmes.catalogue import Bonus, CostShareGrant, Programme, TrancheSpec
from marsad.programmes.facts import EnterpriseFacts, ProjectFacts
from marsad.programmes.project_rules import jobs_per_mdh
from marsad.programmes.registry import check_rule

ZERO, ONE = Decimal(0), Decimal(1)
BASIS_LABELS = {"investment": "montant de l'investissement", "project_cost": "coût du projet"}
CAP_LABELS = {
    "cap_per_project_mad": "plafond par projet",
    "cap_per_enterprise_mad": "plafond par entreprise",
    "cumulation": "plafond de cumul des aides",
    "cap_per_programme_mad": "plafond de l'instrument pour le programme",
}
BONUS_LABELS = {
    "territorial": "Prime territoriale",
    "sectoral": "Prime sectorielle",
    "employment": "Prime à l'emploi",
}


def dirhams(value: Decimal) -> Decimal:
    """Rounded down to the dirham, never below zero."""
    return max(ZERO, value.quantize(ONE, rounding=ROUND_DOWN))


@dataclass(frozen=True)
class BonusOutcome:
    kind: str
    label: str
    applied: bool
    rate: Decimal  # the rate granted, zero when not applied
    reason_fr: str


@dataclass(frozen=True)
class Tranche:
    number: int
    milestone: str
    share: Decimal
    amount_mad: Decimal


@dataclass(frozen=True)
class GrantComputation:
    programme: str
    instrument_index: int
    eligible_cost_mad: Decimal | None
    base_rate: Decimal
    bonuses: list[BonusOutcome]
    rate_before_cap: Decimal
    total_rate: Decimal
    gross_amount_mad: Decimal  # total rate × eligible cost
    amount_mad: Decimal  # after the ceilings
    capped_by: str | None  # the ceiling that set the amount, if any
    ceilings: dict[str, Decimal] = field(default_factory=dict)  # room left under each one
    reasons: list[str] = field(default_factory=list)
    tranches: list[Tranche] = field(default_factory=list)


def schedule(total: Decimal, specs: list[TrancheSpec]) -> list[Tranche]:
    """``total`` split by the tranches' shares; the last tranche takes the rest."""
    specs = specs or [TrancheSpec(share=ONE, milestone="Versement unique")]
    out: list[Tranche] = []
    for i, spec in enumerate(specs, start=1):
        paid = sum((t.amount_mad for t in out), ZERO)
        amount = total - paid if i == len(specs) else dirhams(total * spec.share)
        out.append(Tranche(i, spec.milestone, spec.share, amount))
    return out


def _bonus(bonus: Bonus, enterprise: EnterpriseFacts, project: ProjectFacts) -> BonusOutcome:
    label = bonus.label or BONUS_LABELS[bonus.kind]
    if bonus.kind == "employment":
        ratio = jobs_per_mdh(project)
        if ratio is None:
            why = "emplois stables créés ou montant investi non renseignés"
            return BonusOutcome(bonus.kind, label, False, ZERO, f"{label} non accordée : {why}.")
        reached = [
            b
            for b in bonus.bands
            if ratio > b.min_jobs_per_mdh or (b.min_inclusive and ratio == b.min_jobs_per_mdh)
        ]
        ratio_text = f"{text.number(ratio, 2)} emploi(s) stable(s) par million de dirhams investi"
        if not reached:
            first = bonus.bands[0]
            why = f"{ratio_text}, sous le seuil de {text.number(first.min_jobs_per_mdh, 2)}"
            return BonusOutcome(bonus.kind, label, False, ZERO, f"{label} non accordée : {why}.")
        band = reached[-1]
        side = "au moins" if band.min_inclusive else "plus de"
        why = f"{ratio_text}, {side} {text.number(band.min_jobs_per_mdh, 2)}"
        reason = f"{label} de {text.rate(band.rate)} accordée : {why}."
        return BonusOutcome(bonus.kind, label, True, band.rate, reason)
    rate = bonus.rate or ZERO
    assert bonus.condition is not None  # the catalogue requires one
    check = check_rule(bonus.condition, enterprise, project)
    if check.passed:
        reason = f"{label} de {text.rate(rate)} accordée : {check.reason_fr}"
        return BonusOutcome(bonus.kind, label, True, rate, reason)
    return BonusOutcome(bonus.kind, label, False, ZERO, f"{label} non accordée : {check.reason_fr}")


def _ceilings(
    grant: CostShareGrant, granted_programme: Decimal, granted_all: Decimal, committed: Decimal
) -> list[tuple[str, Decimal, str]]:
    """(name, room left, how it was obtained) for every ceiling of the grant, in order."""
    out: list[tuple[str, Decimal, str]] = []
    if grant.cap_per_project_mad is not None:
        out.append(("cap_per_project_mad", grant.cap_per_project_mad, ""))
    if grant.cap_per_enterprise_mad is not None:
        room = grant.cap_per_enterprise_mad - granted_programme
        out.append(("cap_per_enterprise_mad", room, f", {text.mad(granted_programme)} déjà reçus"))
    if grant.cumulation is not None:
        already = granted_programme if grant.cumulation.scope == "programme" else granted_all
        room = grant.cumulation.cap_mad - already
        out.append(("cumulation", room, f", {text.mad(already)} déjà reçus"))
    if grant.cap_per_programme_mad is not None:
        room = grant.cap_per_programme_mad - committed
        out.append(("cap_per_programme_mad", room, f", {text.mad(committed)} déjà engagés"))
    return [(name, dirhams(room), how) for name, room, how in out]


def compute_grant(
    programme: Programme,
    instrument_index: int,
    enterprise: EnterpriseFacts,
    project: ProjectFacts,
    *,
    granted_in_programme_mad: Decimal = ZERO,
    granted_all_programmes_mad: Decimal = ZERO,
    programme_committed_mad: Decimal = ZERO,
) -> GrantComputation:
    """The grant of instrument ``instrument_index`` of ``programme`` for ``project``.

    ``granted_in_programme_mad`` is what the enterprise already received from this
    programme, ``granted_all_programmes_mad`` from every programme (for a cumulation
    ceiling), ``programme_committed_mad`` what the instrument already committed to all.
    """
    if not 0 <= instrument_index < len(programme.instruments):
        raise InvalidInput(
            f"Le programme {programme.code} n'a pas d'instrument n° {instrument_index}."
        )
    grant = programme.instruments[instrument_index]
    if not isinstance(grant, CostShareGrant):
        raise InvalidInput(
            f"L'instrument n° {instrument_index} du programme {programme.code} n'est pas une "
            "subvention : aucun montant de subvention ne s'y calcule."
        )
    cost = project.investment_mad if grant.cost_basis == "investment" else project.project_cost_mad
    basis = BASIS_LABELS[grant.cost_basis]

    def nothing(reason: str) -> GrantComputation:
        return GrantComputation(
            programme.code, instrument_index, cost, grant.rate, [], ZERO, ZERO, ZERO, ZERO,
            None, {}, [reason], schedule(ZERO, grant.tranches),
        )  # fmt: skip

    if cost is None or cost <= 0:
        return nothing(f"Coût éligible inconnu ({basis} non renseigné) : aucune subvention.")
    if grant.project_kinds and project.kind not in grant.project_kinds:
        kind = text.kinds([project.kind]) if project.kind else "non renseigné"
        return nothing(
            f"Projet de type « {kind} » : l'instrument couvre les projets de type "
            f"{text.kinds(grant.project_kinds)} ; aucune subvention."
        )
    reasons = [f"Taux de base : {text.rate(grant.rate)} du {basis} ({text.mad(cost)})."]
    bonuses = [_bonus(b, enterprise, project) for b in grant.bonuses]
    reasons += [b.reason_fr for b in bonuses]
    before = grant.rate + sum((b.rate for b in bonuses), ZERO)
    ceiling = min(grant.max_total_rate or ONE, ONE)
    total = min(before, ceiling)
    if before > ceiling:
        reasons.append(
            f"Taux cumulé de {text.rate(before)} ramené au plafond de {text.rate(ceiling)}."
        )
    else:
        reasons.append(f"Taux total : {text.rate(total)} (plafond de {text.rate(ceiling)}).")
    gross = dirhams(total * cost)
    reasons.append(f"Montant brut : {text.rate(total)} × {text.mad(cost)} = {text.mad(gross)}.")
    amount, capped_by, rooms = gross, None, {}
    for name, room, how in _ceilings(
        grant, granted_in_programme_mad, granted_all_programmes_mad, programme_committed_mad
    ):
        rooms[name] = room
        label = f"{CAP_LABELS[name]} (reste {text.mad(room)}{how})"
        if amount > room:
            amount, capped_by = room, name
            reasons.append(f"Montant ramené à {text.mad(room)} par le {label}.")
        else:
            reasons.append(f"Montant dans la limite du {label}.")
    reasons.append(f"Subvention : {text.mad(amount)}.")
    return GrantComputation(
        programme=programme.code,
        instrument_index=instrument_index,
        eligible_cost_mad=cost,
        base_rate=grant.rate,
        bonuses=bonuses,
        rate_before_cap=before,
        total_rate=total,
        gross_amount_mad=gross,
        amount_mad=amount,
        capped_by=capped_by,
        ceilings=rooms,
        reasons=reasons,
        tranches=schedule(amount, grant.tranches),
    )
