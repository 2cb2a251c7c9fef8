"""One delivery end to end: typed staging, row accounting, idempotency, supersession."""

from __future__ import annotations

import datetime as dt
import json
import threading
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from conftest import DGI_HEADER, dgi_csv, good_dgi_rows, make_ice
from marsad.cli.app import app
from marsad.ingest import Deliverer, Ledger
from marsad.settings import Settings


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def staged(settings: Settings, delivery_id: str, name: str = "rows.parquet") -> list[tuple]:
    record = Ledger(settings.ledger_path).get(delivery_id)
    assert record is not None and record.path
    path = settings.home / record.path / name
    return duckdb.sql(f"SELECT * FROM '{path}' ORDER BY _row").fetchall()


def test_valid_rows_are_typed_and_keep_their_row_numbers(
    deliverer: Deliverer, settings: Settings, tmp_path: Path
) -> None:
    rows = good_dgi_rows()
    rows.insert(1, "2000;;BAD AMOUNT;2021;12,3,4;;47;Fès")
    rows.append(f"3000;{make_ice(9)[:-1]}7;STE TYPO ICE;2021;1234567.89;;00;Atlantis")
    path = write(tmp_path / "2021.csv", dgi_csv(rows))
    report = deliverer.deliver("dgi", "tax_declarations", 2021, path)
    assert report.status == "loaded"
    assert (report.received, report.loaded, report.quarantined) == (5, 4, 1)
    assert report.flagged == 1
    loaded = staged(settings, report.delivery_id or "")
    assert [r[1] for r in loaded] == [1, 3, 4, 5]  # _row, header excluded, 1-based
    first = loaded[0]
    assert first[0] == report.delivery_id
    assert first[6] == Decimal("1234567.89") and first[7] == Decimal("-12000.50")
    assert first[5] == 2021 and first[-1] == []
    assert sorted(loaded[-1][-1]) == [
        "activity_code:activity_code_unknown",
        "city:commune_unknown",
        "ice:ice_invalid",
    ]
    quarantine = staged(settings, report.delivery_id or "", "quarantine.parquet")
    assert [(q[1], q[2]) for q in quarantine] == [(2, ["turnover_mad:not_an_amount"])]
    assert quarantine[0][7] == "12,3,4"  # the value as received
    by_rule = {(s["rule"], s["column"]): s["rows"] for s in report.issue_summary}
    assert by_rule[("not_an_amount", "turnover_mad")] == 1
    assert by_rule[("ice_invalid", "ice")] == 1
    issue = next(i for i in report.issues if i.rule == "not_an_amount")
    assert (issue.row, issue.column, issue.value) == (2, "turnover_mad", "12,3,4")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234567.89", "1234567.89"),
        ("1 234 567,89", "1234567.89"),
        ("1\u00a0234\u00a0567,89", "1234567.89"),
        ("1234567,89", "1234567.89"),
        ("1.234.567,89", "1234567.89"),
        ("-12 000,5", "-12000.50"),
        ("0", "0.00"),
        ("", None),
    ],
)
def test_amount_forms(
    deliverer: Deliverer, settings: Settings, tmp_path: Path, text: str, expected: str | None
) -> None:
    row = f"1;;X;2021;;{text};47;Casablanca"  # net result: may be negative
    report = deliverer.deliver(
        "dgi", "tax_declarations", 2021, write(tmp_path / "a.csv", dgi_csv([row]))
    )
    assert report.loaded == 1
    value = staged(settings, report.delivery_id or "")[0][7]
    assert value == (Decimal(expected) if expected is not None else None)


def test_both_date_forms_and_impossible_dates(
    deliverer: Deliverer, settings: Settings, tmp_path: Path
) -> None:
    header = "rc_court,rc_number,ice,fiscal_year,filed_date,total_assets_mad"
    text = "\n".join(
        [
            header,
            "CASA,1,,2021,2022-03-31,100",
            "CASA,2,,2021,31/03/2022,100",
            "CASA,3,,2021,31/02/2022,100",
            "CASA,4,,2021,2022-13-01,100",
        ]
    )
    path = write(tmp_path / "b.csv", text)
    report = deliverer.deliver("ompic", "balance_sheets", 2021, path)
    rows = staged(settings, report.delivery_id or "")
    assert [r[6] for r in rows] == [dt.date(2022, 3, 31)] * 2
    assert (report.loaded, report.quarantined) == (2, 2)
    assert {i.rule for i in report.issues} == {"not_a_date"}


