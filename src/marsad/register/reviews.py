"""Reviewers' decisions on uncertain pairs: stored once, respected by every later build."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

Decision = Literal["same", "different"]


@dataclass(frozen=True)
class Review:
    unit_a: str
    unit_b: str
    decision: Decision
    reviewer: str
    at: str
    note: str = ""


class ReviewLog:
    """An append-only JSON-lines file; the latest decision on a pair wins."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def record(
        self, unit_a: str, unit_b: str, decision: Decision, reviewer: str, note: str = ""
    ) -> Review:
        if decision not in ("same", "different"):
            raise ValueError("decision must be 'same' or 'different'")
        a, b = sorted((unit_a, unit_b))
        review = Review(a, b, decision, reviewer, dt.datetime.now(dt.UTC).isoformat(), note)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            fh.write(json.dumps(asdict(review), ensure_ascii=False) + "\n")
        return review

    def decisions(self) -> dict[tuple[str, str], Review]:
        out: dict[tuple[str, str], Review] = {}
        if not self.path.exists():
            return out
        for line in self.path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = Review(**json.loads(line))
                out[(r.unit_a, r.unit_b)] = r
        return out
