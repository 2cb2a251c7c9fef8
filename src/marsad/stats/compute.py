"""Every cell of a table in one pass: GROUPING SETS over the dimension hierarchies.

A table's SQL groups the base view by every combination of the levels of its dimensions
(the total, then each level of a hierarchy) and the non-additive dimensions (the year),
in one statement; each cell carries its value, its number of contributors and its three
largest contributions, which the disclosure rules need. Combinations without any
contributor are added as empty cells (value 0), so that a table is a full cube.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from marsad.confidentiality import Dimension, ProtectionTable
from marsad.stats.catalogue import Catalogue, Indicator, TableSpec
from marsad.stats.dimensions import TOTAL, DimensionSpec, dimension
from marsad.stats.engine import SqlEngine

CELL_COLUMNS = ("value", "n", "top1", "top2", "top3")


def table_dimensions(spec: TableSpec) -> list[DimensionSpec]:
    return [*(dimension(d) for d in spec.dimensions), dimension("TIME_PERIOD")]


def table_sql(spec: TableSpec, indicator: Indicator, years: list[int]) -> str:
    dims = table_dimensions(spec)
    columns: list[str] = []
    code_exprs: list[str] = []
    choices: list[list[list[str]]] = []
    for d in dims:
        if not d.additive:
            alias = f"_{d.id.lower()}"
            columns.append(f"{d.column} AS {alias}")
            code_exprs.append(f"{alias} AS {d.id}")
            choices.append([[alias]])
            continue
        aliases = [f"_{d.id.lower()}_{i}" for i in range(len(d.levels))]
        columns += [f"{expr} AS {alias}" for expr, alias in zip(d.levels, aliases, strict=True)]
        case = " ".join(f"WHEN grouping({alias}) = 0 THEN {alias}" for alias in reversed(aliases))
        code_exprs.append(f"CASE {case} ELSE '{TOTAL}' END AS {d.id}")
        choices.append([aliases[:depth] for depth in range(len(aliases) + 1)])
    sets = [
        "(" + ", ".join(col for group in combo for col in group) + ")"
        for combo in itertools.product(*choices)
    ]
    if indicator.kind == "count":
        measures = (
            "CAST(count(*) AS DOUBLE) AS value, count(*) AS n, "
            "1.0 AS top1, CASE WHEN count(*) > 1 THEN 1.0 ELSE 0.0 END AS top2, "
            "CASE WHEN count(*) > 2 THEN 1.0 ELSE 0.0 END AS top3"
        )
        selected = ""
    else:
        measures = (
            # an exact sum (decimals to the nanounit), the same whatever order an engine
            # adds the values in: the cells, and so the suppressions, do not depend on it
            "coalesce(CAST(sum(CAST(_x AS DECIMAL(38, 9))) AS DOUBLE), 0.0) AS value, "
            "count(_x) AS n, "
            "coalesce(max(_x, 3)[1], 0.0) AS top1, coalesce(max(_x, 3)[2], 0.0) AS top2, "
            "coalesce(max(_x, 3)[3], 0.0) AS top3"
        )
        selected = (
            f", CASE WHEN ({indicator.value}) > 0 THEN CAST({indicator.value} AS DOUBLE) END AS _x"
        )
    source = "base_cohorts" if indicator.base == "cohorts" else "base_panel"
    year_list = ", ".join(str(y) for y in years) or "NULL"
    return f"""
        WITH t AS (
            SELECT {", ".join(columns)}{selected}
            FROM {source} b
            WHERE ({indicator.where}) AND b.year IN ({year_list})
        )
        SELECT {", ".join(code_exprs)}, {measures}
        FROM t
        GROUP BY GROUPING SETS ({", ".join(sets)})
    """


def hierarchy(engine: SqlEngine, spec: DimensionSpec, years: list[int]) -> Dimension:
    """The codes of one dimension and their parents, from the base view."""
    if not spec.additive:
        if spec.id == "TIME_PERIOD":
            return Dimension(spec.id, {str(y): None for y in years}, additive=False)
        codes = engine.frame(
            f"SELECT DISTINCT {spec.column} AS code FROM base_cohorts b ORDER BY 1"
        )["code"]
        return Dimension(spec.id, {str(c): None for c in codes}, additive=False)
    parent: dict[str, str | None] = {TOTAL: None}
    levels = [expr for expr in spec.levels]
    frame = engine.frame(
        f"SELECT DISTINCT {', '.join(f'{e} AS l{i}' for i, e in enumerate(levels))} "
        f"FROM base_panel b WHERE {' AND '.join(f'{e} IS NOT NULL' for e in levels)} "
        # one order of the codes whatever the engine: the cube's cells, and so the choice
        # among equally good secondary suppressions, follow it
        f"ORDER BY {', '.join(str(i + 1) for i in range(len(levels)))}"
    )
    for row in frame.itertuples(index=False):
        up: str = TOTAL
        for code in row:
            parent.setdefault(str(code), up)
            up = str(code)
    return Dimension(spec.id, parent)


def compute_table(
    engine: SqlEngine,
    catalogue: Catalogue,
    spec: TableSpec,
    years: list[int],
    cache: dict[str, Dimension],
) -> ProtectionTable:
    indicator = catalogue.indicators[spec.indicator]
    dims = table_dimensions(spec)
    dimensions = []
    for name, d in zip([*spec.dimensions, "TIME_PERIOD"], dims, strict=True):
        if name not in cache:
            cache[name] = hierarchy(engine, d, years)
        dimensions.append(cache[name])
    cells = engine.frame(table_sql(spec, indicator, years))
    ids = [d.id for d in dimensions]
    codes = [list(d.parent) for d in dimensions]
    full = pd.DataFrame(list(itertools.product(*codes)), columns=ids)
    cells[ids] = cells[ids].astype(str)
    cells = full.merge(cells, on=ids, how="left")
    cells = cells.fillna({c: 0.0 for c in CELL_COLUMNS})
    cells["n"] = cells["n"].astype(np.int64)
    if indicator.kind == "count":
        return ProtectionTable(spec.id, spec.indicator, "count", tuple(dimensions), cells)
    return ProtectionTable(spec.id, spec.indicator, "magnitude", tuple(dimensions), cells)
