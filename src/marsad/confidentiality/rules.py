"""The disclosure rules, as private configuration (shipped defaults + data directory)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from marsad.errors import ConfigurationError


class DisclosureRules(BaseModel):
    """Primary rules and the protection they require. Never published with a release."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_frequency: int = Field(default=3, ge=1, le=100)
    p_percent: float | None = Field(default=10.0, gt=0, le=100)
    dominance: tuple[int, float] | None = None
    frequency_range_percent: float = Field(default=30.0, gt=0, le=100)
    cost: Literal["value", "cells", "log"] = "value"

    @model_validator(mode="after")
    def _check_dominance(self) -> DisclosureRules:
        if self.dominance is not None:
            n, k = self.dominance
            if not 1 <= n <= 3 or not 0 < k < 100:
                raise ValueError("dominance must be (n, k) with 1 <= n <= 3 and 0 < k < 100")
        return self

    def public_description(self) -> dict[str, object]:
        """Which rules apply, without their parameters (for a release's manifest)."""
        return {
            "minimum_frequency_rule": True,
            "p_percent_rule": self.p_percent is not None,
            "dominance_rule": self.dominance is not None,
            "secondary_suppression": "linear programming on subtables, audited",
            "parameters": "confidential",
        }


def load_rules(home: Path | None = None) -> DisclosureRules:
    """Shipped defaults, overridden by ``<home>/config/disclosure.yaml`` when it exists."""
    text = (resources.files("marsad.confidentiality") / "data" / "disclosure.yaml").read_text(
        encoding="utf-8"
    )
    values = dict(yaml.safe_load(text) or {})
    source = "disclosure.yaml (shipped)"
    if home is not None:
        override = home / "config" / "disclosure.yaml"
        if override.is_file():
            source = str(override)
            try:
                extra = yaml.safe_load(override.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as exc:
                raise ConfigurationError(f"{source}: not valid YAML ({exc})") from None
            if not isinstance(extra, dict):
                raise ConfigurationError(f"{source}: expected a mapping of rule parameters")
            values.update(extra)
    try:
        return DisclosureRules(**values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'rules'}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigurationError(f"{source}: {problems}") from None
