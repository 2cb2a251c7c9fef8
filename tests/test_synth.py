"""The synthetic economy's deliveries: layouts, formats, faults, truth map, determinism."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from rich.console import Console
from stdnum.ma import ice as stdnum_ice

from marsad.ingest import Deliverer
from marsad.settings import get_settings
from marsad.synth import SynthSummary, generate

SCALE = 0.005
SEED = 20260

# Exactly the layouts of the partners' data dictionary.
HEADERS: dict[tuple[str, str], list[str]] = {
    ("ompic", "registry"): [
        "rc_court", "rc_number", "ice", "denomination", "legal_form", "creation_date",
        "dissolution_date", "capital_mad", "address", "commune", "activity",
    ],
    ("ompic", "balance_sheets"): [
        "rc_court", "rc_number", "ice", "fiscal_year", "filed_date", "total_assets_mad",
    ],
    ("dgi", "tax_declarations"): [
        "if_number", "ice", "denomination", "fiscal_year", "turnover_mad", "net_result_mad",
        "activity_code", "city",
    ],
    ("cnss", "employment"): [
        "cnss_number", "ice", "denomination", "commune", "year", "employees", "payroll_mad",
    ],
    ("rnae", "auto_entrepreneurs"): [
        "ae_number", "cin_hash", "ice", "full_name", "gender", "birth_year", "activity_kind",
        "activity_code", "commune", "registration_date", "deregistration_date",
    ],
    ("rnae", "turnover"): ["ae_number", "year", "quarter", "turnover_mad"],
    ("marocpme", "beneficiaries"): [
        "programme_code", "ice", "rc_court", "rc_number", "denomination", "approval_date",
        "amount_granted_mad",
    ],
    ("ccis", "members"): [
        "region_code", "member_id", "ice", "denomination", "activity_code", "phone", "email",
    ],
    ("bam", "credit"): ["ice", "year", "credit_outstanding_mad", "bank_count"],
}  # fmt: skip
PERIOD_COLUMN = {
    ("ompic", "balance_sheets"): "fiscal_year",
    ("dgi", "tax_declarations"): "fiscal_year",
    ("cnss", "employment"): "year",
    ("rnae", "turnover"): "year",
    ("bam", "credit"): "year",
}
YEARLY = set(PERIOD_COLUMN)
NAME = re.compile(r"^(\d{4})(?:\.v(\d+))?\.(csv|xlsx|parquet)$")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SynthSummary]:
    out = tmp_path_factory.mktemp("synth")
    summary = generate(out=out, scale=SCALE, seed=SEED, progress=False)
    return out, summary


def read_records(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and records of a delivered file, whatever its format."""
    if path.suffix == ".parquet":
        table = pq.read_table(path)
        rows = [[("" if v is None else str(v)) for v in r.values()] for r in table.to_pylist()]
        return table.column_names, rows
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        values = [[("" if v is None else str(v)) for v in r] for r in book.worksheets[0].values]
        book.close()
        return values[0], values[1:]
    raw = path.read_bytes()
    encoding = "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return records[0], [r for r in records[1:] if r]


def delivery_files(out: Path) -> list[Path]:
    return sorted(p for p in (out / "deliveries").rglob("*") if p.is_file())


def test_every_dataset_has_its_files_with_exact_headers(run: tuple[Path, SynthSummary]) -> None:
    out, summary = run
    files = delivery_files(out)
    seen: dict[tuple[str, str], set[int]] = {}
    for path in files:
        partner, dataset = path.parent.parent.name, path.parent.name
        match = NAME.match(path.name)
        assert match, path
        assert (partner, dataset) in HEADERS, path
        header, records = read_records(path)
        assert header == HEADERS[partner, dataset], path
        assert records, path
        period = int(match[1])
        seen.setdefault((partner, dataset), set()).add(period)
        column = PERIOD_COLUMN.get((partner, dataset))
        if column:
            index = header.index(column)
            assert {r[index] for r in records} == {str(period)}, path
    assert set(seen) == set(HEADERS)
    for key in YEARLY:
        assert seen[key] == set(range(2016, 2026)), key
    assert {2019, 2022, 2025} <= seen["ompic", "registry"]
    assert 2025 in seen["rnae", "auto_entrepreneurs"]
    assert seen["ccis", "members"] == {2025} and seen["marocpme", "beneficiaries"] == {2025}
    assert sorted(summary.files) == sorted(str(p.relative_to(out)) for p in files)
    assert summary.total_rows == sum(summary.rows.values()) > 10_000


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    generate(out=tmp_path / "a", scale=0.002, seed=5, progress=False)
    generate(out=tmp_path / "b", scale=0.002, seed=5, progress=False)
    generate(out=tmp_path / "c", scale=0.002, seed=6, progress=False)
    a, b, c = _digests(tmp_path / "a"), _digests(tmp_path / "b"), _digests(tmp_path / "c")
    assert a == b
    assert set(a) == set(c)
    assert all(a[k] != c[k] for k in a)


