"""The open formats of a release, read back with third-party readers.

A crafted release folder (two tables, their codelists) holds a primary suppressed cell, a
secondary one, a provisional year, labels a spreadsheet would run as formulas, Arabic
labels, a negative number and a table that is not a full cube. The hidden values of the
suppressed cells are left in the parquet on purpose: no format may publish them.
"""

from __future__ import annotations

import io
import json
import math
import shutil
import zipfile
from pathlib import Path
from typing import Any

import frictionless
import openpyxl
import pandas as pd
import pytest
import sdmx
from frictionless.resources import TableResource
from jsonstat_validator import validate_jsonstat
from lxml import etree

from marsad.publish.formats import neutralise, write_formats

HIDDEN_PRIMARY = 73519.0
HIDDEN_SECONDARY = 86420.0
FORMULA_LABEL = '=HYPERLINK("http://example.org","clic")'
AT_LABEL = "@SUM(A1:A9)"
ARABIC = "طنجة تطوان الحسيمة"
FORMATS = ("sdmx", "jsonstat", "datapackage", "xlsx")


def _names(fr: str, ar: str, en: str) -> dict[str, str]:
    return {"fr": fr, "ar": ar, "en": en}


CODELISTS: dict[str, dict[str, Any]] = {
    "CL_REGION": {
        "id": "CL_REGION",
        "names": _names("Région", "الجهة", "Region"),
        "codes": [
            {"id": "02", "parent": "_T", "names": _names(FORMULA_LABEL, "الشرق", AT_LABEL)},
            {"id": "_T", "parent": None, "names": _names("Total", "المجموع", "Total")},
            {"id": "01", "parent": "_T", "names": _names("Tanger", ARABIC, "Tangier")},
        ],
    },
    "CL_SECTOR": {
        "id": "CL_SECTOR",
        "names": _names("Secteur", "القطاع", "Sector"),
        "codes": [
            {"id": "_T", "parent": None, "names": _names("Total", "المجموع", "Total")},
            {"id": "B", "parent": "_T", "names": _names("Industrie", "الصناعة", "Industry")},
            {"id": "A", "parent": "_T", "names": _names("Agriculture", "الفلاحة", "Farming")},
        ],
    },
}


def _meta(table_id: str, dims: list[tuple[str, str | None]], **extra: Any) -> dict[str, Any]:
    return {
        "id": table_id,
        "indicator": table_id,
        "title": _names("Entreprises actives", "المقاولات النشيطة", "Active enterprises"),
        "definition": _names("Entreprises actives dans l'année.", "تعريف", "Definition."),
        "unit": "enterprises",
        "unit_mult": 0,
        "decimals": 0,
        "measure_kind": "count",
        "dimensions": [{"id": d, "codelist": c} for d, c in dims],
        "sources": ["dgi.tax_declarations"],
        "footnotes": [],
        **extra,
    }


def _active() -> pd.DataFrame:
    rows = []
    value = 10.0
    for region in ("_T", "01", "02"):
        for sector in ("_T", "A", "B"):
            for year in ("2023", "2024"):
                rows.append([region, sector, year, value, "F", "P" if year == "2024" else "A"])
                value += 7.0
    frame = pd.DataFrame(
        rows, columns=["REGION", "SECTOR", "TIME_PERIOD", "OBS_VALUE", "CONF_STATUS", "OBS_STATUS"]
    )
    primary = (
        (frame["REGION"] == "02") & (frame["SECTOR"] == "A") & (frame["TIME_PERIOD"] == "2023")
    )
    secondary = (
        (frame["REGION"] == "02") & (frame["SECTOR"] == "B") & (frame["TIME_PERIOD"] == "2023")
    )
    frame.loc[primary, ["OBS_VALUE", "CONF_STATUS"]] = [HIDDEN_PRIMARY, "C"]
    frame.loc[secondary, ["OBS_VALUE", "CONF_STATUS"]] = [HIDDEN_SECONDARY, "N"]
    return frame.sample(frac=1.0, random_state=3).reset_index(drop=True)  # order is not given


def _turnover() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "SECTOR": ["_T", "_T", "A", "B"],
            "TIME_PERIOD": ["2022", "2023", "2023", "2024"],
            "OBS_VALUE": [12.5, -3.25, None, 0.1],
            "CONF_STATUS": ["F", "F", "C", "F"],
            "OBS_STATUS": ["A", "A", "A", "P"],
        }
    )


