"""Spark: the same statements on a cluster, or on ``local[*]``.

Every statement arrives in DuckDB's dialect and is transpiled (``marsad.engines.sql``).
Tables are Parquet: ``CREATE TABLE t AS ...`` writes the result under the engine's work
folder and reads it back as the temporary view ``t`` (so a long pipeline never recomputes
its earlier steps), ``INSERT INTO t`` writes a new version of ``t``, ``COPY (...) TO 'f'``
writes one Parquet file ``f``, as DuckDB does. The work folder and the data directory must
be on a file system that the driver and the executors share (a local disk for
``local[*]``; NFS or an equivalent mount on a cluster).
"""

from __future__ import annotations

import itertools
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sqlglot import exp

from marsad.engines.base import EngineError, EngineName, failure
from marsad.engines.sql import copy_statement, parse, spark_tree, uri

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


class SparkCursor:
    """The result of a query, computed when read."""

    def __init__(self, engine: SparkEngine, frame: DataFrame | None, sql: str, spark_sql: str):
        self._engine = engine
        self._frame = frame
        self._sql = sql
        self._spark_sql = spark_sql
        self._rows: Iterator[tuple[Any, ...]] | None = None

    def arrow(self) -> pa.Table:
        if self._frame is None:
            return pa.table({})
        with self._engine.errors(self._sql, self._spark_sql):
            return self._frame.toArrow()

    def df(self) -> pd.DataFrame:
        """As DuckDB gives it: decimals as floating-point numbers."""
        table = self.arrow()
        for i, field in enumerate(table.schema):
            if pa.types.is_decimal(field.type):
                table = table.set_column(i, field.name, table.column(i).cast(pa.float64()))
        return table.to_pandas()

    def fetchall(self) -> list[tuple[Any, ...]]:
        if self._rows is None:
            table = self.arrow()
            self._rows = iter(zip(*(c.to_pylist() for c in table.columns), strict=True))
        return list(self._rows)

    def fetchone(self) -> tuple[Any, ...] | None:
        if self._rows is None:
            self._rows = iter(self.fetchall())
        return next(self._rows, None)

    def fetchnumpy(self) -> Mapping[str, Any]:
        table = self.arrow()
        return {
            name: column.to_numpy(zero_copy_only=False)
            for name, column in zip(table.column_names, table.columns, strict=True)
        }


