"""Shared by the open formats: a release folder read back, its labels, safe text cells.

The formats are written from the files of the release itself (``tables/*.json``,
``tables/*.parquet``, ``codelists/*.json``), never from the manifest, which is written
after them. A suppressed cell (CONF_STATUS other than ``F``) never carries a value here,
whatever the parquet holds.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from marsad.errors import InvalidInput
from marsad.publish.formats.labels import CONCEPTS, LANGS, MULTIPLIERS, UNITS, Labels

TIME = "TIME_PERIOD"
AGENCY = "MARSAD"
VERSION = "1.0"
FREE = "F"
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
_RELEASE = re.compile(r"^(?:\.tmp-)?(\d{4}-\d{2}-\d{2})\.(\d+)$")
_UNSAFE_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | float | int | None


def neutralise(text: str) -> str:
    """A text cell that a spreadsheet would run as a formula is prefixed with a quote."""
    return "'" + text if text.startswith(_UNSAFE_START) else text


def format_number(value: float) -> str:
    """Shortest text of a number that reads back to the same float; integers without '.0'."""
    number = float(value)
    if not math.isfinite(number):
        return ""
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    return format_number(value)


def csv_string(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """RFC 4180 text (CRLF), text cells neutralised, numbers in their shortest form."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_text(h) for h in header])
    writer.writerows([csv_text(v) for v in row] for row in rows)
    return buffer.getvalue()


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(csv_string(header, rows))


def write_json(path: Path, document: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False)
    path.write_text(text + "\n", "utf-8")


def label(names: Labels, lang: str, default: str) -> str:
    return names.get(lang) or names.get("fr") or default


@dataclass(frozen=True)
class Code:
    id: str
    parent: str | None
    names: Labels


@dataclass(frozen=True)
class Codelist:
    id: str
    names: Labels
    codes: list[Code]  # presentation order: a depth-first walk of the hierarchy

    def names_of(self, code: str) -> Labels:
        for item in self.codes:
            if item.id == code:
                return item.names
        return dict.fromkeys(LANGS, code)


@dataclass(frozen=True)
class Dimension:
    id: str
    codelist: str | None
    codes: list[str]  # the codes of the table, in presentation order


@dataclass
class Table:
    id: str
    meta: dict[str, Any]
    dimensions: list[Dimension]
    frame: pd.DataFrame  # dims (text), OBS_VALUE (NaN unless free), CONF_STATUS, OBS_STATUS

    @property
    def dimension_ids(self) -> list[str]:
        return [d.id for d in self.dimensions]

    def text(self, key: str) -> Labels:
        value = self.meta.get(key) or {}
        return {lang: str(value.get(lang) or "") for lang in LANGS}

    @property
    def unit_mult(self) -> int:
        return int(self.meta.get("unit_mult") or 0)

    @property
    def decimals(self) -> int:
        return int(self.meta.get("decimals") or 0)

    def unit_text(self, lang: str = "fr") -> str:
        unit = str(self.meta.get("unit") or "")
        text = UNITS.get(unit, {}).get(lang, unit)
        multiplier = MULTIPLIERS.get(self.unit_mult)
        if not multiplier:
            return text
        if lang == "fr":
            of = "d'" if text[:1] in "aeiouyéè" else "de "
            return f"{multiplier['fr']} {of}{text}"
        if lang == "en":
            return f"{multiplier['en']} of {text}"
        return f"{text} ({multiplier[lang]})"

    def footnotes(self, lang: str = "fr") -> list[str]:
        notes = self.meta.get("footnotes") or []
        out = [label(n, lang, "") if isinstance(n, dict) else str(n) for n in notes]
        return [n for n in out if n]

    def sources(self) -> list[str]:
        out: list[str] = []
        for source in self.meta.get("sources") or []:
            out.append(label(source, "fr", "") if isinstance(source, dict) else str(source))
        return [s for s in out if s]


@dataclass
class Release:
    folder: Path
    id: str | None  # from the folder name, when it is a release id
    date: str | None
    tables: list[Table]
    codelists: dict[str, Codelist]

    def concept_names(self, concept: str, codelist: str | None = None) -> Labels:
        if concept in CONCEPTS:
            return CONCEPTS[concept]
        if codelist and codelist in self.codelists:
            return self.codelists[codelist].names
        return dict.fromkeys(LANGS, concept)

    def table_label(self, table: Table) -> Labels:
        """The title of a table with its breakdowns: « Entreprises actives par région et année »."""
        title = table.text("title")
        out: Labels = {}
        for lang in LANGS:
            names = [
                label(self.concept_names(d.id, d.codelist), lang, d.id) for d in table.dimensions
            ]
            if lang != "ar":
                names = [n[:1].lower() + n[1:] if n[1:2].islower() else n for n in names]
            by, sep, last = {
                "fr": (" par ", ", ", " et "),
                "ar": (" حسب ", "، ", " و"),
                "en": (" by ", ", ", " and "),
            }[lang]
            breakdown = (
                sep.join(names[:-1]) + last + names[-1] if len(names) > 1 else "".join(names)
            )
            base = title[lang] or title["fr"] or table.id
            out[lang] = base + by + breakdown if breakdown else base
        return out

    def code_names(self, dimension: Dimension, code: str) -> Labels:
        if dimension.codelist and dimension.codelist in self.codelists:
            return self.codelists[dimension.codelist].names_of(code)
        return dict.fromkeys(LANGS, code)

    def title(self) -> Labels:
        if self.id is None:
            return {
                "fr": "Statistiques des TPME",
                "ar": "إحصاءات المقاولات الصغيرة جدا والصغرى والمتوسطة",
                "en": "TPME statistics",
            }
        return {
            "fr": f"Statistiques des TPME, publication {self.id}",
            "ar": f"إحصاءات المقاولات الصغيرة جدا والصغرى والمتوسطة، الإصدار {self.id}",
            "en": f"TPME statistics, release {self.id}",
        }


