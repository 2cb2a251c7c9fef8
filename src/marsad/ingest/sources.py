"""Reading a delivered file, whatever its format, into one table of text columns.

The result keeps every record accounted for: ``received`` counts the data records of the
file (header excluded, blank lines ignored); each record either becomes a row of ``table``
(with its 1-based number in ``_row``) or a structural issue (wrong number of fields).
Validation of values happens later, in columns, on this table.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from marsad.ingest.issues import DeliveryRefused, Issue, clip

ROW = "_row"
_CHUNK = 1 << 22
_DELIMITERS = (";", ",", "\t", "|")


@dataclass
class SourceTable:
    """A delivered file read as text columns named as in its header (normalised)."""

    table: pa.Table
    header: list[str]
    received: int
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    structural: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    may_have_control: bool = True  # False when the whole file was seen free of them


def normalise_column(name: str) -> str:
    return name.replace("\ufeff", "").strip().lower()


def sniff_format(path: Path) -> str:
    """``csv``, ``xlsx`` or ``parquet`` from the file's first bytes, not from its name."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not head:
        raise DeliveryRefused("empty_file", "the file has no content")
    if head.startswith(b"\x1f\x8b") or head.startswith(b"BZh") or head.startswith(b"\xfd7zXZ"):
        raise DeliveryRefused("compressed_file", "send the file uncompressed (CSV, XLSX, Parquet)")
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DeliveryRefused("encoding", "the file is UTF-16; send it as UTF-8")
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    if control > len(head) // 20:
        raise DeliveryRefused("not_text", "the file holds binary data, not CSV text")
    return "csv"


_CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])
_OTHER_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)


def _has_control_bytes(path: Path) -> bool:
    """Whether any control character (other than tab and line ends) is in the file."""
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            if chunk.translate(None, _OTHER_BYTES):  # what is left are control bytes
                return True
    return False


def _is_utf8(path: Path) -> tuple[bool, str]:
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                bad = chunk[exc.start : exc.start + 1].hex()
                return False, f"byte 0x{bad} at offset {offset + exc.start} is not UTF-8"
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False, "the file ends in the middle of a UTF-8 character"
    return True, ""


def _choose_encoding(path: Path, accepted: tuple[str, ...]) -> str:
    ok, why = _is_utf8(path)
    if ok:
        return "utf-8"
    if "windows-1252" in accepted:
        return "windows-1252"
    raise DeliveryRefused("encoding", f"{why}; the convention accepts {', '.join(accepted)}")


def _first_line(path: Path, encoding: str) -> str:
    with path.open("r", encoding=encoding, errors="replace", newline="") as fh:
        line = fh.readline()
    return line.lstrip("\ufeff").rstrip("\r\n")


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        raise DeliveryRefused("delimiter", "the header has one column only; use ';' or ','")
    return best


def check_header(raw: list[str]) -> list[str]:
    names = [normalise_column(n) for n in raw]
    if any(not n for n in names):
        raise DeliveryRefused("empty_column_name", f"header: {clip(';'.join(raw), 300)}")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise DeliveryRefused("duplicate_column", ", ".join(dupes), column=dupes[0])
    return names


def _number_rows(received: int, bad: list[int]) -> np.ndarray:
    """Record numbers of the good rows: 1..received without the bad ones, in order."""
    rows = np.arange(1, received + 1, dtype=np.int64)
    if bad:
        rows = rows[~np.isin(rows, np.asarray(bad, dtype=np.int64))]
    return rows