def _ice_values(out: Path) -> list[str]:
    values: list[str] = []
    for pattern in ("dgi/tax_declarations/*.csv", "cnss/employment/*.csv", "ompic/registry/*.csv"):
        for path in sorted((out / "deliveries").glob(pattern)):
            header, records = read_records(path)
            index = header.index("ice")
            values.extend(r[index] for r in records)
    return values


def test_ice_valid_unless_faulted_and_every_fault_present(run: tuple[Path, SynthSummary]) -> None:
    out, _ = run
    truth = pq.read_table(out / "truth" / "enterprises.parquet", columns=["ice"])
    true_ices = [v for v in truth.column("ice").to_pylist() if v]
    assert true_ices and all(stdnum_ice.is_valid(v) for v in true_ices)
    assert all(re.fullmatch(r"\d{15}", v) for v in true_ices)
    kinds = {"missing": 0, "valid": 0, "spaces": 0, "zeros_lost": 0, "digit_wrong": 0}
    for value in _ice_values(out):
        if not value:
            kinds["missing"] += 1
        elif " " in value:
            assert stdnum_ice.is_valid(value)
            kinds["spaces"] += 1
        elif len(value) < 15:
            assert stdnum_ice.is_valid(value.zfill(15))
            kinds["zeros_lost"] += 1
        elif stdnum_ice.is_valid(value):
            kinds["valid"] += 1
        else:
            kinds["digit_wrong"] += 1
    total = sum(kinds.values())
    assert all(count > 0 for count in kinds.values()), kinds
    assert kinds["valid"] > 0.7 * total
    assert kinds["digit_wrong"] < 0.05 * total


