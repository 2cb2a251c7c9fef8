"""The part on the support programmes: their effect against matched comparable firms.

It renders the evaluation kept for the current register build (``marsad impact
evaluate`` writes it); the report never computes it. Without one, the part is left out
and a sentence in the methods box says so. Effects are in log of declared turnover.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Any

from marsad.impact.cache import read_cached
from marsad.publish.report import fmt
from marsad.publish.report.html import Section, figure, note, table, th
from marsad.publish.report.svg import FONT, PALETTE
from marsad.settings import Settings

TITLES = {
    "fr": "Impact des programmes de soutien",
    "en": "Impact of the support programmes",
    "ar": "أثر برامج الدعم",
}
NOT_COMPUTED = (
    "Impact des programmes de soutien : évaluation non encore calculée pour le registre "
    "courant (lancez « marsad impact evaluate ») ; cette partie est omise."
)
READING = (
    "Effets en logarithme du chiffre d'affaires déclaré (0,10 ≈ +10,5 %), estimés contre des "
    "entreprises comparables appariées (différences de différences échelonnées) ; intervalle "
    "de confiance à 95 %. La comparaison avant/après naïve attribue au programme toute "
    "l'évolution des bénéficiaires, y compris celle qu'ils auraient connue sans soutien."
)


def effect(value: float | None, lang: str = "fr") -> str:
    """A log effect as ``+0,105``; a dash when not estimated."""
    if value is None or not math.isfinite(value):
        return "–"
    return fmt.signed(fmt.number(value, 3, lang), value)


def interval(low: float | None, high: float | None, lang: str = "fr") -> str:
    if low is None or high is None:
        return "–"
    return f"[{effect(low, lang)} ; {effect(high, lang)}]"


def forest_plot(title: str, programmes: Sequence[dict[str, Any]], width: int = 680) -> str:
    """One row per programme: its interval as a line, the estimate as a dot, the naive
    before/after figure as a hollow diamond, and the zero line."""
    rows = [p for p in programmes if p.get("estimate") is not None]
    row, top, bottom, left, right = 26, 30, 26, 120, 20
    height = top + bottom + row * max(len(rows), 1)
    values = [0.0]
    for p in rows:
        values += [
            v for k in ("ci_low", "ci_high", "naive_estimate") if (v := p.get(k)) is not None
        ]
    low, high = min(values), max(values)
    pad = (high - low) * 0.08 or 0.1
    low, high = low - pad, high + pad
    plot_w = width - left - right

    def x_of(value: float) -> float:
        return left + (value - low) / (high - low) * plot_w

    body = [
        f'<line x1="{x_of(0):.1f}" y1="{top - 6}" x2="{x_of(0):.1f}" y2="{height - bottom}" '
        'stroke="#555" stroke-width="1" stroke-dasharray="4 3"/>',
        f'<text x="{x_of(0):.1f}" y="{height - bottom + 16}" text-anchor="middle" '
        'font-size="10" fill="#555">0</text>',
        f'<circle cx="{left}" cy="12" r="4" fill="{PALETTE[0]}"/>'
        f'<text x="{left + 8}" y="16" font-size="10" fill="#222">effet estimé (IC 95 %)</text>',
        f'<path d="M{left + 200},7 l5,5 l-5,5 l-5,-5 z" fill="none" stroke="{PALETTE[1]}"/>'
        f'<text x="{left + 210}" y="16" font-size="10" fill="#222">avant/après naïf</text>',
    ]
    for i, p in enumerate(rows):
        y = top + i * row + row / 2
        body.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#222">{escape(str(p["programme"]))}</text>'
        )
        if p.get("ci_low") is not None and p.get("ci_high") is not None:
            body.append(
                f'<line x1="{x_of(p["ci_low"]):.1f}" y1="{y:.1f}" x2="{x_of(p["ci_high"]):.1f}" '
                f'y2="{y:.1f}" stroke="{PALETTE[0]}" stroke-width="2"/>'
            )
        body.append(
            f'<circle cx="{x_of(p["estimate"]):.1f}" cy="{y:.1f}" r="4" fill="{PALETTE[0]}"/>'
        )
        if p.get("naive_estimate") is not None:
            body.append(
                f'<path d="M{x_of(p["naive_estimate"]):.1f},{y - 5:.1f} l5,5 l-5,5 l-5,-5 z" '
                f'fill="none" stroke="{PALETTE[1]}" stroke-width="1.5"/>'
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="chart" {FONT} direction="ltr">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def event_study_svg(title: str, points: list[dict[str, Any]], width: int = 640) -> str:
    """The effect year by year around approval: the 95 % band, the estimates, zero."""
    points = sorted(points, key=lambda e: int(e["relative_year"]))
    left, right, top, bottom = 60, 20, 20, 40
    height = 260
    plot_w, plot_h = width - left - right, height - top - bottom
    years = [int(e["relative_year"]) for e in points]
    values = [0.0] + [float(e[k]) for e in points for k in ("ci_low", "ci_high")]
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or 0.1
    low, high = low - pad, high + pad
    first, last = min(years, default=-1), max(years, default=1)
    span = (last - first) or 1

    def x_of(year: float) -> float:
        return left + (year - first) / span * plot_w

    def y_of(value: float) -> float:
        return top + (high - value) / (high - low) * plot_h

    band = [(x_of(y), y_of(float(e["ci_high"]))) for y, e in zip(years, points, strict=True)]
    band += [
        (x_of(y), y_of(float(e["ci_low"])))
        for y, e in reversed(list(zip(years, points, strict=True)))
    ]
    line = " ".join(
        f"{x_of(y):.1f},{y_of(float(e['estimate'])):.1f}"
        for y, e in zip(years, points, strict=True)
    )
    body = [
        f'<polygon points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in band)}" '
        f'fill="{PALETTE[0]}" fill-opacity="0.18" stroke="none"/>',
        f'<line x1="{left}" y1="{y_of(0):.1f}" x2="{width - right}" y2="{y_of(0):.1f}" '
        'stroke="#555" stroke-width="1" stroke-dasharray="4 3"/>',
        f'<text x="{left - 6}" y="{y_of(0) + 4:.1f}" text-anchor="end" font-size="10">0</text>',
        f'<polyline points="{line}" fill="none" stroke="{PALETTE[0]}" stroke-width="2"/>',
    ]
    for value in (low + pad, high - pad):
        body.append(
            f'<text x="{left - 6}" y="{y_of(value) + 4:.1f}" text-anchor="end" font-size="10" '
            f'fill="#555">{escape(effect(value))}</text>'
        )
    for year, e in zip(years, points, strict=True):
        x, y = x_of(year), y_of(float(e["estimate"]))
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{PALETTE[0]}"/>')
        body.append(
            f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
            f'font-size="11">{year:+d}</text>'
        )
    body.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle" '
        'font-size="10" fill="#555">années après l\'approbation (1 = première année)</text>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" {FONT} direction="ltr">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def programme_table(programmes: Sequence[dict[str, Any]], lang: str = "fr") -> str:
    """Estimate, interval, naive figure (and the true effect when one is known)."""
    truth = any(p.get("true_effect") is not None for p in programmes)
    head = [
        th("Programme"),
        th("Effet estimé", True),
        th("IC 95 %", True),
        th("Avant/après naïf", True),
    ]
    head += [th("Effet vrai", True)] if truth else []
    head += [th("Bénéficiaires appariés", True)]
    rows: list[tuple[str, list[str]]] = []
    for p in programmes:
        shown = "non publié" if p.get("status") != "estimated" else effect(p.get("estimate"), lang)
        matching = p.get("matching") or {}
        cells = [
            f'<th scope="row">{escape(str(p["programme"]))}</th>',
            f'<td class="num">{escape(shown)}</td>',
            f'<td class="num">{escape(interval(p.get("ci_low"), p.get("ci_high"), lang))}</td>',
            f'<td class="num">{escape(effect(p.get("naive_estimate"), lang))}</td>',
        ]
        if truth:
            cells.append(f'<td class="num">{escape(effect(p.get("true_effect"), lang))}</td>')
        cells.append(
            f'<td class="num">{matching.get("matched", 0)} / '
            f"{matching.get('beneficiaries', 0)}</td>"
        )
        rows.append(("", cells))
    return table("Effet des programmes sur le chiffre d'affaires des bénéficiaires", head, rows)


OUTCOMES = {
    "supported": "Entreprises soutenues",
    "ae_to_company": "Auto-entrepreneurs devenus société",
    "market_access": "Mises en relation devenues accords",
}


def outcomes_table(cells: Sequence[dict[str, Any]], lang: str = "fr") -> str:
    """Per programme (the desk included): the enterprises supported, the share of the
    auto-entrepreneurs that became a company and of the enterprises reached by a
    matchmaking proposal that concluded an agreement; protected cells are shown as C."""
    totals = {
        (str(c["programme"]), str(c["indicator"])): c
        for c in cells
        if c.get("breakdown") == "total" and c.get("indicator") in OUTCOMES
    }
    programmes = sorted({p for p, _ in totals})
    if not programmes:
        return ""
    head = [th("Programme"), *(th(label, True) for label in OUTCOMES.values())]
    rows: list[tuple[str, list[str]]] = []
    for code in programmes:
        shown = []
        for indicator in OUTCOMES:
            cell = totals.get((code, indicator))
            if cell is None or (cell.get("value") is None and cell.get("status") == "F"):
                text = "–"
            elif cell.get("status") != "F":
                text = "C"
            elif indicator == "supported":
                text = fmt.number(float(cell["value"]), 0)
            else:
                text = f"{fmt.number(float(cell['value']) * 100, 1)} % (n = {cell['n']})"
            shown.append(f'<td class="num">{escape(text)}</td>')
        rows.append(("", [f'<th scope="row">{escape(code)}</th>', *shown]))
    return table("Formalisation et accès aux marchés des entreprises soutenues", head, rows)


def impact_section(settings: Settings, lang: str = "fr") -> Section | None:
    """The part, or None when no evaluation is kept for the current build."""
    cached = read_cached(settings)
    if cached is None:
        return None
    programmes = list(cached.get("programmes") or [])
    body = programme_table(programmes, lang) + note(READING)
    title = "Effet estimé et comparaison naïve, par programme (log du chiffre d'affaires)"
    if any(p.get("estimate") is not None for p in programmes):
        body += figure(title, forest_plot(title, programmes))
    body += outcomes_table(list(cached.get("indicators") or []), lang)
    for reason in (cached.get("not_measured") or {}).values():
        body += note(str(reason))
    withheld = [str(p["programme"]) for p in programmes if p.get("status") != "estimated"]
    if withheld:
        body += note(
            "Non publiés, faute d'assez de bénéficiaires appariés : " + ", ".join(withheld) + "."
        )
    body += note(f"Évaluation du registre {cached.get('build', '?')}.")
    body = f'<div lang="fr" dir="ltr">{body}</div>' if lang != "fr" else body
    return Section("impact", TITLES.get(lang, TITLES["fr"]), body)


def with_impact(sections: list[Section], settings: Settings, lang: str = "fr") -> list[Section]:
    """The sections with the impact part before the methods box, or, without a kept
    evaluation, the methods box with a sentence saying the part is left out."""
    part = impact_section(settings, lang)
    out = list(sections)
    last = out[-1] if out else None
    if part is not None:
        if last is not None and last.id == "methods":
            return [*out[:-1], part, last]
        return [*out, part]
    if last is not None and last.id == "methods":
        out[-1] = Section(last.id, last.title, last.body + note(NOT_COMPUTED))
    return out
