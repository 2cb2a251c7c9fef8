"""``make_release``: compute, protect, audit and write an immutable release.

The release is written in ``<home>/releases/.tmp-<id>/`` and renamed to ``<id>`` only
once complete (manifest last), so that a run killed half-way leaves the earlier releases
as they were; nothing is written when the audit finds an exposed cell.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from marsad.confidentiality import ProtectionTable, cell_keys, load_rules, protect
from marsad.engines import open_engine
from marsad.errors import Conflict, NotFound
from marsad.release.codelists import codelist_document
from marsad.release.revisions import release_revisions
from marsad.release.store import ReleaseStore
from marsad.settings import Settings
from marsad.stats.base import create_base_views, panel_years
from marsad.stats.catalogue import Catalogue, load_catalogue
from marsad.stats.compute import compute_table, table_dimensions


@dataclass
class ReleaseSummary:
    id: str
    path: str
    data_years: list[int]
    tables: int
    cells: int
    primary: int
    secondary: int
    exposed: int
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _current_build(settings: Settings) -> tuple[str, Path]:
    pointer = settings.home / "register" / "current.json"
    if not pointer.is_file():
        raise NotFound(
            "Aucun registre n'a été construit : lancez d'abord « marsad register build »."
        )
    build = json.loads(pointer.read_text("utf-8"))["build"]
    return build, settings.home / "register" / "builds" / build


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def _known_cells(previous: Path | None, tables: list[ProtectionTable]) -> dict[str, float]:
    """Cells an earlier release published whose true value has not changed."""
    if previous is None:
        return {}
    known: dict[str, float] = {}
    for table in tables:
        path = previous / "tables" / f"{table.id}.parquet"
        if not path.is_file():
            continue
        old = pd.read_parquet(path)
        dims = table.dimension_ids
        old = old[old["CONF_STATUS"] == "F"][[*dims, "OBS_VALUE"]].astype({d: str for d in dims})
        now = table.cells[[*dims, "value"]].copy()
        now["key"] = cell_keys(table)
        merged = now.merge(old, on=dims)
        same = np.isclose(merged["value"], merged["OBS_VALUE"], rtol=0, atol=1e-9)
        known.update(dict(zip(merged["key"][same], merged["value"][same], strict=True)))
    return known


def _published(
    table: ProtectionTable, status: pd.Series, decimals: int, provisional: set[str]
) -> pd.DataFrame:
    frame = table.cells[table.dimension_ids].astype(str).copy()
    values = table.cells["value"].round(decimals)
    frame["OBS_VALUE"] = values.where(status.to_numpy() == "F", np.nan)
    frame["CONF_STATUS"] = status.to_numpy()
    frame["OBS_STATUS"] = np.where(frame["TIME_PERIOD"].isin(provisional), "P", "A")
    return frame


def _ratio(num: pd.DataFrame, den: pd.DataFrame, dims: list[str], decimals: int) -> pd.DataFrame:
    merged = num.merge(den, on=dims, suffixes=("_n", "_d"))
    conf = np.where(
        (merged["CONF_STATUS_n"] == "C") | (merged["CONF_STATUS_d"] == "C"),
        "C",
        np.where((merged["CONF_STATUS_n"] == "F") & (merged["CONF_STATUS_d"] == "F"), "F", "N"),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (
            100.0 * merged["OBS_VALUE_n"] / merged["OBS_VALUE_d"].where(merged["OBS_VALUE_d"] > 0)
        )
    out = merged[dims].copy()
    out["OBS_VALUE"] = value.round(decimals).where(conf == "F", np.nan)
    out["CONF_STATUS"] = conf
    out["OBS_STATUS"] = merged["OBS_STATUS_n"]
    return out


def _table_meta(table_id: str, indicator_id: str, catalogue: Catalogue) -> dict[str, Any]:
    spec = catalogue.table(table_id)
    indicator = catalogue.indicators[indicator_id]
    return {
        "id": table_id,
        "indicator": indicator_id,
        "title": dict(indicator.title),
        "definition": dict(indicator.definition),
        "unit": indicator.unit,
        "unit_mult": indicator.unit_mult,
        "decimals": indicator.decimals,
        "measure_kind": indicator.kind,
        "dimensions": [{"id": d.id, "codelist": d.codelist} for d in table_dimensions(spec)],
        "sources": list(indicator.sources),
        "footnotes": [],
    }


def _notes(
    release_id: str, years: list[int], summary: dict[str, Any], revisions: dict[str, Any]
) -> str:
    changed = sum(t["changed"] for t in revisions["tables"])
    lines = [
        f"# Publication {release_id}",
        "",
        f"Années couvertes : {years[0]}–{years[-1]}." if years else "Aucune année couverte.",
        "",
        "Statistiques des entreprises actives, de leur emploi, de leur chiffre d'affaires, "
        "de leur démographie (créations, disparitions, survie) et de leur croissance, "
        "calculées sur le registre des entreprises de l'observatoire.",
        "",
        "## Secret statistique",
        "Les cellules qui révéleraient une entreprise sont supprimées (CONF_STATUS = C) "
        "ainsi que les cellules qui permettraient de les recalculer (CONF_STATUS = N). "
        "Un audit par programmation linéaire vérifie qu'aucune cellule confidentielle ne "
        "peut être déduite des cellules publiées, de cette publication et des précédentes.",
        "",
        f"Cellules publiées : {summary['cells']} ; supprimées : {summary['primary']} "
        f"(primaires) et {summary['secondary']} (secondaires).",
        "",
        "## Révisions",
        (
            f"Par rapport à la publication {revisions['previous']} : {changed} cellules révisées."
            if revisions["previous"]
            else "Première publication."
        ),
        "",
    ]
    return "\n".join(lines)


def make_release(
    settings: Settings,
    *,
    today: date | None = None,
    table_ids: list[str] | None = None,
    formats: bool = True,
) -> ReleaseSummary:
    """Compute every table of the catalogue, protect and audit them, write the release."""
    started = datetime.now(UTC)
    clock = time.perf_counter()
    phases: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        phases[name] = round(now - clock, 1)
        clock = now

    catalogue = load_catalogue()
    specs = [t for t in catalogue.tables if table_ids is None or t.id in table_ids]
    wanted = {t.id for t in specs}
    for spec in list(specs):
        indicator = catalogue.indicators[spec.indicator]
        if indicator.kind == "ratio":
            for part in (indicator.numerator, indicator.denominator):
                if part not in wanted:
                    specs.append(catalogue.table(str(part)))
                    wanted.add(str(part))
    build_id, build_dir = _current_build(settings)
    store = ReleaseStore(settings.home)
    rules = load_rules(settings.home)
    engine = open_engine(settings, settings.home / "tmp" / "stats")
    try:
        all_years, unobserved = panel_years(engine, build_dir)
        years = all_years[-settings.release_years :]
        create_base_views(engine, build_dir, years)
        cache: dict[str, Any] = {}
        tables = [
            compute_table(engine, catalogue, spec, years, cache)
            for spec in specs
            if catalogue.indicators[spec.indicator].kind != "ratio"
        ]
    finally:
        engine.close()
    lap("compute")
    previous_id = store.latest()
    previous_dir = store.path(previous_id) if previous_id else None
    known = _known_cells(previous_dir, tables)
    result = protect(tables, rules, known=known, workers=settings.workers)
    lap("protect_and_audit")
    exposed = result.audit.exposed if result.audit else []
    if result.audit is None or not result.audit.valid:
        raise Conflict(
            f"Publication refusée : l'audit trouve {len(exposed)} cellules "
            "confidentielles exposées.",
            details=[{"field": e.table, "message": e.key} for e in exposed[:20]],
        )
    release_id = store.next_id(today or started.date())
    store.root.mkdir(parents=True, exist_ok=True)
    tmp = store.root / f".tmp-{release_id}"
    if tmp.exists():
        shutil.rmtree(tmp)
    try:
        (tmp / "tables").mkdir(parents=True)
        (tmp / "codelists").mkdir()
        provisional = {str(y) for y in unobserved}
        published: dict[str, tuple[list[str], pd.DataFrame]] = {}
        codelists: dict[str, Any] = {}
        for table in tables:
            spec = catalogue.table(table.id)
            indicator = catalogue.indicators[spec.indicator]
            frame = _published(table, result.status(table.id), indicator.decimals, provisional)
            published[table.id] = (table.dimension_ids, frame)
            for dim_spec, dim in zip(table_dimensions(spec), table.dimensions, strict=True):
                if dim_spec.codelist and dim_spec.codelist not in codelists:
                    codelists[dim_spec.codelist] = codelist_document(dim_spec.codelist, dim)
        for spec in specs:
            indicator = catalogue.indicators[spec.indicator]
            if indicator.kind == "ratio":
                dims, num = published[str(indicator.numerator)]
                _, den = published[str(indicator.denominator)]
                published[spec.id] = (dims, _ratio(num, den, dims, indicator.decimals))
        for table_id, (_, frame) in published.items():
            frame.to_parquet(tmp / "tables" / f"{table_id}.parquet", index=False)
            meta = _table_meta(table_id, catalogue.table(table_id).indicator, catalogue)
            (tmp / "tables" / f"{table_id}.json").write_text(
                json.dumps(meta, ensure_ascii=False, indent=2), "utf-8"
            )
        for codelist_id, document in codelists.items():
            (tmp / "codelists" / f"{codelist_id}.json").write_text(
                json.dumps(document, ensure_ascii=False, indent=2), "utf-8"
            )
        previous_build = (
            json.loads((previous_dir / "manifest.json").read_text("utf-8")).get("register_build")
            if previous_dir
            else None
        )
        revisions = release_revisions(
            previous_dir, previous_id, published, same_build=previous_build == build_id
        )
        (tmp / "revisions.json").write_text(
            json.dumps(revisions, ensure_ascii=False, indent=1), "utf-8"
        )
        totals = {
            "cells": sum(len(f) for _, f in published.values()),
            "primary": sum(s["primary"] for s in result.summary.values()),
            "secondary": sum(s["secondary"] for s in result.summary.values()),
        }
        (tmp / "notes.md").write_text(_notes(release_id, years, totals, revisions), "utf-8")
        lap("write_tables")
        if formats:
            _write_formats(tmp)
        lap("open_formats")
        files = {
            p.relative_to(tmp).as_posix(): _sha256(p) for p in sorted(tmp.rglob("*")) if p.is_file()
        }
        manifest = {
            "id": release_id,
            "created_at": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "title": {
                "fr": f"Statistiques des TPME, publication {release_id}",
                "ar": f"إحصاءات المقاولات الصغيرة جدا والصغرى والمتوسطة، الإصدار {release_id}",
                "en": f"TPME statistics, release {release_id}",
            },
            "data_years": years,
            "previous": previous_id,
            "register_build": build_id,
            "public_parameters": rules.public_description(),
            "tables": [
                {
                    "id": table_id,
                    "indicator": catalogue.table(table_id).indicator,
                    "cells": len(frame),
                    "suppressed_primary": int((frame["CONF_STATUS"] == "C").sum()),
                    "suppressed_secondary": int((frame["CONF_STATUS"] == "N").sum()),
                }
                for table_id, (_, frame) in sorted(published.items())
            ],
            "files": files,
            "audit": {"exposed_cells": 0, "primary_cells_checked": result.audit.checked},
        }
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8"
        )
        _fsync_tree(tmp)
        final = store.root / release_id
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ReleaseSummary(
        id=release_id,
        path=str(final),
        data_years=years,
        tables=len(published),
        cells=totals["cells"],
        primary=totals["primary"],
        secondary=totals["secondary"],
        exposed=0,
        seconds=round((datetime.now(UTC) - started).total_seconds(), 1),
        phases=phases,
    )


def _write_formats(folder: Path) -> None:
    """Open formats are part of the release when the publishing module is installed."""
    try:
        from marsad.publish import formats  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return
    formats.write_formats(folder)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
