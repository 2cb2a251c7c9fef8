"""French wording of amounts, rates, ratios, dates and codes in eligibility and grant reasons.

Thousands are grouped with a space and decimals take a comma, as in ``12 500 000 MAD`` or
``7,5 %``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from marsad.reference import load_divisions, load_regions, load_sections

CATEGORY_LABELS = {
    "EPMA": "personne morale",
    "EPPA": "personne physique",
    "AE": "auto-entrepreneur",
}
GROUP_LABELS = {
    "project_holder": "porteur de projet",
    "auto_entrepreneur": "auto-entrepreneur",
    "tpe": "TPE",
    "young_innovative": "jeune entreprise innovante",
    "pme": "PME",
}
KIND_LABELS = {
    "patent": "brevet",
    "innovation": "innovation",
    "investment": "investissement",
    "rd": "recherche et développement",
}


def number(value: Decimal | int | float, decimals: int = 0) -> str:
    """``12500000`` → ``12 500 000``; ``1.5`` with one decimal → ``1,5`` (zeros trimmed)."""
    body = f"{Decimal(str(value)):,.{decimals}f}"
    if decimals:
        body = body.rstrip("0").rstrip(".")
    return body.replace(",", " ").replace(".", ",")


def mad(value: Decimal | int | float) -> str:
    """An amount in dirhams, to the dirham unless it has cents: ``12 500 000 MAD``."""
    v = Decimal(str(value))
    if v == v.to_integral_value():
        return f"{number(v)} MAD"
    return f"{f'{v:,.2f}'.replace(',', ' ').replace('.', ',')} MAD"


def rate(value: Decimal | float) -> str:
    """``0.075`` → ``7,5 %``."""
    return f"{number(Decimal(str(value)) * 100, 2)} %"


def fr_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def years(n: int) -> str:
    return f"{n} an" if n in (0, 1) else f"{n} ans"


def codes(values: Sequence[str]) -> str:
    return ", ".join(values)


def region(code: str) -> str:
    names = {r.code: r.name_fr for r in load_regions()}
    return f"{code} ({names[code]})" if code in names else code


def section(code: str) -> str:
    names = {s.code: s.label_fr for s in load_sections()}
    return f"{code} ({names[code]})" if code in names else code


def division(code: str) -> str:
    names = {d.code: d.label_fr for d in load_divisions()}
    return f"{code} ({names[code]})" if code in names else code


def kinds(values: Sequence[str]) -> str:
    return ", ".join(KIND_LABELS.get(v, v) for v in values)


def groups(values: Sequence[str]) -> str:
    return ", ".join(GROUP_LABELS.get(v, v) for v in values)