def test_truth_rows_cover_every_delivered_row(run: tuple[Path, SynthSummary]) -> None:
    out, summary = run
    rows = pq.read_table(out / "truth" / "rows.parquet").to_pandas()
    rows["file"] = rows["file"].astype(str)
    enterprises = pq.read_table(out / "truth" / "enterprises.parquet").to_pandas()
    by_id = enterprises.set_index("enterprise_id")
    assert rows["enterprise_id"].isin(by_id.index).all()
    assert len(rows) == summary.total_rows
    groups = dict(tuple(rows.groupby("file", sort=True)))
    files = delivery_files(out)
    assert sorted(groups) == sorted(str(p.relative_to(out)) for p in files)
    for path in files:
        _, records = read_records(path)
        group = groups[str(path.relative_to(out))]
        assert list(group["row"]) == list(range(1, len(records) + 1)), path
    # Spot checks: the identifier on a delivered row is the mapped enterprise's identifier.
    checks = [
        ("deliveries/ompic/registry/2025.csv", "rc_number", ["rc_number"]),
        ("deliveries/dgi/tax_declarations/2021.v2.csv", "if_number", ["if_number", "if_number_2"]),
        ("deliveries/cnss/employment/2019.csv", "cnss_number", ["cnss_number", "cnss_number_2"]),
        ("deliveries/rnae/auto_entrepreneurs/2025.csv", "ae_number", ["ae_number"]),
    ]
    for relative, column, truth_columns in checks:
        header, records = read_records(out / relative)
        group = groups[relative].set_index("row")["enterprise_id"]
        index = header.index(column)
        for number in range(1, len(records) + 1, max(1, len(records) // 50)):
            expected = by_id.loc[group[number], truth_columns].tolist()
            assert records[number - 1][index] in expected, (relative, number)


def test_cnss_in_windows_1252_and_french_conventions(run: tuple[Path, SynthSummary]) -> None:
    out, _ = run
    cnss = sorted((out / "deliveries" / "cnss" / "employment").glob("*.csv"))
    not_utf8 = 0
    for path in cnss:
        raw = path.read_bytes()
        raw.decode("cp1252")
        assert raw.split(b"\n", 1)[0].count(b";") == 6
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            not_utf8 += 1
    assert not_utf8 > 0
    texts = [p.read_bytes() for p in delivery_files(out) if p.suffix == ".csv"]
    joined = b"\n".join(texts).decode("utf-8", errors="replace")
    assert re.search(r";\d{1,3}(?: \d{3})+,\d\d(?:;|$)", joined, re.M)  # 1 234 567,89
    assert re.search(r";-?\d{4,},\d\d(?:;|\r?$)", joined, re.M)  # 1234567,89
    assert re.search(r",\d+\.\d\d(?:,|\r?$)", joined, re.M)  # 1234567.89
    assert re.search(r"\b\d{2}/\d{2}/\d{4}\b", joined)
    assert re.search(r"\b\d{4}-\d{2}-\d{2}\b", joined)
    boms = [t.startswith(b"\xef\xbb\xbf") for t in texts]
    assert any(boms) and not all(boms)


def test_xlsx_and_parquet_deliveries_are_readable(run: tuple[Path, SynthSummary]) -> None:
    out, _ = run
    header, records = read_records(out / "deliveries" / "ccis" / "members" / "2025.xlsx")
    assert header == HEADERS["ccis", "members"] and records
    table = pq.read_table(out / "deliveries" / "bam" / "credit" / "2021.parquet")
    assert table.column_names == HEADERS["bam", "credit"] and table.num_rows > 0
    assert pc.all(pc.equal(table.column("year"), 2021)).as_py()


def test_corrected_redeliveries(run: tuple[Path, SynthSummary]) -> None:
    out, _ = run
    root = out / "deliveries"
    for first, second in (
        (root / "dgi/tax_declarations/2021.csv", root / "dgi/tax_declarations/2021.v2.csv"),
        (root / "cnss/employment/2023.csv", root / "cnss/employment/2023.v2.csv"),
    ):
        _, old = read_records(first)
        _, new = read_records(second)
        assert len(new) >= len(old) and old != new


def test_names_and_places_carry_the_known_faults(run: tuple[Path, SynthSummary]) -> None:
    out, _ = run
    names: list[str] = []
    for path in sorted((out / "deliveries").glob("*/*/*.csv")):
        header, records = read_records(path)
        for column in ("denomination", "full_name"):
            if column in header:
                index = header.index(column)
                names.extend(r[index] for r in records)
    text = "\n".join(names)
    for marker in ("STE ", "SARL", "ETS ", "Sté", " & ", " ET ", "S.A.R.L"):
        assert marker in text, marker
    truth = pq.read_table(out / "truth" / "enterprises.parquet").to_pandas()
    assert truth["homonym"].sum() >= 2
    legal = truth[truth["category"] == "EPMA"]
    assert legal["name"].duplicated().sum() >= 1  # homonyms: same name, other region


def test_partial_coverage_and_two_identifiers(run: tuple[Path, SynthSummary]) -> None:
    out, _ = run
    rows = pq.read_table(out / "truth" / "rows.parquet").to_pandas()
    rows["source"] = rows["file"].astype(str).str.split("/").str[1]
    sources = rows.groupby("enterprise_id")["source"].nunique()
    assert (sources == 1).any() and (sources >= 3).any()
    truth = pq.read_table(out / "truth" / "enterprises.parquet").to_pandas()
    assert truth["if_number_2"].notna().any() and truth["cnss_number_2"].notna().any()


def test_deliveries_load_under_the_conventions(
    run: tuple[Path, SynthSummary], tmp_path: Path
) -> None:
    out, _ = run
    deliverer = Deliverer(get_settings(tmp_path / "home"))
    wanted = {
        "ompic/registry/2019.csv",
        "ompic/balance_sheets/2016.csv",
        "dgi/tax_declarations/2016.csv",
        "cnss/employment/2016.csv",
        "rnae/auto_entrepreneurs/2025.csv",
        "rnae/turnover/2020.csv",
        "marocpme/beneficiaries/2025.csv",
        "ccis/members/2025.xlsx",
        "bam/credit/2016.parquet",
    }
    for relative in sorted(wanted):
        partner, dataset, name = relative.split("/")
        path = out / "deliveries" / relative
        report = deliverer.deliver(partner, dataset, int(name[:4]), path)
        assert report.status == "loaded", (relative, report.errors)
        assert report.quarantined == 0 and report.loaded == report.received, relative


def test_summary_is_json_and_printable(run: tuple[Path, SynthSummary]) -> None:
    _, summary = run
    payload = json.loads(json.dumps(summary.to_dict()))
    assert payload["scale"] == SCALE and payload["seed"] == SEED
    assert set(payload["enterprises"]) == {"EPMA", "EPPA", "AE"}
    assert payload["rows_total"] == sum(payload["rows"].values())
    console = Console(record=True, width=120)
    summary.print(console)
    assert "dgi.tax_declarations" in console.export_text()
