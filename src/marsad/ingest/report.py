"""The report a data steward receives for one delivery: a Rich table or JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table

from marsad.ingest.issues import Issue


@dataclass
class DeliveryReport:
    """What happened to one delivered file (frictionless-style: ``valid`` plus issues)."""

    status: str  # loaded | duplicate | refused
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
            "errors": [e.to_dict() for e in self.errors],
            "issues_total": self.issues_total,
            "issue_summary": self.issue_summary,
            "issues": [i.to_dict() for i in self.issues],
            "notes": self.notes,
        }

    def print(self, console: Console, *, max_issues: int = 20) -> None:
        colour = {"loaded": "green", "duplicate": "yellow", "refused": "red"}[self.status]
        title = (
            f"[bold]{self.partner}.{self.dataset}[/] période {self.period} — {self.file} — "
            f"[{colour}]{self.status}[/]"
        )
        counts = Table(title=title, show_header=True, title_justify="left")
        for col in ("reçues", "chargées", "quarantaine", "signalées"):
            counts.add_column(col, justify="right")
        counts.add_row(*(f"{n:,}".replace(",", " ") for n in self._counts()))
        console.print(counts)
        if self.delivery_id:
            console.print(f"livraison {self.delivery_id}", highlight=False)
        if self.duplicate_of:
            console.print(f"déjà reçue (livraison {self.duplicate_of}) : rien n'a changé")
        if self.supersedes:
            console.print(f"remplace la livraison {self.supersedes}")
        for note in self.notes:
            console.print(f"note : {note}", highlight=False)
        for err in self.errors:
            console.print(f"[red]refusé[/] [{err.rule}] {err.message}", highlight=False)
        if self.issue_summary:
            summary = Table("gravité", "règle", "colonne", "lignes", title="Problèmes par règle")
            for s in self.issue_summary:
                summary.add_row(s["severity"], s["rule"], s["column"] or "", str(s["rows"]))
            console.print(summary)
        if self.issues:
            detail = Table("ligne", "colonne", "règle", "valeur", title="Détail")
            for i in self.issues[:max_issues]:
                detail.add_row(str(i.row), i.column or "", i.rule, repr(i.value or "")[:60])
            console.print(detail)
            if self.issues_total > max_issues:
                console.print(f"… {self.issues_total - max_issues} autres (--json pour tout)")

    def _counts(self) -> tuple[int, int, int, int]:
        return (self.received, self.loaded, self.quarantined, self.flagged)