TABLES = {
    "active_region_sector": (
        _meta(
            "active_region_sector",
            [("REGION", "CL_REGION"), ("SECTOR", "CL_SECTOR"), ("TIME_PERIOD", None)],
        ),
        _active,
    ),
    "turnover_sector": (
        _meta(
            "turnover_sector",
            [("SECTOR", "CL_SECTOR"), ("TIME_PERIOD", None)],
            unit="MAD",
            unit_mult=6,
            decimals=2,
            measure_kind="magnitude",
            title=_names("Chiffre d'affaires", "رقم المعاملات", "Turnover"),
            footnotes=[_names("=1+1 n'est pas une formule.", "ملاحظة", "A note.")],
        ),
        _turnover,
    ),
}


def _make_release(folder: Path) -> None:
    (folder / "tables").mkdir(parents=True)
    (folder / "codelists").mkdir()
    for table_id, (meta, frame) in TABLES.items():
        (folder / "tables" / f"{table_id}.json").write_text(
            json.dumps(meta, ensure_ascii=False), "utf-8"
        )
        frame().to_parquet(folder / "tables" / f"{table_id}.parquet", index=False)
    for cl_id, document in CODELISTS.items():
        (folder / "codelists" / f"{cl_id}.json").write_text(
            json.dumps(document, ensure_ascii=False), "utf-8"
        )


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    folder = tmp_path_factory.mktemp("releases") / ".tmp-2025-06-30.1"
    _make_release(folder)
    return folder, write_formats(folder)


def _expected(folder: Path, table_id: str) -> pd.DataFrame:
    frame = pd.read_parquet(folder / "tables" / f"{table_id}.parquet")
    frame["OBS_VALUE"] = frame["OBS_VALUE"].where(frame["CONF_STATUS"] == "F")
    return frame


def _dims(table_id: str) -> list[str]:
    return [d["id"] for d in TABLES[table_id][0]["dimensions"]]


def _same_values(left: pd.Series, right: pd.Series) -> bool:
    return all(
        (math.isnan(a) and math.isnan(b)) or a == b
        for a, b in zip(left.astype(float), right.astype(float), strict=True)
    )


def _compare(folder: Path, table_id: str, read: pd.DataFrame) -> None:
    """Rows read back (codes as text, OBS_VALUE as number) equal the protected parquet."""
    dims = _dims(table_id)
    expected = _expected(folder, table_id)
    assert len(read) == len(expected)
    merged = expected.merge(read, on=dims, suffixes=("", "_read"), validate="one_to_one")
    assert len(merged) == len(expected)
    assert _same_values(merged["OBS_VALUE"], merged["OBS_VALUE_read"])
    assert (merged["CONF_STATUS"] == merged["CONF_STATUS_read"]).all()
    assert (merged["OBS_STATUS"] == merged["OBS_STATUS_read"]).all()


