"""SQL written once in DuckDB's dialect, transpiled to Spark SQL with sqlglot.

The statements of marsad are portable SQL over Parquet files; the few DuckDB functions
without a Spark twin of the same name are rewritten here, never in a second copy of the
queries:

- ``read_parquet('path')`` becomes ``parquet.`uri```; a list of files (``read_parquet([...],
  union_by_name = true)``) becomes a view the engine registers over the files;
- ``max(x, n)[k]`` (the ``n`` largest values) becomes the sorted list of the values;
- ``list_has_any`` and ``list_has_all`` become ``arrays_overlap`` and an ``array_except``;
- ``length`` of an expression that is a list becomes ``size``;
- everything else (QUALIFY, ``arg_max``, ``GROUP BY ALL``, ``* EXCLUDE``, list functions,
  ``regexp_replace(..., 'g')``) is sqlglot's own translation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

READ = "duckdb"
WRITE = "spark"

# Registers a view over Parquet files (paths, union by name) and returns its name.
FileResolver = Callable[[list[str], bool], str]


def parse(sql: str) -> exp.Expr:
    """One DuckDB statement as a syntax tree."""
    parsed = sqlglot.parse_one(sql, read=READ)
    if parsed is None:
        raise ValueError("empty statement")
    return parsed


def uri(path: str) -> str:
    """A path as Spark reads it: a plain absolute path is a file of a (shared) file system."""
    if "://" in path or path.startswith("file:"):
        return path
    return "file://" + path if path.startswith("/") else path


def _literal_paths(node: exp.Expr) -> list[str] | None:
    if isinstance(node, exp.Literal) and node.is_string:
        return [node.this]
    if isinstance(node, exp.Array) and all(
        isinstance(e, exp.Literal) and e.is_string for e in node.expressions
    ):
        return [e.this for e in node.expressions]
    return None


def _union_by_name(args: list[exp.Expr]) -> bool:
    for arg in args[1:]:
        if (
            isinstance(arg, exp.EQ)
            and arg.this.name.lower() == "union_by_name"
            and isinstance(arg.expression, exp.Boolean)
        ):
            return bool(arg.expression.this)
    return False


def _rewrite_reads(tree: exp.Expr, resolve: FileResolver | None) -> exp.Expr:
    for node in list(tree.find_all(exp.ReadParquet)):
        args = list(node.expressions)
        paths = _literal_paths(args[0]) if args else None
        if paths is None:
            raise ValueError("read_parquet takes a path or a list of paths written as text")
        table = node.parent
        by_name = _union_by_name(args)
        if len(paths) == 1 and not by_name:
            replacement = exp.Table(
                this=exp.to_identifier(uri(paths[0]), quoted=True),
                db=exp.to_identifier("parquet"),
            )
        else:
            if resolve is None:
                raise ValueError("a list of Parquet files needs the engine to register them")
            replacement = exp.Table(this=exp.to_identifier(resolve(paths, by_name)))
        if isinstance(table, exp.Table):
            alias = table.args.get("alias")
            if alias is not None:
                replacement.set("alias", alias)
            table.replace(replacement)
        else:
            node.replace(replacement)
    return tree


# Expressions whose value is a list, whatever their arguments' types.
LIST_VALUED = (
    exp.Array,
    exp.ArrayAgg,
    exp.ArrayDistinct,
    exp.ArrayFilter,
    exp.ArraySort,
    exp.Split,
)


def _rewrite_functions(tree: exp.Expr) -> exp.Expr:
    for node in list(tree.find_all(exp.Max)):
        if node.args.get("count") is not None:
            # max(x, n): the values in decreasing order (the caller takes the first n)
            node.replace(
                exp.Anonymous(
                    this="SORT_ARRAY",
                    expressions=[
                        exp.Anonymous(this="COLLECT_LIST", expressions=[node.this]),
                        exp.false(),
                    ],
                )
            )
    for length in list(tree.find_all(exp.Length)):
        if isinstance(length.this, LIST_VALUED):  # DuckDB's length of a list
            length.replace(exp.Anonymous(this="SIZE", expressions=[length.this]))
    for overlap in list(tree.find_all(exp.ArrayOverlaps)):
        overlap.replace(
            exp.Anonymous(this="ARRAYS_OVERLAP", expressions=[overlap.this, overlap.expression])
        )
    for call in list(tree.find_all(exp.Anonymous)):
        if str(call.this).lower() == "list_has_all" and len(call.expressions) == 2:
            haystack, needles = call.expressions
            missing = exp.Anonymous(this="ARRAY_EXCEPT", expressions=[needles, haystack])
            call.replace(
                exp.EQ(
                    this=exp.Anonymous(this="SIZE", expressions=[missing]),
                    expression=exp.Literal.number(0),
                )
            )
    return tree


def spark_tree(tree: exp.Expr, resolve: FileResolver | None = None) -> str:
    """A parsed DuckDB statement (or query) as Spark SQL."""
    tree = _rewrite_reads(tree.copy(), resolve)
    tree = _rewrite_functions(tree)
    return tree.sql(dialect=WRITE)


def to_spark(sql: str, resolve: FileResolver | None = None) -> str:
    """One DuckDB statement as Spark SQL."""
    return spark_tree(parse(sql), resolve)


@dataclass(frozen=True)
class Copy:
    """``COPY (query) TO 'path' (FORMAT parquet, KV_METADATA {...})``."""

    query: exp.Expr
    path: str
    metadata: dict[str, str]


def copy_statement(tree: exp.Expr) -> Copy:
    if not isinstance(tree, exp.Copy):
        raise ValueError("not a COPY statement")
    files = tree.args.get("files") or []
    if len(files) != 1 or not isinstance(files[0], exp.Literal):
        raise ValueError("COPY writes to one file named as text")
    metadata: dict[str, str] = {}
    for param in tree.args.get("params") or []:
        name = param.this.name.upper()
        value = param.args.get("expression")
        if name == "FORMAT" and value is not None and value.name.lower() != "parquet":
            raise ValueError("COPY writes Parquet only")
        if name == "KV_METADATA" and isinstance(value, exp.Struct):
            for item in value.expressions:
                metadata[item.this.name] = item.expression.name
    query = tree.this.this if isinstance(tree.this, exp.Subquery) else tree.this
    return Copy(query=query, path=files[0].name, metadata=metadata)
