"""Ingesting every delivery of a folder laid out as ``<partner>/<dataset>/<period>[.vN].<ext>``."""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marsad.ingest.pipeline import Deliverer
from marsad.ingest.report import DeliveryReport

_NAME = re.compile(r"^(?P<period>\d{4})(?:\.v(?P<revision>\d{1,3}))?\.(?P<ext>csv|xlsx|parquet)$")


@dataclass(frozen=True)
class FolderFile:
    partner: str
    dataset: str
    period: int
    revision: int
    path: Path


@dataclass
class FolderSummary:
    folder: str
    reports: list[DeliveryReport] = field(default_factory=list)
    unrecognised: list[str] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        out = {"files": len(self.reports), "received": 0, "loaded": 0, "quarantined": 0}
        for status in ("loaded", "pending", "duplicate", "refused"):
            out[f"files_{status}"] = sum(1 for r in self.reports if r.status == status)
        for r in self.reports:
            if r.status in ("loaded", "pending"):
                out["received"] += r.received
                out["loaded"] += r.loaded
                out["quarantined"] += r.quarantined
        return out

    @property
    def valid(self) -> bool:
        return not self.unrecognised and all(r.valid for r in self.reports)

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "folder": self.folder,
            "totals": self.totals(),
            "unrecognised": self.unrecognised,
            "deliveries": [r.to_dict() for r in self.reports],
        }


def find_deliveries(folder: Path) -> tuple[list[FolderFile], list[str]]:
    """Delivery files under ``folder`` (or its ``deliveries/``), in the order to send them."""
    root = folder / "deliveries" if (folder / "deliveries").is_dir() else folder
    found: list[FolderFile] = []
    unrecognised: list[str] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root)
        match = _NAME.match(path.name)
        if len(rel.parts) != 3 or not match:
            unrecognised.append(str(rel))
            continue
        found.append(
            FolderFile(
                partner=rel.parts[0],
                dataset=rel.parts[1],
                period=int(match["period"]),
                revision=int(match["revision"] or 1),
                path=path,
            )
        )
    found.sort(key=lambda f: (f.partner, f.dataset, f.period, f.revision))
    return found, unrecognised


def ingest_folder(
    deliverer: Deliverer,
    folder: Path,
    *,
    workers: int = 1,
    on_done: Callable[[DeliveryReport], None] | None = None,
) -> FolderSummary:
    """Deliver every file; revisions of one period go in order.

    Each delivery already uses every core for its validation, so ``workers`` > 1 (periods
    in parallel) trades memory for the overlap of file reading with validation.
    """
    files, unrecognised = find_deliveries(folder)
    summary = FolderSummary(folder=str(folder), unrecognised=unrecognised)
    groups: dict[tuple[str, str, int], list[FolderFile]] = {}
    for f in files:
        groups.setdefault((f.partner, f.dataset, f.period), []).append(f)

    def run(group: list[FolderFile]) -> list[DeliveryReport]:
        out = []
        for f in group:
            report = deliverer.deliver(f.partner, f.dataset, f.period, f.path)
            report.file = str(f.path.relative_to(folder))
            if on_done is not None:
                on_done(report)
            out.append(report)
        return out

    # Largest groups first keeps both workers busy to the end.
    ordered = sorted(groups.values(), key=lambda g: -sum(f.path.stat().st_size for f in g))
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = list(pool.map(run, ordered))
    by_key = {(r.partner, r.dataset, r.period, r.file): r for group in results for r in group}
    for f in files:
        summary.reports.append(
            by_key[(f.partner, f.dataset, f.period, str(f.path.relative_to(folder)))]
        )
    return summary
