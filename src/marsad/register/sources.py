"""Which delivered fields describe an entity, per partner dataset (configuration as data)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from marsad.conventions import ConventionSet
from marsad.errors import ConfigurationError

ROLES = (
    "ice",
    "rc_court",
    "rc_number",
    "name",
    "legal_form",
    "commune",
    "region",
    "activity_code",
    "gender",
)


@dataclass(frozen=True)
class SourceSpec:
    dataset: str  # partner.dataset
    unit: tuple[str, ...]
    system: str
    fields: dict[str, str]  # role -> delivered field
    person: bool = False

    @property
    def partner(self) -> str:
        return self.dataset.split(".")[0]

    @property
    def name(self) -> str:
        return self.dataset.split(".")[1]


def parse_sources(data: object, conventions: ConventionSet | None = None) -> list[SourceSpec]:
    """Read and check the mapping; every problem is reported in one message."""
    problems: list[str] = []
    specs: list[SourceSpec] = []
    raw = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        raise ConfigurationError("register sources: expected a 'sources' mapping")
    today = dt.date.today()
    for dataset, body in raw.items():
        if not isinstance(body, dict):
            problems.append(f"{dataset}: expected a mapping")
            continue
        fields = dict(body.get("fields") or {})
        unknown = sorted(set(fields) - set(ROLES))
        if unknown:
            problems.append(f"{dataset}: unknown roles {', '.join(unknown)}")
        spec = SourceSpec(
            dataset=str(dataset),
            unit=tuple(body.get("unit") or ()),
            system=str(body.get("system") or ""),
            fields=fields,
            person=bool(body.get("person", False)),
        )
        if not spec.unit or not spec.system:
            problems.append(f"{dataset}: 'unit' and 'system' are required")
        if conventions is not None:
            partner, _, name = spec.dataset.partition(".")
            conv = conventions.in_force(partner, name, today)
            if conv is None:
                problems.append(f"{dataset}: no convention in force covers it")
            else:
                declared = set(conv.datasets[name].field_names)
                missing = sorted((set(spec.unit) | set(fields.values())) - declared)
                if missing:
                    problems.append(f"{dataset}: fields not in the convention: {missing}")
        specs.append(spec)
    if problems:
        raise ConfigurationError("register sources: " + "; ".join(problems))
    return specs


@cache
def load_sources() -> tuple[SourceSpec, ...]:
    text = resources.files("marsad.register").joinpath("data", "sources.yaml").read_text("utf-8")
    return tuple(parse_sources(yaml.safe_load(text), ConventionSet.load()))
