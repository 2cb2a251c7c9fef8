"""The module catalogue as data: the shipped file, every problem of a bad one at once, and
its import into the database (new, changed and withdrawn modules)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import pytest

from marsad.errors import ConfigurationError
from marsad.operational import Database, migrate
from marsad.operational.auth import SYSTEM
from marsad.training.catalogue import import_modules, list_modules, load_catalogue, parse_catalogue

ISSUE_TOPICS = {
    "costing",
    "cash",
    "contracts",
    "loyalty",
    "payments",
    "stock",
    "invoicing",
    "online",
    "crm",
}


def test_the_shipped_catalogue_covers_the_topics() -> None:
    catalogue = load_catalogue()
    assert set(catalogue.topics) == ISSUE_TOPICS
    assert {m.topic for m in catalogue.modules.values()} == ISSUE_TOPICS
    assert {lang for m in catalogue.modules.values() for lang in m.languages} == {"fr", "ar", "zgh"}
    assert {f for m in catalogue.modules.values() for f in m.formats} == {
        "in_person",
        "remote",
        "hybrid",
    }
    assert catalogue.min_attendance_share == Decimal("0.75")
    assert catalogue.completion_share(catalogue.modules["TRESO-2"]) == Decimal("0.8")
    assert all(m.sector_adaptations for m in catalogue.modules.values())


BAD = """
topics: {cash: Trésorerie, stock: Stocks}
completion: {min_attendance_share: 1.5}
colour: blue
modules:
  - code: cash-1
    title: ""
    topic: money
    level: expert
    languages: [fr, en]
    formats: [in_person, in_person]
    duration_hours: -3
    sector_adaptations: {Z: none}
    questionnaire:
      - {id: q1, text: A, choices: [a, b], answer: 2}
      - {id: q1, text: B, choices: [a, b], answer: 0}
  - code: CASH-2
    title: Trésorerie
    topic: money
    level: initiation
    languages: [fr]
    formats: [remote]
    duration_hours: 3
    questionnaire: [{id: q1, text: A, choices: [a, b], answer: 0}]
  - code: CASH-2
    title: Trésorerie
    topic: cash
    level: initiation
    languages: [fr]
    formats: [remote]
    duration_hours: 3
    questionnaire: [{id: q1, text: A, choices: [a, b], answer: 0}]
"""


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(ConfigurationError) as bad:
        parse_catalogue(BAD, "bad.yaml")
    message = str(bad.value)
    for expected in (
        "colour: unknown key",
        "completion.min_attendance_share",
        "cash-1: code: String should match pattern",
        "cash-1: title",
        "cash-1: level",
        "cash-1: languages.1",
        "cash-1: duration_hours",
        "cash-1: questionnaire.0: answer 2 is not one of the 2 choices",
        "CASH-2: topic: unknown topic 'money'",
        "CASH-2: code defined twice",
    ):
        assert expected in message, expected
    assert message.startswith("bad.yaml: ") and len(bad.value.details) >= 10
    with pytest.raises(ConfigurationError, match="not valid YAML"):
        parse_catalogue("modules: [", "broken.yaml")


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    migrate(database_url)
    database = Database(database_url)
    yield database
    database.dispose()


def test_import_is_idempotent_and_keeps_withdrawn_modules(db: Database) -> None:
    catalogue = load_catalogue()
    assert import_modules(db, SYSTEM, catalogue).to_dict() == {
        "created": 10,
        "updated": 0,
        "deactivated": 0,
    }
    assert import_modules(db, SYSTEM, catalogue).to_dict() == {
        "created": 0,
        "updated": 0,
        "deactivated": 0,
    }
    fewer = dict(catalogue.modules)
    del fewer["CRM-1"]
    fewer["COUTS-1"] = fewer["COUTS-1"].model_copy(update={"title": "Coûts et prix"})
    summary = import_modules(db, SYSTEM, replace(catalogue, modules=fewer))
    assert summary.to_dict() == {"created": 0, "updated": 1, "deactivated": 1}
    found = {m.code: m for m in list_modules(db, SYSTEM)}
    assert len(found) == 10 and not found["CRM-1"].active
    assert found["COUTS-1"].title == "Coûts et prix"
    assert len(list_modules(db, SYSTEM, active_only=True)) == 9
