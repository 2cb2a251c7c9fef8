"""Bulk import of applications from a CSV file, with a report instead of an exception.

Each row is checked on its own (programme, enterprise of the register, amounts, project
figures); valid rows become draft applications, the others are listed in the report
with their row, column, rule and value. ``received == imported + refused`` always.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from marsad.errors import MarsadError
from marsad.operational.auth import Actor
from marsad.operational.db import Database
from marsad.programmes import service
from marsad.settings import Settings

COLUMNS = ("programme", "enterprise_id", "requested_mad")
OPTIONAL = (
    *("instrument", "kind", "project_cost_mad", "investment_mad", "own_funds_mad"),
    *("jobs_created", "region_code", "description"),
)
MONEY = ("requested_mad", "project_cost_mad", "investment_mad", "own_funds_mad")
MAX_ROWS = 100_000


@dataclass
class ImportIssue:
    row: int
    column: str
    rule: str
    value: str
    message: str


@dataclass
class ImportReport:
    file: str
    received: int = 0
    imported: int = 0
    refused: int = 0
    application_ids: list[int] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.issues

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "valid": self.valid}


def _amount(text: str) -> Decimal:
    cleaned = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    value = Decimal(cleaned)
    if not value.is_finite() or value < 0 or value > Decimal("1e12"):
        raise InvalidOperation
    return value


def _row(raw: dict[str, str], number: int) -> tuple[dict[str, Any], list[ImportIssue]]:
    issues: list[ImportIssue] = []
    values: dict[str, Any] = {}
    for name in COLUMNS:
        if not (raw.get(name) or "").strip():
            issues.append(ImportIssue(number, name, "missing_value", "", "valeur obligatoire"))
    for name in MONEY:
        text = (raw.get(name) or "").strip()
        if text:
            try:
                values[name] = _amount(text)
            except (InvalidOperation, ValueError):
                issues.append(
                    ImportIssue(number, name, "not_an_amount", text, "montant en dirhams ≥ 0")
                )
    for name in ("instrument", "jobs_created"):
        text = (raw.get(name) or "").strip()
        if text:
            if text.isdigit() and int(text) <= 100000:
                values[name] = int(text)
            else:
                issues.append(ImportIssue(number, name, "not_an_integer", text, "entier ≥ 0"))
    for name in ("programme", "enterprise_id", "kind", "region_code", "description"):
        text = (raw.get(name) or "").strip()
        if text:
            values[name] = text[:4000]
    return values, issues


def import_applications(settings: Settings, db: Database, actor: Actor, path: Path) -> ImportReport:
    report = ImportReport(file=path.name)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t") if sample else csv.excel
        reader = csv.DictReader(handle, dialect=dialect)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            report.issues.append(
                ImportIssue(0, ", ".join(missing), "missing_column", "", "colonnes obligatoires")
            )
            return report
        for number, raw in enumerate(reader, start=1):
            if number > MAX_ROWS:
                report.issues.append(
                    ImportIssue(number, "", "too_many_rows", "", f"au plus {MAX_ROWS} lignes")
                )
                break
            report.received += 1
            values, issues = _row(raw, number)
            if not issues:
                project = {
                    k: (str(v) if isinstance(v, Decimal) else v)
                    for k, v in values.items()
                    if k in OPTIONAL and k != "instrument"
                }
                try:
                    application = service.apply(
                        settings,
                        db,
                        actor,
                        values["programme"],
                        values["enterprise_id"],
                        values["requested_mad"],
                        project,
                        values.get("instrument", 0),
                    )
                    report.application_ids.append(application.id)
                    report.imported += 1
                    continue
                except MarsadError as refused:
                    issues = [ImportIssue(number, "", refused.code, "", refused.message)]
            report.refused += 1
            report.issues.extend(issues)
    return report
