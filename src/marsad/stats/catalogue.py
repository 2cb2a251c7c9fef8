"""The indicator catalogue: indicators and tables, as data (``data/indicators.yaml``)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from marsad.errors import ConfigurationError
from marsad.stats.dimensions import DIMENSIONS

Labels = dict[Literal["fr", "ar", "en"], str]


class Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["count", "magnitude", "ratio"]
    unit: str
    unit_mult: int = 0
    decimals: int = 0
    base: Literal["panel", "cohorts"] = "panel"
    where: str | None = None
    value: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    sources: list[str] = Field(default_factory=list)
    title: Labels
    definition: Labels


class TableSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    indicator: str
    dimensions: list[str]


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    indicators: dict[str, Indicator]
    tables: list[TableSpec]

    def table(self, table_id: str) -> TableSpec:
        for spec in self.tables:
            if spec.id == table_id:
                return spec
        raise KeyError(table_id)

    def problems(self) -> list[str]:
        out: list[str] = []
        ids = [t.id for t in self.tables]
        out += [f"table {i}: defined twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
        for spec in self.tables:
            indicator = self.indicators.get(spec.indicator)
            if indicator is None:
                out.append(f"table {spec.id}: unknown indicator {spec.indicator!r}")
                continue
            for dim in spec.dimensions:
                if dim not in DIMENSIONS or dim == "TIME_PERIOD":
                    out.append(f"table {spec.id}: unknown dimension {dim!r}")
            horizon = "HORIZON" in spec.dimensions
            if horizon != (indicator.base == "cohorts") and indicator.kind != "ratio":
                out.append(f"table {spec.id}: HORIZON goes with cohort indicators only")
            if indicator.kind == "ratio":
                for part in (indicator.numerator, indicator.denominator):
                    if part not in ids:
                        out.append(f"table {spec.id}: ratio part {part!r} is not a table")
                    elif self.table(part).dimensions != spec.dimensions:
                        out.append(f"table {spec.id}: {part} must have the same dimensions")
        for name, indicator in self.indicators.items():
            if indicator.kind in ("count", "magnitude") and not indicator.where:
                out.append(f"indicator {name}: 'where' is required")
            if indicator.kind == "magnitude" and not indicator.value:
                out.append(f"indicator {name}: 'value' is required for a magnitude")
            if indicator.kind == "ratio" and not (indicator.numerator and indicator.denominator):
                out.append(f"indicator {name}: a ratio needs a numerator and a denominator")
        return out


def parse_catalogue(text: str, source: str = "indicators.yaml") -> Catalogue:
    try:
        raw = yaml.safe_load(text)
        catalogue = Catalogue.model_validate(raw)
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{source}: not valid YAML ({exc})") from None
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigurationError(f"{source}: {problems}") from None
    found = catalogue.problems()
    if found:
        raise ConfigurationError(f"{source}: " + "; ".join(found))
    return catalogue


@cache
def load_catalogue() -> Catalogue:
    text = (resources.files("marsad.stats") / "data" / "indicators.yaml").read_text("utf-8")
    return parse_catalogue(text)
