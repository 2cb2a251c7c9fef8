"""The numbers of the report, read from the published tables of a release.

Only published cells are read: a cell whose ``CONF_STATUS`` is not ``F`` has no value here,
whatever its file holds. Nothing is estimated or filled in; a figure that rests on a
suppressed or absent cell is shown as such.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marsad.publish.formats.common import Release, Table, label, load_table
from marsad.release import ReleaseStore
from marsad.stats.catalogue import load_catalogue

TIME = "TIME_PERIOD"
TOTAL = "_T"
FREE = "F"

# The tables each figure may come from, the first present one winning (same cells: the
# tables of one indicator share their margins).
ACTIVE = [
    "active_region_section",
    "active_region_activity_size",
    "active_region_category",
    "active_region_gender",
    "active_legal_form",
    "active_section_size_employees",
]
FIGURES: dict[str, list[str]] = {
    "active": ACTIVE,
    "employees": ["employees_region_section_size"],
    "turnover": ["turnover_region_section_size"],
    "births": ["births_region_section"],
    "deaths": ["deaths_region_section"],
    "birth_rate": ["birth_rate_region_section"],
    "death_rate": ["death_rate_region_section"],
}


@dataclass(frozen=True)
class Cell:
    value: float | None  # None unless the cell is free
    conf: str  # F, C or N; "" when the release has no such cell
    status: str = ""  # A, P, ...

    @property
    def free(self) -> bool:
        return self.conf == FREE and self.value is not None

    @property
    def provisional(self) -> bool:
        return self.status == "P"


MISSING = Cell(None, "")


class ReportTable:
    """One published table, indexed by its codes; absent dimensions default to the total."""

    def __init__(self, release: Release) -> None:
        table: Table = release.tables[0]
        self.release = release
        self.table = table
        self.id = table.id
        self.meta = table.meta
        self.decimals = table.decimals
        self.is_rate = str(table.meta.get("measure_kind")) == "ratio"
        self.dims = [d.id for d in table.dimensions if d.id != TIME]
        self.dimensions = {d.id: d for d in table.dimensions}
        frame = table.frame
        columns = [frame[c].tolist() for c in [*self.dims, TIME]]
        self.cells: dict[tuple[str, ...], Cell] = {}
        for key, value, conf, status in zip(
            zip(*columns, strict=True),
            frame["OBS_VALUE"].tolist(),
            frame["CONF_STATUS"].tolist(),
            frame["OBS_STATUS"].tolist(),
            strict=True,
        ):
            number = float(value) if conf == FREE and math.isfinite(float(value)) else None
            self.cells[tuple(key)] = Cell(number, str(conf), str(status))

    def cell(self, year: str, **codes: str) -> Cell:
        key = (*(codes.get(d, TOTAL) for d in self.dims), year)
        return self.cells.get(key, MISSING)

    def codes(self, dim: str) -> list[str]:
        """The codes of a dimension in presentation order, the total left out."""
        return [c for c in self.dimensions[dim].codes if c != TOTAL]

    def code_label(self, dim: str, code: str, lang: str) -> str:
        return label(self.release.code_names(self.dimensions[dim], code), lang, code)

    def dim_label(self, dim: str, lang: str) -> str:
        dimension = self.dimensions[dim]
        return label(self.release.concept_names(dim, dimension.codelist), lang, dim)

    def title(self, lang: str) -> str:
        return label(self.table.text("title"), lang, self.id)

    def unit(self, lang: str) -> str:
        return self.table.unit_text(lang)

    def definition(self, lang: str) -> str:
        return label(self.table.text("definition"), lang, "")


@dataclass
class ReportData:
    release_id: str
    folder: Path
    manifest: dict[str, Any]
    lang: str
    tables: dict[str, ReportTable]
    years: list[str]
    provisional: set[str] = field(default_factory=set)

    @property
    def latest(self) -> str:
        return self.years[-1]

    @property
    def previous(self) -> str | None:
        return self.years[-2] if len(self.years) > 1 else None

    def first(self, candidates: list[str], dim: str | None = None) -> ReportTable | None:
        """The first present table among ``candidates`` (with dimension ``dim`` if given)."""
        for table_id in candidates:
            table = self.tables.get(table_id)
            if table is not None and (dim is None or dim in table.dims):
                return table
        return None

    def table_name(self, table_id: str) -> str:
        """The title of a table, from the release or, when absent, from the catalogue."""
        if table_id in self.tables:
            return self.tables[table_id].title(self.lang)
        catalogue = load_catalogue()
        for spec in catalogue.tables:
            if spec.id == table_id:
                title = catalogue.indicators[spec.indicator].title
                return label({str(k): str(v) for k, v in title.items()}, self.lang, table_id)
        return table_id

    def series(self, table: ReportTable, **codes: str) -> list[tuple[str, Cell]]:
        return [(year, table.cell(year, **codes)) for year in self.years]


def load(store: ReleaseStore, release_id: str, lang: str) -> ReportData:
    """Every table of a release, with its codelists, ready to be queried."""
    resolved = store.resolve(release_id)
    folder = store.path(resolved)
    manifest = store.manifest(resolved)
    tables: dict[str, ReportTable] = {}
    for entry in manifest.get("tables") or []:
        table_id = str(entry["id"])
        if (folder / "tables" / f"{table_id}.json").is_file():
            tables[table_id] = ReportTable(load_table(folder, table_id))
    years = [str(y) for y in manifest.get("data_years") or []]
    provisional = {
        key[-1] for table in tables.values() for key, c in table.cells.items() if c.provisional
    }
    return ReportData(resolved, folder, manifest, lang, tables, years, provisional)


@dataclass(frozen=True)
class Figure:
    """A key figure of the latest year, with its change against the year before."""

    key: str
    table_id: str | None
    label: str
    unit: str
    decimals: int
    is_rate: bool
    year: str
    current: Cell
    previous: Cell
    change: float | None  # percent, or points for a rate

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "table": self.table_id,
            "year": self.year,
            "value": self.current.value,
            "conf": self.current.conf or None,
            "previous": self.previous.value,
            "change": self.change,
        }


def change(current: Cell, previous: Cell, is_rate: bool) -> float | None:
    if not (current.free and previous.free) or current.value is None or previous.value is None:
        return None
    if is_rate:
        return current.value - previous.value
    if previous.value == 0:
        return None
    return (current.value / previous.value - 1) * 100


def key_figures(data: ReportData) -> list[Figure]:
    out: list[Figure] = []
    catalogue_ids = {
        "active": "active_region_section",
        "employees": "employees_region_section_size",
        "turnover": "turnover_region_section_size",
        "births": "births_region_section",
        "deaths": "deaths_region_section",
        "birth_rate": "birth_rate_region_section",
        "death_rate": "death_rate_region_section",
    }
    for key, candidates in FIGURES.items():
        table = data.first(candidates)
        if table is None:
            name = data.table_name(catalogue_ids[key])
            out.append(Figure(key, None, name, "", 0, False, data.latest, MISSING, MISSING, None))
            continue
        current = table.cell(data.latest)
        previous = table.cell(data.previous) if data.previous else MISSING
        out.append(
            Figure(
                key,
                table.id,
                table.title(data.lang),
                table.unit(data.lang),
                table.decimals,
                table.is_rate,
                data.latest,
                current,
                previous,
                change(current, previous, table.is_rate),
            )
        )
    return out