def read_csv(path: Path, encodings: tuple[str, ...]) -> SourceTable:
    encoding = _choose_encoding(path, encodings)
    header_line = _first_line(path, encoding)
    delimiter = _sniff_delimiter(header_line)
    raw_header = next(csv.reader([header_line], delimiter=delimiter))
    names = check_header(raw_header)
    bad: list[Issue] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        number = (row.number or 0) - 1  # the parser counts the header as record 1
        bad.append(
            Issue(
                rule="field_count",
                severity="error",
                message=f"{row.actual_columns} fields where the header has {row.expected_columns}",
                row=number,
                value=clip(row.text),
            )
        )
        return "skip"

    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                use_threads=False,  # record numbers of invalid rows need a sequential parse
                block_size=1 << 24,
                encoding="cp1252" if encoding == "windows-1252" else "utf8",
                skip_rows=1,
                column_names=names,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                newlines_in_values=True,
                ignore_empty_lines=True,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError, ValueError) as exc:
        raise DeliveryRefused("unreadable", clip(str(exc), 300) or "") from None
    if any(issue.row is None or issue.row < 1 for issue in bad):
        raise DeliveryRefused("unreadable", "the parser lost track of record numbers")
    # With skip_rows the parser numbers records from the first data record as 2.
    received = table.num_rows + len(bad)
    rows = _number_rows(received, [i.row for i in bad if i.row is not None])
    table = table.append_column(ROW, pa.array(rows, pa.int64()))
    return SourceTable(
        table=table,
        header=names,
        received=received,
        format="csv",
        encoding=encoding,
        delimiter=delimiter,
        structural=bad,
        may_have_control=_has_control_bytes(path),
    )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def read_xlsx(path: Path, required: set[str]) -> SourceTable:
    from openpyxl import load_workbook

    handle = path.open("rb")  # a file object: openpyxl then ignores the file's extension
    try:
        book = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged archive
        handle.close()
        raise DeliveryRefused("unreadable", f"not a readable XLSX workbook ({exc})") from None
    try:
        seen: list[str] = []
        for index, sheet in enumerate(book.worksheets):
            rows = sheet.iter_rows(values_only=True)
            header_cells: tuple[object, ...] | None = None
            for cells in rows:
                if any(c not in (None, "") for c in cells):
                    header_cells = cells
                    break
            if header_cells is None:
                seen.append(f"{sheet.title!r} (empty)")
                continue
            raw = [_cell_text(c) for c in header_cells]
            while raw and raw[-1] == "":
                raw.pop()
            if not required <= {normalise_column(n) for n in raw}:
                seen.append(f"{sheet.title!r}")
                continue
            names = check_header(raw)
            return _xlsx_table(path, sheet.title, rows, names, first=index == 0, seen=seen)
        raise DeliveryRefused(
            "no_matching_sheet",
            f"none of the sheets {', '.join(seen) or '(none)'} starts with the columns "
            f"{', '.join(sorted(required))}",
        )
    finally:
        book.close()
        handle.close()


def _xlsx_table(
    path: Path, title: str, rows: object, names: list[str], *, first: bool, seen: list[str]
) -> SourceTable:
    width = len(names)
    columns: list[list[str]] = [[] for _ in names]
    numbers: list[int] = []
    bad: list[Issue] = []
    received = 0
    for cells in rows:  # type: ignore[attr-defined]
        texts = [_cell_text(c) for c in cells]
        if not any(texts):
            continue
        received += 1
        extra = [t for t in texts[width:] if t]
        if extra:
            bad.append(
                Issue(
                    rule="field_count",
                    severity="error",
                    message=f"{width + len(extra)} filled cells where the header has {width}",
                    row=received,
                    value=clip(";".join(texts)),
                )
            )
            continue
        texts += [""] * (width - len(texts))
        for i in range(width):
            columns[i].append(texts[i])
        numbers.append(received)
    arrays = [pa.array(col, pa.string()) for col in columns]
    table = pa.Table.from_arrays([*arrays, pa.array(numbers, pa.int64())], [*names, ROW])
    notes = [] if first else [f"data read from sheet {title!r}; skipped: {', '.join(seen)}"]
    return SourceTable(
        table=table,
        header=names,
        received=received,
        format="xlsx",
        sheet=title,
        structural=bad,
        notes=notes,
    )


def read_parquet(path: Path) -> SourceTable:
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DeliveryRefused("unreadable", f"not a readable Parquet file ({exc})") from None
    names = check_header(list(table.column_names))
    arrays = []
    for name, column in zip(names, table.columns, strict=True):
        kind = column.type
        if pa.types.is_timestamp(kind):
            column = column.cast(pa.date32())
        elif pa.types.is_nested(kind) or pa.types.is_binary(kind):
            raise DeliveryRefused("unsupported_type", f"{name}: {kind}", column=name)
        arrays.append(column.cast(pa.string()).fill_null(""))
    received = table.num_rows
    rows = pa.array(np.arange(1, received + 1, dtype=np.int64))
    out = pa.Table.from_arrays([*arrays, rows], [*names, ROW])
    return SourceTable(table=out, header=names, received=received, format="parquet")


def read_source(path: Path, *, encodings: tuple[str, ...], required: set[str]) -> SourceTable:
    """Read any accepted delivery file (the format comes from the content)."""
    kind = sniff_format(path)
    if kind == "xlsx":
        return read_xlsx(path, required)
    if kind == "parquet":
        return read_parquet(path)
    return read_csv(path, encodings)


__all__ = ["ROW", "SourceTable", "read_source", "sniff_format"]
