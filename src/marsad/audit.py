"""The access log: every read of enterprise-level data, who, what, when and why."""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import json
from pathlib import Path
from typing import Any


def log_access(
    home: Path,
    *,
    action: str,
    subject: str,
    purpose: str,
    user: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    entry = {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "user": user or getpass.getuser(),
        "action": action,
        "subject": subject,
        "purpose": purpose,
        "detail": detail or {},
    }
    path = home / "audit.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
