"""Bank Al-Maghrib: credit outstanding at year end per borrowing enterprise (Parquet)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from marsad.synth.config import YEARS
from marsad.synth.datasets.context import Context, amounts, integers, take
from marsad.synth.formats import FileFormat

CREDIT = FileFormat(kind="parquet")


def credit(ctx: Context) -> None:
    firms = ctx.economy.firms
    view = ctx.view("bam")
    for y, year in enumerate(YEARS):
        rows = np.flatnonzero(firms.money.credit[:, y] > 0)
        rows = rows[np.argsort(firms.ice[rows], kind="stable")]
        table = pa.table(
            {
                "ice": take(view.ice, rows),
                "year": integers(np.full(rows.size, year)),
                "credit_outstanding_mad": amounts(firms.money.credit[rows, y]),
                "bank_count": integers(firms.money.bank_count[rows, y]),
            }
        )
        ctx.writer.write("bam", "credit", year, table, firms.enterprise_id[rows], CREDIT)
