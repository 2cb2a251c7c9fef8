"""Writing deliveries (CSV, XLSX, Parquet) exactly as a partner's extract tool would.

A `Frame` is one delivery's rows: its columns in the convention's order, the kind of
each column (text, int, amount, date) and the true enterprise of each row. A `Fmt` is the
partner's export habit for that file: delimiter, encoding, BOM, amount and date style.
Every file written records its rows in the ground truth.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

NULL_DAY = -1


@dataclass
class Frame:
    """Rows of one delivery: columns (in order), their kinds and each row's enterprise."""

    columns: dict[str, np.ndarray]
    kinds: dict[str, str]
    eid: np.ndarray

    def __len__(self) -> int:
        return len(self.eid)

    def take(self, rows: np.ndarray) -> Frame:
        """The frame restricted to (or reordered by) the given row positions."""
        return Frame({k: v[rows] for k, v in self.columns.items()}, self.kinds, self.eid[rows])


@dataclass(frozen=True)
class Fmt:
    """Export habit: file type, delimiter, encoding, amount style, date style."""

    ext: str = "csv"
    delimiter: str = ","
    encoding: str = "utf-8"
    amounts: str = "dot"
    dates: str = "iso"


def _amounts(values: np.ndarray, style: str) -> list[str | None]:
    out: list[str | None] = []
    for v in values.tolist():
        if v != v:
            out.append(None)
        elif style == "dot":
            out.append(f"{v:.2f}")
        elif style == "comma":
            out.append(f"{v:.2f}".replace(".", ","))
        else:
            out.append(f"{v:,.2f}".replace(",", " ").replace(".", ","))
    return out


def _dates(days: np.ndarray, style: str, rng: np.random.Generator) -> pa.Array:
    mask = days == NULL_DAY
    arr = pa.array(days.astype(np.int32), type=pa.int32(), mask=mask).cast(pa.date32())
    iso = arr.cast(pa.string())
    if style == "iso":
        return iso
    dmy = pc.strftime(arr.cast(pa.timestamp("s")), format="%d/%m/%Y")
    if style == "dmy":
        return dmy
    pick = pa.array(rng.random(len(days)) < 0.5)
    return pc.if_else(pick, iso, dmy)


def _text(values: np.ndarray) -> pa.Array:
    arr = pa.array(values.tolist(), type=pa.string(), from_pandas=True)
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)


def _ints(values: np.ndarray) -> pa.Array:
    v = np.asarray(values, dtype=np.int64)
    return pa.array(v, mask=v < 0, type=pa.int64())


def _csv_bytes(frame: Frame, fmt: Fmt, rng: np.random.Generator) -> bytes:
    arrays = []
    for name, values in frame.columns.items():
        kind = frame.kinds[name]
        if kind == "amount":
            arrays.append(pa.array(_amounts(values, fmt.amounts), type=pa.string()))
        elif kind == "date":
            arrays.append(_dates(values, fmt.dates, rng))
        elif kind == "int":
            arrays.append(_ints(values))
        else:
            arrays.append(_text(values))
    table = pa.Table.from_arrays(arrays, names=list(frame.columns))
    sink = io.BytesIO()
    opts = pacsv.WriteOptions(delimiter=fmt.delimiter, quoting_style="needed")
    pacsv.write_csv(table, sink, opts)
    data = sink.getvalue()
    header, _, body = data.partition(b"\n")
    header = header.replace(b'"', b"")  # plain header line, as spreadsheets write it
    data = header + b"\n" + body
    if fmt.encoding == "cp1252":
        return data.decode("utf-8").encode("cp1252", errors="replace")
    if fmt.encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + data
    return data


def _xlsx(frame: Frame, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("extraction")
    ws.append(list(frame.columns))
    epoch = dt.date(1970, 1, 1)
    cols = []
    for name, values in frame.columns.items():
        kind = frame.kinds[name]
        if kind == "date":
            cols.append([None if d == NULL_DAY else epoch + dt.timedelta(days=int(d))
                         for d in values.tolist()])  # fmt: skip
        elif kind == "amount":
            cols.append([None if v != v else float(v) for v in values.tolist()])
        elif kind == "int":
            cols.append([None if v < 0 else int(v) for v in values.tolist()])
        else:
            cols.append([v or None for v in values.tolist()])
    for row in zip(*cols, strict=True):
        ws.append(list(row))
    wb.save(path)


def _parquet(frame: Frame, path: Path) -> None:
    arrays = []
    for name, values in frame.columns.items():
        kind = frame.kinds[name]
        if kind == "date":
            arrays.append(
                pa.array(values.astype(np.int32), mask=values == NULL_DAY).cast(pa.date32())
            )
        elif kind == "amount":
            arrays.append(pa.array(values.astype(np.float64), from_pandas=True))
        elif kind == "int":
            arrays.append(_ints(values))
        else:
            arrays.append(_text(values))
    pq.write_table(pa.Table.from_arrays(arrays, names=list(frame.columns)), path)


class Deliveries:
    """Writes delivery files under OUT/deliveries and their rows into OUT/truth/rows.parquet."""

    def __init__(self, out: Path, seed: int) -> None:
        self.out = out
        self.rng = np.random.default_rng(seed + 9)
        (out / "truth").mkdir(parents=True, exist_ok=True)
        schema = pa.schema(
            [
                ("file", pa.dictionary(pa.int32(), pa.string())),
                ("row", pa.int64()),
                ("enterprise_id", pa.int64()),
            ]
        )
        self._truth = pq.ParquetWriter(out / "truth" / "rows.parquet", schema)
        self.files: list[tuple[str, int, int]] = []

    def write(self, partner: str, dataset: str, period: int, version: int,
              frame: Frame, fmt: Fmt) -> str:  # fmt: skip
        """Write one delivery; return its path relative to OUT."""
        suffix = f".v{version}" if version > 1 else ""
        rel = f"deliveries/{partner}/{dataset}/{period}{suffix}.{fmt.ext}"
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt.ext == "xlsx":
            _xlsx(frame, path)
        elif fmt.ext == "parquet":
            _parquet(frame, path)
        else:
            path.write_bytes(_csv_bytes(frame, fmt, self.rng))
        n = len(frame)
        files = pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(n, dtype=np.int32)), pa.array([rel])
        )
        table = pa.Table.from_arrays(
            [files, pa.array(np.arange(1, n + 1, dtype=np.int64)), pa.array(frame.eid)],
            schema=self._truth.schema,
        )
        self._truth.write_table(table)
        self.files.append((rel, n, path.stat().st_size))
        return rel

    def close(self) -> None:
        """Finish the ground-truth file."""
        self._truth.close()
