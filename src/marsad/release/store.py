"""Where releases live, and how they are read back: ``<home>/releases/<id>/``."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from marsad.errors import InvalidInput, NotFound

RELEASE_ID = re.compile(r"^\d{4}-\d{2}-\d{2}\.\d+$")


class ReleaseStore:
    def __init__(self, home: Path) -> None:
        self.root = home / "releases"

    def ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        found = [
            p.name
            for p in self.root.iterdir()
            if p.is_dir() and RELEASE_ID.match(p.name) and (p / "manifest.json").is_file()
        ]
        return sorted(found, key=lambda i: (i.split(".")[0], int(i.split(".")[1])))

    def latest(self) -> str | None:
        ids = self.ids()
        return ids[-1] if ids else None

    def resolve(self, release_id: str) -> str:
        if release_id == "latest":
            latest = self.latest()
            if latest is None:
                raise NotFound("Aucune publication n'existe encore.")
            return latest
        if not RELEASE_ID.match(release_id):
            raise InvalidInput(f"Identifiant de publication invalide : {release_id!r}.")
        if release_id not in self.ids():
            raise NotFound(f"La publication {release_id} n'existe pas.")
        return release_id

    def path(self, release_id: str) -> Path:
        return self.root / self.resolve(release_id)

    def next_id(self, today: date) -> str:
        prefix = today.isoformat()
        taken = [int(i.split(".")[1]) for i in self.ids() if i.startswith(prefix + ".")]
        taken += [
            int(p.name.split(".")[-1])
            for p in (self.root.glob(f".tmp-{prefix}.*") if self.root.is_dir() else [])
            if p.name.split(".")[-1].isdigit()
        ]
        return f"{prefix}.{max(taken, default=0) + 1}"

    def manifest(self, release_id: str) -> dict[str, Any]:
        return dict(json.loads((self.path(release_id) / "manifest.json").read_text("utf-8")))

    def table(self, release_id: str, table_id: str) -> pd.DataFrame:
        path = self.path(release_id) / "tables" / f"{table_id}.parquet"
        if not re.match(r"^[a-z0-9_]+$", table_id) or not path.is_file():
            raise NotFound(f"La table {table_id} n'existe pas dans la publication {release_id}.")
        return pd.read_parquet(path)

    def table_meta(self, release_id: str, table_id: str) -> dict[str, Any]:
        path = self.path(release_id) / "tables" / f"{table_id}.json"
        if not re.match(r"^[a-z0-9_]+$", table_id) or not path.is_file():
            raise NotFound(f"La table {table_id} n'existe pas dans la publication {release_id}.")
        return dict(json.loads(path.read_text("utf-8")))
