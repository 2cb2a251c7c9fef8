"""Barid Al-Maghrib (RNAE): register snapshots and quarterly turnover of auto-entrepreneurs."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from marsad.synth.autoentrepreneurs import ACTIVITY_KINDS
from marsad.synth.config import YEARS
from marsad.synth.datasets.context import (
    SOURCE_STYLES,
    Context,
    amounts,
    blank,
    dates,
    integers,
    take,
)
from marsad.synth.formats import FileFormat
from marsad.synth.identifiers import digits
from marsad.synth.messiness import activity_code_text, commune_text, ice_text
from marsad.synth.names import LEGAL_FORMS, person_names, render_names

REGISTER_SNAPSHOTS: dict[int, FileFormat] = {
    2021: FileFormat(delimiter=",", dates="iso"),
    2025: FileFormat(delimiter=";", dates="french", bom=True),
}
TURNOVER = FileFormat(delimiter=";", amounts="comma")


def auto_entrepreneurs(ctx: Context) -> None:
    ae = ctx.economy.ae
    style = SOURCE_STYLES["rnae"]
    rng = ctx.rng("rnae", "register")
    rates = ctx.rates
    n = ae.size
    names = person_names(
        rng,
        ae.given,
        ae.family,
        variant_rate=rates.name_transliteration,
        family_first=style.family_first,
    )
    person = np.full(n, LEGAL_FORMS.index("PP"), dtype=np.int64)
    names = render_names(rng, names, person, style.names, rates)
    ice = blank(ice_text(rng, ae.ice, rates), ae.ice == 0)
    activity = activity_code_text(rng, ae.division, ae.klass, rates, class_share=style.class_share)
    commune = commune_text(rng, ae.commune, rates)
    gender = pa.array(np.where(ae.woman, "F", "M"), pa.string())
    kind = pa.array(ACTIVITY_KINDS, pa.string()).take(pa.array(ae.kind.astype(np.int64)))
    reg = ae.registrations.registration_date
    dereg = ae.registrations.deregistration_date
    order = np.argsort(ae.ae_number, kind="stable")
    for snapshot, fmt in REGISTER_SNAPSHOTS.items():
        end = np.datetime64(f"{snapshot}-12-31")
        rows = order[reg[order] <= end]
        gone = dereg[rows]
        gone = np.where(gone <= end, gone, np.datetime64("NaT"))
        table = pa.table(
            {
                "ae_number": digits(ae.ae_number[rows]),
                "cin_hash": take(ae.cin_hash, rows),
                "ice": take(ice, rows),
                "full_name": take(names, rows),
                "gender": take(gender, rows),
                "birth_year": integers(ae.birth_year[rows]),
                "activity_kind": take(kind, rows),
                "activity_code": take(activity, rows),
                "commune": take(commune, rows),
                "registration_date": dates(reg[rows]),
                "deregistration_date": dates(gone),
            }
        )
        ctx.writer.write("rnae", "auto_entrepreneurs", snapshot, table, ae.enterprise_id[rows], fmt)


def turnover(ctx: Context) -> None:
    ae = ctx.economy.ae
    order = np.argsort(ae.ae_number, kind="stable")
    numbers = digits(ae.ae_number[order])
    for y, year in enumerate(YEARS):
        block = ae.quarters[order, 4 * y : 4 * y + 4]
        who, quarter = np.nonzero(block >= 0)
        values = block[who, quarter].astype(np.float64)
        table = pa.table(
            {
                "ae_number": take(numbers, who),
                "year": integers(np.full(who.size, year)),
                "quarter": integers(quarter + 1),
                "turnover_mad": amounts(values),
            }
        )
        ctx.writer.write("rnae", "turnover", year, table, ae.enterprise_id[order][who], TURNOVER)
