"""Loading and checking the conventions: every problem of every file in one report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from marsad.conventions.model import Convention, DatasetSpec
from marsad.errors import ConfigurationError


@dataclass(frozen=True)
class ConventionProblem:
    file: str
    location: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.location}" if self.location else self.file
        return f"{where}: {self.message}"


@dataclass
class ConventionReport:
    """The outcome of checking a folder of conventions (valid when no problem was found)."""

    folder: str
    conventions: list[Convention] = field(default_factory=list)
    problems: list[ConventionProblem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "folder": self.folder,
            "conventions": [
                {
                    "id": c.id,
                    "version": c.version,
                    "partner": c.partner,
                    "valid_from": c.valid_from.isoformat(),
                    "valid_to": c.valid_to.isoformat(),
                    "datasets": sorted(c.datasets),
                }
                for c in self.conventions
            ],
            "problems": [
                {"file": p.file, "location": p.location, "message": p.message}
                for p in self.problems
            ],
        }


def shipped_folder() -> Path:
    return Path(str(resources.files("marsad.conventions").joinpath("data")))


def _location(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


def check_conventions(folder: Path | None = None) -> ConventionReport:
    """Read every ``*.yaml`` of ``folder`` and report every problem found (never raises)."""
    folder = folder or shipped_folder()
    report = ConventionReport(folder=str(folder))
    if not folder.is_dir():
        report.problems.append(ConventionProblem(str(folder), "", "folder not found"))
        return report
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    if not files:
        report.problems.append(ConventionProblem(str(folder), "", "no convention file (*.yaml)"))
    for path in files:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            report.problems.append(ConventionProblem(path.name, "", f"not valid YAML: {exc}"))
            continue
        if not isinstance(raw, dict):
            report.problems.append(ConventionProblem(path.name, "", "expected a mapping"))
            continue
        try:
            report.conventions.append(Convention.model_validate(raw))
        except ValidationError as exc:
            for err in exc.errors():
                message = str(err["msg"]).removeprefix("Value error, ")
                report.problems.append(ConventionProblem(path.name, _location(err["loc"]), message))
    _cross_checks(report)
    return report


def _cross_checks(report: ConventionReport) -> None:
    seen: dict[tuple[str, int], str] = {}
    for conv in report.conventions:
        key = (conv.id, conv.version)
        if key in seen:
            report.problems.append(
                ConventionProblem(conv.id, "id", f"version {conv.version} declared twice")
            )
        seen[key] = conv.id
    # Two conventions in force on the same day for the same dataset would make a delivery
    # ambiguous.
    for i, a in enumerate(report.conventions):
        for b in report.conventions[i + 1 :]:
            if a.partner != b.partner:
                continue
            shared = sorted(set(a.datasets) & set(b.datasets))
            overlap = a.valid_from <= b.valid_to and b.valid_from <= a.valid_to
            if shared and overlap:
                report.problems.append(
                    ConventionProblem(
                        f"{a.id} v{a.version} / {b.id} v{b.version}",
                        "validity",
                        f"both in force at once for {a.partner}: {', '.join(shared)}",
                    )
                )


class ConventionSet:
    """The valid conventions, looked up by partner and dataset."""

    def __init__(self, conventions: list[Convention]) -> None:
        self.conventions = conventions

    @classmethod
    def load(cls, folder: Path | None = None) -> ConventionSet:
        report = check_conventions(folder)
        if not report.valid:
            lines = "\n".join(f"  - {p}" for p in report.problems)
            raise ConfigurationError(
                f"the conventions in {report.folder} have {len(report.problems)} "
                f"problem(s):\n{lines}"
            )
        return cls(report.conventions)

    def partners(self) -> list[str]:
        return sorted({c.partner for c in self.conventions})

    def candidates(self, partner: str, dataset: str) -> list[Convention]:
        return [c for c in self.conventions if c.partner == partner and dataset in c.datasets]

    def in_force(self, partner: str, dataset: str, on: dt.date) -> Convention | None:
        for conv in self.candidates(partner, dataset):
            if conv.in_force(on):
                return conv
        return None

    def dataset(self, partner: str, dataset: str, on: dt.date) -> tuple[Convention, DatasetSpec]:
        conv = self.in_force(partner, dataset, on)
        if conv is None:
            raise KeyError((partner, dataset))
        return conv, conv.datasets[dataset]
