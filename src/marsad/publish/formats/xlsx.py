"""Spreadsheets: ``xlsx/<table>.xlsx``, a sheet « Données » and a sheet « Notes ».

« Données »: a title row, a header row, then one row per cell: for each dimension its code
and (for coded dimensions) its French label, OBS_VALUE (a number; empty when suppressed),
CONF_STATUS and OBS_STATUS. « Notes »: the meaning of the flags, the definition, the unit,
the sources and the footnotes. The archive is rewritten with fixed dates so that the same
release gives the same bytes.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from marsad.publish.formats.common import (
    FREE,
    Cell,
    Release,
    Table,
    label,
    neutralise,
)
from marsad.publish.formats.labels import FLAGS

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_CORE_DATE = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
FLAG_COLUMNS = ["OBS_VALUE", "CONF_STATUS", "OBS_STATUS"]


def _cell(value: Cell) -> Cell:
    return neutralise(value) if isinstance(value, str) else value


def _append(sheet: Any, row: list[Cell]) -> None:
    sheet.append([_cell(v) for v in row])


def _data_sheet(sheet: Any, release: Release, table: Table) -> None:
    sheet.title = "Données"
    _append(sheet, [release.table_label(table)["fr"]])
    sheet.cell(row=1, column=1).font = _TITLE
    header: list[Cell] = []
    widths: list[int] = []
    for dimension in table.dimensions:
        header.append(dimension.id)
        widths.append(max(len(dimension.id), *(len(c) for c in dimension.codes), 6) + 2)
        if dimension.codelist:
            names = release.concept_names(dimension.id, dimension.codelist)
            header.append(label(names, "fr", dimension.id))
            labels = [release.code_names(dimension, c)["fr"] for c in dimension.codes]
            widths.append(min(max(len(str(header[-1])), *(len(t) for t in labels)) + 2, 60))
    header += FLAG_COLUMNS
    widths += [14, 14, 13]
    _append(sheet, header)
    for column in range(1, len(header) + 1):
        sheet.cell(row=2, column=column).font = _BOLD
    frame = table.frame
    french = {d.id: {c: release.code_names(d, c)["fr"] for c in d.codes} for d in table.dimensions}
    columns = [frame[c].tolist() for c in [*table.dimension_ids, *FLAG_COLUMNS]]
    for cells in zip(*columns, strict=True):
        row: list[Cell] = []
        for dimension, code in zip(table.dimensions, cells[: len(table.dimensions)], strict=True):
            row.append(code)
            if dimension.codelist:
                row.append(french[dimension.id][code])
        value, conf, obs = cells[len(table.dimensions) :]
        number = float(value)
        row += [number if conf == FREE and math.isfinite(number) else None, conf, obs]
        _append(sheet, row)
    number_format = "#,##0" + ("." + "0" * table.decimals if table.decimals > 0 else "")
    value_column = len(header) - 2
    for (cell,) in sheet.iter_rows(min_row=3, min_col=value_column, max_col=value_column):
        cell.number_format = number_format
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"


def _notes_sheet(sheet: Any, release: Release, table: Table) -> None:
    title = release.table_label(table)
    rows: list[tuple[str, str]] = [
        ("Tableau", title["fr"]),
        ("Titre (arabe)", title["ar"]),
        ("Titre (anglais)", title["en"]),
        ("Identifiant", table.id),
        ("Définition", table.text("definition")["fr"]),
        ("Unité", table.unit_text("fr")),
        ("Sources", ", ".join(table.sources())),
    ]
    if release.id:
        rows.insert(4, ("Publication", release.id))
    for number, note in enumerate(table.footnotes("fr"), start=1):
        rows.append((f"Note {number}", note))
    rows.append(("", ""))
    rows.append(("Signification des indicateurs", ""))
    for concept, codes in FLAGS.items():
        for code, names in codes.items():
            rows.append((f"{concept} = {code}", names["fr"]))
    rows.append(("", ""))
    rows.append(
        (
            "Secret statistique",
            "Une valeur supprimée (CONF_STATUS C ou N) est laissée vide : elle ne peut pas "
            "être recalculée à partir des autres cellules publiées.",
        )
    )
    for key, text in rows:
        _append(sheet, [key or None, text or None])
    for (cell,) in sheet.iter_rows(min_col=1, max_col=1):
        cell.font = _BOLD
    for (cell,) in sheet.iter_rows(min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 100


def _stable(data: bytes, stamp: datetime) -> bytes:
    """The workbook with fixed dates in its properties and its archive entries."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATE.sub(rb"\g<1>" + iso + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return out.getvalue()


def workbook_bytes(release: Release, table: Table) -> bytes:
    stamp = datetime.fromisoformat(release.date) if release.date else datetime(1980, 1, 1)
    book = Workbook()
    book.properties.creator = "MARSAD"
    book.properties.title = release.table_label(table)["fr"]
    book.properties.language = "fr"
    book.properties.created = stamp
    _data_sheet(book.active, release, table)
    _notes_sheet(book.create_sheet("Notes"), release, table)
    buffer = io.BytesIO()
    book.save(buffer)
    return _stable(buffer.getvalue(), stamp)


def write_xlsx(release: Release) -> list[str]:
    folder: Path = release.folder / "xlsx"
    folder.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    for table in release.tables:
        (folder / f"{table.id}.xlsx").write_bytes(workbook_bytes(release, table))
        written.append(f"xlsx/{table.id}.xlsx")
    return written
