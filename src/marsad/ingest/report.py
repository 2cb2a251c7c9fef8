"""The report a data steward receives for one delivery: a Rich table or JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table

from marsad.ingest.issues import Issue
from marsad.ingest.texts import rule_name, text


@dataclass
class DeliveryReport:
    """What happened to one delivered file (frictionless-style: ``valid`` plus issues)."""

    status: str  # loaded (it is current) | pending | duplicate | refused
    partner: str
    dataset: str
    period: int | None
    file: str
    delivery_id: str | None = None
    sha256: str | None = None
    convention: dict[str, Any] | None = None
    format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    received: int = 0
    loaded: int = 0
    quarantined: int = 0
    flagged: int = 0
    supersedes: str | None = None
    duplicate_of: str | None = None
    duplicate_state: str | None = None  # the state of the delivery this file already is
    superseded_by: str | None = None  # when that delivery was replaced
    hold: dict[str, Any] | None = None  # why it waits for a data steward (pending)
    errors: list[Issue] = field(default_factory=list)
    issues_total: int = 0
    issue_summary: list[dict[str, Any]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """False when the file was refused as a whole."""
        return self.status != "refused"

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "status": self.status,
            "delivery_id": self.delivery_id,
            "partner": self.partner,
            "dataset": self.dataset,
            "period": self.period,
            "file": self.file,
            "sha256": self.sha256,
            "convention": self.convention,
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheet": self.sheet,
            "received": self.received,
            "loaded": self.loaded,
            "quarantined": self.quarantined,
            "flagged": self.flagged,
            "supersedes": self.supersedes,
            "duplicate_of": self.duplicate_of,
            "duplicate_state": self.duplicate_state,
            "superseded_by": self.superseded_by,
            "hold": self.hold,
            "outcome": self.outcome("en"),
            "errors": [e.to_dict() for e in self.errors],
            "issues_total": self.issues_total,
            "issue_summary": self.issue_summary,
            "issues": [i.to_dict() for i in self.issues],
            "notes": self.notes,
        }

    def outcome(self, lang: str = "en") -> str | None:
        """In words, why a file that was not refused did not simply become current."""
        if self.status == "duplicate":
            return text(
                f"duplicate_{self.duplicate_state}",
                lang,
                id=self.duplicate_of,
                other=self.superseded_by,
            )
        if self.status == "pending" and self.hold:
            return (
                text(f"hold_{self.hold['rule']}", lang, **self.hold)
                + " ; "
                + text("hold_next", lang, id=self.delivery_id)
            )
        return None

    def print(self, console: Console, *, lang: str = "fr", max_issues: int = 20) -> None:
        colour = {"loaded": "green", "pending": "yellow", "duplicate": "yellow", "refused": "red"}
        title = (
            f"[bold]{self.partner}.{self.dataset}[/] {text('period', lang)} {self.period} — "
            f"{self.file} — [{colour[self.status]}]{text('state_' + self.status, lang)}[/]"
        )
        counts = Table(title=title, show_header=True, title_justify="left")
        for col in ("received", "loaded", "quarantined", "flagged"):
            counts.add_column(text(col, lang), justify="right")
        counts.add_row(*(f"{n:,}".replace(",", " ") for n in self._counts()))
        console.print(counts)
        if self.delivery_id:
            console.print(f"{text('delivery', lang)} {self.delivery_id}", highlight=False)
        outcome = self.outcome(lang)
        if outcome:
            console.print(f"[yellow]{outcome}[/]", highlight=False)
        if self.supersedes:
            console.print(text("supersedes", lang, id=self.supersedes), highlight=False)
        for note in self.notes:
            console.print(f"{text('note', lang)} : {note}", highlight=False)
        for err in self.errors:
            console.print(
                f"[red]{text('refused', lang)}[/] {rule_name(err.rule, lang)} : {err.message}",
                highlight=False,
            )
        if self.issue_summary:
            summary = Table(
                *(text(k, lang) for k in ("severity", "rule", "column", "rows")),
                title=text("issues_by_rule", lang),
            )
            for s in self.issue_summary:
                summary.add_row(
                    text(s["severity"], lang),
                    rule_name(s["rule"], lang),
                    s["column"] or "",
                    str(s["rows"]),
                )
            console.print(summary)
        if self.issues:
            detail = Table(
                *(text(k, lang) for k in ("row", "column", "rule", "value")),
                title=text("detail", lang),
            )
            for i in self.issues[:max_issues]:
                detail.add_row(
                    str(i.row), i.column or "", rule_name(i.rule, lang), repr(i.value or "")[:60]
                )
            console.print(detail)
            if self.issues_total > max_issues:
                console.print(text("more", lang, n=self.issues_total - max_issues))

    def _counts(self) -> tuple[int, int, int, int]:
        return (self.received, self.loaded, self.quarantined, self.flagged)