class SparkEngine:
    """A Spark session, a work folder for its tables, DuckDB's SQL transpiled."""

    name: EngineName = "spark"

    def __init__(self, session: SparkSession, work_dir: Path, partitions: int = 4) -> None:
        self.session = session
        self.partitions = partitions
        self.work_dir = work_dir / f"spark-{uuid.uuid4().hex[:8]}"
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self._versions = itertools.count()
        self._views: set[str] = set()
        self._files: dict[tuple[tuple[str, ...], bool], str] = {}

    # -- errors ------------------------------------------------------------------------
    def errors(self, sql: str, spark_sql: str | None = None) -> _Errors:
        return _Errors(sql, spark_sql)

    # -- the statistics' face ----------------------------------------------------------
    def run(self, sql: str) -> None:
        self.execute(sql)

    def frame(self, sql: str) -> pd.DataFrame:
        return self.execute(sql).df()

    def scalar(self, sql: str) -> Any:
        row = self.execute(sql).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        for view in self._views:
            self.session.catalog.dropTempView(view)
        self._views.clear()
        self.session.catalog.clearCache()
        shutil.rmtree(self.work_dir, ignore_errors=True)

    # -- the register's face (a DuckDB connection's) -----------------------------------
    def execute(self, query: str, parameters: object = None, /) -> SparkCursor:
        if parameters is not None:
            raise EngineError("the Spark engine takes no statement parameters")
        try:
            tree = parse(query)
        except Exception as exc:  # sqlglot's parse errors
            raise failure(exc, query, "(not translated)") from exc
        if isinstance(tree, exp.Create):
            self._create(tree, query)
        elif isinstance(tree, exp.Insert):
            self._insert(tree, query)
        elif isinstance(tree, exp.Copy):
            self._copy(tree, query)
        elif isinstance(tree, exp.Drop):
            self._drop(tree)
        elif isinstance(tree, exp.Set | exp.Command) and query.strip().upper().startswith("SET"):
            pass  # DuckDB's own settings; Spark's come from the session
        else:
            spark_sql = self._translate(tree, query)
            with self.errors(query, spark_sql):
                frame = self.session.sql(spark_sql)
            return SparkCursor(self, frame, query, spark_sql)
        return SparkCursor(self, None, query, "")

    def executemany(self, query: str, parameters: object = None, /) -> object:
        tree = parse(query)
        if not (isinstance(tree, exp.Insert) and isinstance(tree.expression, exp.Values)):
            raise EngineError(f"executemany: only INSERT ... VALUES\n-- failing SQL:\n{query}")
        rows = [tuple(r) for r in (parameters or [])]  # type: ignore[attr-defined]
        table = tree.this.name
        with self.errors(query):
            target = self.session.table(table)
            new = self.session.createDataFrame(rows, target.schema)
            self._materialise(table, target.unionByName(new))
        return self

    def register(self, view_name: str, python_object: object, /) -> object:
        """A pandas frame or an Arrow table as the temporary view ``view_name``."""
        if isinstance(python_object, pd.DataFrame):
            python_object = pa.Table.from_pandas(python_object, preserve_index=False)
        if not isinstance(python_object, pa.Table):
            raise EngineError(f"register: {type(python_object).__name__} is not a table")
        with self.errors(f"-- register {view_name}"):
            frame = self.session.createDataFrame(python_object)
            frame.createOrReplaceTempView(view_name)
        self._views.add(view_name)
        return self

    def map_table(
        self, name: str, sql: str, function: Callable[[pd.DataFrame], pd.DataFrame]
    ) -> None:
        """Table ``name``: ``function`` applied to the rows of ``sql``, batch by batch, on
        the executors (the function must be importable there: marsad installed on them)."""
        spark_sql = self._translate(parse(sql), sql)
        empty = function(pd.DataFrame({c: pd.Series([], dtype=object) for c in ["raw"]}))
        schema = ", ".join(f"`{c}` string" for c in empty.columns)
        with self.errors(sql, spark_sql):
            rows = self.session.sql(spark_sql)
            self._materialise(name, rows.mapInPandas(_batches(function), schema))

    def splink_api(self) -> Any:
        from splink import SparkAPI

        checkpoints = self.work_dir / "splink"
        self.session.sparkContext.setCheckpointDir(uri(str(checkpoints)))
        return SparkAPI(
            spark_session=self.session,
            break_lineage_method="parquet",
            num_partitions_on_repartition=self.partitions,
        )

    # -- statements --------------------------------------------------------------------
    def _translate(self, tree: exp.Expr, sql: str) -> str:
        try:
            return spark_tree(tree, self._files_view)
        except Exception as exc:
            raise failure(exc, sql, "(not translated)") from exc

    def _files_view(self, paths: list[str], by_name: bool) -> str:
        key = (tuple(paths), by_name)
        if key not in self._files:
            name = f"_files_{len(self._files)}"
            reader = self.session.read.option("mergeSchema", str(by_name).lower())
            reader.parquet(*[uri(p) for p in paths]).createOrReplaceTempView(name)
            self._views.add(name)
            self._files[key] = name
        return self._files[key]

    def _create(self, tree: exp.Create, sql: str) -> None:
        kind = str(tree.args.get("kind") or "").upper()
        target = tree.this
        if isinstance(target, exp.Schema):  # CREATE TABLE t (column type, ...)
            columns = ", ".join(
                f"`{c.name}` {c.args['kind'].sql(dialect='spark')}"
                for c in target.expressions
                if isinstance(c, exp.ColumnDef)
            )
            with self.errors(sql):
                self._materialise(target.this.name, self.session.createDataFrame([], columns))
            return
        query = tree.expression
        if query is None or kind not in ("TABLE", "VIEW"):
            raise EngineError(f"only CREATE TABLE and CREATE VIEW are supported\n{sql}")
        spark_sql = self._translate(query, sql)
        with self.errors(sql, spark_sql):
            frame = self.session.sql(spark_sql)
            if kind == "VIEW":
                frame.createOrReplaceTempView(target.name)
                self._views.add(target.name)
            else:
                self._materialise(target.name, frame)

    def _insert(self, tree: exp.Insert, sql: str) -> None:
        table = tree.this.name
        spark_sql = self._translate(tree.expression, sql)
        with self.errors(sql, spark_sql):
            target = self.session.table(table)
            new = self.session.sql(spark_sql)
            new = new.select(
                *(
                    new[old].cast(field.dataType).alias(field.name)
                    for old, field in zip(new.columns, target.schema.fields, strict=True)
                )
            )
            self._materialise(table, target.unionByName(new))

    def _drop(self, tree: exp.Drop) -> None:
        for table in tree.find_all(exp.Table):
            self.session.catalog.dropTempView(table.name)
            self._views.discard(table.name)

    def _copy(self, tree: exp.Copy, sql: str) -> None:
        try:
            copy = copy_statement(tree)
        except ValueError as exc:
            raise failure(exc, sql, "(not translated)") from exc
        spark_sql = self._translate(copy.query, sql)
        with self.errors(sql, spark_sql):
            write_single_parquet(
                self.session.sql(spark_sql), Path(copy.path), self._scratch(), copy.metadata
            )

    def _scratch(self) -> Path:
        return self.work_dir / f"out-{next(self._versions)}"

    def _materialise(self, name: str, frame: DataFrame) -> None:
        folder = self.work_dir / "tables" / f"{name}-{next(self._versions)}"
        frame.write.mode("overwrite").parquet(uri(str(folder)))
        # read back with the schema it was written with (no job to infer it)
        stored = self.session.read.schema(frame.schema).parquet(uri(str(folder)))
        stored.createOrReplaceTempView(name)
        self._views.add(name)


