"""CNSS: yearly employment and payroll of affiliated employers (Windows-1252 files)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from marsad.synth.config import YEARS
from marsad.synth.datasets.context import Context, amounts, blank, integers, take
from marsad.synth.datasets.dgi import write_corrected
from marsad.synth.formats import FileFormat
from marsad.synth.identifiers import digits, ice_numbers

EMPLOYMENT = FileFormat(delimiter=";", amounts="french", encoding="windows-1252")
CORRECTED_YEAR = 2023
ICE_FILLING_PER_YEAR = 0.08  # the fund completes missing ICEs of old affiliates yearly


def employment(ctx: Context) -> None:
    firms = ctx.economy.firms
    view = ctx.view("cnss")
    threshold = ctx.rng("cnss", "ice-filling").random(firms.size)
    old = (firms.affiliation_year > 0) & (firms.affiliation_year < YEARS[0])
    # A second affiliation is an establishment: its ICE ends in 0001 (and is valid).
    enterprise_part = firms.ice // 1_000_000
    establishment_ice = digits(ice_numbers(enterprise_part, 1), 15)
    for y, year in enumerate(YEARS):
        rng = ctx.rng("cnss", "employment", year)
        staff = firms.money.employees[:, y].astype(np.int64)
        rows = np.flatnonzero(staff > 0)
        second = np.where(
            firms.cnss_second[rows] > 0, np.floor(staff[rows] * firms.cnss_share[rows]), 0
        ).astype(np.int64)
        split = second >= 1
        extra = rows[split]
        all_rows = np.concatenate([rows, extra])
        is_second = np.concatenate([np.zeros(rows.size, bool), np.ones(extra.size, bool)])
        count = np.concatenate([staff[rows] - second, second[split]])
        share = count / staff[all_rows]
        number = np.where(is_second, firms.cnss_second[all_rows], firms.cnss_number[all_rows])
        order = np.argsort(number, kind="stable")
        all_rows, is_second, count, share, number = (
            all_rows[order],
            is_second[order],
            count[order],
            share[order],
            number[order],
        )
        fill = max(0.0, 1.0 - ICE_FILLING_PER_YEAR * (year - YEARS[0]))
        missing = old[all_rows] & (threshold[all_rows] < ctx.rates.ice_missing_old_cnss * fill)
        ice = pc.if_else(
            pa.array(is_second), take(establishment_ice, all_rows), take(view.ice, all_rows)
        )
        payroll = np.round(firms.money.payroll[all_rows, y] * share, 2)
        columns = {
            "cnss_number": digits(number),
            "ice": blank(ice, missing),
            "denomination": take(view.name, all_rows),
            "commune": take(view.commune, all_rows),
            "year": integers(np.full(all_rows.size, year)),
            "employees": integers(count),
            "payroll_mad": amounts(payroll, rng.random(all_rows.size) < ctx.rates.value_missing),
        }
        ids = firms.enterprise_id[all_rows]
        if year == CORRECTED_YEAR:
            write_corrected(ctx, "cnss", "employment", year, columns, ids, EMPLOYMENT, rng)
        else:
            ctx.writer.write("cnss", "employment", year, pa.table(columns), ids, EMPLOYMENT)