def test_same_file_twice_changes_nothing(
    deliverer: Deliverer, settings: Settings, tmp_path: Path
) -> None:
    path = write(tmp_path / "2021.csv", dgi_csv(good_dgi_rows()))
    first = deliverer.deliver("dgi", "tax_declarations", 2021, path)
    ledger_before = settings.ledger_path.read_bytes()
    files_before = sorted(p for p in settings.staging_dir.rglob("*") if p.is_file())
    again = deliverer.deliver(
        "dgi", "tax_declarations", 2021, write(tmp_path / "copy.csv", path.read_text())
    )
    assert again.status == "duplicate" and again.valid
    assert again.duplicate_of == first.delivery_id
    assert settings.ledger_path.read_bytes() == ledger_before
    assert sorted(p for p in settings.staging_dir.rglob("*") if p.is_file()) == files_before


def test_corrected_redelivery_supersedes_and_both_stay_on_record(
    deliverer: Deliverer, settings: Settings, tmp_path: Path
) -> None:
    first = deliverer.deliver(
        "dgi", "tax_declarations", 2021, write(tmp_path / "2021.csv", dgi_csv(good_dgi_rows()))
    )
    corrected = good_dgi_rows()
    corrected[0] = corrected[0].replace("1 234 567,89", "2 000 000,00")
    second = deliverer.deliver(
        "dgi", "tax_declarations", 2021, write(tmp_path / "2021.v2.csv", dgi_csv(corrected))
    )
    assert second.status == "loaded" and second.supersedes == first.delivery_id
    ledger = Ledger(settings.ledger_path)
    statuses = {r.id: r.status for r in ledger.records()}
    assert statuses == {first.delivery_id: "superseded", second.delivery_id: "current"}
    assert [r.id for r in ledger.current("dgi")] == [second.delivery_id]
    # both stay on record, with their staged rows
    assert len(staged(settings, first.delivery_id or "")) == 3
    assert staged(settings, second.delivery_id or "")[0][6] == Decimal("2000000.00")
    # sending the first one again is recognised: nothing changes
    again = deliverer.deliver("dgi", "tax_declarations", 2021, tmp_path / "2021.csv")
    assert again.status == "duplicate"
    assert [r.id for r in ledger.current("dgi")] == [second.delivery_id]


def test_refused_file_loads_nothing_and_is_on_record(
    deliverer: Deliverer, settings: Settings, tmp_path: Path
) -> None:
    path = write(tmp_path / "x.csv", dgi_csv(good_dgi_rows(), header=DGI_HEADER + ";secret"))
    report = deliverer.deliver("dgi", "tax_declarations", 2021, path)
    assert report.status == "refused" and not report.valid
    assert report.errors[0].rule == "undeclared_column" and report.errors[0].column == "secret"
    assert report.loaded == 0
    records = Ledger(settings.ledger_path).records()
    assert [(r.status, r.refusal and r.refusal["rule"]) for r in records] == [
        ("refused", "undeclared_column")
    ]
    assert not list(settings.staging_dir.glob("dgi/*/*/*/rows.parquet"))


def test_expired_or_unknown_convention_is_refused(deliverer: Deliverer, tmp_path: Path) -> None:
    path = write(tmp_path / "2021.csv", dgi_csv(good_dgi_rows()))
    expired = deliverer.deliver("dgi", "tax_declarations", 2021, path, today=dt.date(2040, 1, 1))
    assert expired.errors[0].rule == "convention_expired"
    unknown = deliverer.deliver("dgi", "salaries", 2021, path)
    assert unknown.errors[0].rule == "unknown_dataset"
    traversal = deliverer.deliver("../..", "x", 2021, path)
    assert traversal.errors[0].rule == "unknown_dataset"
    bad_period = deliverer.deliver("dgi", "tax_declarations", 1800, path)
    assert bad_period.errors[0].rule == "invalid_period"


def test_run_killed_half_way_leaves_the_current_delivery_intact(
    deliverer: Deliverer, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = deliverer.deliver(
        "dgi", "tax_declarations", 2021, write(tmp_path / "2021.csv", dgi_csv(good_dgi_rows()))
    )
    from marsad.ingest import pipeline

    def crash(*args: object, **kwargs: object) -> None:
        out_dir = kwargs["out_dir"]
        assert isinstance(out_dir, Path)
        (out_dir / "rows.parquet").write_bytes(b"half written")
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "validate_delivery", crash)
    with pytest.raises(KeyboardInterrupt):
        deliverer.deliver(
            "dgi",
            "tax_declarations",
            2021,
            write(tmp_path / "2021.v2.csv", dgi_csv(good_dgi_rows(n=5))),
        )
    current = Ledger(settings.ledger_path).current("dgi")
    assert [r.id for r in current] == [first.delivery_id]
    assert len(staged(settings, first.delivery_id or "")) == 3
    assert not any((settings.staging_dir / ".incoming").iterdir())