def test_neutralise() -> None:
    for text in ("=1+1", "+33", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert neutralise(text) == "'" + text
    for text in ("Tanger", "_T", "2024", "", ARABIC, "a=b", " =1"):
        assert neutralise(text) == text


def test_written_files(release: tuple[Path, dict[str, list[str]]]) -> None:
    folder, written = release
    assert set(written) == set(FORMATS)
    assert written["sdmx"] == [
        "sdmx/structure.xml",
        "sdmx/active_region_sector.csv",
        "sdmx/turnover_sector.csv",
    ]
    assert "datapackage/datapackage.json" in written["datapackage"]
    on_disk = sorted(
        p.relative_to(folder).as_posix()
        for fmt in FORMATS
        for p in (folder / fmt).rglob("*")
        if p.is_file()
    )
    assert on_disk == sorted(f for files in written.values() for f in files)
    assert not (folder / "manifest.json").exists()


def test_sdmx_structure(release: tuple[Path, dict[str, list[str]]]) -> None:
    folder, _ = release
    path = folder / "sdmx" / "structure.xml"
    etree.parse(str(path))  # well-formed
    message = sdmx.read_sdmx(path)
    assert isinstance(message, sdmx.message.StructureMessage)
    assert set(message.codelist) == {"CL_REGION", "CL_SECTOR", "CL_CONF_STATUS", "CL_OBS_STATUS"}
    region = message.codelist["CL_REGION"]
    assert [c.id for c in region] == ["_T", "01", "02"]
    assert region["01"].name.localizations == {"fr": "Tanger", "ar": ARABIC, "en": "Tangier"}
    assert region["01"].parent is region["_T"]
    assert region.maintainer is not None and region.maintainer.id == "MARSAD"
    assert set(message.codelist["CL_CONF_STATUS"].items) == {"F", "C", "N"}
    assert set(message.codelist["CL_OBS_STATUS"].items) == {"A", "P"}
    assert set(message.structure) == {"DSD_ACTIVE_REGION_SECTOR", "DSD_TURNOVER_SECTOR"}
    dsd = message.structure["DSD_ACTIVE_REGION_SECTOR"]
    assert [d.id for d in dsd.dimensions.components] == ["REGION", "SECTOR", "TIME_PERIOD"]
    assert type(dsd.dimensions.get("TIME_PERIOD")).__name__ == "TimeDimension"
    assert dsd.dimensions.get("REGION").local_representation.enumerated.id == "CL_REGION"
    assert [m.id for m in dsd.measures.components] == ["OBS_VALUE"]
    assert {a.id for a in dsd.attributes.components} == {"CONF_STATUS", "OBS_STATUS", "UNIT_MULT"}
    conf = dsd.attributes.get("CONF_STATUS").local_representation.enumerated
    assert conf.id == "CL_CONF_STATUS"
    assert set(message.dataflow) == {"DF_ACTIVE_REGION_SECTOR", "DF_TURNOVER_SECTOR"}
    flow = message.dataflow["DF_TURNOVER_SECTOR"]
    assert flow.structure.id == "DSD_TURNOVER_SECTOR"
    assert flow.name.localizations["ar"].startswith("رقم المعاملات")
    assert "CONF_STATUS" in message.concept_scheme["CS_MARSAD"]


def test_sdmx_csv(release: tuple[Path, dict[str, list[str]]]) -> None:
    folder, _ = release
    for table_id in TABLES:
        path = folder / "sdmx" / f"{table_id}.csv"
        read = pd.read_csv(path, dtype=str, keep_default_na=False)
        dims = _dims(table_id)
        assert list(read.columns) == [
            "STRUCTURE",
            "STRUCTURE_ID",
            "ACTION",
            *dims,
            "OBS_VALUE",
            "CONF_STATUS",
            "OBS_STATUS",
            "UNIT_MULT",
        ]
        assert set(read["STRUCTURE"]) == {"dataflow"}
        assert set(read["STRUCTURE_ID"]) == {f"MARSAD:DF_{table_id.upper()}(1.0)"}
        assert set(read["ACTION"]) == {"I"}
        assert set(read["UNIT_MULT"]) == {str(TABLES[table_id][0]["unit_mult"])}
        suppressed = read["CONF_STATUS"] != "F"
        assert (read.loc[suppressed, "OBS_VALUE"] == "").all()
        read["OBS_VALUE"] = pd.to_numeric(read["OBS_VALUE"].replace("", None)).astype(float)
        _compare(folder, table_id, read)
    turnover = pd.read_csv(folder / "sdmx" / "turnover_sector.csv", dtype=str)
    assert "-3.25" in set(turnover["OBS_VALUE"])  # a negative number stays a number


def test_sdmx_csv_read_with_its_structure(release: tuple[Path, dict[str, list[str]]]) -> None:
    folder, _ = release
    structure = sdmx.read_sdmx(folder / "sdmx" / "structure.xml")
    assert isinstance(structure, sdmx.message.StructureMessage)
    data = sdmx.read_sdmx(
        folder / "sdmx" / "active_region_sector.csv",
        structure=structure.structure["DSD_ACTIVE_REGION_SECTOR"],
        dataflow=structure.dataflow["DF_ACTIVE_REGION_SECTOR"],
    )
    assert isinstance(data, sdmx.message.DataMessage)
    observations = data.data[0].obs
    assert len(observations) == 18
    flags = {
        (
            o.dimension["REGION"].value,
            o.dimension["SECTOR"].value,
            o.dimension["TIME_PERIOD"].value,
        ): (o.attached_attribute["CONF_STATUS"].value)
        for o in observations
    }
    assert flags[("02", "A", "2023")] == "C"
    assert flags[("02", "B", "2023")] == "N"


def test_jsonstat(release: tuple[Path, dict[str, list[str]]]) -> None:
    folder, _ = release
    for table_id in TABLES:
        document = json.loads((folder / "jsonstat" / f"{table_id}.json").read_text("utf-8"))
        assert validate_jsonstat(document)
        assert document["class"] == "dataset" and document["version"] == "2.0"
        dims = _dims(table_id)
        assert document["id"] == dims
        assert document["role"]["time"] == ["TIME_PERIOD"]
        assert document["extension"]["title"] == TABLES[table_id][0]["title"]
        sizes = document["size"]
        total = math.prod(sizes)
        value = document["value"]
        status = document.get("status", {})
        if isinstance(value, list):
            assert len(value) == total
            cells = dict(enumerate(value))
        else:
            cells = {int(k): v for k, v in value.items()}
        rows = []
        for index in range(total):
            rest, key = index, []
            for dim, size in zip(reversed(dims), reversed(sizes), strict=True):
                key.append(document["dimension"][dim]["category"]["index"][rest % size])
                rest //= size
            flag = status.get(str(index))
            rows.append(
                [
                    *reversed(key),
                    cells.get(index),
                    flag if flag in ("C", "N") else "F",
                    "P" if flag == "P" else None,
                ]
            )
        read = pd.DataFrame(rows, columns=[*dims, "OBS_VALUE", "CONF_STATUS", "OBS_STATUS"])
        expected = _expected(folder, table_id)
        merged = expected.merge(read, on=dims, how="right", suffixes=("", "_read"))
        present = merged["CONF_STATUS"].notna()
        missing = merged[~present]
        assert missing["OBS_VALUE_read"].isna().all()  # combinations the table does not have
        merged = merged[present]
        assert len(merged) == len(expected)
        assert _same_values(merged["OBS_VALUE"], merged["OBS_VALUE_read"].astype(float))
        assert (merged["CONF_STATUS"] == merged["CONF_STATUS_read"]).all()
        free = merged["CONF_STATUS"] == "F"
        provisional = merged.loc[free, "OBS_STATUS"] == "P"
        assert (merged.loc[free, "OBS_STATUS_read"].eq("P") == provisional).all()
    region = json.loads((folder / "jsonstat" / "active_region_sector.json").read_text("utf-8"))
    assert region["role"]["geo"] == ["REGION"]
    assert isinstance(region["value"], list)  # a full cube is dense
    labels = region["dimension"]["REGION"]
    assert labels["category"]["label"]["02"] == FORMULA_LABEL
    assert labels["extension"]["category_label"]["ar"]["01"] == ARABIC
    assert labels["category"]["child"] == {"_T": ["01", "02"]}
    turnover = json.loads((folder / "jsonstat" / "turnover_sector.json").read_text("utf-8"))
    assert isinstance(turnover["value"], dict)  # 4 cells of 9: sparse
    assert turnover["note"] == ["=1+1 n'est pas une formule."]


def test_datapackage(release: tuple[Path, dict[str, list[str]]]) -> None:
    folder, _ = release
    path = folder / "datapackage" / "datapackage.json"
    report = frictionless.validate(str(path))
    assert report.valid, report.flatten(["type", "note"])
    descriptor = json.loads(path.read_text("utf-8"))
    assert descriptor["profile"] == "tabular-data-package"
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert descriptor["title"]
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert set(resources) == set(TABLES)
    schema = resources["active_region_sector"]["schema"]
    fields = {f["name"]: f for f in schema["fields"]}
    assert schema["primaryKey"] == _dims("active_region_sector")
    assert schema["missingValues"] == [""]
    assert fields["REGION"]["constraints"]["enum"] == ["_T", "01", "02"]
    assert fields["OBS_VALUE"]["type"] == "number"
    assert fields["CONF_STATUS"]["constraints"]["enum"] == ["F", "C", "N"]
    for table_id in TABLES:
        read = pd.read_csv(folder / "datapackage" / f"{table_id}.csv", dtype=str)
        assert list(read.columns) == [*_dims(table_id), "OBS_VALUE", "CONF_STATUS", "OBS_STATUS"]
        read["OBS_VALUE"] = read["OBS_VALUE"].astype(float)
        _compare(folder, table_id, read)
        rows = TableResource(path=str(folder / "datapackage" / f"{table_id}.csv")).read_rows()
        assert len(rows) == len(read)


def test_xlsx(release: tuple[Path, dict[str, list[str]]]) -> None:
    folder, _ = release
    book = openpyxl.load_workbook(folder / "xlsx" / "active_region_sector.xlsx")
    assert book.sheetnames == ["Données", "Notes"]
    sheet = book["Données"]
    assert str(sheet["A1"].value).startswith("Entreprises actives par région")
    header = [c.value for c in sheet[2]]
    assert header == [
        "REGION",
        "Région",
        "SECTOR",
        "Secteur",
        "TIME_PERIOD",
        "OBS_VALUE",
        "CONF_STATUS",
        "OBS_STATUS",
    ]
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["B"].width > 10
    rows = list(sheet.iter_rows(min_row=3))
    for row in rows:
        value = row[5]
        assert value.value is None or value.data_type == "n"
        assert all(c.data_type != "f" for c in row)
    labels = {r[0].value: r[1].value for r in rows}
    assert labels["02"] == "'" + FORMULA_LABEL
    assert labels["01"] == "Tanger"
    read = pd.DataFrame(
        [[r[0].value, r[2].value, r[4].value, r[5].value, r[6].value, r[7].value] for r in rows],
        columns=[*_dims("active_region_sector"), "OBS_VALUE", "CONF_STATUS", "OBS_STATUS"],
    )
    read["OBS_VALUE"] = read["OBS_VALUE"].astype(float)
    _compare(folder, "active_region_sector", read)
    notes = {r[0].value: r[1].value for r in book["Notes"].iter_rows()}
    assert notes["CONF_STATUS = C"].startswith("Confidentielle")
    assert notes["CONF_STATUS = N"].startswith("Non diffusée")
    assert notes["OBS_STATUS = P"] == "Valeur provisoire"
    assert notes["Définition"] == "Entreprises actives dans l'année."
    assert notes["Unité"] == "entreprises"
    assert notes["Sources"] == "dgi.tax_declarations"
    turnover = openpyxl.load_workbook(folder / "xlsx" / "turnover_sector.xlsx")
    notes = {r[0].value: r[1].value for r in turnover["Notes"].iter_rows()}
    assert notes["Note 1"] == "'=1+1 n'est pas une formule."
    assert notes["Unité"] == "millions de dirhams (MAD)"
    values = [r[3].value for r in turnover["Données"].iter_rows(min_row=3)]
    assert -3.25 in values


def _texts(folder: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for fmt in FORMATS:
        for path in sorted((folder / fmt).rglob("*")):
            if not path.is_file():
                continue
            data = path.read_bytes()
            if path.suffix == ".xlsx":
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    data = b"".join(archive.read(name) for name in archive.namelist())
            out[path.relative_to(folder).as_posix()] = data
    return out


def test_hidden_values_published_nowhere(release: tuple[Path, dict[str, list[str]]]) -> None:
    folder, _ = release
    texts = _texts(folder)
    assert len(texts) == 1 + 2 + 3 + 2 + 2
    for name, data in texts.items():
        for hidden in (HIDDEN_PRIMARY, HIDDEN_SECONDARY):
            assert str(int(hidden)).encode() not in data, name


def test_no_formula_in_spreadsheets(release: tuple[Path, dict[str, list[str]]]) -> None:
    folder, _ = release
    texts = _texts(folder)
    for name, data in texts.items():
        if name.endswith(".xlsx"):
            assert b"<f>" not in data and b"<f " not in data, name
    assert b"'=HYPERLINK(" in texts["xlsx/active_region_sector.xlsx"]
    assert b"'=1+1 n" in texts["xlsx/turnover_sector.xlsx"]


def test_same_release_gives_same_bytes(
    release: tuple[Path, dict[str, list[str]]], tmp_path: Path
) -> None:
    folder, _ = release
    copy = tmp_path / folder.name
    shutil.copytree(folder / "tables", copy / "tables")
    shutil.copytree(folder / "codelists", copy / "codelists")
    write_formats(copy)
    assert _raw(copy) == _raw(folder)


def _raw(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for fmt in FORMATS
        for p in sorted((folder / fmt).rglob("*"))
        if p.is_file()
    }
