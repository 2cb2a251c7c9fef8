"""Chambers of commerce (CCIS): member enterprises, delivered as a spreadsheet (XLSX)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from marsad.synth.config import YEARS
from marsad.synth.datasets.context import Context, FirmView, blank
from marsad.synth.formats import FileFormat
from marsad.synth.geography import place_tables
from marsad.synth.messiness import emails, phones

EXTRACTION_YEAR = 2025
MEMBERS = FileFormat(kind="xlsx")
STALE_SHARE = 0.05  # members that no longer operate but were never removed


def members(ctx: Context) -> None:
    firms = ctx.economy.firms
    rng = ctx.rng("ccis", "members")
    last = len(YEARS) - 1
    p = 0.02 + 0.12 * firms.rank[:, last]
    current = firms.operating[:, last] & (rng.random(firms.size) < p)
    former = firms.operating.any(axis=1) & ~firms.operating[:, last]
    stale_pool = np.flatnonzero(former)
    k = min(round(float(current.sum()) * STALE_SHARE), stale_pool.size)
    chosen = np.concatenate([np.flatnonzero(current), rng.choice(stale_pool, k, replace=False)])
    region = firms.region[chosen]
    # Members are numbered per chamber in order of joining (here: of creation).
    order = np.lexsort((firms.birth_date[chosen].astype(np.int64), region))
    chosen, region = chosen[order], region[order]
    starts = np.r_[0, np.flatnonzero(np.diff(region)) + 1]
    rank_in_region = np.arange(chosen.size) - np.repeat(starts, np.diff(np.r_[starts, chosen.size]))
    codes = pa.array(place_tables().region_codes, pa.string()).take(pa.array(region))
    number = pc.utf8_lpad(pc.cast(pa.array(rank_in_region + 1), pa.string()), 6, "0")
    member_id = pc.binary_join_element_wise("CCIS", codes, "-", number, "")
    view = FirmView(ctx.economy, "ccis", chosen)
    n = chosen.size
    table = pa.table(
        {
            "region_code": blank(codes, rng.random(n) < 0.03),
            "member_id": member_id,
            "ice": view.ice,
            "denomination": view.name,
            "activity_code": blank(view.activity, rng.random(n) < 0.05),
            "phone": blank(phones(rng, region), rng.random(n) < 0.1),
            "email": blank(emails(rng, firms.name.take(pa.array(chosen))), rng.random(n) < 0.25),
        }
    )
    ctx.writer.write(
        "ccis", "members", EXTRACTION_YEAR, table, firms.enterprise_id[chosen], MEMBERS
    )
