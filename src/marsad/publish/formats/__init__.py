"""The open formats of a release, written into the release folder next to its tables.

``write_formats(folder)`` reads ``tables/*.json``, ``tables/*.parquet`` and
``codelists/*.json`` and writes ``sdmx/`` (SDMX-ML 2.1 structure, SDMX-CSV 2.0 data),
``jsonstat/`` (JSON-stat 2.0), ``datapackage/`` (Frictionless tabular data package) and
``xlsx/`` (spreadsheets). It runs before the manifest exists, so that the manifest lists
and checksums these files too. The same release gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from marsad.publish.formats.common import load_release, neutralise
from marsad.publish.formats.datapackage import write_datapackage
from marsad.publish.formats.jsonstat import write_jsonstat
from marsad.publish.formats.sdmx import write_sdmx
from marsad.publish.formats.xlsx import write_xlsx

__all__ = ["neutralise", "write_formats"]


def write_formats(folder: Path) -> dict[str, list[str]]:
    """Write every open format of the release in ``folder``; the files written, by format."""
    release = load_release(Path(folder))
    return {
        "sdmx": write_sdmx(release),
        "jsonstat": write_jsonstat(release),
        "datapackage": write_datapackage(release),
        "xlsx": write_xlsx(release),
    }
