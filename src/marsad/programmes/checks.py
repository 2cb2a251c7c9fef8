"""Input checks shared by the services of the programmes: every problem of an input is
collected, one per field, and raised together; conditional updates that lose nothing."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from marsad.errors import InvalidInput, NotFound
from marsad.programmes.support_models import Adviser

REGIONS = tuple(f"{n:02d}" for n in range(1, 13))
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


@dataclass
class Checks:
    """Problems found in an input, one per field, raised together."""

    details: list[dict[str, Any]] = field(default_factory=list)

    def fail(self, name: str, message: str) -> None:
        self.details.append({"field": name, "message": message})

    def text(self, name: str, value: str, limit: int, *, required: bool = True) -> str:
        value = (value or "").strip()
        if (required and not value) or len(value) > limit or "\x00" in value:
            self.fail(name, f"texte obligatoire de {limit} caractères au plus")
        return value

    def amount(self, name: str, value: Any, *, positive: bool, places: str = "0.01") -> Decimal:
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite() or amount < 0 or (positive and amount == 0) or amount >= 10**12:
            self.fail(name, "nombre strictement positif" if positive else "nombre positif ou nul")
            return Decimal(0)
        return amount.quantize(Decimal(places), rounding=ROUND_HALF_UP)

    def day(self, name: str, value: date | None, *, required: bool = True) -> date | None:
        if value is None and not required:
            return None
        if not isinstance(value, date) or not FIRST_DAY <= value <= LAST_DAY:
            self.fail(name, f"date entre {FIRST_DAY} et {LAST_DAY}")
        return value

    def regions(self, name: str, values: list[str]) -> list[str]:
        if not values or any(r not in REGIONS for r in values):
            self.fail(name, "codes de région de 01 à 12")
        return sorted(set(values))

    def done(self, message: str) -> None:
        if self.details:
            raise InvalidInput(message, details=self.details)


def _not_found(kind: str, ident: int) -> NotFound:
    return NotFound(f"{kind} {ident} n'existe pas.")


def conditional_update(session: Session, row: Any, *where: Any, **values: Any) -> bool:
    """``UPDATE`` one row only if ``where`` still holds (no lost update); the row refreshed."""
    table = type(row)
    moved = session.execute(
        update(table)
        .where(table.id == row.id, *where)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(row)
    return bool(moved.rowcount == 1)  # type: ignore[attr-defined]


def _accredited(adviser: Adviser, first: date, last: date) -> bool:
    until = adviser.accredited_until
    return adviser.accreditation == "accredited" and until is not None and until >= last >= first


def _last_day(start: date, days: Decimal, end: date | None) -> date:
    """The end of a mission: its end date, or one calendar day per day of work."""
    return end or start + timedelta(days=max(1, math.ceil(days)) - 1)
