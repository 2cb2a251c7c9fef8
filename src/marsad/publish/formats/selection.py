"""One table's selection of cells in an open format, for downloads of a filtered view.

The files of a release hold whole tables; a user of the explorer downloads what they
filtered. The selection is written by the same functions as the release files, so a
selection of every cell gives the same content as the release file.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path

from marsad.publish.formats.common import Release, csv_string, load_table
from marsad.publish.formats.datapackage import COLUMNS
from marsad.publish.formats.jsonstat import dataset
from marsad.publish.formats.sdmx import sdmx_csv
from marsad.publish.formats.xlsx import workbook_bytes

SELECTION_FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "sdmx-csv": ("application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8", "csv"),
    "jsonstat": ("application/json", "json"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}

_cache: OrderedDict[tuple[Path, str], Release] = OrderedDict()
_lock = threading.Lock()


def _release(folder: Path, table_id: str) -> Release:
    key = (folder, table_id)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    loaded = load_table(folder, table_id)
    with _lock:
        _cache[key] = loaded
        while len(_cache) > 32:
            _cache.popitem(last=False)
    return loaded


def selection_bytes(
    folder: Path, table_id: str, filters: dict[str, list[str]], fmt: str
) -> tuple[bytes, str, str]:
    """The cells of ``table_id`` whose codes are in ``filters``: (content, media type, suffix)."""
    release = _release(folder, table_id)
    table = release.tables[0]
    frame = table.frame
    for dim, codes in filters.items():
        frame = frame[frame[dim].isin(codes)]
    dimensions = [
        replace(d, codes=[c for c in d.codes if c in set(frame[d.id])]) for d in table.dimensions
    ]
    chosen = replace(table, frame=frame.reset_index(drop=True), dimensions=dimensions)
    media, suffix = SELECTION_FORMATS[fmt]
    if fmt == "csv":
        header = [*chosen.dimension_ids, *COLUMNS]
        rows = zip(*(chosen.frame[c].tolist() for c in header), strict=True)
        return csv_string(header, rows).encode("utf-8"), media, suffix
    if fmt == "sdmx-csv":
        return sdmx_csv(chosen).encode("utf-8"), media, suffix
    if fmt == "jsonstat":
        document = dataset(replace(release, tables=[chosen]), chosen)
        text = json.dumps(document, ensure_ascii=False, allow_nan=False)
        return text.encode("utf-8"), media, suffix
    return workbook_bytes(replace(release, tables=[chosen]), chosen), media, suffix
