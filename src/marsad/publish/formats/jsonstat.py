"""JSON-stat 2.0: one dataset per table, ``jsonstat/<table>.json``.

Labels are French; the Arabic and English ones are in ``extension``. ``value`` is dense
(an array in row-major order of the dimensions, the last one varying fastest) unless the
table fills less than half of its cube, then sparse (an object keyed by the index). A
suppressed cell, or a combination the table does not have, is null. ``status`` gives, by
index, CONF_STATUS ``C`` or ``N`` for a suppressed cell, otherwise ``P`` for a provisional one.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from marsad.publish.formats.common import (
    FREE,
    TIME,
    Dimension,
    Release,
    Table,
    label,
    write_json,
)
from marsad.publish.formats.labels import FLAGS, LANGS


def _number(value: float) -> int | float | None:
    if not math.isfinite(value):
        return None
    if value.is_integer() and abs(value) < 1e15:
        return int(value)
    return float(value)


def _dimension(release: Release, dimension: Dimension) -> dict[str, Any]:
    names = release.concept_names(dimension.id, dimension.codelist)
    labels = {
        lang: {c: release.code_names(dimension, c)[lang] for c in dimension.codes} for lang in LANGS
    }
    category: dict[str, Any] = {"index": list(dimension.codes), "label": labels["fr"]}
    if dimension.codelist and dimension.codelist in release.codelists:
        present = set(dimension.codes)
        child: dict[str, list[str]] = {}
        for code in release.codelists[dimension.codelist].codes:
            if code.id in present and code.parent in present and code.parent != code.id:
                child.setdefault(str(code.parent), []).append(code.id)
        if child:
            category["child"] = {p: child[p] for p in dimension.codes if p in child}
    return {
        "label": label(names, "fr", dimension.id),
        "category": category,
        "extension": {
            "codelist": dimension.codelist,
            "label": names,
            "category_label": {"ar": labels["ar"], "en": labels["en"]},
        },
    }


def dataset(release: Release, table: Table) -> dict[str, Any]:
    dims = table.dimensions
    sizes = [len(d.codes) for d in dims]
    total = int(np.prod(sizes, dtype=np.int64)) if sizes else 1
    frame = table.frame
    index = np.zeros(len(frame), dtype=np.int64)
    stride = 1
    for dimension, size in zip(reversed(dims), reversed(sizes), strict=True):
        position = {c: i for i, c in enumerate(dimension.codes)}
        index += frame[dimension.id].map(position).to_numpy(dtype=np.int64) * stride
        stride *= size
    cells = zip(
        index.tolist(),
        frame["OBS_VALUE"].tolist(),
        frame["CONF_STATUS"].tolist(),
        frame["OBS_STATUS"].tolist(),
        strict=True,
    )
    values: dict[int, int | float | None] = {}
    status: dict[int, str] = {}
    for i, number, conf, obs in cells:
        values[i] = _number(number) if conf == FREE else None
        if conf != FREE:
            status[i] = conf
        elif obs != "A":
            status[i] = obs
    value: list[int | float | None] | dict[str, int | float | None]
    if 2 * len(values) < total:
        value = {str(i): values[i] for i in sorted(values)}
    else:
        value = [values.get(i) for i in range(total)]
    flags = {code: names for codes in FLAGS.values() for code, names in codes.items()}
    title = release.table_label(table)
    document: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "label": title["fr"],
        "source": "Observatoire des TPME (MARSAD)",
    }
    if release.date:
        document["updated"] = release.date
    document |= {
        "id": [d.id for d in dims],
        "size": sizes,
        "value": value,
    }
    if status:
        document["status"] = {str(i): status[i] for i in sorted(status)}
    document |= {
        "dimension": {d.id: _dimension(release, d) for d in dims},
    }
    role: dict[str, list[str]] = {}
    if any(d.id == TIME for d in dims):
        role["time"] = [TIME]
    geo = [d.id for d in dims if d.codelist == "CL_REGION"]
    if geo:
        role["geo"] = geo
    if role:
        document["role"] = role
    notes = table.footnotes("fr")
    if notes:
        document["note"] = notes
    document["extension"] = {
        "release": release.id,
        "table": table.id,
        "indicator": table.meta.get("indicator"),
        "title": table.text("title"),
        "label": title,
        "definition": table.text("definition"),
        "unit": {lang: table.unit_text(lang) for lang in LANGS},
        "unit_code": table.meta.get("unit"),
        "unit_mult": table.unit_mult,
        "decimals": table.decimals,
        "measure_kind": table.meta.get("measure_kind"),
        "sources": table.sources(),
        "note": {lang: table.footnotes(lang) for lang in LANGS},
        "status": {code: flags[code] for code in ("C", "N", "P")},
    }
    return document


def write_jsonstat(release: Release) -> list[str]:
    written: list[str] = []
    for table in release.tables:
        write_json(release.folder / "jsonstat" / f"{table.id}.json", dataset(release, table))
        written.append(f"jsonstat/{table.id}.json")
    return written
