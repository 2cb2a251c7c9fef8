"""Known effects of support, planted in the synthetic economy, and the truth about them.

Each programme of the catalogue carries an effect ``tau`` on the log of turnover: every
beneficiary's turnover is multiplied by ``exp(tau)`` in every year after its approval year
(the approval year itself is untouched: support takes a year to show). Net results move
with turnover (the margin is kept); employees, payroll, assets and credit are untouched.

The estimand written to ``truth/effects.parquet`` is the average treatment effect on the
treated (ATT) on log turnover, averaged over the beneficiary-years of a fixed window: the
``EFFECT_WINDOW`` years that follow the approval year (cut at the last simulated year),
counting only the years with a positive turnover. With a constant effect it equals
``tau``; it is computed from the planted values all the same, so that it stays right if
effects come to vary between firms or years.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from marsad.synth.config import YEARS
from marsad.synth.economy import Firms
from marsad.synth.programmes import CATALOGUE, Beneficiaries

EFFECT_WINDOW = 3  # post-approval years over which the true effect is averaged


def approval_year_index(found: Beneficiaries) -> np.ndarray:
    years = found.approval_date.astype("datetime64[Y]").astype(np.int64) + 1970
    return years - YEARS[0]


def planted_log_effects(found: Beneficiaries) -> np.ndarray:
    """(beneficiaries, years): the effect on log turnover planted in each year."""
    effect = np.asarray([p.effect for p in CATALOGUE], dtype=np.float64)[found.programme]
    after = np.arange(len(YEARS))[None, :] > approval_year_index(found)[:, None]
    return np.where(after, effect[:, None], 0.0)


def plant_effects(firms: Firms, found: Beneficiaries) -> None:
    """Multiply the beneficiaries' turnover (and net result) by the programme's effect."""
    if not found.size:
        return
    factor = np.exp(planted_log_effects(found))
    money = firms.money
    rows = found.firm
    money.turnover[rows] = np.round(money.turnover[rows] * factor, 2)
    money.net_result[rows] = np.round(
        np.where(money.turnover[rows] > 0, money.net_result[rows] * factor, money.net_result[rows]),
        2,
    )


def effects_table(firms: Firms, found: Beneficiaries) -> pa.Table:
    """One row per programme: the planted effect and the true ATT over the window."""
    planted = planted_log_effects(found)
    first = approval_year_index(found)
    years = np.arange(len(YEARS))[None, :]
    window = (years > first[:, None]) & (years <= first[:, None] + EFFECT_WINDOW)
    observed = window & (firms.money.turnover[found.firm] > 0)
    rows: dict[str, list[object]] = {
        k: []
        for k in (
            "programme_code",
            "planted_effect",
            "true_effect",
            "selection",
            "beneficiaries",
            "beneficiary_years",
            "window_years",
        )
    }
    for index, programme in enumerate(CATALOGUE):
        mine = found.programme == index
        cells = observed[mine]
        n = int(cells.sum())
        rows["programme_code"].append(programme.code)
        rows["planted_effect"].append(programme.effect)
        rows["true_effect"].append(float(planted[mine][cells].mean()) if n else None)
        rows["selection"].append(programme.selection)
        rows["beneficiaries"].append(int(mine.sum()))
        rows["beneficiary_years"].append(n)
        rows["window_years"].append(EFFECT_WINDOW)
    schema = pa.schema(
        [
            ("programme_code", pa.string()),
            ("planted_effect", pa.float64()),
            ("true_effect", pa.float64()),
            ("selection", pa.string()),
            ("beneficiaries", pa.int64()),
            ("beneficiary_years", pa.int64()),
            ("window_years", pa.int64()),
        ]
    )
    return pa.table(rows, schema=schema)


def write_effects(firms: Firms, found: Beneficiaries, truth: Path) -> int:
    table = effects_table(firms, found)
    pq.write_table(table, truth / "effects.parquet", compression="zstd")
    return table.num_rows
