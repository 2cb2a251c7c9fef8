"""The methods box: sources, definitions, statistical confidentiality, audit, provisional years."""

from __future__ import annotations

from html import escape
from typing import Any

from marsad.publish.formats.labels import FLAGS
from marsad.publish.report import fmt
from marsad.publish.report.figures import ReportData
from marsad.publish.report.html import Section, note, table, th
from marsad.publish.report.texts import source_name, text


def _sources(data: ReportData) -> str:
    names: list[str] = []
    for source in data.tables.values():
        for item in source.meta.get("sources") or []:
            name = source_name(data.lang, str(item))
            if name not in names:
                names.append(name)
    items = "".join(f"<li>{escape(n)}</li>" for n in names) or "<li>–</li>"
    return f"<h3>{escape(text(data.lang, 'sources'))}</h3><ul>{items}</ul>"


def _definitions(data: ReportData) -> str:
    lang = data.lang
    seen: set[str] = set()
    entries: list[str] = []
    for source in data.tables.values():
        indicator = str(source.meta.get("indicator") or source.id)
        if indicator in seen:
            continue
        seen.add(indicator)
        footnotes = " ".join(source.table.footnotes(lang))
        entries.append(
            f"<dt><strong>{escape(source.title(lang))}</strong> "
            f'<span class="unit">{escape(source.unit(lang))}</span></dt>'
            f"<dd>{escape(source.definition(lang))}"
            + (f" {escape(footnotes)}" if footnotes else "")
            + "</dd>"
        )
    return f"<h3>{escape(text(lang, 'definitions'))}</h3><dl>{''.join(entries)}</dl>"


def _count(value: Any, lang: str) -> str:
    try:
        return fmt.number(float(value), 0, lang)
    except (TypeError, ValueError):
        return "–"


def _confidentiality(data: ReportData) -> str:
    lang = data.lang
    out = f"<h3>{escape(text(lang, 'confidentiality'))}</h3>"
    out += f"<p>{escape(text(lang, 'conf_intro'))}</p>"
    colon = " : " if lang == "fr" else ": "
    flags = "".join(
        f"<li><strong>{code}</strong>{colon}{escape(FLAGS['CONF_STATUS'][code][lang])}</li>"
        for code in ("C", "N")
    )
    out += f"<ul>{flags}</ul>"
    head = [
        th(escape(text(lang, "tables_of_release"))),
        th(escape(text(lang, "cells")), True),
        th("C", True),
        th("N", True),
    ]
    rows: list[tuple[str, list[str]]] = []
    for entry in data.manifest.get("tables") or []:
        table_id = str(entry.get("id"))
        name = f"{data.table_name(table_id)} ({table_id})"
        rows.append(
            (
                "",
                [
                    f'<th scope="row">{escape(name)}</th>',
                    *(
                        f'<td class="num">{escape(_count(entry.get(k), lang))}</td>'
                        for k in ("cells", "suppressed_primary", "suppressed_secondary")
                    ),
                ],
            )
        )
    out += table(text(lang, "conf_table"), head, rows)
    audit = data.manifest.get("audit") or {}
    if "exposed_cells" in audit:
        sentence = text(
            lang,
            "audit_ok" if audit.get("exposed_cells") == 0 else "audit",
            exposed=_count(audit.get("exposed_cells"), lang),
            checked=_count(audit.get("primary_cells_checked"), lang),
        )
        out += f'<p class="audit"><strong>{escape(sentence)}</strong></p>'
    else:
        out += note(text(lang, "audit_missing"))
    return out


def _provisional(data: ReportData) -> str:
    lang = data.lang
    marked = sorted(data.provisional & set(data.years))
    sentence = (
        text(lang, "provisional_text", years=", ".join(marked))
        if marked
        else text(lang, "no_provisional")
    )
    return f"<h3>{escape(text(lang, 'provisional'))}</h3><p>{escape(sentence)}</p>"


def methods(data: ReportData) -> Section:
    body = (
        '<div class="methods">'
        + _sources(data)
        + _definitions(data)
        + _confidentiality(data)
        + _provisional(data)
        + "</div>"
    )
    return Section("methods", text(data.lang, "methods"), body)
