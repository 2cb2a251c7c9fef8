"""OMPIC: trade-registry snapshots and filed balance sheets."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from marsad.synth.config import YEARS
from marsad.synth.datasets.context import Context, amounts, blank, dates, integers, take
from marsad.synth.formats import FileFormat
from marsad.synth.identifiers import digits
from marsad.synth.messiness import addresses
from marsad.synth.names import LEGAL_FORMS, patch, strip_accents
from marsad.synth.sectors import activity_tables
from marsad.synth.vocab import LEGAL_FORM_WRITINGS

REGISTRY_SNAPSHOTS: dict[int, FileFormat] = {
    2019: FileFormat(delimiter=";", amounts="french", dates="french", bom=True, quoted=True),
    2022: FileFormat(delimiter=";", amounts="french", dates="french", bom=True, quoted=True),
    2025: FileFormat(delimiter=",", amounts="plain", dates="iso", quoted=True),
}
# Old records lose their missing ICE as the registry is completed.
OLD_ICE_MISSING_FACTOR = {2019: 1.0, 2022: 0.6, 2025: 0.3}
BALANCE_SHEETS = FileFormat(delimiter=",", amounts="plain", dates="iso")


def _legal_form_text(rng: np.random.Generator, legal_form: np.ndarray, missing: float) -> pa.Array:
    width = max(len(w) for w in LEGAL_FORM_WRITINGS.values())
    table = [
        LEGAL_FORM_WRITINGS[form][k]
        if k < len(LEGAL_FORM_WRITINGS[form])
        else LEGAL_FORM_WRITINGS[form][0]
        for form in LEGAL_FORMS
        for k in range(width)
    ]
    n = legal_form.size
    variant = np.where(rng.random(n) < 0.7, 0, rng.integers(0, width, n))
    text = pa.array(table, pa.string()).take(pa.array(legal_form * width + variant))
    return blank(text, rng.random(n) < missing)


def _activity_text(rng: np.random.Generator, division: np.ndarray) -> pa.Array:
    """The declared object: the division's label, as typed (case, accents)."""
    labels = activity_tables().division_label.take(pa.array(division))
    n = division.size
    labels = patch(labels, rng.random(n) < 0.4, pc.utf8_upper)
    return patch(labels, rng.random(n) < 0.2, strip_accents)


def _registry_order(ctx: Context, rows: np.ndarray) -> np.ndarray:
    firms = ctx.economy.firms
    return rows[np.lexsort((firms.rc_number[rows], firms.court[rows]))]


def registry(ctx: Context) -> None:
    firms = ctx.economy.firms
    view = ctx.view("ompic")
    rng = ctx.rng("ompic", "registry")
    n = firms.size
    court_code = _court_codes(ctx)
    legal_form = _legal_form_text(rng, firms.legal_form, ctx.rates.legal_form_missing)
    address = addresses(rng, n)
    activity = _activity_text(rng, firms.division)
    birth_year = firms.birth_date.astype("datetime64[Y]").astype(np.int64) + 1970
    threshold = rng.random(n)
    capital = firms.capital
    for snapshot, fmt in REGISTRY_SNAPSHOTS.items():
        end = np.datetime64(f"{snapshot}-12-31")
        rows = _registry_order(ctx, np.flatnonzero(firms.birth_date <= end))
        rate = ctx.rates.ice_missing_old_registry * OLD_ICE_MISSING_FACTOR[snapshot]
        old_missing = (birth_year[rows] < YEARS[0]) & (threshold[rows] < rate)
        death = firms.death_date[rows]
        death = np.where(death <= end, death, np.datetime64("NaT"))
        table = pa.table(
            {
                "rc_court": take(court_code, rows),
                "rc_number": digits(firms.rc_number[rows]),
                "ice": blank(take(view.ice, rows), old_missing),
                "denomination": take(view.name, rows),
                "legal_form": take(legal_form, rows),
                "creation_date": dates(firms.birth_date[rows]),
                "dissolution_date": dates(death),
                "capital_mad": amounts(capital[rows], np.isnan(capital[rows])),
                "address": take(address, rows),
                "commune": take(view.commune, rows),
                "activity": take(activity, rows),
            }
        )
        ctx.writer.write("ompic", "registry", snapshot, table, firms.enterprise_id[rows], fmt)


def _court_codes(ctx: Context) -> pa.Array:
    from marsad.synth.geography import place_tables

    return place_tables().court_code.take(pa.array(ctx.economy.firms.court))


def balance_sheets(ctx: Context) -> None:
    firms = ctx.economy.firms
    view = ctx.view("ompic")
    court_code = _court_codes(ctx)
    for y, year in enumerate(YEARS):
        rng = ctx.rng("ompic", "balance_sheets", year)
        rows = _registry_order(ctx, np.flatnonzero(firms.files_balance_sheet[:, y]))
        late = rng.random(rows.size) < 0.1
        first = np.datetime64(f"{year + 1}-03-01")
        days = np.where(
            late, 365 + rng.integers(0, 180, rows.size), rng.integers(0, 200, rows.size)
        )
        filed = first + days.astype("timedelta64[D]")
        assets = firms.money.total_assets[rows, y]
        table = pa.table(
            {
                "rc_court": take(court_code, rows),
                "rc_number": digits(firms.rc_number[rows]),
                "ice": take(view.ice, rows),
                "fiscal_year": integers(np.full(rows.size, year)),
                "filed_date": dates(filed),
                "total_assets_mad": amounts(
                    assets, rng.random(rows.size) < ctx.rates.value_missing
                ),
            }
        )
        ctx.writer.write(
            "ompic", "balance_sheets", year, table, firms.enterprise_id[rows], BALANCE_SHEETS
        )