def test_concurrent_senders_of_one_file_load_it_once(settings: Settings, tmp_path: Path) -> None:
    path = write(tmp_path / "2021.csv", dgi_csv(good_dgi_rows(n=50)))
    statuses: list[str] = []

    def send() -> None:
        statuses.append(Deliverer(settings).deliver("dgi", "tax_declarations", 2021, path).status)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == ["duplicate", "duplicate", "duplicate", "loaded"]
    assert len(Ledger(settings.ledger_path).records()) == 1


def test_cli_json_equals_api_report_and_exit_codes(tmp_path: Path) -> None:
    home = tmp_path / "cli-home"
    path = write(tmp_path / "2021.csv", dgi_csv(good_dgi_rows()))
    runner = CliRunner()
    args = [
        "--home",
        str(home),
        "deliver",
        "--partner",
        "dgi",
        "--dataset",
        "tax_declarations",
        "--period",
        "2021",
        str(path),
        "--json",
    ]
    out = runner.invoke(app, args)
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert payload["status"] == "loaded" and payload["loaded"] == 3
    # the same call through the API (now a duplicate) reports the same counts and id
    from marsad.settings import get_settings

    api = Deliverer(get_settings(home)).deliver("dgi", "tax_declarations", 2021, path)
    assert api.delivery_id == payload["delivery_id"] and api.loaded == payload["loaded"]
    refused = write(tmp_path / "r.csv", "if_number;fiscal_year;spy\n1;2021;x\n")
    args[-2] = str(refused)
    out = runner.invoke(app, args)
    assert out.exit_code == 1
    assert json.loads(out.stdout)["errors"][0]["rule"] == "undeclared_column"
    human = runner.invoke(app, args[:-1])
    assert human.exit_code == 1 and "Traceback" not in human.output


def test_deliveries_command_lists_the_ledger(tmp_path: Path) -> None:
    home = tmp_path / "h"
    path = write(tmp_path / "2021.csv", dgi_csv(good_dgi_rows()))
    runner = CliRunner()
    base = ["--home", str(home)]
    deliver = [*base, "deliver", "--partner", "dgi", "--dataset", "tax_declarations"]
    assert runner.invoke(app, [*deliver, "--period", "2021", str(path)]).exit_code == 0
    refused = write(tmp_path / "bad.csv", "if_number;fiscal_year;spy\n1;2021;x\n")
    assert runner.invoke(app, [*deliver, "--period", "2021", str(refused)]).exit_code == 1
    current = json.loads(runner.invoke(app, [*base, "deliveries", "--json"]).stdout)
    assert [r["status"] for r in current] == ["current"] and current[0]["loaded"] == 3
    every = json.loads(runner.invoke(app, [*base, "deliveries", "--all", "--json"]).stdout)
    assert sorted(r["status"] for r in every) == ["current", "refused"]


def test_a_file_that_vanishes_is_refused_not_a_crash(deliverer: Deliverer, tmp_path: Path) -> None:
    report = deliverer.deliver("dgi", "tax_declarations", 2021, tmp_path / "gone.csv")
    assert report.status == "refused" and report.errors[0].rule == "unreadable"


def test_identical_rows_load_once_and_their_copies_are_set_aside(
    deliverer: Deliverer, settings: Settings, tmp_path: Path
) -> None:
    row = good_dgi_rows(n=1)[0]
    path = write(tmp_path / "2021.csv", dgi_csv([row] * 200_000))
    report = deliverer.deliver("dgi", "tax_declarations", 2021, path)
    assert report.status == "loaded"
    assert (report.received, report.loaded, report.quarantined) == (200_000, 1, 199_999)
    assert report.issue_summary == [
        {
            "rule": "exact_duplicate",
            "column": "if_number,fiscal_year",
            "severity": "warning",
            "rows": 199_999,
        }
    ]
    assert [r[1] for r in staged(settings, report.delivery_id or "")] == [1]
    record = Ledger(settings.ledger_path).get(report.delivery_id or "")
    assert record is not None and record.path
    quarantine = settings.home / record.path / "quarantine.parquet"
    counts = duckdb.sql(
        f"SELECT min(_row), count(*), list_distinct(flatten(list(_reasons))) FROM '{quarantine}'"
    ).fetchone()
    assert counts == (2, 199_999, ["if_number,fiscal_year:exact_duplicate"])
    first = next(i for i in report.issues if i.rule == "exact_duplicate")
    assert (first.row, first.value) == (2, "1")  # the copy names the row it repeats
