"""Rules of the auto-entrepreneur desk: the turnover ceilings of the status and the
checks of what a person declares (phone, birth year, commune, activity, AE number).

Each check returns the value to store or raises ``ValueError`` with a French sentence,
so that the services and the request models of the web share them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from marsad.errors import InvalidInput
from marsad.operational.people import utcnow
from marsad.reference import load_communes, section_of_activity_code

SOURCE = "loi 114-13 relative au statut de l'auto-entrepreneur"
# ceiling of the expected annual turnover (MAD) by kind of activity
CEILINGS = {kind: Decimal(500_000) for kind in ("commerce", "industry", "crafts")} | {
    "services": Decimal(200_000)
}
ACTIVITY_KINDS = tuple(CEILINGS)
KIND_LABELS = {
    "commerce": "les activités commerciales",
    "industry": "les activités industrielles",
    "crafts": "les activités artisanales",
    "services": "les prestations de services",
}
MAX_TURNOVER = Decimal(10) ** 12
_PHONE = re.compile(r"^(?:\+212|00212|0)([5-8]\d{8})$")


def check_phone(value: str) -> str:
    """A Moroccan number in any usual writing, stored as ``+212XXXXXXXXX``."""
    match = _PHONE.match(re.sub(r"[\s.\-()/]", "", value))
    if not match:
        raise ValueError("numéro marocain attendu, par exemple 06 12 34 56 78 ou +212 612345678")
    return "+212" + match.group(1)


def check_birth_year(value: int) -> int:
    low, high = utcnow().year - 100, utcnow().year - 16
    if not low <= value <= high:
        raise ValueError(f"année de naissance attendue entre {low} et {high}")
    return value


def check_commune(value: str) -> str:
    if value not in {c.code for c in load_communes()}:
        raise ValueError(f"code de commune inconnu : {value}")
    return value


def check_activity_code(value: str) -> str:
    if section_of_activity_code(value) is None:
        raise ValueError(f"code d'activité NMA inconnu : {value} (par exemple 4711 ou 47.11)")
    return value


def check_ae_number(value: str) -> str:
    digits = re.sub(r"[\s.\-]", "", value)
    if not re.fullmatch(r"\d{4,20}", digits):
        raise ValueError("numéro d'auto-entrepreneur attendu : de 4 à 20 chiffres")
    return digits


def check_turnover(value: Decimal | int | str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise ValueError("montant en dirhams attendu") from None
    if not amount.is_finite() or not 0 <= amount < MAX_TURNOVER:
        raise ValueError("le chiffre d'affaires prévu est un montant positif ou nul")
    return amount


def _one_of(*allowed: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"valeurs possibles : {', '.join(allowed)}")
        return value

    return check


def _name(value: str) -> str:
    if not 2 <= len(value.strip()) <= 200:
        raise ValueError("nom de 2 à 200 caractères")
    return value.strip()


CHECKS: dict[str, Callable[[Any], Any]] = {
    "person_name": _name,
    "gender": _one_of("F", "M"),
    "birth_year": check_birth_year,
    "commune_code": check_commune,
    "phone": check_phone,
    "activity_kind": _one_of(*ACTIVITY_KINDS),
    "activity_code": check_activity_code,
    "expected_turnover_mad": check_turnover,
    "ae_number": check_ae_number,
}


def checked(**values: Any) -> dict[str, Any]:
    """Every value through its check (None passes); all the problems at once."""
    out, problems = {}, []
    for name, value in values.items():
        try:
            out[name] = None if value is None else CHECKS[name](value)
        except ValueError as exc:
            problems.append({"field": name, "message": str(exc)})
    if problems:
        raise InvalidInput("Dossier du guichet invalide.", details=problems)
    return out


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str
    ceiling_mad: Decimal
    source: str = SOURCE


def _mad(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",").removesuffix(",00") + " MAD"


def eligibility(activity_kind: str, expected_turnover_mad: Decimal) -> Eligibility:
    """Whether the expected turnover stays within the ceiling of the kind of activity."""
    ceiling, turnover = CEILINGS[activity_kind], check_turnover(expected_turnover_mad)
    said = (
        f"le chiffre d'affaires annuel prévu ({_mad(turnover)}) {{}} le plafond de "
        f"{_mad(ceiling)} fixé pour {KIND_LABELS[activity_kind]} ({SOURCE})."
    )
    if turnover <= ceiling:
        return Eligibility(True, "Éligible : " + said.format("ne dépasse pas"), ceiling)
    advice = (
        " Le statut d'auto-entrepreneur n'est pas ouvert : une autre forme d'entreprise "
        "est à envisager."
    )
    return Eligibility(False, "Non éligible : " + said.format("dépasse") + advice, ceiling)