class _Errors:
    """Turns a Spark (or Py4J) error into an EngineError with both dialects of the SQL."""

    def __init__(self, sql: str, spark_sql: str | None) -> None:
        self.sql = sql
        self.spark_sql = spark_sql

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any
    ) -> None:
        if isinstance(exc, Exception) and not isinstance(exc, EngineError):
            raise failure(exc, self.sql, self.spark_sql or "(no Spark SQL)") from exc


def write_single_parquet(
    frame: DataFrame, path: Path, scratch: Path, metadata: Mapping[str, str] | None = None
) -> None:
    """``frame`` as the one Parquet file ``path`` (rows in the frame's order), as the other
    steps and readers of a build expect; ``metadata`` goes into the file's key-value
    metadata."""
    frame.coalesce(1).write.mode("overwrite").parquet(uri(str(scratch)))
    parts = sorted(scratch.glob("part-*.parquet"))
    path.parent.mkdir(parents=True, exist_ok=True)
    if not parts:  # no rows: Spark may write no part file
        empty = pa.Table.from_batches([], _arrow_schema(frame))
        pq.write_table(empty, path)
    elif metadata:
        _with_metadata(parts[0], path, metadata)
    else:
        shutil.move(str(parts[0]), path)
    shutil.rmtree(scratch, ignore_errors=True)


def _arrow_schema(frame: DataFrame) -> pa.Schema:
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(frame.schema)


def _with_metadata(source: Path, target: Path, metadata: Mapping[str, str]) -> None:
    """Copy ``source`` to ``target`` with extra key-value metadata, one row group at a time."""
    reader = pq.ParquetFile(source)
    schema = reader.schema_arrow
    merged = {**(schema.metadata or {}), **{k.encode(): v.encode() for k, v in metadata.items()}}
    with pq.ParquetWriter(target, schema.with_metadata(merged)) as writer:
        for i in range(reader.num_row_groups):
            writer.write_table(reader.read_row_group(i))


def _batches(
    function: Callable[[pd.DataFrame], pd.DataFrame],
) -> Callable[[Iterable[pd.DataFrame]], Iterator[pd.DataFrame]]:
    def apply(frames: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for frame in frames:
            yield function(frame)

    return apply
