"""Inclusion goals as data (``data/priorities.yaml``): which enterprises a target list puts
first, and the facts the criteria read.

Loading checks the whole file and raises one ``ConfigurationError`` listing every problem.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import duckdb
import pyarrow as pa
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from marsad.errors import ConfigurationError
from marsad.ingest.rules import lit

Fact = Literal[
    "gender",
    "manager_age",
    "commune_kind",
    "region_coverage",
    "category",
    "section",
    "size_class",
]
NUMERIC_FACTS = ("manager_age", "region_coverage")
SIZE_SCHEME = "omtpme_2021"


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    label: str = Field(min_length=1, max_length=200)
    weight: int = Field(ge=1, le=100)
    fact: Fact
    values: tuple[str, ...] | None = Field(default=None, alias="in", min_length=1)
    at_most: Decimal | None = None
    at_least: Decimal | None = None
    below: Decimal | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Criterion:
        numeric = [v for v in (self.at_most, self.at_least, self.below) if v is not None]
        if len(numeric) + (self.values is not None) != 1:
            raise ValueError("give exactly one of in, at_most, at_least, below")
        if numeric and self.fact not in NUMERIC_FACTS:
            raise ValueError(f"{self.fact} is not a number: compare it with « in »")
        if self.values is not None and self.fact in NUMERIC_FACTS:
            raise ValueError(f"{self.fact} is a number: use at_most, at_least or below")
        if any(not v.is_finite() for v in numeric):
            raise ValueError("bounds are finite numbers")
        return self

    def sql(self) -> str:
        """True when an enterprise of ``ot_priority_facts`` meets the criterion."""
        column = self.fact
        if self.values is not None:
            test = f"{column} IN ({', '.join(lit(v) for v in self.values)})"
        elif self.at_most is not None:
            test = f"{column} <= {self.at_most}"
        elif self.at_least is not None:
            test = f"{column} >= {self.at_least}"
        else:
            test = f"{column} < {self.below}"
        return f"coalesce({test}, false)"


def parse_priorities(text: str, source: str = "priorities.yaml") -> dict[str, Criterion]:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{source}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("criteria"), dict):
        raise ConfigurationError(f"{source}: expected a mapping with a 'criteria' mapping")
    problems = [f"{k}: unknown key" for k in raw if k != "criteria"]
    out: dict[str, Criterion] = {}
    for code, body in raw["criteria"].items():
        if not isinstance(code, str) or not code.replace("_", "").isalnum():
            problems.append(f"{code!r}: a criterion's code is letters, digits and _")
            continue
        try:
            out[code] = Criterion.model_validate(body)
        except ValidationError as exc:
            for e in exc.errors():
                loc = ".".join(str(p) for p in e["loc"])
                msg = str(e["msg"]).removeprefix("Value error, ")
                problems.append(f"{code}: {loc + ': ' if loc else ''}{msg}")
    if problems:
        raise ConfigurationError.listing(source, problems)
    return out


@cache
def _shipped() -> dict[str, Criterion]:
    data = resources.files("marsad.outreach") / "data" / "priorities.yaml"
    return parse_priorities(data.read_text(encoding="utf-8"))


def load_priorities(path: Path | None = None) -> dict[str, Criterion]:
    if path is None:
        return dict(_shipped())
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot be read ({exc.strerror})") from None
    return parse_priorities(text, source=str(path))


def load_region_coverage(
    con: duckdb.DuckDBPyConnection, build: Path, applicants: Iterable[str], on: date
) -> None:
    """Table ``ot_coverage(region_code, region_coverage)``: each region's share of the
    enterprises that applied to a programme over its share of the live enterprises of the
    register on ``on`` (NULL for every region while nobody has applied)."""
    ids = sorted(set(applicants))
    con.register("ot_applicants_arrow", pa.table({"enterprise_id": pa.array(ids, pa.string())}))
    enterprises = lit(str(build / "enterprises.parquet"))
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE ot_coverage AS
            WITH live AS (
                SELECT enterprise_id, region_code FROM read_parquet({enterprises})
                WHERE region_code IS NOT NULL
                  AND coalesce(dissolution_date > DATE {lit(on.isoformat())}, true)),
            firms AS (SELECT region_code, count(*) AS n FROM live GROUP BY region_code),
            applied AS (
                SELECT l.region_code, count(*) AS n FROM live l
                JOIN ot_applicants_arrow a USING (enterprise_id) GROUP BY l.region_code)
            SELECT f.region_code,
                   CASE WHEN (SELECT sum(n) FROM applied) > 0 THEN
                       (coalesce(a.n, 0) / (SELECT sum(n) FROM applied))
                       / (f.n / (SELECT sum(n) FROM firms)) END AS region_coverage
            FROM firms f LEFT JOIN applied a USING (region_code)"""
    )
    con.unregister("ot_applicants_arrow")


def score_sql(criteria: dict[str, Criterion]) -> tuple[str, str]:
    """(priority expression, list of the codes of the criteria met) over
    ``ot_priority_facts``."""
    if not criteria:
        return "0", "CAST([] AS VARCHAR[])"
    score = " + ".join(f"CASE WHEN {c.sql()} THEN {c.weight} ELSE 0 END" for c in criteria.values())
    met = ", ".join(f"CASE WHEN {c.sql()} THEN {lit(code)} END" for code, c in criteria.items())
    return score, f"list_filter([{met}], x -> x IS NOT NULL)"
