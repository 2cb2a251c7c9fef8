"""Revisions between two releases: which cells changed, by how much, and why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

VALUE, CONF = "OBS_VALUE", "CONF_STATUS"


def _reason(before: pd.Series, after: pd.Series, same_build: bool) -> np.ndarray:
    value_changed = ~(
        (before[VALUE] == after[VALUE]) | (before[VALUE].isna() & after[VALUE].isna())
    )
    only_protection = ~value_changed | before[VALUE].isna() | after[VALUE].isna()
    return np.where(
        only_protection & (before[CONF] != after[CONF]),
        "protection",
        "method" if same_build else "new_delivery",
    )


def table_revisions(
    table_id: str,
    dims: list[str],
    old: pd.DataFrame,
    new: pd.DataFrame,
    *,
    same_build: bool,
    limit: int = 1000,
) -> dict[str, Any]:
    merged = old[[*dims, VALUE, CONF]].merge(
        new[[*dims, VALUE, CONF]], on=dims, how="outer", suffixes=("_b", "_a"), indicator=True
    )
    both = merged[merged["_merge"] == "both"]
    before = both.rename(columns={f"{VALUE}_b": VALUE, f"{CONF}_b": CONF})[[VALUE, CONF]]
    after = both.rename(columns={f"{VALUE}_a": VALUE, f"{CONF}_a": CONF})[[VALUE, CONF]]
    same_value = (before[VALUE] == after[VALUE]) | (before[VALUE].isna() & after[VALUE].isna())
    changed = both[~same_value.to_numpy() | (before[CONF] != after[CONF]).to_numpy()]
    reasons = _reason(before.loc[changed.index], after.loc[changed.index], same_build)
    cells = [
        {
            "key": {d: str(row[d]) for d in dims},
            "before": None if pd.isna(row[f"{VALUE}_b"]) else float(row[f"{VALUE}_b"]),
            "after": None if pd.isna(row[f"{VALUE}_a"]) else float(row[f"{VALUE}_a"]),
            "conf_before": row[f"{CONF}_b"],
            "conf_after": row[f"{CONF}_a"],
            "reason": reason,
        }
        for (_, row), reason in zip(changed.head(limit).iterrows(), reasons[:limit], strict=False)
    ]
    return {
        "table": table_id,
        "changed": len(changed),
        "added": int((merged["_merge"] == "right_only").sum()),
        "removed": int((merged["_merge"] == "left_only").sum()),
        "cells": cells,
        "truncated": len(changed) > limit,
    }


def release_revisions(
    previous_dir: Path | None,
    previous_id: str | None,
    tables: dict[str, tuple[list[str], pd.DataFrame]],
    *,
    same_build: bool,
) -> dict[str, Any]:
    out: dict[str, Any] = {"previous": previous_id, "tables": []}
    if previous_dir is None:
        return out
    for table_id, (dims, frame) in sorted(tables.items()):
        path = previous_dir / "tables" / f"{table_id}.parquet"
        if not path.is_file():
            out["tables"].append(
                {
                    "table": table_id,
                    "changed": 0,
                    "added": len(frame),
                    "removed": 0,
                    "cells": [],
                    "truncated": False,
                }
            )
            continue
        old = pd.read_parquet(path)
        out["tables"].append(table_revisions(table_id, dims, old, frame, same_build=same_build))
    return out
