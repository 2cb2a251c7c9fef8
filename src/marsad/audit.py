"""The access log: every read of enterprise-level data, who, what, when and why.

Two stores hold it, chained the same way: the lines written here, to ``<home>/audit.jsonl``
(reads of the register and of deliveries, which need no database), and the ``access_log``
table of the operational database (``marsad.operational.access_chain``). Each line carries
the hash of the line before it (``prev``) and its own (``hash``, SHA-256 of its canonical
JSON, ``prev`` included): a line removed or edited breaks the chain at that place, which
``marsad audit verify`` reports.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

GENESIS = "0" * 64
FILE_NAME = "audit.jsonl"


def chain_hash(fields: dict[str, Any]) -> str:
    """SHA-256 of a line's canonical JSON (sorted keys, no spaces), ``hash`` left out."""
    body = {k: v for k, v in fields.items() if k != "hash"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _last_line(fh: IO[bytes]) -> bytes:
    fh.seek(0, 2)
    position = fh.tell()
    tail = b""
    while position > 0 and tail.rstrip(b"\n").count(b"\n") < 1:
        step = min(65536, position)
        position -= step
        fh.seek(position)
        tail = fh.read(step) + tail
    lines = tail.rstrip(b"\n").split(b"\n")
    return lines[-1] if lines else b""


def _previous_hash(fh: IO[bytes]) -> str:
    last = _last_line(fh)
    if not last.strip():
        return GENESIS
    try:
        found = json.loads(last).get("hash")
    except ValueError:
        found = None
    # a line without hash (written before the chain): the chain starts from its hash
    return str(found) if found else hashlib.sha256(last).hexdigest()


def log_access(
    home: Path,
    *,
    action: str,
    subject: str,
    purpose: str,
    user: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    path = home / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        entry = {
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "user": user or getpass.getuser(),
            "action": action,
            "subject": subject,
            "purpose": purpose,
            "detail": detail or {},
            "prev": _previous_hash(fh),
        }
        entry["hash"] = chain_hash(entry)
        fh.seek(0, 2)
        fh.write((json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8"))


def file_lines(home: Path) -> Iterator[tuple[int, dict[str, Any] | None, bytes]]:
    """(line number, the line read as JSON or None, the raw line) of the file."""
    path = home / FILE_NAME
    if not path.exists():
        return
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                value = json.loads(raw)
            except ValueError:
                value = None
            yield number, value if isinstance(value, dict) else None, raw.rstrip(b"\n")


@dataclass
class ChainReport:
    """What the verification of one store found."""

    store: str
    lines: int = 0
    chained: int = 0
    before_chain: int = 0  # lines written before lines were chained, at the start
    pending: int = 0  # table lines not sealed yet (their transaction is still open)
    head: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_file(home: Path) -> ChainReport:
    """Check the chain of ``audit.jsonl``: every line's hash, and its link to the one before."""
    report = ChainReport(FILE_NAME)
    previous: str | None = None
    for number, value, raw in file_lines(home):
        report.lines += 1
        if value is None:
            report.problems.append(f"ligne {number} : illisible")
            previous = hashlib.sha256(raw).hexdigest()
            continue
        if "hash" not in value:
            if report.chained:
                report.problems.append(f"ligne {number} : ligne sans empreinte après le début")
            else:
                report.before_chain += 1
            previous = hashlib.sha256(raw).hexdigest()
            continue
        expected_prev = previous or GENESIS
        if value.get("prev") != expected_prev:
            report.problems.append(
                f"ligne {number} : ne suit pas la ligne précédente (ligne retirée ou insérée)"
            )
        if chain_hash(value) != value["hash"]:
            report.problems.append(f"ligne {number} : contenu modifié (empreinte fausse)")
        report.chained += 1
        previous = str(value["hash"])
    report.head = previous or GENESIS
    return report
