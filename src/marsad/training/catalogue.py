"""The catalogue of training modules, as data (``data/modules.yaml``): topic, level,
languages, formats, duration, sector adaptations, the completion rule and the short skills
questionnaire of each module.

Loading checks the whole file and raises one ``ConfigurationError`` listing every problem,
one per line. ``import_modules`` writes the catalogue into the operational database (a
module that left the file is kept, marked inactive, for the cohorts that followed it).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy import select

from marsad.errors import ConfigurationError, NotFound
from marsad.operational.auth import Actor
from marsad.operational.db import Database
from marsad.reference import load_sections
from marsad.training.models import TrainingModule

Language = Literal["fr", "ar", "zgh"]
Format = Literal["in_person", "remote", "hybrid"]
Level = Literal["initiation", "intermediate", "advanced"]
Share = Annotated[Decimal, Field(gt=0, le=1)]
LANGUAGE_LABELS = {"fr": "français", "ar": "arabe", "zgh": "amazighe"}
FORMAT_LABELS = {"in_person": "présentiel", "remote": "à distance", "hybrid": "hybride"}
LEVEL_LABELS = {"initiation": "initiation", "intermediate": "intermédiaire", "advanced": "avancé"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Question(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,19}$")
    text: str = Field(min_length=1, max_length=300)
    choices: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        min_length=2, max_length=6
    )
    answer: int = Field(ge=0)
    weight: int = Field(default=1, ge=1, le=10)

    @model_validator(mode="after")
    def _answer_is_a_choice(self) -> Question:
        if self.answer >= len(self.choices):
            raise ValueError(f"answer {self.answer} is not one of the {len(self.choices)} choices")
        return self


class ModuleSpec(_Strict):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$", max_length=40)
    title: str = Field(min_length=1, max_length=300)
    topic: str
    level: Level
    languages: list[Language] = Field(min_length=1)
    formats: list[Format] = Field(min_length=1)
    duration_hours: Decimal = Field(gt=0, le=500, decimal_places=1)
    summary: str = ""
    sector_adaptations: dict[str, Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        default_factory=dict
    )
    min_attendance_share: Share | None = None
    questionnaire: list[Question] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _coherent(self) -> ModuleSpec:
        problems = []
        sections = {s.code for s in load_sections()}
        unknown = sorted(set(self.sector_adaptations) - sections)
        if unknown:
            problems.append(f"sector_adaptations: unknown NMA section(s) {', '.join(unknown)}")
        ids = [q.id for q in self.questionnaire]
        if len(set(ids)) != len(ids):
            problems.append("questionnaire: a question id is used twice")
        for name, values in (("languages", self.languages), ("formats", self.formats)):
            if len(set(values)) != len(values):
                problems.append(f"{name}: a value is listed twice")
        if problems:
            raise ValueError("; ".join(problems))
        return self


@dataclass(frozen=True)
class Catalogue:
    topics: dict[str, str]
    min_attendance_share: Decimal
    modules: dict[str, ModuleSpec]

    def completion_share(self, module: ModuleSpec) -> Decimal:
        return module.min_attendance_share or self.min_attendance_share


def _problems(where: str, exc: ValidationError) -> list[str]:
    out = []
    for e in exc.errors():
        loc = ".".join(str(p) for p in e["loc"])
        for line in str(e["msg"]).removeprefix("Value error, ").split("; "):
            out.append(f"{where}: {loc + ': ' if loc else ''}{line}")
    return out


def parse_catalogue(text: str, source: str = "modules.yaml") -> Catalogue:
    """The catalogue of a file's text; every problem in one error."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{source}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("modules"), list):
        raise ConfigurationError(f"{source}: expected a mapping with a 'modules' list")
    problems = [f"{k}: unknown key" for k in raw if k not in ("topics", "completion", "modules")]
    topics = raw.get("topics")
    if (
        not isinstance(topics, dict)
        or not topics
        or not all(isinstance(k, str) and isinstance(v, str) and v for k, v in topics.items())
    ):
        problems.append("topics: a mapping of topic codes to their labels")
        topics = {}
    share: Any = (raw.get("completion") or {}).get("min_attendance_share")
    try:
        default_share = Decimal(str(share))
        if not 0 < default_share <= 1:
            raise ValueError
    except (ArithmeticError, ValueError):
        problems.append("completion.min_attendance_share: a share above 0 and at most 1")
        default_share = Decimal(1)
    modules: dict[str, ModuleSpec] = {}
    for i, item in enumerate(raw["modules"]):
        code = item.get("code") if isinstance(item, dict) else None
        where = code if isinstance(code, str) else f"modules[{i}]"
        try:
            module = ModuleSpec.model_validate(item)
        except ValidationError as exc:
            problems += _problems(where, exc)
            continue
        if module.topic not in topics:
            problems.append(f"{where}: topic: unknown topic {module.topic!r}")
        if module.code in modules:
            problems.append(f"{where}: code defined twice")
        modules[module.code] = module
    missing = sorted(set(topics) - {m.topic for m in modules.values()})
    if missing and not problems:
        problems.append(f"topics without a module: {', '.join(missing)}")
    if problems:
        raise ConfigurationError.listing(source, problems)
    return Catalogue(dict(topics), default_share, modules)


