"""DGI: yearly tax declarations of legal persons and natural-person traders."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from marsad.synth.config import YEARS
from marsad.synth.datasets.context import Context, amounts, integers, take
from marsad.synth.formats import FileFormat
from marsad.synth.identifiers import digits

OLD_FORMAT = FileFormat(delimiter=";", amounts="french", bom=True)
NEW_FORMAT = FileFormat(delimiter=";", amounts="comma")
CORRECTED_YEAR = 2021  # the tax office resent this year with corrections


def _format(year: int) -> FileFormat:
    return OLD_FORMAT if year < 2020 else NEW_FORMAT


def tax_declarations(ctx: Context) -> None:
    firms = ctx.economy.firms
    view = ctx.view("dgi")
    registry_names = ctx.view("ompic").name
    for y, year in enumerate(YEARS):
        rng = ctx.rng("dgi", "tax_declarations", year)
        rows = np.flatnonzero(firms.declares_tax[:, y])
        switched = (firms.if_second[rows] > 0) & (year >= firms.if_switch_year[rows])
        if_number = np.where(switched, firms.if_second[rows], firms.if_number[rows])
        order = np.argsort(if_number, kind="stable")
        rows, if_number = rows[order], if_number[order]
        other = pa.array(rng.random(rows.size) < ctx.rates.name_other_year)
        name = pc.if_else(other, take(registry_names, rows), take(view.name, rows))
        turnover = firms.money.turnover[rows, y]
        result = firms.money.net_result[rows, y]
        columns = {
            "if_number": digits(if_number),
            "ice": take(view.ice, rows),
            "denomination": name,
            "fiscal_year": integers(np.full(rows.size, year)),
            "turnover_mad": amounts(turnover, rng.random(rows.size) < ctx.rates.value_missing),
            "net_result_mad": amounts(result, rng.random(rows.size) < ctx.rates.value_missing),
            "activity_code": take(view.activity, rows),
            "city": take(view.city, rows),
        }
        ids = firms.enterprise_id[rows]
        if year == CORRECTED_YEAR:
            write_corrected(ctx, "dgi", "tax_declarations", year, columns, ids, _format(year), rng)
        else:
            ctx.writer.write("dgi", "tax_declarations", year, pa.table(columns), ids, _format(year))


def write_corrected(
    ctx: Context,
    partner: str,
    dataset: str,
    period: int,
    columns: dict[str, pa.Array],
    ids: np.ndarray,
    fmt: FileFormat,
    rng: np.random.Generator,
) -> None:
    """A first delivery with late rows missing and a few wrong values, then the correction.

    Wrong values are amounts or counts typed with one zero too many; the correction
    (``<period>.v2``) holds every row with the true values.
    """
    n = ids.size
    late = rng.random(n) < ctx.rates.late_rows
    wrong = rng.random(n) < ctx.rates.corrected_values
    first: dict[str, pa.Array] = {}
    for name, column in columns.items():
        if name in ("turnover_mad", "employees", "payroll_mad"):
            values = column.to_numpy(zero_copy_only=False)
            bad = np.where(wrong, values * 10, values)
            column = pa.array(bad, column.type, from_pandas=True)
        first[name] = column.filter(pa.array(~late))
    ctx.writer.write(partner, dataset, period, pa.table(first), ids[~late], fmt)
    ctx.writer.write(partner, dataset, period, pa.table(columns), ids, fmt, revision=2)
