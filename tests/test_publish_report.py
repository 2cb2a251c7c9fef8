"""The annual report of a release: written, valid, faithful to the published cells, never
showing a suppressed value, degrading part by part when tables are absent; CLI and PDF."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import lxml.html
import pandas as pd
import pytest
from typer.testing import CliRunner

from marsad.cli.app import app
from marsad.publish.report import ReportResult, write_report
from marsad.publish.report.fmt import change, long_date, number, parse, percent
from marsad.publish.report.pdf import render_pdf
from marsad.release import ReleaseStore
from marsad.settings import Settings, get_settings

CHROMIUM = Path("/usr/bin/chromium")
SECTIONS = ["headline", "regions", "sectors", "sizes", "demography", "trends", "methods"]
VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "source", "wbr"}


class StrictParser(HTMLParser):
    """Every element closed, in order (SVG self-closing elements allowed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else ''}>")
        else:
            self.stack.pop()


@pytest.fixture(scope="module")
def report(published: Settings) -> ReportResult:
    return write_report(published)


@pytest.fixture(scope="module")
def page(report: ReportResult) -> Any:
    return lxml.html.fromstring(report.html.read_text("utf-8"))


def card(page: Any, key: str) -> str:
    """The value shown on the key-figure card ``key``."""
    return str(
        page.xpath(f'//div[@data-key="{key}"]/div[contains(@class, "value")]')[0].text_content()
    )


def release_cells(settings: Settings, table_id: str) -> pd.DataFrame:
    store = ReleaseStore(settings.home)
    return store.table(store.latest() or "", table_id)


def total_cell(frame: pd.DataFrame, year: str, **codes: str) -> pd.Series:
    dims = [c for c in frame.columns if c not in ("OBS_VALUE", "CONF_STATUS", "OBS_STATUS")]
    mask = frame["TIME_PERIOD"] == year
    for dim in dims:
        if dim != "TIME_PERIOD":
            mask &= frame[dim] == codes.get(dim, "_T")
    rows = frame[mask]
    assert len(rows) == 1
    return rows.iloc[0]


def test_report_is_written_where_expected_and_valid(published: Settings, report: ReportResult):
    store = ReleaseStore(published.home)
    release_id = store.latest()
    assert report.release_id == release_id
    assert report.html == published.home / "reports" / release_id / f"rapport-{release_id}.html"
    text = report.html.read_text("utf-8")
    assert text.startswith("<!DOCTYPE html>")
    parser = StrictParser()
    parser.feed(text)
    parser.close()
    assert parser.errors == [] and parser.stack == []
    # self-contained: inline CSS and SVG, no script, no external asset
    assert "<style>" in text and "<svg" in text
    assert "<script" not in text and "src=" not in text and "<link" not in text
    assert "break-before:page" in text and "@page" in text
    assert report.sections == ["cover", *SECTIONS]
    assert report.seconds > 0


def test_sections_and_graceful_degradation(page: Any, report: ReportResult):
    for section in SECTIONS:
        assert page.get_element_by_id(section) is not None
    cover = page.get_element_by_id("cover").text_content()
    assert report.release_id in cover and "Années couvertes" in cover
    # the fixture's release has no survival, transition, growth or employees tables
    assert {"survival_rate_region_horizon", "size_transitions"} <= set(report.missing_tables)
    demography = page.get_element_by_id("demography").text_content()
    assert "ne fait partie de cette publication" in demography
    assert "size_transitions" in demography
    regions = " ".join(page.get_element_by_id("regions").text_content().split())
    assert "Non disponibles dans cette publication : Salariés déclarés" in regions
    methods = page.get_element_by_id("methods").text_content()
    assert "Secret statistique" in methods and "Audit de la publication" in methods
    assert "aucune cellule confidentielle n'est exposée" in methods


def test_headline_figures_are_the_release_totals(
    published: Settings, report: ReportResult, page: Any
):
    latest = str(ReleaseStore(published.home).manifest(report.release_id)["data_years"][-1])
    expected = {
        "active": ("active_region_section", 0),
        "turnover": ("turnover_region_section_size", 1),
        "births": ("births_region_section", 0),
        "birth_rate": ("birth_rate_region_section", 1),
    }
    by_key = {f["key"]: f for f in report.figures}
    for key, (table_id, decimals) in expected.items():
        cell = total_cell(release_cells(published, table_id), latest)
        shown = card(page, key)
        assert by_key[key]["table"] == table_id and by_key[key]["year"] == latest
        if cell["CONF_STATUS"] == "F":
            assert parse(shown) == round(float(cell["OBS_VALUE"]), decimals)
            assert by_key[key]["value"] == float(cell["OBS_VALUE"])
        else:
            assert shown == cell["CONF_STATUS"] and by_key[key]["value"] is None
    missing = card(page, "employees")
    assert missing == "non disponible" and by_key["employees"]["table"] is None
    assert "Chiffres clés " + latest in page.get_element_by_id("headline").text_content()


@pytest.mark.parametrize("section", ["regions", "sectors", "sizes"])
def test_no_suppressed_value_is_shown(
    published: Settings, report: ReportResult, page: Any, section: str
):
    latest = str(ReleaseStore(published.home).manifest(report.release_id)["data_years"][-1])
    dimension = {"regions": "REGION", "sectors": "ACTIVITY"}
    frames: dict[str, pd.DataFrame] = {}
    checked = suppressed = 0
    for td in page.get_element_by_id(section).xpath(".//td[@data-table]"):
        table_id, code = td.get("data-table"), td.get("data-code")
        frame = frames.setdefault(table_id, release_cells(published, table_id))
        dim = dimension.get(section) or next(
            c for c in frame.columns if c in ("SIZE_CLASS", "LEGAL_FORM")
        )
        cell = total_cell(frame, latest, **{dim: code})
        shown = td.text_content()
        decimals = int(
            ReleaseStore(published.home).table_meta(report.release_id, table_id).get("decimals")
            or 0
        )
        if cell["CONF_STATUS"] in ("C", "N"):
            assert shown == cell["CONF_STATUS"], (table_id, code)
            suppressed += 1
        else:
            assert parse(shown) == round(float(cell["OBS_VALUE"]), decimals), (table_id, code)
        checked += 1
    assert checked > 10
    if section != "sizes":
        assert suppressed > 0  # the synthetic release has confidential cells to hide


