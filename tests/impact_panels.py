"""Hand-built impact panels: one sector, region and size class, every firm active."""

from __future__ import annotations

import numpy as np
import pandas as pd

from marsad.impact.data import ImpactData


def panel(
    years: np.ndarray,
    log_turnover: np.ndarray,
    approved: np.ndarray,
    approval_year: np.ndarray,
    *,
    employees: np.ndarray | None = None,
    creation_year: np.ndarray | None = None,
) -> ImpactData:
    """``ImpactData`` of firms with the given log turnover (firms x years), the rows
    ``approved`` by programme TOY in ``approval_year``; employees (one constant value per
    firm) unknown and creation in 2005 unless given."""
    n, k = log_turnover.shape
    return ImpactData(
        years=years,
        ids=np.asarray([f"E{i}" for i in range(n)], dtype=object),
        turnover=np.exp(log_turnover),
        employees=np.full((n, k), np.nan)
        if employees is None
        else np.repeat(employees[:, None], k, axis=1),
        active=np.ones((n, k), dtype=bool),
        size=np.full((n, k), "TPE", dtype=object),
        category=np.full(n, "EPMA", dtype=object),
        section=np.full(n, "C", dtype=object),
        region=np.full(n, "06", dtype=object),
        gender=np.full(n, "M", dtype=object),
        creation_year=np.full(n, 2005.0) if creation_year is None else creation_year,
        has_ice=np.ones(n, dtype=bool),
        approvals=pd.DataFrame(
            {
                "row": approved,
                "programme_code": "TOY",
                "approval_year": approval_year,
                "amount_granted_mad": 1e5,
            }
        ),
    )
