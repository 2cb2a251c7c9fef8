"""The second test economy end to end: population, deliveries, ground truth.

Export habits per partner and period (delimiter, encoding, amount and date style, file
type) change over the decade as partners change extraction tools; a few periods are
re-delivered with corrections (`<period>.v2`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from second_economy import economics, partners_firms, partners_other, population
from second_economy.population import AE, CATEGORY_CODE, NEVER, YEARS, day
from second_economy.sources import Views, ice15
from second_economy.writer import Deliveries, Fmt, Frame

SNAPSHOTS = {"registry": (2019, 2022, 2025), "auto_entrepreneurs": (2019, 2022, 2025),
             "members": (2021, 2023, 2025)}  # fmt: skip
REDELIVERED = {("dgi", "tax_declarations"): 2023, ("cnss", "employment"): 2021,
               ("ompic", "balance_sheets"): 2022, ("rnae", "turnover"): 2024,
               ("bam", "credit"): 2020}  # fmt: skip


def export_habit(partner: str, dataset: str, period: int) -> Fmt:
    """How a partner exports a dataset for a period."""
    early = period <= 2019
    if partner == "dgi":
        if early:
            return Fmt(delimiter=";", encoding="utf-8-sig", amounts="french")
        return Fmt(delimiter=",", amounts="dot")
    if partner == "cnss":
        if period <= 2023:
            return Fmt(delimiter=";", encoding="cp1252", amounts="comma")
        return Fmt(delimiter=",", encoding="cp1252", amounts="dot")
    if partner == "ompic":
        if early or period == 2020:
            return Fmt(delimiter=";", amounts="french", dates="dmy")
        return Fmt(delimiter=",", amounts="dot", dates="iso")
    if partner == "rnae":
        if dataset == "turnover" and period in (2018, 2019, 2022):
            return Fmt(delimiter=";", amounts="comma")
        return Fmt(delimiter=",", dates="iso" if period != 2019 else "dmy")
    if partner == "marocpme":
        if period <= 2020:
            return Fmt(ext="xlsx")
        return Fmt(delimiter=";", encoding="utf-8-sig", amounts="french", dates="mixed")
    if partner == "ccis":
        if period == 2021:
            return Fmt(ext="xlsx")
        return Fmt(delimiter=";" if period == 2023 else ",", encoding="utf-8-sig")
    if early:
        return Fmt(ext="parquet")
    return Fmt(delimiter=",", amounts="dot")


def _first_version(frame: Frame, seed: int) -> Frame:
    """The delivery later corrected: a few late rows missing, a few amounts mistyped."""
    rng = np.random.default_rng(seed)
    keep = np.flatnonzero(rng.random(len(frame)) >= 0.03)
    first = frame.take(keep)
    cols = dict(first.columns)
    for name, kind in first.kinds.items():
        if kind == "amount":
            values = cols[name].astype(np.float64).copy()
            bad = rng.random(len(values)) < 0.015
            values[bad] = np.round(values[bad] * rng.choice([10.0, 0.1, 100.0], bad.sum()), 2)
            cols[name] = values
    return Frame(cols, first.kinds, first.eid)


def generate(out: Path, scale: float, seed: int, log: Callable[[str], None] = print) -> dict:
    """Write the deliveries and the ground truth of one economy; return a summary."""
    t0 = time.perf_counter()
    pop = population.build(scale, seed)
    eco = economics.build(pop, seed)
    views = Views(pop, seed)
    reg = partners_firms.Registry(pop, seed)
    aff = partners_firms.Affiliations(pop, eco, seed)
    ae_no = partners_other.ae_numbers(pop, seed)
    chambers = partners_other.Chambers(pop, eco, seed)
    log(f"population: {pop.n} enterprises ({time.perf_counter() - t0:.1f}s)")
    deliveries = Deliveries(out, seed)
    act = np.zeros((pop.n, len(YEARS)), dtype=bool)
    position = np.full(int(pop.eid.max()) + 1, -1, dtype=np.int64)
    position[pop.eid] = np.arange(pop.n)

    def makers() -> list[tuple[str, str, int, Callable[[], Frame]]]:
        jobs: list[tuple[str, str, int, Callable[[], Frame]]] = []
        for y in YEARS:
            jobs += [
                ("dgi", "tax_declarations", y,
                 lambda y=y: partners_firms.tax_declarations(pop, eco, views, y)),
                ("cnss", "employment", y,
                 lambda y=y: partners_firms.employment(pop, eco, views, aff, y)),
                ("ompic", "balance_sheets", y,
                 lambda y=y: partners_firms.balance_sheets(pop, eco, views, reg, y)),
                ("rnae", "turnover", y, lambda y=y: partners_other.turnover(pop, eco, ae_no, y)),
                ("bam", "credit", y, lambda y=y: partners_other.credit(pop, eco, views, y)),
                ("marocpme", "beneficiaries", y,
                 lambda y=y: partners_other.beneficiaries(pop, eco, views,
                                                          lambda i, w, p: reg.at(i, w, p), y,
                                                          scale)),
            ]  # fmt: skip
        for y in SNAPSHOTS["registry"]:
            jobs.append(
                ("ompic", "registry", y, lambda y=y: partners_firms.registry(pop, views, reg, y))
            )
        for y in SNAPSHOTS["auto_entrepreneurs"]:
            make = partners_other.auto_entrepreneurs
            jobs.append(
                ("rnae", "auto_entrepreneurs", y, lambda y=y, m=make: m(pop, views, ae_no, y))
            )
        for y in SNAPSHOTS["members"]:
            jobs.append(
                ("ccis", "members", y, lambda y=y: partners_other.members(pop, views, chambers, y))
            )
        return jobs

    for partner, dataset, period, make in makers():
        frame = make()
        fmt = export_habit(partner, dataset, period)
        if REDELIVERED.get((partner, dataset)) == period:
            deliveries.write(partner, dataset, period, 1, _first_version(frame, period), fmt)
            deliveries.write(
                partner, dataset, period, 2, frame, Fmt(delimiter=",", encoding=fmt.encoding)
            )
        else:
            deliveries.write(partner, dataset, period, 1, frame, fmt)
        k = YEARS.index(period) if period in YEARS else -1
        if dataset in ("tax_declarations", "balance_sheets"):
            act[position[frame.eid], k] = True
        elif dataset == "employment":
            employed = frame.columns["employees"] > 0
            act[position[frame.eid[employed]], k] = True
    deliveries.close()
    log(f"deliveries written ({time.perf_counter() - t0:.1f}s)")
    _truth(out, pop, act)
    summary = {
        "scale": scale, "seed": seed, "enterprises": pop.n,
        "seconds": round(time.perf_counter() - t0, 1),
        "files": [{"file": f, "rows": n, "bytes": b} for f, n, b in deliveries.files],
    }  # fmt: skip
    (out / "truth" / "summary.json").write_text(json.dumps(summary, indent=1))
    return summary


def _truth(out: Path, pop: population.Population, act: np.ndarray) -> None:
    """enterprises.parquet and panel.parquet."""
    last = np.minimum(pop.death, day(2025, 12, 31))
    region = pop.region_at(np.arange(pop.n), last)
    ice = ice15(pop.ice9)
    death = pa.array(pop.death, mask=pop.death == NEVER).cast(pa.date32())
    enterprises = pa.table({
        "enterprise_id": pa.array(pop.eid, pa.int64()),
        "category": pa.array(np.array(CATEGORY_CODE, dtype=object)[pop.cat].tolist()),
        "legal_form": pa.array([f or None for f in pop.form.tolist()], pa.string()),
        "name": pa.array(pop.name.tolist(), pa.string()),
        "region_code": pa.array(region.tolist(), pa.string()),
        "ice": pa.array([f"{v:015d}" if v >= 0 else None for v in ice.tolist()], pa.string()),
        "birth_date": pa.array(pop.birth).cast(pa.date32()),
        "death_date": death,
    })  # fmt: skip
    pq.write_table(enterprises.sort_by("enterprise_id"), out / "truth" / "enterprises.parquet")
    ids, years, cats, regions, actives = [], [], [], [], []
    for k, y in enumerate(YEARS):
        alive = (pop.birth < day(y + 1)) & (pop.death >= day(y))
        at = np.flatnonzero(alive)
        ids.append(pop.eid[at])
        years.append(np.full(len(at), y, dtype=np.int16))
        cats.append(pop.cat[at])
        regions.append(pop.region_at(at, day(y, 7)))
        registered_end = pop.death[at] > day(y + 1) - 1
        actives.append(np.where(pop.cat[at] == AE, registered_end, act[at, k]))
    cat_names = np.array(CATEGORY_CODE, dtype=object)
    panel = pa.table({
        "enterprise_id": pa.array(np.concatenate(ids), pa.int64()),
        "year": pa.array(np.concatenate(years), pa.int16()),
        "category": pa.array(cat_names[np.concatenate(cats)].tolist(), pa.string()),
        "region_code": pa.array(np.concatenate(regions).tolist(), pa.string()),
        "active": pa.array(np.concatenate(actives), pa.bool_()),
    })  # fmt: skip
    pq.write_table(panel, out / "truth" / "panel.parquet")