@cache
def _semantic_rank() -> dict[str, dict[str, int]]:
    """The order in which the configuration lists the codes of a codelist (sizes, ...)."""
    try:
        text = (resources.files("marsad.release") / "data" / "labels.yaml").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return {}
    codes = (yaml.safe_load(text) or {}).get("codes") or {}
    return {str(cl): {str(c): i for i, c in enumerate(m)} for cl, m in codes.items()}


def _sibling_key(codelist: str, code: str) -> tuple[int, int, str]:
    unknown = code == "_U" or code.endswith("_U") or code == "unknown"
    group = 0 if code == "_T" else 2 if unknown else 1
    rank = _semantic_rank().get(codelist, {})
    return group, rank.get(code, len(rank)), code


def _codelist(document: dict[str, Any]) -> Codelist:
    cl_id = str(document["id"])
    codes = [
        Code(
            str(c["id"]),
            None if c.get("parent") is None else str(c["parent"]),
            {lang: str((c.get("names") or {}).get(lang) or c["id"]) for lang in LANGS},
        )
        for c in document.get("codes") or []
    ]
    ids = {c.id for c in codes}
    children: dict[str | None, list[Code]] = {}
    for code in codes:
        parent = code.parent if code.parent in ids and code.parent != code.id else None
        children.setdefault(parent, []).append(code)
    ordered: list[Code] = []
    seen: set[str] = set()

    def walk(parent: str | None) -> None:
        for code in sorted(children.get(parent, []), key=lambda c: _sibling_key(cl_id, c.id)):
            if code.id not in seen:
                seen.add(code.id)
                ordered.append(code)
                walk(code.id)

    walk(None)
    ordered += sorted((c for c in codes if c.id not in seen), key=lambda c: c.id)  # cycles
    names = document.get("names") or {}
    return Codelist(cl_id, {lang: str(names.get(lang) or cl_id) for lang in LANGS}, ordered)


def _time_key(code: str) -> tuple[int, str]:
    return len(code), code


def _table(path: Path, codelists: dict[str, Codelist]) -> Table:
    meta = dict(json.loads(path.read_text("utf-8")))
    table_id = str(meta.get("id") or path.stem)
    dims_meta = meta.get("dimensions") or []
    dim_ids = [str(d["id"]) for d in dims_meta]
    frame = pd.read_parquet(path.with_suffix(".parquet"))
    missing = [c for c in [*dim_ids, "OBS_VALUE", "CONF_STATUS", "OBS_STATUS"] if c not in frame]
    if missing:
        raise InvalidInput(
            f"La table {table_id} de la publication n'a pas les colonnes {', '.join(missing)}."
        )
    frame = frame[[*dim_ids, "OBS_VALUE", "CONF_STATUS", "OBS_STATUS"]].copy()
    for column in [*dim_ids, "CONF_STATUS", "OBS_STATUS"]:
        frame[column] = frame[column].astype(str)
    values = pd.to_numeric(frame["OBS_VALUE"], errors="coerce").astype(float)
    keep = (frame["CONF_STATUS"] == FREE).to_numpy() & np.isfinite(values.to_numpy())
    frame["OBS_VALUE"] = values.where(keep, np.nan)
    dimensions: list[Dimension] = []
    positions: list[str] = []
    for dim_id, dim_meta in zip(dim_ids, dims_meta, strict=True):
        codelist = dim_meta.get("codelist")
        present = set(frame[dim_id])
        if codelist and codelist in codelists:
            order = [c.id for c in codelists[codelist].codes if c.id in present]
            order += sorted(present - set(order))
        else:
            order = sorted(present, key=_time_key)
        dimensions.append(Dimension(dim_id, codelist and str(codelist), order))
        column = f"__pos_{dim_id}"
        frame[column] = frame[dim_id].map({c: i for i, c in enumerate(order)})
        positions.append(column)
    frame = frame.sort_values(positions, kind="stable").drop(columns=positions)
    return Table(table_id, meta, dimensions, frame.reset_index(drop=True))


def load_codelists(folder: Path) -> dict[str, Codelist]:
    codelists: dict[str, Codelist] = {}
    for path in sorted((folder / "codelists").glob("*.json")):
        codelist = _codelist(dict(json.loads(path.read_text("utf-8"))))
        codelists[codelist.id] = codelist
    return codelists


def load_table(folder: Path, table_id: str) -> Release:
    """A release folder with only one of its tables loaded."""
    codelists = load_codelists(folder)
    table = _table(folder / "tables" / f"{table_id}.json", codelists)
    match = _RELEASE.match(folder.name)
    release_id = f"{match.group(1)}.{match.group(2)}" if match else None
    return Release(folder, release_id, match.group(1) if match else None, [table], codelists)


def load_release(folder: Path) -> Release:
    """The tables and codelists of a release folder, tables sorted by id."""
    codelists = load_codelists(folder)
    tables = [
        _table(path, codelists)
        for path in sorted((folder / "tables").glob("*.json"))
        if path.with_suffix(".parquet").is_file()
    ]
    match = _RELEASE.match(folder.name)
    release_id = f"{match.group(1)}.{match.group(2)}" if match else None
    return Release(folder, release_id, match.group(1) if match else None, tables, codelists)
