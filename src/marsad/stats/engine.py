"""One engine runs every SQL statement of the statistics, and names the failing SQL.

The statements are plain SQL over Parquet files (DuckDB dialect, kept portable: GROUPING
SETS, window functions, no DuckDB-only table functions beyond ``read_parquet``) so that
another engine can run the same definitions: ``marsad.engines`` holds DuckDB (``Engine``
here, the default) and Spark, which runs them transpiled.
"""

from __future__ import annotations

from marsad.engines.base import EngineError, SqlEngine
from marsad.engines.duckdb import DuckDBEngine as Engine

__all__ = ["Engine", "EngineError", "SqlEngine"]
