"""Primary rules: which cells would reveal a contributor, and how much protection they need.

Protection levels follow the usual conventions of the field (Hundepool et al.,
*Statistical Disclosure Control*, ch. 4): the published cells must leave an attacker an
interval at least ``[value - lower, value + upper]`` for every confidential cell.

- Frequency rule (every measure): ``0 < n < min_frequency``; protection
  ``frequency_range_percent`` of the value both ways (at least one unit for counts).
- p%-rule (magnitudes): ``value - top1 - top2 < p/100 * top1`` (the second largest
  contributor, knowing the rest, would estimate the largest within p%); upper protection
  ``p/100 * top1 - (value - top1 - top2)``, the same downwards.
- (n,k) dominance (magnitudes): the n largest make more than k% of the value; upper
  protection ``100/k * (top n) - value``, the same downwards.
A cell with no contributor (an empty cell) is not confidential.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from marsad.confidentiality.model import STATUS_FREE, STATUS_PRIMARY, ProtectionTable
from marsad.confidentiality.rules import DisclosureRules


def primary_status(table: ProtectionTable, rules: DisclosureRules) -> pd.DataFrame:
    """Columns ``status`` (F or C), ``rule`` and the ``lower``/``upper`` protection levels."""
    cells = table.cells
    value = cells["value"].to_numpy(dtype=float)
    n = cells["n"].to_numpy(dtype=np.int64)
    top = [cells[f"top{i}"].to_numpy(dtype=float) for i in (1, 2, 3)]
    rule = np.full(len(cells), "", dtype=object)
    need = np.zeros(len(cells))

    frequency = (n > 0) & (n < rules.min_frequency)
    freq_need = value * rules.frequency_range_percent / 100.0
    if table.kind == "count":
        freq_need = np.maximum(freq_need, 1.0)
    rule[frequency] = "frequency"
    need = np.where(frequency, freq_need, need)

    if table.kind == "magnitude":
        if rules.p_percent is not None:
            p = rules.p_percent / 100.0
            gap = p * top[0] - (value - top[0] - top[1])
            hit = (n > 0) & (gap > 0) & ~frequency
            rule[hit] = "p_percent"
            need = np.where(hit, np.maximum(need, gap), need)
        if rules.dominance is not None:
            count, k = rules.dominance
            largest = sum(top[:count])
            gap = largest * 100.0 / k - value
            hit = (n > 0) & (largest > value * k / 100.0) & ~frequency
            rule[hit & (rule == "")] = "dominance"
            need = np.where(hit, np.maximum(need, gap), need)

    out = pd.DataFrame(index=cells.index)
    out["status"] = np.where(rule != "", STATUS_PRIMARY, STATUS_FREE)
    out["rule"] = pd.Series([r or None for r in rule], index=cells.index, dtype=object)
    out["lower"] = np.where(rule != "", np.minimum(need, value), 0.0)
    out["upper"] = np.where(rule != "", need, 0.0)
    return out
