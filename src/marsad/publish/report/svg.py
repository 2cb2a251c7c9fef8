"""Small inline SVG charts drawn in Python: horizontal bars and lines, no script, no asset.

Every text that reaches the markup goes through ``html.escape``. A value that is not
published (``None``) draws no bar or point; its bar shows the mark given instead (C, N).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#1f5f8b", "#c8553d", "#3c8d5a", "#8d6a9f", "#d19a2a")
FONT = "font-family=\"'DejaVu Sans', Arial, sans-serif\""


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    shown: str  # the text at the end of the bar: the formatted value, or C / N


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="chart" {FONT} '
        'direction="ltr">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bar_chart(title: str, bars: Sequence[Bar], width: int = 680, label_chars: int = 34) -> str:
    """Horizontal bars, one row per item, scaled on the largest published value."""
    row, top, label_w, value_w = 22, 8, 250, 80
    height = top * 2 + row * max(len(bars), 1)
    plot_w = width - label_w - value_w
    largest = max((b.value for b in bars if b.value is not None and b.value > 0), default=0.0)
    body: list[str] = []
    for i, bar in enumerate(bars):
        y = top + i * row
        middle = y + row / 2 + 4
        body.append(
            f'<text x="{label_w - 8}" y="{middle:.1f}" text-anchor="end" font-size="11" '
            f'fill="#222"><title>{escape(bar.label)}</title>'
            f"{escape(_short(bar.label, label_chars))}</text>"
        )
        length = 0.0
        if bar.value is not None and largest > 0:
            length = max(bar.value, 0.0) / largest * plot_w
            body.append(
                f'<rect x="{label_w}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" '
                f'fill="{PALETTE[0]}"/>'
            )
        colour = "#222" if bar.value is not None else "#a33"
        body.append(
            f'<text x="{label_w + length + 5:.1f}" y="{middle:.1f}" font-size="11" '
            f'fill="{colour}">{escape(bar.shown)}</text>'
        )
    body.append(
        f'<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{height - top}" '
        'stroke="#888" stroke-width="1"/>'
    )
    return _svg(width, height, title, body)


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at least ``value``."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def line_chart(
    title: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    tick: Callable[[float], str],
    width: int = 680,
    height: int = 260,
) -> str:
    """One line per series over the years; a missing value breaks the line."""
    left, right, top, bottom, inset = 70, 20, 34, 34, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    low = min(0.0, min(values, default=0.0))
    high = nice_ceiling(max(values, default=1.0))
    span = high - low or 1.0
    n = len(x_labels)

    def x_of(i: int) -> float:
        inner = plot_w - 2 * inset
        return left + inset + (inner / 2 if n == 1 else i * inner / (n - 1))

    def y_of(value: float) -> float:
        return top + plot_h - (value - low) / span * plot_h

    body: list[str] = []
    for k in range(5):
        value = low + span * k / 4
        y = y_of(value)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            'stroke="#ddd" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="10" '
            f'fill="#555">{escape(tick(value))}</text>'
        )
    for i, name in enumerate(x_labels):
        body.append(
            f'<text x="{x_of(i):.1f}" y="{height - bottom + 16}" text-anchor="middle" '
            f'font-size="11" fill="#222">{escape(name)}</text>'
        )
    for s_index, line in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        runs: list[list[tuple[float, float]]] = [[]]
        for i, point in enumerate(line.values):
            if point is None:
                runs.append([])
                continue
            runs[-1].append((x_of(i), y_of(point)))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                body.append(
                    f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
                )
            for x, y in run:
                body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
        legend_x = left + s_index * 200
        body.append(
            f'<rect x="{legend_x}" y="8" width="12" height="12" fill="{colour}"/>'
            f'<text x="{legend_x + 17}" y="18" font-size="11" fill="#222">'
            f"{escape(_short(line.name, 30))}</text>"
        )
    return _svg(width, height, title, body)
