"""Years are never linked: a release is protected one year (code of a non-additive
dimension shared by every table) at a time, and the results put back together."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from marsad.confidentiality.audit import AuditReport
from marsad.confidentiality.model import STATUS_PRIMARY, STATUS_SECONDARY, ProtectionTable

if TYPE_CHECKING:
    from marsad.confidentiality.secondary import ProtectionResult


def split_periods(tables: list[ProtectionTable]) -> list[list[ProtectionTable]]:
    """The tables cut by the codes of the non-additive dimensions they all have."""
    if not tables:
        return []
    shared = set.intersection(*({d.id for d in t.dimensions if not d.additive} for t in tables))
    if not shared:
        return [tables]
    keys = sorted(shared)
    codes = sorted(
        set.union(*(set(map(tuple, t.cells[keys].astype(str).to_numpy().tolist())) for t in tables))
    )
    parts = []
    for code in codes:
        part = []
        for table in tables:
            mask = (table.cells[keys].astype(str) == list(code)).all(axis=1)
            part.append(replace(table, cells=table.cells[mask]))
        parts.append(part)
    return parts


def merge_results(
    tables: list[ProtectionTable], results: list[ProtectionResult]
) -> ProtectionResult:
    """One result for the whole release, rows in the order of each table's cells."""
    out: dict[str, pd.DataFrame] = {}
    summary: dict[str, dict[str, Any]] = {}
    for table in tables:
        frame = pd.concat([r.tables[table.id] for r in results]).loc[table.cells.index]
        out[table.id] = frame
        status = frame["status"].to_numpy()
        total_value = float(frame["value"].sum()) or 1.0
        summary[table.id] = {
            "cells": len(frame),
            "primary": int((status == STATUS_PRIMARY).sum()),
            "secondary": int((status == STATUS_SECONDARY).sum()),
            "secondary_value_share": float(
                frame["value"][status == STATUS_SECONDARY].sum() / total_value
            ),
        }
    reports = [r.audit for r in results if r.audit is not None]
    merged = AuditReport(
        valid=len(reports) == len(results) and all(r.valid for r in reports),
        checked=sum(r.checked for r in reports),
        exposed=[e for r in reports for e in r.exposed],
    )
    from marsad.confidentiality.secondary import ProtectionResult

    return ProtectionResult(out, summary, max(r.repair_rounds for r in results), merged)
