"""The delivery ledger: every delivery received, its manifest, and which one is current.

A delivery's state is ``current`` (its rows are the ones the register uses for its
partner, dataset and period), ``pending`` (loaded but held by the convention's guard
until a data steward decides), ``superseded`` (replaced by a later one), ``withdrawn``
(set aside by a data steward) or ``refused`` (nothing of it was loaded).

A JSON file under the staging folder, changed under an exclusive file lock and replaced
atomically, so that concurrent deliveries and a run killed half-way never corrupt it.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class DeliveryRecord:
    """The manifest of one delivery (refused ones included)."""

    id: str
    partner: str
    dataset: str
    period: int
    file_name: str
    sha256: str
    bytes: int
    status: str  # current | pending | superseded | withdrawn | refused
    received_at: str
    convention_id: str | None = None
    convention_version: int | None = None
    format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    received: int = 0
    loaded: int = 0
    quarantined: int = 0
    flagged: int = 0
    path: str | None = None  # staging folder, relative to the data directory
    supersedes: str | None = None
    superseded_by: str | None = None
    refusal: dict[str, Any] | None = None
    hold: dict[str, Any] | None = None  # why it waits (or waited) for a data steward
    decisions: list[dict[str, Any]] = field(default_factory=list)  # action, by, at, reason
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def slot(self) -> tuple[str, str, int]:
        """What a delivery is current for: its partner, dataset and period."""
        return (self.partner, self.dataset, self.period)


class Ledger:
    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> list[DeliveryRecord]:
        if not self.path.exists():
            return []
        data = json.loads(self.path.read_text(encoding="utf-8"))
        return [DeliveryRecord(**item) for item in data["deliveries"]]

    def _write(self, records: list[DeliveryRecord]) -> None:
        tmp = self.path.with_suffix(".json.tmp")
        payload = {"deliveries": [r.to_dict() for r in records]}
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)

    @contextmanager
    def locked(self) -> Iterator[list[DeliveryRecord]]:
        """Hold the lock; the list yielded is written back when the block succeeds."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with (self.path.parent / "ledger.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                records = self._read()
                yield records
                self._write(records)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def records(self) -> list[DeliveryRecord]:
        return self._read()

    def get(self, delivery_id: str) -> DeliveryRecord | None:
        return next((r for r in self._read() if r.id == delivery_id), None)

    def current(
        self, partner: str | None = None, dataset: str | None = None
    ) -> list[DeliveryRecord]:
        return [
            r
            for r in self._read()
            if r.status == "current"
            and (partner is None or r.partner == partner)
            and (dataset is None or r.dataset == dataset)
        ]
