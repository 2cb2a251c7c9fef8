"""Reading the cells of a published table fast: loaded once, indexed, serialised once.

Releases never change, so a table is read from its Parquet file once per process and
kept (a bounded number of tables at a time). Each dimension is held as integer codes so
that a filter is a few vectorised comparisons, and each cell's JSON text is prepared at
load time so that a page of cells is a join of strings.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from marsad.errors import InvalidInput

FLAG_COLUMNS = ("OBS_VALUE", "CONF_STATUS", "OBS_STATUS")


@dataclass
class Selection:
    """The rows of a table that a filter keeps (positions in the loaded frame)."""

    rows: np.ndarray
    total: int


class LoadedTable:
    """One published table, ready to be filtered and paged."""

    def __init__(self, frame: pd.DataFrame, dimensions: list[str], digest: str) -> None:
        self.dimensions = dimensions
        self.digest = digest
        self.frame = frame.reset_index(drop=True)
        self.codes: dict[str, np.ndarray] = {}
        self.vocab: dict[str, dict[str, int]] = {}
        for dim in dimensions:
            categorical = pd.Categorical(self.frame[dim].astype(str))
            self.codes[dim] = np.asarray(categorical.codes, dtype=np.int32)
            self.vocab[dim] = {str(c): i for i, c in enumerate(categorical.categories)}
        self.json_rows = np.array(self._json_rows(), dtype=object)
        self._masks: dict[tuple[str, str], np.ndarray] = {}

    def _json_rows(self) -> list[str]:
        columns = [*self.dimensions, *FLAG_COLUMNS]
        values = self.frame[columns].to_numpy(dtype=object)
        rows: list[str] = []
        for row in values:
            record: dict[str, Any] = {}
            for name, value in zip(columns, row, strict=True):
                if name == "OBS_VALUE":
                    value = None if value is None or _is_nan(value) else float(value)
                record[name] = value
            rows.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        return rows

    def select(self, filters: dict[str, list[str]]) -> Selection:
        """Rows whose code is one of the asked codes on every filtered dimension."""
        problems: list[dict[str, Any]] = []
        mask = np.ones(len(self.frame), dtype=bool)
        for dim, wanted in filters.items():
            if dim not in self.vocab:
                problems.append(
                    {
                        "field": f"query.{dim}",
                        "message": "Dimension inconnue ; dimensions : "
                        + ", ".join(self.dimensions),
                    }
                )
                continue
            unknown = [c for c in wanted if c not in self.vocab[dim]]
            if unknown:
                problems.append(
                    {"field": f"query.{dim}", "message": f"Codes inconnus : {', '.join(unknown)}"}
                )
                continue
            either = self._mask(dim, wanted[0])
            for code in wanted[1:]:
                either = either | self._mask(dim, code)
            mask &= either
        if problems:
            raise InvalidInput("Le filtre ne correspond pas à la table.", details=problems)
        rows = np.flatnonzero(mask)
        return Selection(rows=rows, total=len(rows))

    def _mask(self, dim: str, code: str) -> np.ndarray:
        """The rows holding ``code`` on ``dim`` (computed once, then kept: tables are small)."""
        key = (dim, code)
        mask = self._masks.get(key)
        if mask is None:
            mask = self.codes[dim] == self.vocab[dim][code]
            self._masks[key] = mask
        return mask

    def page_json(self, rows: np.ndarray) -> str:
        return "[" + ",".join(self.json_rows[rows]) + "]"


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


class TableCache:
    """A bounded, thread-safe cache of loaded tables keyed by their file."""

    def __init__(self, capacity: int = 64) -> None:
        self.capacity = capacity
        self._tables: OrderedDict[Path, LoadedTable] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, path: Path, dimensions: list[str], digest: str) -> LoadedTable:
        with self._lock:
            table = self._tables.get(path)
            if table is not None and table.digest == digest:
                self._tables.move_to_end(path)
                return table
        loaded = LoadedTable(pd.read_parquet(path), dimensions, digest)
        with self._lock:
            self._tables[path] = loaded
            while len(self._tables) > self.capacity:
                self._tables.popitem(last=False)
        return loaded


def parse_filters(params: dict[str, str], reserved: set[str]) -> dict[str, list[str]]:
    """``REGION=01,02&TIME_PERIOD=2024`` → ``{"REGION": ["01", "02"], ...}``."""
    filters: dict[str, list[str]] = {}
    for name, raw in params.items():
        if name in reserved:
            continue
        # codes separated by commas, or by "+" as in SDMX keys (a "+" arrives as a space)
        codes = [c for c in re.split(r"[,+\s]+", raw) if c]
        if not codes:
            raise InvalidInput(
                "Filtre vide.", details=[{"field": f"query.{name}", "message": "aucun code"}]
            )
        filters[name] = sorted(set(codes))
    return filters


def etag_of(*parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
    return f'"{digest}"'
