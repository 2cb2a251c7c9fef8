"""A small register written by hand in the layout a register build writes, for the outreach
tests: ``enterprises.parquet``, ``panel.parquet`` and ``rows.parquet`` of one build, made
current, with real deliveries of the chambers' members and of the auto-entrepreneur
register behind the rows (so that contacts and birth years are read as in production).

The enterprises, on the reference day ``ON`` (30 June 2026), for the programme INTELAKA
(not dissolved, at most 5 years old, turnover at most 10 MDH, not real estate):

- E01 Casablanca-Settat, auto-entrepreneur created 2023, a woman born 1995, chamber member
  with phone and e-mail: eligible;
- E02 created 2015: too old; E03 real estate (section L): excluded sector;
- E04 turnover 12 MDH: above the ceiling; E05 eligible but already applied;
- E06 eligible but in L'Oriental (region 02); E07 turnover unknown: fails;
- E08 dissolved on 31 December 2025; E09 eligible, in a rural commune;
- E10 created 29 June 2021: five years and a day, too old; E11 created 30 June 2021 with a
  turnover of exactly 10 MDH: eligible (both bounds inclusive), chamber member without
  any phone or e-mail.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa

from marsad.ingest import Deliverer, Ledger
from marsad.settings import Settings

ON = date(2026, 6, 30)
URBAN, RURAL = "06001001", "06002003"
Firm = tuple[str, str, str, str, date, date | None, str | None, Decimal | None, str | None]
# id, category, region, section (division = a division of the section), created, dissolved,
# gender, turnover of 2025, commune
FIRMS: list[Firm] = [
    ("E01", "AE", "06", "G", date(2023, 1, 1), None, "F", Decimal("200000"), URBAN),
    ("E02", "EPMA", "06", "C", date(2015, 1, 1), None, None, Decimal("2000000"), URBAN),
    ("E03", "EPMA", "06", "L", date(2024, 1, 1), None, None, Decimal("500000"), URBAN),
    ("E04", "EPMA", "06", "C", date(2022, 3, 1), None, None, Decimal("12000000"), URBAN),
    ("E05", "EPMA", "06", "C", date(2024, 5, 1), None, None, Decimal("1000000"), URBAN),
    ("E06", "EPMA", "02", "C", date(2024, 5, 1), None, None, Decimal("1000000"), None),
    ("E07", "EPMA", "06", "C", date(2021, 7, 1), None, None, None, URBAN),
    ("E08", "EPMA", "06", "G", date(2024, 2, 1), date(2025, 12, 31), None, Decimal("3e5"), URBAN),
    ("E09", "EPPA", "06", "G", date(2025, 1, 10), None, "M", Decimal("500000"), RURAL),
    ("E10", "EPMA", "06", "G", date(2021, 6, 29), None, None, Decimal("800000"), URBAN),
    ("E11", "EPMA", "06", "G", date(2021, 6, 30), None, None, Decimal("10000000"), URBAN),
]
DIVISION = {"G": "47", "C": "10", "L": "68"}
ELIGIBLE_06 = ["E01", "E09", "E11"]  # by priority: E01 woman and young, E09 rural, E11
CCIS_MEMBERS = {  # enterprise -> (member id, denomination, phone, email)
    "E01": ("CCIS06-000001", "Atelier Salma", "0522112233", "salma@example.ma"),
    "E11": ("CCIS06-000002", "STE ONZE SARL", "", ""),
    "E02": ("CCIS06-000003", "STE DEUX", "0522000002", "deux@example.ma"),
}
AE_PEOPLE = {"E01": ("AE0001", "Salma Idrissi", "F", 1995)}


def _size(turnover: Decimal | None) -> str | None:
    if turnover is None:
        return None
    bounds = [(175_000_000, "GE"), (50_000_000, "ME"), (10_000_000, "PE"), (3_000_000, "TPE")]
    return next((code for low, code in bounds if turnover >= low), "MICRO")


def _deliver(settings: Settings, tmp: Path, partner: str, dataset: str, text: str) -> str:
    path = tmp / f"{partner}-{dataset}.csv"
    path.write_text(text, encoding="utf-8")
    report = Deliverer(settings).deliver(partner, dataset, 2025, path)
    assert report.status == "loaded" and report.delivery_id, report
    return report.delivery_id


def write_register(settings: Settings, tmp: Path) -> Path:
    """Deliver the chamber members and the AE register, write one build, make it current;
    returns the build folder."""
    members = list(CCIS_MEMBERS.items())
    ccis = _deliver(
        settings,
        tmp,
        "ccis",
        "members",
        "region_code;member_id;ice;denomination;activity_code;phone;email\n"
        + "".join(f"06;{m};;{name};4711;{phone};{mail}\n" for _, (m, name, phone, mail) in members),
    )
    people = list(AE_PEOPLE.items())
    rnae = _deliver(
        settings,
        tmp,
        "rnae",
        "auto_entrepreneurs",
        "ae_number;cin_hash;ice;full_name;gender;birth_year;activity_kind;activity_code;"
        "commune;registration_date;deregistration_date\n"
        + "".join(
            f"{ae};h{ae};;{name};{g};{year};commerce;4711;Casablanca;2023-01-01;\n"
            for _, (ae, name, g, year) in people
        ),
    )
    build = settings.home / "register" / "builds" / "B1"
    build.mkdir(parents=True)
    enterprises = pa.table(
        {
            "enterprise_id": [f[0] for f in FIRMS],
            "category": [f[1] for f in FIRMS],
            "name": [f"Entreprise {f[0]}" for f in FIRMS],
            "legal_form": [None if f[1] == "AE" else "SARL" for f in FIRMS],
            "ice": pa.nulls(len(FIRMS), pa.string()),
            "creation_date": pa.array([f[4] for f in FIRMS], pa.date32()),
            "dissolution_date": pa.array([f[5] for f in FIRMS], pa.date32()),
            "commune_code": [f[8] for f in FIRMS],
            "province": pa.nulls(len(FIRMS), pa.string()),
            "region_code": [f[2] for f in FIRMS],
            "division": [DIVISION[f[3]] for f in FIRMS],
            "section": [f[3] for f in FIRMS],
            "gender": [f[6] for f in FIRMS],
        }
    )
    lines = [(f, year) for f in FIRMS for year in (2024, 2025)]
    panel = pa.table(
        {
            "enterprise_id": [f[0] for f, _ in lines],
            "year": pa.array([y for _, y in lines], pa.int64()),
            "active": [f[7] is not None for f, _ in lines],
            "turnover_mad": pa.array([f[7] for f, _ in lines], pa.decimal128(18, 2)),
            "employees": pa.array([None for _ in lines], pa.int64()),
            "size_omtpme_2021": [_size(f[7]) for f, _ in lines],
            "section": [f[3] for f, _ in lines],
            "division": [DIVISION[f[3]] for f, _ in lines],
            "region_code": [f[2] for f, _ in lines],
        }
    )
    rows = pa.table(
        {
            "delivery": [ccis] * len(members) + [rnae] * len(people),
            "row": pa.array(
                [i + 1 for i in range(len(members))] + [i + 1 for i in range(len(people))],
                pa.int64(),
            ),
            "dataset": ["ccis.members"] * len(members) + ["rnae.auto_entrepreneurs"] * len(people),
            "period": pa.array([2025] * (len(members) + len(people)), pa.int64()),
            "unit_id": [f"ccis:{m[0]}" for _, m in members] + [f"ae:{p[0]}" for _, p in people],
            "enterprise_id": [e for e, _ in members] + [e for e, _ in people],
        }
    )
    con = duckdb.connect()
    for name, table in (("enterprises", enterprises), ("panel", panel), ("rows", rows)):
        con.register("t", table)
        con.execute(f"COPY t TO '{build / (name + '.parquet')}' (FORMAT parquet)")
        con.unregister("t")
    con.close()
    (settings.home / "register" / "current.json").write_text(json.dumps({"build": "B1"}))
    assert len(Ledger(settings.ledger_path).current()) == 2
    return build
