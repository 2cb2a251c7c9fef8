"""The default engine: DuckDB, embedded, over Parquet files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from marsad.engines.base import EngineName, failure


class DuckDBEngine:
    """DuckDB, in memory, spilling to ``temp_dir`` beyond ``memory_limit``."""

    name: EngineName = "duckdb"

    def __init__(self, memory_limit: str = "4GB", temp_dir: Path | None = None) -> None:
        self.connection = duckdb.connect()
        self.run(f"SET memory_limit = '{memory_limit}'")
        self.run("SET preserve_insertion_order = false")
        if temp_dir is not None:
            temp_dir.mkdir(parents=True, exist_ok=True)
            self.run(f"SET temp_directory = '{temp_dir.as_posix()}'")

    def run(self, sql: str) -> None:
        try:
            self.connection.execute(sql)
        except duckdb.Error as exc:
            raise failure(exc, sql) from exc

    def frame(self, sql: str) -> pd.DataFrame:
        try:
            return self.connection.execute(sql).df()
        except duckdb.Error as exc:
            raise failure(exc, sql) from exc

    def scalar(self, sql: str) -> Any:
        try:
            row = self.connection.execute(sql).fetchone()
        except duckdb.Error as exc:
            raise failure(exc, sql) from exc
        return row[0] if row else None

    def close(self) -> None:
        self.connection.close()
