"""Writing deliveries (CSV, XLSX, Parquet) and the map of every delivered row to its enterprise.

A delivery goes to ``deliveries/<partner>/<dataset>/<period>[.v<n>].<ext>``; its rows are
recorded in ``truth/rows.parquet`` as (file, row, enterprise_id), ``row`` being the 1-based
record number with the header excluded. Files are byte-identical from one run to the next:
no timestamps (the XLSX archive is rewritten with fixed dates).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from marsad.synth.formats import FileFormat, as_text

BOM = b"\xef\xbb\xbf"
CSV_SLICE = 250_000  # rows formatted at once
FIXED_ZIP_TIME = (2025, 12, 31, 0, 0, 0)
FIXED_STAMP = "2025-12-31T00:00:00Z"
ROWS_SCHEMA = pa.schema(
    [
        ("file", pa.dictionary(pa.int32(), pa.string())),
        ("row", pa.int64()),
        ("enterprise_id", pa.int64()),
    ]
)


class DeliveryWriter:
    """Writes delivery files under ``root/deliveries`` and their rows into the truth map."""

    def __init__(self, root: Path, on_file: Callable[[str, int], None] | None = None) -> None:
        self.root = root
        (root / "truth").mkdir(parents=True, exist_ok=True)
        self._rows = pq.ParquetWriter(root / "truth" / "rows.parquet", ROWS_SCHEMA)
        self.rows_by_dataset: dict[str, int] = {}
        self.files: list[str] = []
        self._on_file = on_file

    def write(
        self,
        partner: str,
        dataset: str,
        period: int,
        table: pa.Table,
        enterprise_id: np.ndarray,
        fmt: FileFormat,
        *,
        revision: int = 1,
    ) -> str:
        """Write one delivery; returns its path relative to the root."""
        if table.num_rows != enterprise_id.size:
            raise ValueError("one enterprise id per row is needed")
        suffix = "" if revision == 1 else f".v{revision}"
        relative = f"deliveries/{partner}/{dataset}/{period}{suffix}.{fmt.extension}"
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt.kind == "csv":
            write_csv(path, table, fmt)
        elif fmt.kind == "xlsx":
            write_xlsx(path, table)
        else:
            write_parquet(path, table)
        n = table.num_rows
        files = pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(n, dtype=np.int32)), pa.array([relative], pa.string())
        )
        rows = pa.table(
            [
                files,
                pa.array(np.arange(1, n + 1, dtype=np.int64)),
                pa.array(enterprise_id.astype(np.int64)),
            ],
            schema=ROWS_SCHEMA,
        )
        self._rows.write_table(rows)
        key = f"{partner}.{dataset}"
        self.rows_by_dataset[key] = self.rows_by_dataset.get(key, 0) + n
        self.files.append(relative)
        if self._on_file is not None:
            self._on_file(relative, n)
        return relative

    def close(self) -> None:
        self._rows.close()


def _clean(values: pa.Array, delimiter: str) -> pa.Array:
    """Remove what an unquoted CSV value may not hold (delimiter, quote, line breaks)."""
    pattern = "[" + re.escape(delimiter) + '"\\r\\n]'
    return pc.utf8_trim_whitespace(pc.replace_substring_regex(values, pattern, " "))


def _text_table(table: pa.Table, fmt: FileFormat) -> pa.Table:
    columns = []
    for name in table.column_names:
        text = as_text(table.column(name).combine_chunks(), fmt)
        if not fmt.quoted and pa.types.is_string(table.schema.field(name).type):
            text = _clean(text, fmt.delimiter)
        columns.append(text)
    return pa.table(columns, names=table.column_names)


def write_csv(path: Path, table: pa.Table, fmt: FileFormat) -> None:
    """Header, then the rows formatted and written slice by slice (bounded memory)."""
    options = pacsv.WriteOptions(
        include_header=False,
        delimiter=fmt.delimiter,
        quoting_style="needed" if fmt.quoted else "none",
    )
    header = (fmt.delimiter.join(table.column_names) + "\n").encode("utf-8")
    with path.open("wb") as sink:
        sink.write((BOM if fmt.bom else b"") + header)
        for start in range(0, table.num_rows, CSV_SLICE):
            body = _text_table(table.slice(start, CSV_SLICE), fmt)
            buffer = io.BytesIO()
            pacsv.write_csv(body, buffer, options)
            data = buffer.getvalue()
            if fmt.encoding != "utf-8":
                data = data.decode("utf-8").encode(fmt.encoding, errors="replace")
            sink.write(data)


def write_parquet(path: Path, table: pa.Table) -> None:
    """Natural types: amounts as decimal(18,2), integers, dates, text."""
    arrays = []
    for column in table.columns:
        if pa.types.is_floating(column.type):
            arrays.append(column.cast(pa.decimal128(18, 2), safe=False))
        else:
            arrays.append(column)
    pq.write_table(pa.table(arrays, names=table.column_names), path, compression="zstd")


def write_xlsx(path: Path, table: pa.Table) -> None:
    """One sheet, header on row 1; the archive gets fixed dates so the bytes are stable."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append(table.column_names)
    columns = [table.column(name).to_pylist() for name in table.column_names]
    for values in zip(*columns, strict=True):
        sheet.append(list(values))
    buffer = io.BytesIO()
    book.save(buffer)
    _stable_zip(buffer.getvalue(), path)


def _stable_zip(data: bytes, path: Path) -> None:
    stamp = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)")
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = stamp.sub(rb"\g<1>" + FIXED_STAMP.encode() + rb"\g<2>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, content)
