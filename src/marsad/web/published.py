"""The published side of the data directory as the web faces read it.

Only release folders are read here: nothing from staging, the register or the
operational database can reach a public page through this class. A release never
changes once written, so its manifest, metadata and tables are cached by id.
"""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from marsad.errors import NotFound
from marsad.release import ReleaseStore
from marsad.web.cells import LoadedTable, TableCache

MEDIA_TYPES = {
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".xml": "application/xml",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".parquet": "application/vnd.apache.parquet",
    ".md": "text/markdown; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".pdf": "application/pdf",
}

# the files of one table in each downloadable format, relative to the release folder
TABLE_FORMATS = {
    "parquet": "tables/{id}.parquet",
    "sdmx-csv": "sdmx/{id}.csv",
    "jsonstat": "jsonstat/{id}.json",
    "csv": "datapackage/{id}.csv",
    "xlsx": "xlsx/{id}.xlsx",
}


class PublishedReleases:
    def __init__(self, home: Path) -> None:
        self.store = ReleaseStore(home)
        self.tables = TableCache()
        self._lock = threading.Lock()
        self._manifests: dict[str, dict[str, Any]] = {}

    def resolve(self, release_id: str) -> str:
        return self.store.resolve(release_id)

    def ids(self) -> list[str]:
        return self.store.ids()

    def manifest(self, release_id: str) -> dict[str, Any]:
        rid = self.resolve(release_id)
        with self._lock:
            cached = self._manifests.get(rid)
        if cached is None:
            cached = self.store.manifest(rid)
            with self._lock:
                self._manifests[rid] = cached
        return cached

    def folder(self, release_id: str) -> Path:
        return self.store.root / self.resolve(release_id)

    def table_ids(self, release_id: str) -> list[str]:
        return [t["id"] for t in self.manifest(release_id)["tables"]]

    def table_meta(self, release_id: str, table_id: str) -> dict[str, Any]:
        rid = self.resolve(release_id)
        if table_id not in self.table_ids(rid):
            raise NotFound(f"La table {table_id} n'existe pas dans la publication {rid}.")
        return _read_json(self.store.root / rid / "tables" / f"{table_id}.json")

    def codelist_ids(self, release_id: str) -> list[str]:
        files = self.manifest(release_id)["files"]
        return sorted(
            Path(name).stem
            for name in files
            if name.startswith("codelists/") and name.endswith(".json")
        )

    def codelist(self, release_id: str, codelist_id: str) -> dict[str, Any]:
        rid = self.resolve(release_id)
        if codelist_id not in self.codelist_ids(rid):
            raise NotFound(f"La nomenclature {codelist_id} n'existe pas dans la publication {rid}.")
        return _read_json(self.store.root / rid / "codelists" / f"{codelist_id}.json")

    def file(self, release_id: str, relative: str) -> tuple[Path, str]:
        """A file of the release by its path in the manifest, with its SHA-256."""
        rid = self.resolve(release_id)
        files = self.manifest(rid)["files"]
        if relative == "manifest.json":
            path = self.store.root / rid / "manifest.json"
            return path, "manifest-" + rid
        if relative not in files:
            raise NotFound(f"Le fichier {relative} n'existe pas dans la publication {rid}.")
        return self.store.root / rid / relative, str(files[relative])

    def table_file(self, release_id: str, table_id: str, fmt: str) -> tuple[Path, str]:
        self.table_meta(release_id, table_id)
        pattern = TABLE_FORMATS.get(fmt)
        if pattern is None:
            raise NotFound(f"Format inconnu : {fmt}.")
        return self.file(release_id, pattern.format(id=table_id))

    def loaded(self, release_id: str, table_id: str) -> LoadedTable:
        rid = self.resolve(release_id)
        meta = self.table_meta(rid, table_id)
        dims = [d["id"] for d in meta["dimensions"]]
        relative = f"tables/{table_id}.parquet"
        digest = str(self.manifest(rid)["files"][relative])
        return self.tables.get(self.store.root / rid / relative, dims, digest)


@lru_cache(maxsize=4096)
def _read_cached(path: Path, mtime_ns: int) -> str:
    return path.read_text("utf-8")


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise NotFound(f"{path.name} est introuvable.")
    return dict(json.loads(_read_cached(path, path.stat().st_mtime_ns)))
