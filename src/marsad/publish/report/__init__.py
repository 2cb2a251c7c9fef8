"""The observatory's annual report of a release: one self-contained HTML file, and its PDF.

The report is made only from the published tables of the release: cover, key figures of
the latest year, parts by region, sector, size and form, business demography, trends over
the years and a methods box. A part whose table is not in the release is replaced by a
sentence. It is written by default to ``<home>/reports/<id>/rapport-<id>.html``.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marsad.errors import InvalidInput
from marsad.publish.report import html as document
from marsad.publish.report.figures import Figure, key_figures, load
from marsad.publish.report.impact import with_impact
from marsad.publish.report.methods import methods
from marsad.publish.report.pdf import render_pdf
from marsad.publish.report.sections import regions, sectors, sizes
from marsad.publish.report.texts import check_lang, text
from marsad.publish.report.trends import demography, trends
from marsad.release import ReleaseStore
from marsad.settings import Settings

__all__ = ["ReportResult", "write_report"]


@dataclass
class ReportResult:
    release_id: str
    lang: str
    html: Path
    pdf: Path | None
    sections: list[str]
    seconds: float
    pdf_skipped_reason: str | None = None
    missing_tables: list[str] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "release_id": self.release_id,
            "lang": self.lang,
            "html": str(self.html),
            "pdf": str(self.pdf) if self.pdf else None,
            "sections": list(self.sections),
            "seconds": self.seconds,
            "pdf_skipped_reason": self.pdf_skipped_reason,
            "missing_tables": list(self.missing_tables),
            "figures": [dict(f) for f in self.figures],
        }


# the tables the report can use; the absent ones are listed in the result
USED_TABLES = [
    "active_region_section",
    "active_region_activity_size",
    "active_region_category",
    "active_region_gender",
    "active_legal_form",
    "active_section_size_employees",
    "employees_region_section_size",
    "turnover_region_section_size",
    "births_region_section",
    "deaths_region_section",
    "birth_rate_region_section",
    "death_rate_region_section",
    "cohort_region_horizon",
    "survivors_region_horizon",
    "survival_rate_region_horizon",
    "high_growth_region_section",
    "gazelles_region_section",
    "size_transitions",
    "credit_region_size",
]


def _write(path: Path, content: str) -> None:
    """Write through a temporary name, so that a reader never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_text(content, "utf-8")
    partial.replace(path)


def write_report(
    settings: Settings,
    release_id: str = "latest",
    out: Path | None = None,
    lang: str = "fr",
    pdf: bool = True,
) -> ReportResult:
    """Write the annual report of a release (HTML, and PDF when asked and possible)."""
    started = time.perf_counter()
    check_lang(lang)
    data = load(ReleaseStore(settings.home), release_id, lang)
    if not data.years:
        raise InvalidInput(text("fr", "no_year"))
    figures: list[Figure] = key_figures(data)
    sections = [
        document.headline(data, figures),
        regions(data),
        sectors(data),
        sizes(data),
        demography(data),
        trends(data),
        methods(data),
    ]
    sections = with_impact(sections, settings, lang)
    folder = out if out is not None else settings.home / "reports" / data.release_id
    suffix = "" if lang == "fr" else f"-{lang}"
    html_path = folder / f"rapport-{data.release_id}{suffix}.html"
    _write(html_path, document.document(data, sections))
    pdf_path: Path | None = None
    reason: str | None = None
    if pdf:
        outcome = render_pdf(html_path, html_path.with_suffix(".pdf"))
        pdf_path, reason = outcome.path, outcome.skipped_reason
    else:
        reason = "PDF non demandé (--no-pdf) : seul le rapport HTML a été produit."
    return ReportResult(
        release_id=data.release_id,
        lang=lang,
        html=html_path,
        pdf=pdf_path,
        sections=["cover", *(s.id for s in sections)],
        seconds=round(time.perf_counter() - started, 2),
        pdf_skipped_reason=reason,
        missing_tables=[t for t in USED_TABLES if t not in data.tables],
        figures=[f.to_dict() for f in figures],
    )
