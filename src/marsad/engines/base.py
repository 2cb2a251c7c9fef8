"""What every SQL engine of marsad offers, and the one error naming the failing SQL.

Two faces over one engine: the statistics call ``run``/``frame``/``scalar``/``close``; the
register, written against a DuckDB connection, calls ``execute(...).fetchone()``,
``fetchall()``, ``fetchnumpy()``, ``executemany`` and ``register`` (a ``Connection``). A
DuckDB connection is a ``Connection`` as it is; the Spark engine is one too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Literal, Protocol, runtime_checkable

import pandas as pd

from marsad.errors import MarsadError

EngineName = Literal["duckdb", "spark"]


class EngineError(MarsadError):
    status = 500
    code = "engine"


def failure(exc: BaseException, sql: str, translated: str | None = None) -> EngineError:
    """An engine error carrying the statement as written and, for Spark, as it ran (with
    the first line of Spark's message only: the rest is the JVM's stack)."""
    text = str(exc) if translated is None else _first_lines(str(exc))
    message = f"{type(exc).__name__}: {text}\n-- failing SQL:\n{sql}"
    if translated is not None:
        message += f"\n-- as Spark SQL:\n{translated}"
    return EngineError(message)


def _first_lines(text: str) -> str:
    """Spark's first line; for an error of Python code on an executor, its own line too."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    python = [line for line in lines if re.match(r"^[A-Za-z_.]*(Error|Exception): ", line)]
    return lines[0] + (f" {python[-1]}" if python and python[-1] != lines[0] else "")


class Cursor(Protocol):
    def fetchone(self) -> tuple[Any, ...] | None: ...

    def fetchall(self) -> list[tuple[Any, ...]]: ...

    def fetchnumpy(self) -> Mapping[str, Any]: ...

    def df(self) -> pd.DataFrame: ...


class Connection(Protocol):
    """The part of a DuckDB connection the register uses."""

    def execute(self, query: str, parameters: object = None, /) -> Cursor: ...

    def executemany(self, query: str, parameters: object = None, /) -> object: ...

    def register(self, view_name: str, python_object: object, /) -> object: ...

    def close(self) -> None: ...


class SqlEngine(Protocol):
    """The part the statistics use."""

    name: EngineName

    def run(self, sql: str) -> None: ...

    def frame(self, sql: str) -> pd.DataFrame: ...

    def scalar(self, sql: str) -> Any: ...

    def close(self) -> None: ...


@runtime_checkable
class PartitionedLookups(Protocol):
    """An engine that applies a Python function to a query's rows where they lie (Spark's
    executors), rather than on the driver."""

    def map_table(
        self, name: str, sql: str, function: Callable[[pd.DataFrame], pd.DataFrame]
    ) -> None: ...


@runtime_checkable
class SplinkBackend(Protocol):
    """An engine that gives Splink its own database API (DuckDB connections do not: the
    register wraps them in Splink's ``DuckDBAPI``)."""

    def splink_api(self) -> Any: ...
