"""Response schemas of partner deliveries over HTTP: the report, the record, its state."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

DeliveryState = Literal["current", "pending", "superseded", "withdrawn", "refused"]


class IssueOut(BaseModel):
    rule: str
    severity: Literal["error", "warning"]
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None


class RuleRows(BaseModel):
    rule: str
    column: str | None = None
    severity: Literal["error", "warning"]
    rows: int


class ConventionRef(BaseModel):
    id: str | None = None
    version: int | None = None


class Hold(BaseModel):
    """Why a delivery waits for a data steward instead of becoming current."""

    rule: Literal["nothing_loaded", "row_drop"]
    loaded: int
    replaces: str | None = Field(description="the current delivery it would replace")
    replaced_loaded: int | None = None
    change_percent: float | None = Field(default=None, description="rows loaded vs replaced")
    max_row_drop_percent: float = Field(description="the drop the convention allows")


class DeliveryReportOut(BaseModel):
    """What happened to one delivered file: the report of `marsad deliver --json`."""

    valid: bool = Field(description="false when the file was refused as a whole")
    status: Literal["loaded", "pending", "duplicate", "refused"] = Field(
        description="loaded: it is current; pending: it waits for a data steward (see hold); "
        "duplicate: this file is already on record (see duplicate_state); refused"
    )
    delivery_id: str | None = None
    partner: str
    dataset: str
    period: int | None = None
    file: str
    sha256: str | None = None
    convention: ConventionRef | None = None
    format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    received: int
    loaded: int
    quarantined: int
    flagged: int
    supersedes: str | None = None
    duplicate_of: str | None = None
    duplicate_state: DeliveryState | None = None
    superseded_by: str | None = None
    hold: Hold | None = None
    outcome: str | None = Field(default=None, description="in words, for pending and duplicates")
    errors: list[IssueOut]
    issues_total: int
    issue_summary: list[RuleRows]
    issues: list[IssueOut]
    notes: list[str]


class DecisionOut(BaseModel):
    action: Literal["confirm", "withdraw", "restore"]
    at: str


class DeliveryRecordOut(BaseModel):
    """One delivery on record, with its state."""

    id: str
    partner: str
    dataset: str
    period: int
    file_name: str
    sha256: str
    bytes: int
    status: DeliveryState
    received_at: str
    convention_id: str | None = None
    convention_version: int | None = None
    format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    received: int
    loaded: int
    quarantined: int
    flagged: int
    supersedes: str | None = None
    superseded_by: str | None = None
    refusal: IssueOut | None = None
    hold: Hold | None = None
    decisions: list[DecisionOut] = Field(description="a data steward's decisions, oldest first")
    notes: list[str]


class DeliveryDetailOut(DeliveryRecordOut):
    report: DeliveryReportOut | None = None
