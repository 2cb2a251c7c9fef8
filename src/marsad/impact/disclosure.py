"""Disclosure control of the impact tables, with the observatory's rules.

Every indicator of a programme has, per breakdown, cells whose counts (the ``n`` of
enterprises each value is computed on) add up to the total: a one-dimensional count table.
The primary rules are those of ``marsad.confidentiality`` (``primary_status`` with the
rules of ``load_rules``: minimum frequency and its protection range). Secondary suppression
is the one a one-dimensional table needs: when a breakdown has confidential cells, the
smallest other non-empty cells are suppressed too until at least two cells are hidden and
each hidden cell's protection range is covered by the others, so that no confidential
count (nor the sum behind a mean) can be recomputed from the total and the published
cells. A total is only ever confidential by itself (then all of its cells are). An
indicator's value is published only where its count is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from marsad.confidentiality import Dimension, DisclosureRules, ProtectionTable, primary_status
from marsad.confidentiality.model import STATUS_FREE, STATUS_PRIMARY, STATUS_SECONDARY

TOTAL = "_T"


def count_table(table_id: str, codes: list[str], n: np.ndarray) -> ProtectionTable:
    """A count table of one breakdown (``_T`` the total), each enterprise counting one."""
    parent: dict[str, str | None] = {c: TOTAL for c in codes if c != TOTAL}
    parent[TOTAL] = None
    n = np.asarray(n, dtype=float)
    cells = pd.DataFrame(
        {
            "code": codes,
            "value": n,
            "n": n.astype(np.int64),
            "top1": np.minimum(n, 1.0),
            "top2": np.minimum(np.maximum(n - 1, 0), 1.0),
            "top3": np.minimum(np.maximum(n - 2, 0), 1.0),
        }
    )
    return ProtectionTable(table_id, table_id, "count", (Dimension("code", parent),), cells)


def margin_status(codes: list[str], n: np.ndarray, rules: DisclosureRules) -> np.ndarray:
    """F, C or N for every cell of one breakdown (the total among them, code ``_T``)."""
    table = count_table("impact", codes, n)
    prim = primary_status(table, rules)
    status = prim["status"].to_numpy(dtype=object).copy()
    need = prim["upper"].to_numpy(dtype=float)
    child = np.asarray([c != TOTAL for c in codes])
    counts = np.asarray(n, dtype=float)
    hidden = child & (status == STATUS_PRIMARY)

    def covered() -> bool:
        cells = np.flatnonzero(hidden)
        if cells.size == 0:
            return True
        if cells.size < 2:
            return False
        rest = counts[cells].sum() - counts[cells]
        return bool((rest >= need[cells]).all())

    while not covered():
        free = np.flatnonzero(child & ~hidden & (counts > 0))
        if not free.size:
            break
        pick = free[np.argmin(counts[free])]
        hidden[pick] = True
        status[pick] = STATUS_SECONDARY
    return status


def protect_cells(cells: pd.DataFrame, rules: DisclosureRules) -> pd.DataFrame:
    """The cells with a ``status`` (F free, C confidential, N suppressed to protect
    another); suppressed cells lose their value and count."""
    out = cells.copy().reset_index(drop=True)
    out["status"] = STATUS_FREE
    if out.empty:
        return out
    totals = out[out["breakdown"] == "total"].set_index(["programme", "indicator"])["n"]
    for (programme, indicator, breakdown), part in out.groupby(
        ["programme", "indicator", "breakdown"], sort=False
    ):
        codes = part["code"].astype(str).tolist()
        n = part["n"].to_numpy(dtype=float)
        if breakdown != "total":
            codes = [TOTAL, *codes]
            n = np.concatenate([[float(totals.get((programme, indicator), n.sum()))], n])
        status = margin_status(codes, n, rules)
        out.loc[part.index, "status"] = status[1:] if breakdown != "total" else status
    hidden = out["status"] != STATUS_FREE
    out["value"] = out["value"].astype(object).where(~hidden, None)
    out["n"] = out["n"].astype(object).where(~hidden, None)
    return out
