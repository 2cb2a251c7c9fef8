"""The parts over time: business demography (flows, survival, growth, transitions) and trends."""

from __future__ import annotations

from collections.abc import Sequence
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
    year_head,
)
from marsad.publish.report.sections import year_caption
from marsad.publish.report.svg import Bar, Series, bar_chart, line_chart
from marsad.publish.report.texts import text

FLOWS = ["births", "deaths", "birth_rate", "death_rate"]
STOCKS = ["active", "employees", "turnover"]
GROWTH = ["high_growth_region_section", "gazelles_region_section"]
SURVIVAL = ["cohort_region_horizon", "survivors_region_horizon", "survival_rate_region_horizon"]
TRANSITIONS = "size_transitions"


def present(data: ReportData, ids: Sequence[str]) -> tuple[list[ReportTable], list[str]]:
    tables = [data.tables[i] for i in ids if i in data.tables]
    return tables, [i for i in ids if i not in data.tables]


def figure_tables(data: ReportData, keys: Sequence[str]) -> tuple[list[ReportTable], list[str]]:
    found = [(k, data.first(FIGURES[k])) for k in keys]
    return [t for _, t in found if t is not None], [FIGURES[k][0] for k, t in found if t is None]


def year_table(data: ReportData, caption: str, tables: Sequence[ReportTable]) -> str:
    """National values by year: one row per table, one column per year."""
    lang = data.lang
    head = [th(escape(text(lang, "year")))]
    head += [th(year_head(y, y in data.provisional), True) for y in data.years]
    rows: list[tuple[str, list[str]]] = []
    for source in tables:
        cells = [
            f'<th scope="row">{escape(source.title(lang))}'
            f'<span class="unit">{escape(source.unit(lang))}</span></th>'
        ]
        cells += [
            td(source.cell(y), source.decimals, lang, table=source.id, code=TOTAL)
            for y in data.years
        ]
        rows.append(("", cells))
    return table(caption, head, rows)


def absent_note(data: ReportData, ids: Sequence[str]) -> str:
    if not ids:
        return ""
    names = ", ".join(f"{i} ({data.table_name(i)})" for i in ids)
    return note(text(data.lang, "missing_columns", names=names))


def survival(data: ReportData) -> str:
    lang, year = data.lang, data.latest
    out = f"<h3>{escape(text(lang, 'survival'))}</h3>"
    tables, absent = present(data, SURVIVAL)
    tables = [t for t in tables if "HORIZON" in t.dims]
    if not tables:
        return out + missing(text(lang, "missing_section", tables=", ".join(SURVIVAL)))
    first = tables[-1]
    head = [th(escape(first.dim_label("HORIZON", lang)))]
    head += [th(escape(t.title(lang)), True, t.unit(lang)) for t in tables]
    rows: list[tuple[str, list[str]]] = []
    for code in first.codes("HORIZON"):
        cells = [f'<th scope="row">{escape(first.code_label("HORIZON", code, lang))}</th>']
        cells += [
            td(t.cell(year, HORIZON=code), t.decimals, lang, table=t.id, code=code) for t in tables
        ]
        rows.append(("", cells))
    out += table(year_caption(data, text(lang, "survival")), head, rows) + absent_note(data, absent)
    rate = data.tables.get(SURVIVAL[-1])
    if rate is not None and "HORIZON" in rate.dims:
        bars = [
            Bar(
                rate.code_label("HORIZON", code, lang),
                cell.value,
                cell_text(cell, rate.decimals, lang),
            )
            for code in rate.codes("HORIZON")
            for cell in [rate.cell(year, HORIZON=code)]
        ]
        title = f"{year_caption(data, rate.title(lang))} — {rate.unit(lang)}"
        out += figure(title, bar_chart(title, bars))
    return out


def transitions(data: ReportData) -> str:
    lang, year = data.lang, data.latest
    out = f"<h3>{escape(text(lang, 'transitions'))}</h3>"
    source = data.tables.get(TRANSITIONS)
    if source is None or not {"SIZE_FROM", "SIZE_TO"} <= set(source.dims):
        return out + missing_table(data, TRANSITIONS)
    targets = [*source.codes("SIZE_TO"), TOTAL]
    head = [th(escape(source.dim_label("SIZE_FROM", lang)))]
    head += [
        th(
            escape(text(lang, "total") if c == TOTAL else source.code_label("SIZE_TO", c, lang)),
            True,
        )
        for c in targets
    ]
    rows: list[tuple[str, list[str]]] = []
    for origin in [*source.codes("SIZE_FROM"), TOTAL]:
        name = (
            text(lang, "total") if origin == TOTAL else source.code_label("SIZE_FROM", origin, lang)
        )
        cells = [f'<th scope="row">{escape(name)}</th>']
        cells += [
            td(
                source.cell(year, SIZE_FROM=origin, SIZE_TO=c),
                source.decimals,
                lang,
                table=source.id,
                code=f"{origin}>{c}",
            )
            for c in targets
        ]
        rows.append(("total" if origin == TOTAL else "", cells))
    caption = f"{year_caption(data, source.title(lang))} — {source.unit(lang)}"
    return out + note(text(lang, "from_to")) + table(caption, head, rows)


def demography(data: ReportData) -> Section:
    lang = data.lang
    body = f"<h3>{escape(text(lang, 'flows'))}</h3>"
    flows, absent = figure_tables(data, FLOWS)
    if flows:
        body += year_table(data, text(lang, "flows"), flows) + absent_note(data, absent)
    else:
        body += missing(text(lang, "missing_section", tables=", ".join(absent)))
    body += survival(data)
    body += f"<h3>{escape(text(lang, 'growth'))}</h3>"
    growth, absent = present(data, GROWTH)
    if growth:
        body += year_table(data, text(lang, "growth"), growth) + absent_note(data, absent)
    else:
        body += missing(text(lang, "missing_section", tables=", ".join(GROWTH)))
    body += transitions(data) + note(text(lang, "legend_cn"))
    return Section("demography", text(lang, "demography"), body)


def line(data: ReportData, tables: Sequence[ReportTable], what: str) -> str:
    lang = data.lang
    labels = [fmt.year_label(y, y in data.provisional) for y in data.years]
    series = [Series(t.title(lang), [c.value for _, c in data.series(t)]) for t in tables]
    decimals = max(t.decimals for t in tables)
    title = f"{what} — {tables[0].unit(lang)}"
    chart = line_chart(title, labels, series, lambda v: fmt.number(v, decimals, lang))
    return figure(title, chart)


def trends(data: ReportData) -> Section:
    lang = data.lang
    stocks, absent_stocks = figure_tables(data, STOCKS)
    flows, absent_flows = figure_tables(data, ["births", "deaths"])
    rates, absent_rates = figure_tables(data, ["birth_rate", "death_rate"])
    if not (stocks or flows or rates):
        names = ", ".join(absent_stocks + absent_flows + absent_rates)
        return Section(
            "trends", text(lang, "trends"), missing(text(lang, "missing_section", tables=names))
        )
    body = ""
    if stocks:
        body += year_table(data, text(lang, "trends"), stocks)
    body += absent_note(data, absent_stocks + absent_flows + absent_rates)
    for source in stocks:
        body += line(data, [source], source.title(lang))
    if flows:
        body += line(data, flows, text(lang, "flows"))
    if rates:
        body += line(data, rates, text(lang, "rates"))
    if data.provisional:
        body += note(text(lang, "p_note"))
    return Section("trends", text(lang, "trends"), body)
