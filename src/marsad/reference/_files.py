"""Reading the shipped reference CSV files."""

from __future__ import annotations

import csv
from importlib import resources


def read_rows(name: str) -> list[dict[str, str]]:
    """Rows of ``data/<name>`` as dictionaries of stripped strings."""
    text = resources.files("marsad.reference").joinpath("data", name).read_text(encoding="utf-8")
    reader = csv.DictReader(text.splitlines())
    return [{k: (v or "").strip() for k, v in row.items()} for row in reader]
