"""The programme catalogue, as data (``data/programmes.yaml``): who runs a programme, whom
and where it targets, when it is open, its instruments and its eligibility rules.

Money and rates are ``Decimal`` (never floats). Loading checks the whole file and raises
one ``ConfigurationError`` that lists every problem found, one per line.

``target_groups`` at the top of the file defines each target group by rules (an enterprise
belongs to a group when it passes all of the group's rules); every programme receives these
definitions as ``target_group_rules`` unless it gives its own.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from marsad.errors import ConfigurationError
from marsad.programmes.registry import rule_problems
from marsad.reference import load_regions

TargetGroup = Literal["project_holder", "auto_entrepreneur", "tpe", "young_innovative", "pme"]
ProjectKind = Literal["patent", "innovation", "investment", "rd"]


def _valid_rule(spec: dict[str, Any]) -> dict[str, Any]:
    problems = rule_problems(spec)
    if problems:
        raise ValueError("; ".join(problems))
    return spec


Rule = Annotated[dict[str, Any], AfterValidator(_valid_rule)]
Rate = Annotated[Decimal, Field(ge=0, le=1)]
PositiveRate = Annotated[Decimal, Field(gt=0, le=1)]
Money = Annotated[Decimal, Field(gt=0)]
GroupRules = dict[TargetGroup, list[Rule]]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Labels(Model):
    fr: str = Field(min_length=1)
    ar: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Period(Model):
    """Open from ``start`` to ``end`` inclusive; no ``end`` while the programme runs."""

    start: date
    end: date | None

    @field_validator("end")
    @classmethod
    def _order(cls, end: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start")
        if end is not None and start is not None and end < start:
            raise ValueError(f"end {end} is before start {start}")
        return end


class TechnicalAssistance(Model):
    kind: Literal["technical_assistance"]
    label: str | None = None
    max_days: int = Field(gt=0)
    daily_rate_mad: Money


class Band(Model):
    """An employment band: from ``min_jobs_per_mdh`` stable jobs per million dirhams
    invested (inclusive unless ``min_inclusive`` is false), the bonus ``rate``."""

    min_jobs_per_mdh: Decimal = Field(ge=0)
    rate: PositiveRate
    min_inclusive: bool = True


class Bonus(Model):
    """A bonus rate: territorial and sectoral ones apply when ``condition`` (a rule)
    passes; an employment bonus takes the rate of the highest band reached."""

    kind: Literal["territorial", "sectoral", "employment"]
    label: str | None = None
    rate: PositiveRate | None = None
    condition: Rule | None = None
    bands: list[Band] = Field(default_factory=list, validate_default=True)

    @field_validator("bands")
    @classmethod
    def _shape(cls, bands: list[Band], info: ValidationInfo) -> list[Band]:
        """Checked last, with the other fields that are valid (the others are reported)."""
        kind, problems = info.data.get("kind"), []
        if kind == "employment":
            if not bands:
                problems.append("an employment bonus needs bands")
            if info.data.get("rate") is not None:
                problems.append("an employment bonus takes its rate from its bands")
            mins = [b.min_jobs_per_mdh for b in bands]
            if mins != sorted(mins):
                problems.append("bands must be in increasing order of min_jobs_per_mdh")
        elif kind is not None:
            given = "rate" in info.data and "condition" in info.data  # both valid
            if given and (info.data["rate"] is None or info.data["condition"] is None):
                problems.append(f"a {kind} bonus needs a rate and a condition")
            if bands:
                problems.append(f"a {kind} bonus has no bands")
        if problems:
            raise ValueError("; ".join(problems))
        return bands


class Cumulation(Model):
    """What one enterprise may receive in all, in this programme or across programmes."""

    scope: Literal["programme", "all_programmes"]
    cap_mad: Money


class TrancheSpec(Model):
    share: PositiveRate
    milestone: str = Field(min_length=1)


class Clawback(Model):
    conditions: list[str] = Field(min_length=1)
    within_years: int = Field(gt=0)


class CostShareGrant(Model):
    """A grant of ``rate`` (plus bonuses, up to ``max_total_rate``) of the eligible cost:
    the investment or the project's cost (``cost_basis``), then capped. A cap written as
    ``null`` is one the public description does not set."""

    kind: Literal["cost_share_grant"]
    label: str | None = None
    project_kinds: list[ProjectKind] = Field(default_factory=list)  # empty: any project
    cost_basis: Literal["investment", "project_cost"] = "investment"
    rate: Rate
    cap_per_enterprise_mad: Money | None
    cap_per_project_mad: Money | None
    cap_per_programme_mad: Money | None = None
    bonuses: list[Bonus] = Field(default_factory=list, validate_default=True)
    max_total_rate: PositiveRate | None = None
    cumulation: Cumulation | None = None
    tranches: list[TrancheSpec] = Field(default_factory=list)  # empty: paid at once
    clawback: Clawback | None = None

    @field_validator("bonuses")
    @classmethod
    def _some_rate(cls, bonuses: list[Bonus], info: ValidationInfo) -> list[Bonus]:
        if info.data.get("rate") == 0 and not bonuses:
            raise ValueError("a grant with a zero rate needs bonuses")
        return bonuses

    @field_validator("max_total_rate")
    @classmethod
    def _above_rate(cls, ceiling: Decimal | None, info: ValidationInfo) -> Decimal | None:
        rate = info.data.get("rate")
        if ceiling is not None and rate is not None and ceiling < rate:
            raise ValueError(f"max_total_rate {ceiling} is below rate {rate}")
        return ceiling

    @field_validator("tranches")
    @classmethod
    def _whole(cls, tranches: list[TrancheSpec]) -> list[TrancheSpec]:
        shares = sum((t.share for t in tranches), Decimal(0))
        if tranches and shares != 1:
            raise ValueError(f"tranche shares add up to {shares}, not 1")
        return tranches


class Loan(Model):
    """A loan at ``rate`` (``rural_rate`` in rural areas), guaranteed for
    ``guarantee_share`` of its amount, for loans up to ``guarantee_cap_mad``."""

    kind: Literal["loan"]
    label: str | None = None
    rate: Rate
    rural_rate: Rate | None = None
    guarantee_share: PositiveRate
    guarantee_cap_mad: Money


Instrument = Annotated[TechnicalAssistance | CostShareGrant | Loan, Field(discriminator="kind")]


class Programme(Model):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
    name: Labels
    operator: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    partners: list[str] = Field(default_factory=list)
    target_groups: list[TargetGroup] = Field(min_length=1)
    regions: list[str] = Field(min_length=1)
    period: Period
    budget_mad: Money | None  # null: the envelope is not published
    instruments: list[Instrument] = Field(min_length=1)
    eligibility: list[Rule] = Field(default_factory=list)
    appraisal: list[str] = Field(default_factory=list)  # selection steps, in order
    source: str = Field(min_length=1)
    notes: str | None = None
    target_group_rules: GroupRules = Field(default_factory=dict, validate_default=True)

    @field_validator("target_groups")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("a target group is listed twice")
        return v

    @field_validator("regions")
    @classmethod
    def _regions(cls, v: list[str]) -> list[str]:
        if "*" in v:
            if v != ["*"]:
                raise ValueError('"*" (every region) stands alone')
            return v
        unknown = sorted(set(v) - {r.code for r in load_regions()})
        if unknown:
            raise ValueError(f"unknown region code(s): {', '.join(unknown)}")
        return v

    @field_validator("target_group_rules")
    @classmethod
    def _groups_defined(cls, rules: GroupRules, info: ValidationInfo) -> GroupRules:
        missing = [g for g in info.data.get("target_groups", []) if not rules.get(g)]
        if missing:
            raise ValueError(f"target group(s) without rules: {', '.join(missing)}")
        return rules

    def instrument(self, index: int) -> Instrument:
        return self.instruments[index]


def _problems(where: str, exc: ValidationError) -> list[str]:
    out = []
    for e in exc.errors():
        loc = ".".join(str(p) for p in e["loc"])
        for line in str(e["msg"]).removeprefix("Value error, ").split("; "):
            out.append(f"{where}: {loc + ': ' if loc else ''}{line}")
    return out


def parse_programmes(text: str, source: str = "programmes.yaml") -> dict[str, Programme]:
    """The programmes of a catalogue's text, by code; every problem in one error."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{source}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("programmes"), list):
        raise ConfigurationError(f"{source}: expected a mapping with a 'programmes' list")
    problems = [f"{k}: unknown key" for k in raw if k not in ("target_groups", "programmes")]
    groups: Any = raw.get("target_groups") or {}
    try:
        TypeAdapter(GroupRules).validate_python(groups)
        groups_ok = True
    except ValidationError as exc:
        problems += _problems("target_groups", exc)
        groups_ok = False
    programmes: dict[str, Programme] = {}
    for i, item in enumerate(raw["programmes"]):
        code = item.get("code") if isinstance(item, dict) else None
        where = code if isinstance(code, str) else f"programmes[{i}]"
        if isinstance(item, dict):
            item = {"target_group_rules": groups, **item}
        try:
            programme = Programme.model_validate(item)
        except ValidationError as exc:
            found = _problems(where, exc)
            problems += [p for p in found if groups_ok or ": target_group_rules" not in p]
            continue
        if programme.code in programmes:
            problems.append(f"{where}: code defined twice")
        programmes[programme.code] = programme
    if problems:
        raise ConfigurationError.listing(source, problems)
    return programmes


@cache
def _shipped() -> dict[str, Programme]:
    data = resources.files("marsad.programmes") / "data" / "programmes.yaml"
    return parse_programmes(data.read_text(encoding="utf-8"))


def load_programmes(path: Path | None = None) -> dict[str, Programme]:
    """The catalogue by programme code: the shipped one, or the file at ``path``."""
    if path is None:
        return dict(_shipped())
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot be read ({exc.strerror})") from None
    return parse_programmes(text, source=str(path))
