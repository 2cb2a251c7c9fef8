"""What every SQL engine of marsad offers, and the one error naming the failing SQL.

Two faces over one engine: the statistics call ``run``/``frame``/``scalar``/``close``; the
register, written against a DuckDB connection, calls ``execute(...).fetchone()``,
``fetchall()``, ``fetchnumpy()``, ``executemany`` and ``register`` (a ``Connection``). A
DuckDB connection is a ``Connection`` as it is; the Spark engine is one too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Protocol

import pandas as pd

from marsad.errors import MarsadError

EngineName = Literal["duckdb", "spark"]


class EngineError(MarsadError):
    status = 500
    code = "engine"


def failure(exc: BaseException, sql: str, translated: str | None = None) -> EngineError:
    """An engine error carrying the statement as written and, for Spark, as it ran (with
    the first line of Spark's message only: the rest is the JVM's stack)."""
    text = str(exc) if translated is None else (str(exc).strip().splitlines() or [""])[0]
    message = f"{type(exc).__name__}: {text}\n-- failing SQL:\n{sql}"
    if translated is not None:
        message += f"\n-- as Spark SQL:\n{translated}"
    return EngineError(message)


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


class SqlEngine(Protocol):
    """The part the statistics use."""

    name: EngineName

    def run(self, sql: str) -> None: ...

    def frame(self, sql: str) -> pd.DataFrame: ...

    def scalar(self, sql: str) -> Any: ...

    def close(self) -> None: ...
