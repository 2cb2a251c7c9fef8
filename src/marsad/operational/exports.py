"""CSV exports of back-office lists that respect field rights and are logged.

Each column declares the sensitivity of what it holds (public, confidential, personal —
the sensitivities of the conventions). A role sees the sensitivities that
``data/field_rights.yaml`` grants it; data that came through a partner convention follows
that convention's own access instead (pass ``allowed=convention_allowed(...)`` and, when
the convention names the visible fields, ``visible_fields``). A column the actor may not
see is left out of the file, not blanked, and the log says which.

The file is meant for French spreadsheets: UTF-8 with a byte-order mark (so that accents
open right), ``;`` between fields, CRLF line ends, decimal numbers with a comma, dates as
``YYYY-MM-DD``, yes/no as ``oui``/``non``. A text cell a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is prefixed with a
quote, as in the open formats of a release.

Every export writes one line to the access log: action ``export``, the subject, the
purpose, the row count, the columns given and the columns withheld.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import yaml

from marsad.conventions.model import Convention, Sensitivity
from marsad.errors import InvalidInput
from marsad.operational.auth import Actor, record
from marsad.operational.db import Database
from marsad.operational.people import ROLES
from marsad.publish.formats.common import neutralise

BOM = "\ufeff"
DELIMITER = ";"


@dataclass(frozen=True)
class ExportColumn:
    name: str  # key of the column in each row
    label: str  # header of the column in the file (French)
    sensitivity: Sensitivity = Sensitivity.confidential


@dataclass(frozen=True)
class ExportResult:
    text: str  # the whole file, BOM included
    columns_withheld: tuple[str, ...]  # names of the columns left out
    row_count: int

    @property
    def data(self) -> bytes:
        return self.text.encode("utf-8")


def field_rights_problems(table: Any) -> list[str]:
    """What is wrong with a field-rights table (an empty list when it is valid)."""
    if not isinstance(table, dict):
        return ["the table maps each role to a list of sensitivities"]
    problems = []
    missing, unknown = sorted(set(ROLES) - set(table)), sorted(set(table) - set(ROLES))
    if missing:
        problems.append(f"roles missing: {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown roles: {', '.join(map(str, unknown))}")
    known = {s.value for s in Sensitivity}
    for role, values in table.items():
        if not isinstance(values, list):
            problems.append(f"{role}: a list of sensitivities")
            continue
        bad = sorted(str(v) for v in values if v not in known)
        if bad:
            problems.append(f"{role}: unknown sensitivities {', '.join(bad)}")
    return problems


@cache
def field_rights() -> dict[str, frozenset[Sensitivity]]:
    text = (resources.files("marsad.operational") / "data" / "field_rights.yaml").read_text()
    table = yaml.safe_load(text)
    problems = field_rights_problems(table)
    if problems:
        raise InvalidInput("field_rights.yaml invalide : " + " ; ".join(problems) + ".")
    return {role: frozenset(Sensitivity(v) for v in values) for role, values in table.items()}


def allowed_sensitivities(role: str) -> frozenset[Sensitivity]:
    """The sensitivities a role may see in lists and exports (none for an unknown role)."""
    return field_rights().get(role, frozenset())


def convention_allowed(convention: Convention, role: str) -> frozenset[Sensitivity]:
    """The sensitivities a convention lets a role see, for data that came through it."""
    return frozenset(convention.access.get(role, ()))


def may_see(actor: Actor, sensitivity: Sensitivity) -> bool:
    return sensitivity in allowed_sensitivities(actor.role)


def cell(value: Any) -> str:
    """The text of one value in a French spreadsheet CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        text = format(value, "f") if isinstance(value, Decimal) else repr(value)
        return text.replace(".", ",")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def visible_columns(
    columns: Sequence[ExportColumn],
    allowed: Collection[Sensitivity],
    visible_fields: Collection[str] | None = None,
) -> tuple[list[ExportColumn], list[ExportColumn]]:
    """(columns given, columns withheld) for the allowed sensitivities and fields."""
    given: list[ExportColumn] = []
    withheld: list[ExportColumn] = []
    for column in columns:
        ok = column.sensitivity in allowed
        if visible_fields is not None and column.name not in visible_fields:
            ok = False
        (given if ok else withheld).append(column)
    return given, withheld


def export_csv(
    db: Database,
    actor: Actor,
    *,
    subject: str,
    purpose: str,
    columns: Sequence[ExportColumn],
    rows: Iterable[Mapping[str, Any]],
    allowed: Collection[Sensitivity] | None = None,
    visible_fields: Collection[str] | None = None,
) -> ExportResult:
    """The CSV of ``rows`` with the columns the actor may see; one access-log line."""
    if not purpose or not purpose.strip():
        raise InvalidInput(
            "Une exportation dit son objet.",
            details=[{"field": "purpose", "message": "obligatoire"}],
        )
    names = [c.name for c in columns]
    if len(set(names)) != len(names) or not columns:
        raise InvalidInput("Les colonnes d'une exportation sont nommées une seule fois.")
    rights = allowed_sensitivities(actor.role) if allowed is None else frozenset(allowed)
    given, withheld = visible_columns(columns, rights, visible_fields)
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow([neutralise(c.label) for c in given])
    count = 0
    for row in rows:
        writer.writerow([cell(row.get(c.name)) for c in given])
        count += 1
    result = ExportResult(buffer.getvalue(), tuple(c.name for c in withheld), count)
    record(
        db,
        actor,
        "export",
        subject,
        purpose.strip(),
        {
            "rows": count,
            "columns": [c.name for c in given],
            "columns_withheld": list(result.columns_withheld),
        },
    )
    return result
