"""Conventions as data: the shipped ones are valid; broken ones get every problem at once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from marsad.cli.app import app
from marsad.conventions import ConventionSet, check_conventions, shipped_folder
from marsad.errors import ConfigurationError

PARTNER_DATASETS = {
    ("ompic", "registry"),
    ("ompic", "balance_sheets"),
    ("dgi", "tax_declarations"),
    ("cnss", "employment"),
    ("rnae", "auto_entrepreneurs"),
    ("rnae", "turnover"),
    ("marocpme", "beneficiaries"),
    ("ccis", "members"),
    ("bam", "credit"),
}


def test_shipped_conventions_are_valid_and_cover_every_partner_dataset() -> None:
    report = check_conventions()
    assert report.valid, [str(p) for p in report.problems]
    covered = {(c.partner, d) for c in report.conventions for d in c.datasets}
    assert covered == PARTNER_DATASETS
    assert len({c.partner for c in report.conventions}) == 7


def test_partner_layouts_match_the_data_dictionary() -> None:
    conventions = ConventionSet.load()
    import datetime as dt

    _, spec = conventions.dataset("dgi", "tax_declarations", dt.date(2025, 1, 1))
    assert spec.field_names == (
        "if_number",
        "ice",
        "denomination",
        "fiscal_year",
        "turnover_mad",
        "net_result_mad",
        "activity_code",
        "city",
    )
    _, credit = conventions.dataset("bam", "credit", dt.date(2025, 1, 1))
    assert credit.aggregate_only
    bam = conventions.in_force("bam", "credit", dt.date(2025, 1, 1))
    assert bam is not None and bam.visible_fields("credit", "analyst") == ()
    rnae = conventions.in_force("rnae", "auto_entrepreneurs", dt.date(2025, 1, 1))
    assert rnae is not None
    assert "full_name" in rnae.visible_fields("auto_entrepreneurs", "desk_agent")
    assert "full_name" not in rnae.visible_fields("auto_entrepreneurs", "analyst")


def _broken_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "conventions"
    shutil.copytree(shipped_folder(), folder)
    dgi = yaml.safe_load((folder / "dgi.yaml").read_text(encoding="utf-8"))
    dgi["valid_to"] = "2010-01-01"  # before valid_from
    dgi["access"]["spy"] = ["public"]  # unknown role
    dgi["datasets"]["tax_declarations"]["key"] = ["if_number", "nope"]
    (folder / "dgi.yaml").write_text(yaml.safe_dump(dgi), encoding="utf-8")
    cnss = yaml.safe_load((folder / "cnss.yaml").read_text(encoding="utf-8"))
    cnss["datasets"]["employment"]["fields"][0]["type"] = "float"
    (folder / "cnss.yaml").write_text(yaml.safe_dump(cnss), encoding="utf-8")
    (folder / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    return folder


def test_every_problem_is_listed_in_one_report(tmp_path: Path) -> None:
    report = check_conventions(_broken_folder(tmp_path))
    assert not report.valid
    text = "\n".join(str(p) for p in report.problems)
    assert "broken.yaml" in text and "not valid YAML" in text
    assert "cnss.yaml" in text and "datasets.employment.fields.0.type" in text
    assert "dgi.yaml" in text
    assert "key field 'nope' is not declared" in text
    with pytest.raises(ConfigurationError) as err:
        ConventionSet.load(_broken_folder(tmp_path / "again"))
    assert "broken.yaml" in str(err.value) and "cnss.yaml" in str(err.value)


def test_cli_check_json_equals_api_and_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["conventions", "check", "--json"])
    assert ok.exit_code == 0
    assert json.loads(ok.stdout) == check_conventions().to_dict()
    folder = _broken_folder(tmp_path)
    bad = runner.invoke(app, ["conventions", "check", "--dir", str(folder), "--json"])
    assert bad.exit_code == 1
    assert json.loads(bad.stdout) == check_conventions(folder).to_dict()
    human = runner.invoke(app, ["conventions", "check", "--dir", str(folder)])
    assert human.exit_code == 1 and "Traceback" not in human.output


def test_overlapping_versions_are_ambiguous(tmp_path: Path) -> None:
    folder = tmp_path / "conventions"
    shutil.copytree(shipped_folder(), folder)
    dgi = yaml.safe_load((folder / "dgi.yaml").read_text(encoding="utf-8"))
    dgi["version"] = 2
    (folder / "dgi-v2.yaml").write_text(yaml.safe_dump(dgi), encoding="utf-8")
    report = check_conventions(folder)
    assert any("both in force at once" in p.message for p in report.problems)


def test_the_data_steward_guide_lists_every_rule() -> None:
    from marsad.ingest import FILE_RULES, ROW_RULES

    guide = (Path(__file__).parents[1] / "docs" / "data-steward.md").read_text(encoding="utf-8")
    for rule in [*FILE_RULES, *ROW_RULES]:
        assert f"`{rule}`" in guide, rule


def test_guard_and_calendar_are_data_with_their_problems_listed(tmp_path: Path) -> None:
    import datetime as dt

    conventions = ConventionSet.load()
    dgi = conventions.in_force("dgi", "tax_declarations", dt.date(2025, 1, 1))
    assert dgi is not None and dgi.guard_of("tax_declarations").max_row_drop_percent == 20
    calendar = dgi.datasets["tax_declarations"].calendar
    assert calendar is not None and calendar.due(2023) == dt.date(2024, 9, 30)
    ccis = conventions.in_force("ccis", "members", dt.date(2025, 1, 1))
    assert ccis is not None
    members = ccis.datasets["members"].calendar
    assert members is not None and members.due(2024) == dt.date(2024, 12, 31)
    folder = tmp_path / "conventions"
    shutil.copytree(shipped_folder(), folder)
    raw = yaml.safe_load((folder / "dgi.yaml").read_text(encoding="utf-8"))
    raw["guard"] = {"max_row_drop_percent": 120}
    raw["datasets"]["tax_declarations"]["calendar"] = {"due_month": 13, "years_after": 1}
    raw["datasets"]["tax_declarations"]["guard"] = {"max_row_drop": 5}
    (folder / "dgi.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    problems = {p.location for p in check_conventions(folder).problems}
    assert problems == {
        "guard.max_row_drop_percent",
        "datasets.tax_declarations.calendar.due_month",
        "datasets.tax_declarations.guard.max_row_drop",
    }
    raw["guard"] = {"max_row_drop_percent": 10}
    raw["datasets"]["tax_declarations"]["calendar"] = {"due_month": 6}
    raw["datasets"]["tax_declarations"]["guard"] = {"max_row_drop_percent": 50}
    (folder / "dgi.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    edited = ConventionSet(check_conventions(folder).conventions)
    conv = edited.in_force("dgi", "tax_declarations", dt.date(2025, 1, 1))
    assert conv is not None and conv.guard_of("tax_declarations").max_row_drop_percent == 50
    assert conv.guard.max_row_drop_percent == 10