@cache
def _shipped() -> Catalogue:
    data = resources.files("marsad.training") / "data" / "modules.yaml"
    return parse_catalogue(data.read_text(encoding="utf-8"))


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The shipped catalogue, or the one in the file at ``path``."""
    if path is None:
        return _shipped()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot be read ({exc.strerror})") from None
    return parse_catalogue(text, source=str(path))


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    deactivated: int

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


def import_modules(db: Database, actor: Actor, catalogue: Catalogue | None = None) -> ImportSummary:
    """Write the catalogue into the database: new modules, changed ones, withdrawn ones."""
    actor.require("training.write")
    catalogue = catalogue or load_catalogue()
    created = updated = deactivated = 0
    with db.session() as session:
        existing = {m.code: m for m in session.scalars(select(TrainingModule))}
        for code, spec in catalogue.modules.items():
            values = {
                "title": spec.title,
                "topic": spec.topic,
                "level": spec.level,
                "languages": list(spec.languages),
                "formats": list(spec.formats),
                "duration_hours": spec.duration_hours,
                "summary": spec.summary,
                "sector_adaptations": dict(spec.sector_adaptations),
                "completion_share": catalogue.completion_share(spec),
                "questionnaire": [q.model_dump() for q in spec.questionnaire],
                "active": True,
            }
            row = existing.get(code)
            if row is None:
                session.add(TrainingModule(code=code, **values))
                created += 1
                continue
            changed = False
            for name, value in values.items():
                if getattr(row, name) != value:
                    setattr(row, name, value)
                    changed = True
            updated += changed
        for code, row in existing.items():
            if code not in catalogue.modules and row.active:
                row.active = False
                deactivated += 1
    return ImportSummary(created, updated, deactivated)


def list_modules(db: Database, actor: Actor, *, active_only: bool = False) -> list[TrainingModule]:
    actor.require("training.read")
    with db.session() as session:
        query = select(TrainingModule).order_by(TrainingModule.topic, TrainingModule.code)
        if active_only:
            query = query.where(TrainingModule.active)
        return list(session.scalars(query))


def get_module(db: Database, actor: Actor, code: str) -> TrainingModule:
    actor.require("training.read")
    with db.session() as session:
        module = session.get(TrainingModule, code)
        if module is None:
            raise NotFound(f"Le module {code} n'existe pas dans le catalogue.")
        return module


def topic_label(code: str) -> str:
    return _shipped().topics.get(code, code)


def module_dict(m: TrainingModule) -> dict[str, Any]:
    return {
        "code": m.code,
        "title": m.title,
        "topic": m.topic,
        "topic_label": topic_label(m.topic),
        "level": m.level,
        "languages": m.languages,
        "formats": m.formats,
        "duration_hours": str(m.duration_hours),
        "summary": m.summary,
        "sector_adaptations": m.sector_adaptations,
        "completion_share": str(m.completion_share),
        "questions": len(m.questionnaire),
        "active": m.active,
    }
