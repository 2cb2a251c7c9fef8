"""Declarative eligibility rules: ``{rule: <name>, <parameters>}``.

Each rule is a small function of the enterprise's and the project's facts, registered with
the model of its parameters in ``marsad.programmes.registry.RULES``. A rule gives an
outcome whatever the facts: a fact that is unknown fails the rule with a reason that says
so. Reasons are French sentences stating the fact, the bound and the conclusion.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from marsad.programmes.facts import EnterpriseFacts, ProjectFacts
from marsad.reference import load_divisions, load_regions, load_sections, load_size_schemes


@dataclass(frozen=True)
class RuleCheck:
    """One check's outcome: ``value`` is the fact, ``bound`` what it was compared with."""

    rule: str
    passed: bool
    reason_fr: str
    value: Any = None
    bound: Any = None


@dataclass(frozen=True)
class Outcome:
    passed: bool
    reason_fr: str
    value: Any = None
    bound: Any = None


def ok(reason: str, value: Any = None, bound: Any = None) -> Outcome:
    return Outcome(True, reason, value, bound)


def no(reason: str, value: Any = None, bound: Any = None) -> Outcome:
    return Outcome(False, reason, value, bound)


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Evaluator = Callable[[Any, EnterpriseFacts, ProjectFacts], Outcome]


@dataclass(frozen=True)
class RuleDef:
    params: type[Params]
    evaluate: Evaluator


def _known(values: list[str], known: set[str], what: str) -> list[str]:
    unknown = [v for v in values if v not in known]
    if unknown:
        raise ValueError(f"unknown {what} code(s): {', '.join(map(str, unknown))}")
    return values


class NoParams(Params):
    pass


class Categories(Params):
    values: list[Literal["EPMA", "EPPA", "AE"]] = Field(min_length=1)


class Sections(Params):
    values: list[str] = Field(min_length=1)

    @field_validator("values")
    @classmethod
    def _codes(cls, v: list[str]) -> list[str]:
        return _known(v, {s.code for s in load_sections()}, "section")


class Divisions(Params):
    values: list[str] = Field(min_length=1)

    @field_validator("values")
    @classmethod
    def _codes(cls, v: list[str]) -> list[str]:
        return _known(v, {d.code for d in load_divisions()}, "division")


class Regions(Params):
    values: list[str] = Field(min_length=1)

    @field_validator("values")
    @classmethod
    def _codes(cls, v: list[str]) -> list[str]:
        return _known(v, {r.code for r in load_regions()}, "region")


class Kinds(Params):
    values: list[Literal["patent", "innovation", "investment", "rd"]] = Field(min_length=1)


class SizeClasses(Params):
    """``scheme`` as in ``size_schemes.csv`` (``omtpme_2021``) or as the panel's column
    (``size_omtpme_2021``)."""

    scheme: str
    values: list[str] = Field(min_length=1)

    @field_validator("scheme")
    @classmethod
    def _scheme(cls, v: str) -> str:
        _known([v.removeprefix("size_")], set(load_size_schemes()), "size scheme")
        return v.removeprefix("size_")

    @model_validator(mode="after")
    def _classes(self) -> SizeClasses:
        _known(self.values, {c.code for c in load_size_schemes()[self.scheme]}, "size class")
        return self


class Between(Params):
    """Bounds in dirhams, both inclusive; firms younger than ``exempt_if_younger_than_years``
    (on the reference date) are exempt from a turnover condition."""

    min_mad: Decimal | None = Field(default=None, ge=0)
    max_mad: Decimal | None = Field(default=None, gt=0)
    exempt_if_younger_than_years: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _bounds(self) -> Between:
        if self.min_mad is None and self.max_mad is None:
            raise ValueError("give min_mad, max_mad or both")
        if self.min_mad is not None and self.max_mad is not None and self.min_mad > self.max_mad:
            raise ValueError("min_mad is above max_mad")
        return self


class Minimum(Params):
    min_mad: Decimal = Field(ge=0)


class Maximum(Params):
    max_mad: Decimal = Field(gt=0)


class Years(Params):
    value: int = Field(ge=0)


class Share(Params):
    value: Decimal = Field(gt=0, le=1)


class Ratio(Params):
    value: Decimal = Field(gt=0)
