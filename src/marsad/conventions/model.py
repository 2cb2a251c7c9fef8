"""A data-exchange convention as typed data: what a partner may send, why, and who may see it."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

ROLES = (
    "administrator",
    "analyst",
    "programme_manager",
    "adviser",
    "desk_agent",
    "data_steward",
    "public",
)

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class FieldType(StrEnum):
    text = "text"
    integer = "integer"
    amount = "amount"
    date = "date"


class Sensitivity(StrEnum):
    public = "public"
    confidential = "confidential"
    personal = "personal"


class SoftCheck(StrEnum):
    """Checks whose failure loads the row with a quality flag instead of quarantining it."""

    ice = "ice"  # 15 digits divisible by 97 (stdnum.ma.ice)
    commune = "commune"  # a commune or city of the shipped referential
    activity_code = "activity_code"  # an existing NMA 2010 division or class


class PeriodKind(StrEnum):
    yearly = "yearly"  # the period column must equal the delivery's period
    snapshot = "snapshot"  # period = extraction year, no column to check


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Strict):
    name: Identifier
    type: FieldType = FieldType.text
    required: bool = False
    description: str = ""
    sensitivity: Sensitivity = Sensitivity.confidential
    min: float | None = None
    max: float | None = None
    min_date: dt.date | None = None
    max_date: dt.date | None = None
    pattern: str | None = None
    values: tuple[str, ...] | None = None
    max_length: int | None = Field(default=None, ge=1)
    not_before: Identifier | None = None  # another date field this one cannot precede
    checks: tuple[SoftCheck, ...] = ()

    @model_validator(mode="after")
    def _coherent(self) -> FieldSpec:
        problems = []
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                problems.append(f"pattern is not a regular expression ({exc})")
        numeric = self.type in (FieldType.integer, FieldType.amount)
        if (self.min is not None or self.max is not None) and not numeric:
            problems.append("min/max apply to integer and amount fields only")
        if (self.min_date or self.max_date or self.not_before) and self.type != FieldType.date:
            problems.append("min_date, max_date and not_before apply to date fields only")
        if self.min is not None and self.max is not None and self.min > self.max:
            problems.append("min is greater than max")
        if (self.pattern or self.values or self.max_length) and self.type != FieldType.text:
            problems.append("pattern, values and max_length apply to text fields only")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class PeriodSpec(_Strict):
    kind: PeriodKind
    field: Identifier | None = None

    @model_validator(mode="after")
    def _field_when_yearly(self) -> PeriodSpec:
        if self.kind == PeriodKind.yearly and not self.field:
            raise ValueError("a yearly dataset names its period field")
        if self.kind == PeriodKind.snapshot and self.field:
            raise ValueError("a snapshot dataset has no period field")
        return self


class DeliveryGuard(_Strict):
    """When a delivery of a period, although loaded, waits for a data steward: it loads no
    row, or it loads more than ``max_row_drop_percent`` % fewer rows than the delivery it
    would replace."""

    max_row_drop_percent: float = Field(default=20, ge=0, le=100)


class DeliveryCalendar(_Strict):
    """When the delivery of a period is expected: by the end of ``due_month`` of the year
    ``period + years_after`` (0 for a snapshot taken in its extraction year)."""

    due_month: int = Field(ge=1, le=12)
    years_after: int = Field(default=1, ge=0, le=5)

    def due(self, period: int) -> dt.date:
        year, month = period + self.years_after, self.due_month
        first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
        return first_of_next - dt.timedelta(days=1)


class DatasetSpec(_Strict):
    description: str
    period: PeriodSpec
    key: tuple[Identifier, ...] = ()
    unique_key: bool = True
    aggregate_only: bool = False
    calendar: DeliveryCalendar | None = None
    guard: DeliveryGuard | None = None  # the convention's guard when absent
    fields: tuple[FieldSpec, ...]

    @model_validator(mode="after")
    def _fields_coherent(self) -> DatasetSpec:
        names = [f.name for f in self.fields]
        problems = []
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            problems.append(f"fields declared twice: {', '.join(duplicates)}")
        for k in self.key:
            if k not in names:
                problems.append(f"key field {k!r} is not declared")
        if self.period.field and self.period.field not in names:
            problems.append(f"period field {self.period.field!r} is not declared")
        by_name = {f.name: f for f in self.fields}
        for f in self.fields:
            other = by_name.get(f.not_before or "")
            if f.not_before and (other is None or other.type != FieldType.date):
                problems.append(f"{f.name}.not_before names no date field: {f.not_before!r}")
        period_field = [self.period.field] if self.period.field else []
        for name in (*self.key, *period_field):
            if name in by_name and not by_name[name].required:
                problems.append(f"key or period field {name!r} must be required")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


class Convention(_Strict):
    """One data-exchange convention between the observatory and a partner institution."""

    id: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]{2,63}$")
    version: int = Field(ge=1)
    partner: Identifier
    partner_name: str
    signed: dt.date
    valid_from: dt.date
    valid_to: dt.date
    legal_basis: str
    purpose: str
    retention_years: int = Field(ge=1, le=100)
    formats: tuple[str, ...] = ("csv", "xlsx", "parquet")
    encodings: tuple[str, ...] = ("utf-8",)
    access: dict[str, tuple[Sensitivity, ...]]
    # roles that may read the personal fields of these data to review the register's
    # linkage of them (the review page of the back office, every reading logged)
    linkage_review: tuple[str, ...] = ()
    guard: DeliveryGuard = DeliveryGuard()
    datasets: dict[Identifier, DatasetSpec]

    @model_validator(mode="after")
    def _coherent(self) -> Convention:
        problems = []
        if self.valid_to < self.valid_from:
            problems.append("valid_to is before valid_from")
        if self.signed > self.valid_to:
            problems.append("signed after the end of validity")
        unknown_roles = sorted((set(self.access) | set(self.linkage_review)) - set(ROLES))
        if unknown_roles:
            problems.append(f"unknown roles in access: {', '.join(unknown_roles)}")
        bad_formats = sorted(set(self.formats) - {"csv", "xlsx", "parquet"})
        if bad_formats:
            problems.append(f"unknown formats: {', '.join(bad_formats)}")
        bad_enc = sorted(set(self.encodings) - {"utf-8", "windows-1252"})
        if bad_enc:
            problems.append(f"unknown encodings: {', '.join(bad_enc)} (utf-8, windows-1252)")
        if not self.datasets:
            problems.append("no dataset declared")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on <= self.valid_to

    def guard_of(self, dataset: str) -> DeliveryGuard:
        return self.datasets[dataset].guard or self.guard

    def visible_fields(self, dataset: str, role: str) -> tuple[str, ...]:
        """Fields of ``dataset`` a role may see at enterprise level (none when aggregate only)."""
        spec = self.datasets[dataset]
        if spec.aggregate_only:
            return ()
        allowed = set(self.access.get(role, ()))
        return tuple(f.name for f in spec.fields if f.sensitivity in allowed)
