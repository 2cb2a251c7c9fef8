"""The report as one self-contained HTML document: inline CSS, inline SVG, print rules.

Every value placed in the markup goes through ``html.escape``; the helpers below take
plain text and return markup. A suppressed cell shows its mark (C or N), never a value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from marsad.publish.report import fmt
from marsad.publish.report.figures import Cell, Figure, ReportData
from marsad.publish.report.texts import text

CSS = """
*{box-sizing:border-box}
body{font-family:'DejaVu Sans',Arial,sans-serif;color:#1d1d1d;margin:0;font-size:10.5pt;
line-height:1.45}
main{max-width:190mm;margin:0 auto;padding:0 8mm}
h1{font-size:24pt;margin:0 0 4mm;color:#123f5f}
h2{font-size:15pt;color:#123f5f;border-bottom:2px solid #1f5f8b;padding-bottom:2mm;
margin:0 0 4mm}
h3{font-size:11.5pt;color:#1f5f8b;margin:6mm 0 2mm}
.cover{min-height:260mm;display:flex;flex-direction:column;justify-content:center;
border-left:8px solid #1f5f8b;padding-left:10mm}
.cover .subtitle{font-size:14pt;color:#444;margin-bottom:12mm}
.cover dl{display:grid;grid-template-columns:max-content auto;gap:2mm 6mm;font-size:11pt}
.cover dt{color:#555}.cover dd{margin:0;font-weight:bold}
.toc ol{padding-inline-start:6mm}
section{padding-top:6mm}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(55mm,1fr));gap:4mm}
.card{border:1px solid #c9d6e0;border-radius:2mm;padding:3mm 4mm;background:#f5f8fa;
break-inside:avoid}
.card .label{font-size:9.5pt;color:#444}
.card .value{font-size:18pt;font-weight:bold;color:#123f5f;margin:1mm 0}
.card .value.na{font-size:12pt;color:#777}
.card .unit,.card .change{font-size:8.5pt;color:#555}
table{border-collapse:collapse;width:100%;margin:2mm 0 1mm;font-size:9pt;
break-inside:auto}
caption{text-align:start;font-weight:bold;padding-bottom:1.5mm;caption-side:top}
th,td{border-bottom:1px solid #dde4ea;padding:1.2mm 2mm;text-align:start;
vertical-align:top}
thead th{background:#e8eff4;font-weight:bold}
th.num{text-align:end}
td.num{text-align:end;white-space:nowrap;font-variant-numeric:tabular-nums}
tbody th{font-weight:600;min-width:34mm}
table.wide{font-size:7.8pt}table.wide th,table.wide td{padding:1mm 1.1mm}
table.wide tbody th{min-width:28mm}
td.sup{color:#a33;font-weight:bold}
tr.total td,tr.total th{font-weight:bold;border-top:1.5px solid #1f5f8b}
tr{break-inside:avoid}
.unit{font-weight:normal;color:#555;font-size:8pt;display:block}
.note,.missing{font-size:8.5pt;color:#555;margin:1mm 0 3mm}
.missing{font-style:italic;color:#7a4b00}
figure{margin:3mm 0 5mm;break-inside:avoid}
figcaption{font-size:9pt;font-weight:bold;margin-bottom:1mm}
svg.chart{max-width:100%;height:auto}
.methods{border:1px solid #c9d6e0;background:#f7f9fb;padding:4mm 6mm;border-radius:2mm}
.methods dt{margin-top:2mm}.methods dd{margin:0.5mm 0 1mm}.methods .unit{display:inline}
footer{font-size:8pt;color:#666;border-top:1px solid #ccc;margin-top:10mm;padding:3mm 0}
sup.p{font-size:70%;color:#a33}
@page{size:A4;margin:16mm 14mm}
@media print{
main{padding:0;max-width:none}
.cover{min-height:250mm;break-after:page}
.toc{break-after:page}
section.part{break-before:page}
a{color:inherit;text-decoration:none}
}
"""


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    body: str  # markup


def year_head(year: str, provisional: bool) -> str:
    """A year as markup: ``2025<sup>p</sup>`` when provisional."""
    mark = '<sup class="p" title="provisoire">p</sup>' if provisional else ""
    return escape(year) + mark


def cell_text(cell: Cell, decimals: int, lang: str) -> str:
    """What a cell shows: its value if free, its mark (C, N) if suppressed, a dash if absent."""
    if cell.free and cell.value is not None:
        return fmt.number(cell.value, decimals, lang)
    if cell.conf in ("C", "N"):
        return cell.conf
    return "–"


def td(cell: Cell, decimals: int, lang: str, **data: str) -> str:
    attrs = "".join(f' data-{escape(k)}="{escape(v)}"' for k, v in data.items())
    suppressed = cell.conf in ("C", "N")
    title = f' title="{escape(text(lang, "legend_cn"))}"' if suppressed else ""
    kind = "num sup" if suppressed else "num"
    return f'<td class="{kind}"{attrs}{title}>{escape(cell_text(cell, decimals, lang))}</td>'


def th(content: str, numeric: bool = False, unit: str = "", scope: str = "col") -> str:
    """A header cell; ``content`` is markup already escaped by the caller."""
    unit_part = f'<span class="unit">{escape(unit)}</span>' if unit else ""
    kind = ' class="num"' if numeric else ""
    return f'<th scope="{scope}"{kind}>{content}{unit_part}</th>'


def table(caption: str, head: Sequence[str], rows: Sequence[tuple[str, Sequence[str]]]) -> str:
    """A data table: ``head`` and the row cells are markup, a row has a class ('' or 'total')."""
    body = "".join(
        f'<tr class="{escape(kind)}">' + "".join(cells) + "</tr>"
        if kind
        else "<tr>" + "".join(cells) + "</tr>"
        for kind, cells in rows
    )
    kind = ' class="wide"' if len(head) > 5 else ""
    return (
        f"<table{kind}><caption>{escape(caption)}</caption><thead><tr>{''.join(head)}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def figure(caption: str, svg: str) -> str:
    return f"<figure><figcaption>{escape(caption)}</figcaption>{svg}</figure>"


def note(sentence: str) -> str:
    return f'<p class="note">{escape(sentence)}</p>'


def missing(sentence: str) -> str:
    return f'<p class="missing">{escape(sentence)}</p>'


def missing_table(data: ReportData, table_id: str) -> str:
    """The sentence that stands for a part whose table is not in the release."""
    title = data.table_name(table_id)
    return missing(text(data.lang, "missing_table", table=table_id, title=title))


def years_text(data: ReportData) -> str:
    if not data.years:
        return "–"
    span = data.years[0] if len(data.years) == 1 else f"{data.years[0]}–{data.years[-1]}"
    marked = sorted(y for y in data.years if y in data.provisional)
    return span + (f" ({', '.join(f'{y} p' for y in marked)})" if marked else "")


def cover(data: ReportData, sections: Sequence[Section]) -> str:
    lang = data.lang
    title = data.manifest.get("title") or {}
    subtitle = str(title.get(lang) or title.get("fr") or text(lang, "subtitle"))
    rows = [
        (text(lang, "release"), data.release_id),
        (text(lang, "published_on"), fmt.long_date(str(data.manifest.get("created_at", "")), lang)),
        (text(lang, "years_covered"), years_text(data)),
    ]
    facts = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    toc = "".join(f'<li><a href="#{escape(s.id)}">{escape(s.title)}</a></li>' for s in sections)
    p_note = note(text(lang, "p_note")) if data.provisional else ""
    return (
        f'<header class="cover" id="cover"><h1>{escape(text(lang, "report_title"))}</h1>'
        f'<div class="subtitle">{escape(text(lang, "subtitle"))}<br>{escape(subtitle)}</div>'
        f"<dl>{facts}</dl>{p_note}</header>"
        f'<nav class="toc"><h2>{escape(text(lang, "contents"))}</h2><ol>{toc}</ol></nav>'
    )


def headline(data: ReportData, figures: Sequence[Figure]) -> Section:
    lang = data.lang
    cards: list[str] = []
    for item in figures:
        if item.table_id is None:
            value, unit, kind = text(lang, "not_available"), "", "value na"
        else:
            value, unit = cell_text(item.current, item.decimals, lang), item.unit
            kind = "value" if item.current.free else "value na"
        if item.change is not None and data.previous:
            moved = text(
                lang,
                "change",
                change=fmt.change(item.change, item.is_rate, lang),
                year=fmt.year_label(data.previous, data.previous in data.provisional),
            )
        else:
            moved = text(lang, "no_change")
        cards.append(
            f'<div class="card" data-key="{escape(item.key)}">'
            f'<div class="label">{escape(item.label)}</div>'
            f'<div class="{kind}">{escape(value)}</div>'
            f'<div class="unit">{escape(unit)}</div>'
            f'<div class="change">{escape(moved)}</div></div>'
        )
    year = fmt.year_label(data.latest, data.latest in data.provisional)
    notes = note(text(lang, "legend_cn")) + (note(text(lang, "p_note")) if data.provisional else "")
    return Section(
        "headline",
        text(lang, "headline", year=year),
        f'<div class="cards">{"".join(cards)}</div>' + notes,
    )


def document(data: ReportData, sections: Sequence[Section]) -> str:
    lang = data.lang
    direction = "rtl" if lang == "ar" else "ltr"
    parts = "".join(
        f'<section id="{escape(s.id)}" class="part"><h2>{escape(s.title)}</h2>{s.body}</section>'
        for s in sections
    )
    title = f"{text(lang, 'report_title')} – {data.release_id}"
    footer = text(lang, "colophon", release=data.release_id)
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}" dir="{direction}"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body><main>"
        f"{cover(data, sections)}{parts}<footer>{escape(footer)}</footer></main></body></html>\n"
    )
