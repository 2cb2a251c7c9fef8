"""Maroc PME: past beneficiaries of its support programmes (snapshot)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from marsad.synth.datasets.context import Context, FirmView, amounts, dates
from marsad.synth.formats import FileFormat
from marsad.synth.geography import place_tables
from marsad.synth.identifiers import digits
from marsad.synth.programmes import CATALOGUE

EXTRACTION_YEAR = 2025
BENEFICIARIES = FileFormat(delimiter=";", amounts="french", dates="french", bom=True, quoted=True)


def beneficiaries(ctx: Context) -> None:
    found = ctx.beneficiaries
    firms = ctx.economy.firms
    codes = np.asarray([p.code for p in CATALOGUE], dtype=object)[found.programme]
    order = np.lexsort((found.approval_date.astype(np.int64), codes.astype(str)))
    firm = found.firm[order]
    view = FirmView(ctx.economy, "marocpme", firm)
    court = place_tables().court_code.take(pa.array(firms.court[firm]))
    table = pa.table(
        {
            "programme_code": pa.array(codes[order].tolist(), pa.string()),
            "ice": view.ice,
            "rc_court": court,
            "rc_number": digits(firms.rc_number[firm]),
            "denomination": view.name,
            "approval_date": dates(found.approval_date[order]),
            "amount_granted_mad": amounts(found.amount[order]),
        }
    )
    ids = firms.enterprise_id[firm]
    ctx.writer.write("marocpme", "beneficiaries", EXTRACTION_YEAR, table, ids, BENEFICIARIES)
