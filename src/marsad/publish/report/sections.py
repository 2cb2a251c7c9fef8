"""The structural parts of the report: by region, by sector, by size and form, for the latest year.

Each part shows the tables of the release that have its dimension; a column whose table is
absent is named in a sentence, and a part with no table at all is replaced by a sentence.
"""

from __future__ import annotations

from html import escape

from marsad.publish.report import fmt
from marsad.publish.report.figures import FIGURES, TOTAL, ReportData, ReportTable
from marsad.publish.report.html import (
    Section,
    cell_text,
    figure,
    missing,
    missing_table,
    note,
    table,
    td,
    th,
)
from marsad.publish.report.svg import Bar, bar_chart
from marsad.publish.report.texts import text

SIZE_COLUMNS: dict[str, list[str]] = {
    "active": ["active_region_activity_size"],
    "employees": ["employees_region_section_size"],
    "turnover": ["turnover_region_section_size"],
    "credit": ["credit_region_size"],
}
# one-dimension distributions of the active enterprises: (heading key, table, dimension)
DISTRIBUTIONS = [
    ("by_legal_form", "active_legal_form", "LEGAL_FORM"),
    ("by_category", "active_region_category", "CATEGORY"),
    ("by_gender", "active_region_gender", "GENDER"),
    ("by_size_employees", "active_section_size_employees", "SIZE_EMPLOYEES"),
]
UNKNOWN = ("_U", "unknown")


def columns(
    data: ReportData, candidates: dict[str, list[str]], dim: str
) -> tuple[list[ReportTable], list[str]]:
    """The tables that give each column for ``dim``, and the names of the absent ones."""
    present: list[ReportTable] = []
    absent: list[str] = []
    for ids in candidates.values():
        found = data.first(ids, dim)
        if found is None:
            absent.append(data.table_name(ids[0]))
        elif found not in present:
            present.append(found)
    return present, absent


def row_label(source: ReportTable, dim: str, code: str, lang: str) -> str:
    name = source.code_label(dim, code, lang)
    if dim == "ACTIVITY" and len(code) == 1 and not name.startswith(f"{code} "):
        return f"{code} – {name}"
    return name


def year_caption(data: ReportData, what: str) -> str:
    year = fmt.year_label(data.latest, data.latest in data.provisional)
    return text(data.lang, "in_year", what=what, year=year)


def breakdown(
    data: ReportData, dim: str, candidates: dict[str, list[str]], what: str, chart: bool = True
) -> str:
    """A table of the latest year by ``dim`` (one column per indicator) and a bar chart."""
    lang, year = data.lang, data.latest
    tables, absent = columns(data, candidates, dim)
    if not tables:
        names = ", ".join(sorted({ids[0] for ids in candidates.values()}))
        return missing(text(lang, "missing_section", tables=names))
    codes: list[str] = []
    for source in tables:
        codes += [c for c in source.codes(dim) if c not in codes]
    first = tables[0]
    head = [th(escape(first.dim_label(dim, lang)))]
    head += [th(escape(t.title(lang)), True, t.unit(lang)) for t in tables]
    rows: list[tuple[str, list[str]]] = []
    for code in [*codes, TOTAL]:
        label = text(lang, "total") if code == TOTAL else row_label(first, dim, code, lang)
        cells = [f'<th scope="row">{escape(label)}</th>']
        cells += [
            td(t.cell(year, **{dim: code}), t.decimals, lang, table=t.id, code=code) for t in tables
        ]
        rows.append(("total" if code == TOTAL else "", cells))
    out = table(year_caption(data, what), head, rows) + note(text(lang, "legend_cn"))
    if absent:
        out += note(text(lang, "missing_columns", names=", ".join(absent)))
    if chart:
        main = next((t for t in tables if not t.is_rate), first)
        bars = [
            Bar(row_label(main, dim, code, lang), cell.value, cell_text(cell, main.decimals, lang))
            for code in codes
            if code not in UNKNOWN
            for cell in [main.cell(year, **{dim: code})]
        ]
        title = f"{year_caption(data, main.title(lang))} — {main.unit(lang)}"
        out += figure(title, bar_chart(title, bars))
        if any(b.value is None for b in bars):
            out += note(text(lang, "chart_suppressed"))
    return out


def regions(data: ReportData) -> Section:
    title = text(data.lang, "regions")
    return Section("regions", title, breakdown(data, "REGION", FIGURES, title))


def sectors(data: ReportData) -> Section:
    title = text(data.lang, "sectors")
    return Section("sectors", title, breakdown(data, "ACTIVITY", FIGURES, title))


def share_cell(value: float | None, total: float | None, lang: str) -> str:
    if value is None or not total:
        return '<td class="num">–</td>'
    return f'<td class="num">{escape(fmt.number(value / total * 100, 1, lang))}</td>'


def distribution(data: ReportData, heading: str, table_id: str, dim: str) -> str:
    """Active enterprises by one dimension in the latest year, with each code's share."""
    lang, year = data.lang, data.latest
    out = f"<h3>{escape(text(lang, heading))}</h3>"
    source = data.tables.get(table_id)
    if source is None or dim not in source.dims:
        return out + missing_table(data, table_id)
    total = source.cell(year)
    head = [
        th(escape(source.dim_label(dim, lang))),
        th(escape(source.title(lang)), True, source.unit(lang)),
        th(escape(text(lang, "share")), True),
    ]
    rows: list[tuple[str, list[str]]] = []
    for code in [*source.codes(dim), TOTAL]:
        cell = source.cell(year, **{dim: code})
        label = text(lang, "total") if code == TOTAL else source.code_label(dim, code, lang)
        rows.append(
            (
                "total" if code == TOTAL else "",
                [
                    f'<th scope="row">{escape(label)}</th>',
                    td(cell, source.decimals, lang, table=source.id, code=code),
                    share_cell(
                        cell.value if cell.free else None, total.value if total.free else None, lang
                    ),
                ],
            )
        )
    return out + table(year_caption(data, text(lang, heading)), head, rows)


def sizes(data: ReportData) -> Section:
    lang = data.lang
    body = f"<h3>{escape(text(lang, 'by_size'))}</h3>"
    body += breakdown(data, "SIZE_CLASS", SIZE_COLUMNS, text(lang, "by_size"))
    for heading, table_id, dim in DISTRIBUTIONS:
        body += distribution(data, heading, table_id, dim)
    body += note(text(lang, "legend_cn"))
    return Section("sizes", text(lang, "sizes"), body)