def test_regional_chart_has_the_twelve_regions(page: Any):
    svg = page.get_element_by_id("regions").xpath(".//svg")[0]
    labels = [t for t in svg.iter("{*}text", "text") if t.get("text-anchor") == "end"]
    assert len(labels) == 12


def test_cli_json_equals_the_python_result(published: Settings, tmp_path: Path):
    out = tmp_path / "cli"
    runner = CliRunner()
    args = ["--home", str(published.home), "report", "--out", str(out), "--no-pdf", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    python = write_report(published, out=out, pdf=False).to_dict()
    assert isinstance(printed.pop("seconds"), float)
    python.pop("seconds")
    assert printed == python
    assert printed["pdf"] is None and "PDF non demandé" in printed["pdf_skipped_reason"]


def test_cli_unknown_release_exits_2_in_french(published: Settings):
    runner = CliRunner()
    result = runner.invoke(
        app, ["--home", str(published.home), "report", "--release", "1999-01-01.1"]
    )
    assert result.exit_code == 2  # a user error, as for every command
    assert "La publication 1999-01-01.1 n'existe pas" in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_pdf_is_printed_by_chromium(report: ReportResult):
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} est absent : le PDF n'est pas vérifié")
    assert report.pdf_skipped_reason is None, report.pdf_skipped_reason
    assert report.pdf is not None and report.pdf.read_bytes()[:4] == b"%PDF"


def test_pdf_fallback_keeps_the_html(tmp_path: Path):
    html = tmp_path / "r.html"
    html.write_text("<!DOCTYPE html><html><body>x</body></html>", "utf-8")
    absent = render_pdf(html, tmp_path / "r.pdf", chromium=tmp_path / "no-chromium")
    assert absent.path is None and "introuvable" in (absent.skipped_reason or "")
    failing = render_pdf(html, tmp_path / "r.pdf", chromium=Path("/bin/false"))
    assert failing.path is None and "a échoué" in (failing.skipped_reason or "")
    assert html.is_file() and not (tmp_path / "r.pdf").exists()


def copy_home(published: Settings, target: Path) -> tuple[Settings, Path]:
    store = ReleaseStore(published.home)
    release_id = store.latest() or ""
    folder = target / "releases" / release_id
    shutil.copytree(store.path(release_id), folder)
    return get_settings(target), folder


def test_provisional_years_and_escaping(published: Settings, tmp_path: Path):
    settings, folder = copy_home(published, tmp_path / "home")
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    latest = str(manifest["data_years"][-1])
    path = folder / "tables" / "active_region_section.parquet"
    frame = pd.read_parquet(path)
    frame.loc[frame["TIME_PERIOD"] == latest, "OBS_STATUS"] = "P"
    frame.to_parquet(path, index=False)
    codelist = folder / "codelists" / "CL_REGION.json"
    document = json.loads(codelist.read_text("utf-8"))
    document["codes"][1]["names"]["fr"] = '<script>alert("x")</script> & Co'
    codelist.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    result = write_report(settings, pdf=False)
    text = result.html.read_text("utf-8")
    assert "<script" not in text and "&lt;script&gt;" in text and "&amp; Co" in text
    page = lxml.html.fromstring(text)
    headline = page.get_element_by_id("headline").text_content()
    assert f"Chiffres clés {latest}\u202fp" in headline
    assert page.xpath('//sup[@class="p"]')
    assert f"Les années marquées p ({latest})" in page.get_element_by_id("methods").text_content()


def test_a_release_with_one_table_degrades_part_by_part(published: Settings, tmp_path: Path):
    settings, folder = copy_home(published, tmp_path / "home")
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    manifest["tables"] = [t for t in manifest["tables"] if t["id"] == "active_legal_form"]
    (folder / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    for table in folder.glob("tables/*"):
        if not table.name.startswith("active_legal_form."):
            table.unlink()
    result = write_report(settings, pdf=False, lang="en")
    assert result.html.name.endswith("-en.html")
    page = lxml.html.fromstring(result.html.read_text("utf-8"))
    assert page.get("lang") == "en"
    for section in ("regions", "sectors", "demography"):
        assert "is in this release" in page.get_element_by_id(section).text_content()
    assert card(page, "active") != "–"
    ar = write_report(settings, pdf=False, lang="ar")
    assert lxml.html.fromstring(ar.html.read_text("utf-8")).get("dir") == "rtl"


def test_french_number_formatting():
    assert number(1234567.891, 1) == "1\u202f234\u202f567,9"
    assert number(1234567.891, 1, "en") == "1,234,567.9"
    assert number(-12.0) == "\u221212"
    assert percent(3.26) == "3,3\u202f%" and percent(3.26, lang="en") == "3.3%"
    assert change(2.5, False) == "+2,5\u202f%" and change(-0.3, True) == "\u22120,3\u202fpt"
    assert parse("1\u202f234,5") == 1234.5 and parse("\u221212") == -12
    assert long_date("2026-11-01T10:00:00Z") == "1er novembre 2026"
    assert re.fullmatch(r"\d+ novembre 2026", long_date("2026-11-29T01:46:48Z"))
