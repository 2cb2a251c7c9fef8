"""Every hostile file gets a clear report, no traceback, and exact row accounting."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from hostile_corpus import CASES, Case
from marsad.ingest import Deliverer, Ledger
from marsad.settings import Settings


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 20
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file(case: Case, deliverer: Deliverer, settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "delivery.csv"
    path.write_bytes(case.content())
    report = deliverer.deliver(
        case.partner, case.dataset, case.period, path, source_name=case.source_name
    )
    assert report.received == report.loaded + report.quarantined
    staged_rows = list(settings.staging_dir.glob("*/*/*/*/rows.parquet"))
    if case.refused_rule is not None:
        assert report.status == "refused"
        assert [e.rule for e in report.errors] == [case.refused_rule]
        assert report.errors[0].message  # a sentence for the data steward
        assert report.loaded == 0 and not staged_rows
        assert Ledger(settings.ledger_path).current() == []
        return
    # a file that loads no row is held for a data steward instead of becoming current
    assert report.status == ("loaded" if report.loaded else "pending"), report.errors
    assert case.quarantined is not None
    by_row: dict[int, set[str]] = {}  # rows set aside: errors, and the copies of a row
    for issue in report.issues:
        if (issue.severity == "error" or issue.rule == "exact_duplicate") and issue.row:
            by_row.setdefault(issue.row, set()).add(issue.rule)
    assert set(by_row) == set(case.quarantined)
    for row, rule in case.quarantined.items():
        assert rule in by_row[row]
    assert report.quarantined == len(case.quarantined)
    [rows_file] = staged_rows
    loaded = duckdb.sql(f"SELECT count(*) FROM '{rows_file}'").fetchone()
    assert loaded is not None and loaded[0] == report.loaded
    quarantine = duckdb.sql(
        f"SELECT _row FROM '{rows_file.parent / 'quarantine.parquet'}' ORDER BY _row"
    ).fetchall()
    assert [r[0] for r in quarantine] == sorted(case.quarantined)


def test_text_that_looks_like_code_is_loaded_verbatim(
    deliverer: Deliverer, settings: Settings, tmp_path: Path
) -> None:
    by_name = {c.name: c for c in CASES}
    for name, expected in [
        ("formula injection", '=HYPERLINK("http://evil.example","x")'),
        ("script in names", "<script>alert(1)</script>"),
    ]:
        case = by_name[name]
        path = tmp_path / f"{len(expected)}.csv"
        path.write_bytes(case.content())
        report = deliverer.deliver(case.partner, case.dataset, case.period, path)
        record = Ledger(settings.ledger_path).get(report.delivery_id or "")
        assert record is not None and record.path
        names = duckdb.sql(
            f"SELECT denomination FROM '{settings.home / record.path / 'rows.parquet'}'"
        ).fetchall()
        assert (expected,) in names


def test_hostile_file_name_is_stored_harmlessly(
    deliverer: Deliverer, settings: Settings, tmp_path: Path
) -> None:
    case = next(c for c in CASES if c.source_name)
    path = tmp_path / "upload.csv"
    path.write_bytes(case.content())
    report = deliverer.deliver(
        case.partner, case.dataset, case.period, path, source_name=case.source_name
    )
    assert report.file == "x.csv"
    record = Ledger(settings.ledger_path).get(report.delivery_id or "")
    assert record is not None and record.path and ".." not in record.path
    assert (settings.home / record.path).resolve().is_relative_to(settings.staging_dir.resolve())
    assert not (tmp_path.parent / "x.csv").exists()


def test_xlsx_on_another_sheet_says_where_it_read(deliverer: Deliverer, tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "XLSX with data on the wrong sheet")
    path = tmp_path / "d.xlsx"
    path.write_bytes(case.content())
    report = deliverer.deliver(case.partner, case.dataset, case.period, path)
    assert report.sheet == "Données" and report.loaded == 3
    assert any("Données" in note for note in report.notes)
