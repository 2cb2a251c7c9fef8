"""How a partner writes values: delimiter, amounts, dates, encoding (column-wise).

The accepted conventions (partners' data dictionary): delimiter ``;`` (French spreadsheet
exports) or ``,``; amounts as ``1234567.89``, ``1 234 567,89`` or ``1234567,89`` (a decimal
comma only with the ``;`` delimiter); dates as ``YYYY-MM-DD`` or ``DD/MM/YYYY``; UTF-8 with
or without a byte-order mark, Windows-1252 for the social security fund.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

AmountStyle = Literal["plain", "comma", "french"]
DateStyle = Literal["iso", "french"]
FileKind = Literal["csv", "xlsx", "parquet"]


@dataclass(frozen=True)
class FileFormat:
    kind: FileKind = "csv"
    delimiter: str = ","
    amounts: AmountStyle = "plain"
    dates: DateStyle = "iso"
    encoding: Literal["utf-8", "windows-1252"] = "utf-8"
    bom: bool = False
    quoted: bool = False  # text values between double quotes

    def __post_init__(self) -> None:
        if self.amounts != "plain" and self.delimiter != ";":
            raise ValueError("a decimal comma needs the ';' delimiter")

    @property
    def extension(self) -> str:
        return self.kind


def format_amounts(values: pa.Array, style: AmountStyle) -> pa.Array:
    """Amounts (float64, null when empty) as text with two decimals in ``style``."""
    raw = values.to_numpy(zero_copy_only=False)
    valid = ~np.isnan(raw)
    cents = np.round(np.where(valid, raw, 0.0) * 100.0).astype(np.int64)
    negative = cents < 0
    magnitude = np.abs(cents)
    units = pc.cast(pa.array(magnitude // 100), pa.string())
    if style == "french":
        units = group_thousands(units)
    fraction = pc.utf8_lpad(pc.cast(pa.array(magnitude % 100), pa.string()), 2, "0")
    sign = pc.if_else(pa.array(negative), "-", "")
    text = pc.binary_join_element_wise(sign, units, "." if style == "plain" else ",", fraction, "")
    return pc.if_else(pa.array(valid), text, pa.nulls(len(values), pa.string()))


def group_thousands(units: pa.Array) -> pa.Array:
    """``1234567`` -> ``1 234 567`` (pad to a multiple of three, cut, unpad)."""
    padded = pc.utf8_lpad(units, 18, "#")
    cut = pc.replace_substring_regex(padded, r"(...)", r"\1 ")
    return pc.utf8_trim_whitespace(pc.replace_substring(cut, "#", ""))


def format_dates(values: pa.Array, style: DateStyle) -> pa.Array:
    """Dates (date32) as ``YYYY-MM-DD`` or ``DD/MM/YYYY``."""
    if style == "iso":
        return pc.cast(values, pa.string())
    stamps = pc.cast(values, pa.timestamp("s"))
    return pc.strftime(stamps, format="%d/%m/%Y")


def as_text(column: pa.Array, fmt: FileFormat) -> pa.Array:
    """A typed column written as text: float64 = amount, date32 = date, integers as is."""
    kind = column.type
    if pa.types.is_floating(kind):
        return format_amounts(column, fmt.amounts)
    if pa.types.is_date(kind):
        return format_dates(column, fmt.dates)
    if pa.types.is_integer(kind):
        return pc.cast(column, pa.string())
    return column.cast(pa.string())
