"""SQL engines: DuckDB (the default, one machine) and Spark (a cluster), one code path.

``open_engine`` gives the statistics' engine, ``open_connection`` the register's working
database, each of the kind the settings name (``engine = duckdb | spark``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from marsad.engines.base import (
    Connection,
    Cursor,
    EngineError,
    EngineName,
    PartitionedLookups,
    SplinkBackend,
    SqlEngine,
)
from marsad.engines.duckdb import DuckDBEngine
from marsad.settings import Settings

if TYPE_CHECKING:
    from marsad.engines.spark import SparkEngine

__all__ = [
    "Connection",
    "Cursor",
    "DuckDBEngine",
    "EngineError",
    "EngineName",
    "PartitionedLookups",
    "SplinkBackend",
    "SqlEngine",
    "open_engine",
    "open_spark",
]


def open_spark(settings: Settings, work_dir: Path) -> SparkEngine:
    from marsad.engines.session import spark_session
    from marsad.engines.spark import SparkEngine

    return SparkEngine(spark_session(settings), work_dir, settings.spark_shuffle_partitions)


def open_engine(settings: Settings, work_dir: Path) -> SqlEngine:
    """The statistics' engine; ``work_dir`` takes what it spills or materialises."""
    if settings.engine == "spark":
        return open_spark(settings, work_dir)
    return DuckDBEngine(settings.memory_limit, work_dir)
