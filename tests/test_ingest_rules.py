"""The SQL rules agree with their Python references; every accepted format reads the same."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.ma import ice as stdnum_ice

from conftest import make_ice
from marsad.ingest import Deliverer, Ledger
from marsad.ingest.rules import ice_is_valid, place_key_sql
from marsad.reference import place_key
from marsad.settings import Settings

_con = duckdb.connect()

ice_like = st.one_of(
    st.integers(min_value=0, max_value=10**15 - 1).map(lambda n: f"{n:015d}"),
    st.integers(min_value=0, max_value=10**13 - 1).map(lambda n: make_ice(n // 10**4, n % 10**4)),
    st.from_regex(r"[0-9 ]{10,18}", fullmatch=True),
    st.text(alphabet="0123456789 -Oo", min_size=0, max_size=20),
)


@settings(max_examples=300, deadline=None)
@given(ice_like)
def test_sql_ice_check_agrees_with_stdnum(value: str) -> None:
    row = _con.execute(f"SELECT {ice_is_valid('$v')}", {"v": value}).fetchone()
    assert row is not None
    assert bool(row[0]) == stdnum_ice.is_valid(value)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdeéèêàâçîïôûüÉÈÀ ÂÇ-'’.,()0123 Ksar", max_size=30))
def test_sql_place_key_agrees_with_python(name: str) -> None:
    row = _con.execute(f"SELECT {place_key_sql('$v')}", {"v": name}).fetchone()
    assert row is not None
    assert row[0] == place_key(name)


def _staged_rows(settings: Settings, delivery_id: str | None) -> list[tuple]:
    record = Ledger(settings.ledger_path).get(delivery_id or "")
    assert record is not None and record.path
    return duckdb.sql(
        f"SELECT * EXCLUDE (_delivery) FROM '{settings.home / record.path / 'rows.parquet'}' "
        "ORDER BY _row"
    ).fetchall()


CNSS_ROWS = [
    ["4401", make_ice(77), "Société Fès Céramique", "Fès", "2021", "12", "310000.5"],
    ["4402", "", "Boulangerie Médina", "Salé", "2021", "3", "90000"],
]
CNSS_HEADER = ["cnss_number", "ice", "denomination", "commune", "year", "employees", "payroll_mad"]


def test_every_format_and_encoding_loads_the_same_rows(
    deliverer: Deliverer, settings: Settings, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    variants: dict[str, Path] = {}
    semicolon = "\r\n".join(";".join(r) for r in [CNSS_HEADER, *CNSS_ROWS]).replace(
        "310000.5", "310 000,50"
    )
    variants["cp1252 ;"] = tmp_path / "a.csv"
    variants["cp1252 ;"].write_bytes(semicolon.encode("cp1252"))
    variants["utf-8 BOM ,"] = tmp_path / "b.csv"
    variants["utf-8 BOM ,"].write_bytes(
        ("\ufeff" + "\n".join(",".join(r) for r in [CNSS_HEADER, *CNSS_ROWS])).encode()
    )
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for r in [CNSS_HEADER, CNSS_ROWS[0], CNSS_ROWS[1]]:
        sheet.append([int(v) if v.isdigit() and len(v) < 5 else v for v in r])
    variants["xlsx"] = tmp_path / "c.xlsx"
    book.save(variants["xlsx"])
    variants["parquet"] = tmp_path / "d.parquet"
    pq.write_table(
        pa.table(
            {
                "cnss_number": ["4401", "4402"],
                "ice": [make_ice(77), None],
                "denomination": [CNSS_ROWS[0][2], CNSS_ROWS[1][2]],
                "commune": ["Fès", "Salé"],
                "year": pa.array([2021, 2021], pa.int32()),
                "employees": [12, 3],
                "payroll_mad": [310000.5, 90000.0],
            }
        ),
        variants["parquet"],
    )
    results = {}
    for label, path in variants.items():
        settings_copy = settings.model_copy(update={"home": tmp_path / label})
        report = Deliverer(settings_copy).deliver("cnss", "employment", 2021, path)
        assert report.status == "loaded" and report.loaded == 2, (label, report.errors)
        assert report.flagged == 0, (label, report.issues)
        results[label] = _staged_rows(settings_copy, report.delivery_id)
    expected = results["utf-8 BOM ,"]
    assert expected[0][3] == "Société Fès Céramique"
    assert expected[0][6:8] == (12, Decimal("310000.50"))
    for label, rows in results.items():
        assert rows == expected, label


def test_snapshot_dataset_has_no_period_column_check(
    deliverer: Deliverer, settings: Settings, tmp_path: Path
) -> None:
    header = (
        "ae_number,cin_hash,ice,full_name,gender,birth_year,activity_kind,activity_code,"
        "commune,registration_date,deregistration_date"
    )
    rows = [
        "AE1,h1,,Fatima Zahra,F,1990,services,62,Rabat,15/03/2019,",
        "AE2,h2,,Mohammed Alaoui,X,1985,commerce,47,Rabat,2020-01-01,",
        "AE3,h3,,Ali,M,1985,plomberie,43,Rabat,2021-01-01,2020-01-01",
    ]
    path = tmp_path / "2025.csv"
    path.write_text("\n".join([header, *rows]))
    report = deliverer.deliver("rnae", "auto_entrepreneurs", 2025, path)
    assert report.loaded == 1 and report.quarantined == 2
    assert {(i.row, i.column, i.rule) for i in report.issues if i.severity == "error"} == {
        (2, "gender", "not_in_list"),
        (3, "activity_kind", "not_in_list"),
    }
    rows_out = _staged_rows(settings, report.delivery_id)
    assert rows_out[0][10] == dt.date(2019, 3, 15)


def test_dates_out_of_order_are_flagged(
    deliverer: Deliverer, settings: Settings, tmp_path: Path
) -> None:
    header = (
        "rc_court;rc_number;ice;denomination;legal_form;creation_date;dissolution_date;"
        "capital_mad;address;commune;activity"
    )
    rows = ["CASA;1;;A;SARL;2019-05-01;2018-01-01;;;;", "CASA;2;;B;SARL;2019-05-01;2020-01-01;;;;"]
    path = tmp_path / "2025.csv"
    path.write_text("\n".join([header, *rows]))
    report = deliverer.deliver("ompic", "registry", 2025, path)
    assert (report.loaded, report.flagged) == (2, 1)
    flags = [r[-1] for r in _staged_rows(settings, report.delivery_id)]
    assert flags == [["dissolution_date:date_order"], []]
