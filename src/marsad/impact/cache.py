"""The evaluation of every programme, computed once per register build and kept on disk.

The public pages and the annual report read ``<home>/impact/<build id>.json``: the
published summary of each programme (``ProgrammeImpact.to_dict``) and the indicator
cells after disclosure control, nothing at enterprise level. ``marsad impact evaluate``
writes it; a page may compute it itself only when the register is small
(``COMPUTE_LIMIT`` enterprises), never on a large one.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from marsad.impact.data import ImpactData, load_impact_data
from marsad.impact.indicators import not_measured
from marsad.impact.report import ProgrammeImpact, evaluate, impact_indicators
from marsad.register.build import current_build
from marsad.settings import Settings

COMPUTE_LIMIT = 100_000  # enterprises (a few seconds); above, a request never evaluates
_lock = threading.Lock()


def cache_path(settings: Settings) -> Path | None:
    """Where the evaluation of the current build is kept (None without any build)."""
    build = current_build(settings)
    return None if build is None else settings.home / "impact" / f"{build.name}.json"


def read_cached(settings: Settings) -> dict[str, Any] | None:
    """The cached evaluation of the current build, or None when not computed yet."""
    path = cache_path(settings)
    if path is None or not path.is_file():
        return None
    payload: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return payload


def write_cached(
    settings: Settings,
    results: list[ProgrammeImpact],
    cells: list[dict[str, object]],
    missing: dict[str, str],
) -> dict[str, Any]:
    """Keep the evaluation of every programme and the protected indicator cells."""
    path = cache_path(settings)
    if path is None:
        raise ValueError("no register build to attach the evaluation to")
    payload = {
        "build": path.stem,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "programmes": [r.to_dict() for r in results],
        "indicators": cells,
        "not_measured": dict(missing),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    partial.write_text(json.dumps(payload, ensure_ascii=False, default=str), "utf-8")
    partial.replace(path)
    return json.loads(json.dumps(payload, default=str))  # the same types as when read back


def compute_cached(
    settings: Settings, *, truth: Path | None = None, data: ImpactData | None = None
) -> dict[str, Any]:
    """Evaluate every programme of the current build and keep the result."""
    data = data if data is not None else load_impact_data(settings)
    results = evaluate(settings, truth=truth, data=data)
    cells = impact_indicators(settings, data=data)
    return write_cached(settings, results, cells, not_measured(data))


def register_size(settings: Settings) -> int:
    """Enterprises in the current build (read from the file's metadata, not its rows)."""
    build = current_build(settings)
    path = None if build is None else build / "enterprises.parquet"
    if path is None or not path.is_file():
        return 0
    return int(pq.ParquetFile(path).metadata.num_rows)


def cached_evaluation(settings: Settings, limit: int | None = None) -> dict[str, Any] | None:
    """The cached evaluation; computed now (and kept) only for a small register. None
    when the register is large and nothing is cached yet."""
    found = read_cached(settings)
    if found is not None or current_build(settings) is None:
        return found
    if register_size(settings) > (COMPUTE_LIMIT if limit is None else limit):
        return None
    with _lock:
        found = read_cached(settings)
        return found if found is not None else compute_cached(settings)
