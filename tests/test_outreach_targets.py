"""Target lists on a small hand-built register: the eligible enterprises that have not
applied, their order under the inclusion goals, the contact details each role may see, the
access log, and the set-wise rules against the one-enterprise evaluation."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import select

from marsad.errors import Conflict, Forbidden, InvalidInput
from marsad.operational import Database, migrate
from marsad.operational.auth import Actor
from marsad.operational.people import AccessLog
from marsad.outreach.rules_sql import PROJECT_RULES
from marsad.outreach.targets import TargetQuery, build_targets, eligible_table
from marsad.programmes.catalogue import Programme, load_programmes
from marsad.programmes.facts import ProjectFacts, enterprise_facts
from marsad.programmes.registry import check_rule
from marsad.programmes.workflow import create_application, ensure_budget
from marsad.settings import Settings
from outreach_register import FIRMS, ON, write_register

MANAGER = Actor(1, "gestionnaire", "programme_manager")
AGENT = Actor(2, "guichet.casa", "desk_agent", "CCIS06")


@pytest.fixture
def register(settings: Settings, tmp_path: Path) -> Iterator[tuple[Settings, Database, Path]]:
    build = write_register(settings, tmp_path)
    migrate(settings.operational_url)
    db = Database(settings.operational_url)
    ensure_budget(db, "INTELAKA", "Intelaka", "MAROC_PME", Decimal("1000000"))
    create_application(db, "agent", "INTELAKA", "E05", Decimal("50000"))
    yield settings, db, build
    db.dispose()


def _ids(rows: list[dict[str, object]]) -> list[str]:
    return [str(r["enterprise_id"]) for r in rows]


def test_the_eligible_non_applicants_of_a_region(register: tuple[Settings, Database, Path]) -> None:
    settings, db, _ = register
    found = build_targets(settings, db, MANAGER, TargetQuery("INTELAKA", "06", as_of=ON))
    assert _ids(found.rows) == ["E01", "E09", "E11"]
    assert [r["priority"] for r in found.rows] == [5, 2, 0]
    assert found.rows[0]["criteria"] == ["women_led", "young_manager"]
    assert found.rows[1]["criteria"] == ["rural_commune"]
    assert found.counts == {
        "examined": 10,
        "eligible": 4,
        "already_applied": 1,
        "recently_contacted": 0,
        "listed": 3,
        "shown": 3,
    }
    assert found.rows[1]["commune_kind"] == "rural" and found.rows[2]["size_class"] == "PE"
    every = build_targets(settings, db, MANAGER, TargetQuery("INTELAKA", as_of=ON))
    assert sorted(_ids(every.rows)) == ["E01", "E06", "E09", "E11"]
    trade = build_targets(settings, db, MANAGER, TargetQuery("INTELAKA", sections=["C"], as_of=ON))
    assert _ids(trade.rows) == ["E06"]
    page = build_targets(
        settings, db, MANAGER, TargetQuery("INTELAKA", "06", as_of=ON, limit=1, offset=1)
    )
    assert _ids(page.rows) == ["E09"] and page.counts["listed"] == 3


def test_contacts_follow_the_chambers_convention(register: tuple[Settings, Database, Path]) -> None:
    settings, db, _ = register
    hidden = build_targets(settings, db, MANAGER, TargetQuery("INTELAKA", "06", as_of=ON))
    assert hidden.contact_fields == [] and hidden.withheld_fields == [
        "denomination",
        "phone",
        "email",
    ]
    assert all(not {"denomination", "phone", "email"} & set(r) for r in hidden.rows)
    shown = build_targets(settings, db, AGENT, TargetQuery("INTELAKA", as_of=ON))
    assert shown.region == "06" and shown.contact_fields == ["denomination", "phone", "email"]
    by_id = {r["enterprise_id"]: r for r in shown.rows}
    assert by_id["E01"]["phone"] == "0522112233" and by_id["E01"]["email"] == "salma@example.ma"
    assert by_id["E11"]["denomination"] == "STE ONZE SARL" and by_id["E11"]["phone"] is None
    assert by_id["E09"]["denomination"] is None  # not a chamber member
    with db.session() as session:
        logged = session.scalars(
            select(AccessLog).where(AccessLog.action == "outreach.targets").order_by(AccessLog.id)
        ).all()
    assert [(x.actor, x.subject) for x in logged] == [
        ("gestionnaire (programme_manager)", "INTELAKA:06"),
        ("guichet.casa (desk_agent)", "INTELAKA:06"),
    ]
    assert logged[0].detail["contact_fields"] == [] and logged[1].detail["rows"] == 3
    assert logged[1].detail["contact_fields"] == ["denomination", "phone", "email"]


def test_refusals(register: tuple[Settings, Database, Path]) -> None:
    settings, db, _ = register
    with pytest.raises(Forbidden, match="CCIS06"):
        build_targets(settings, db, AGENT, TargetQuery("INTELAKA", "02", as_of=ON))
    with pytest.raises(Forbidden):
        build_targets(settings, db, Actor(3, "steward", "data_steward"), TargetQuery("INTELAKA"))
    with pytest.raises(Conflict, match="pas ouvert"):
        build_targets(settings, db, MANAGER, TargetQuery("IMTIAZ", as_of=ON))
    with pytest.raises(InvalidInput) as bad:
        build_targets(settings, db, MANAGER, TargetQuery("NOPE", sections=["Z"]))
    assert {d["field"] for d in bad.value.details} == {"programme", "section"}


def _one_by_one(programme: Programme, build: Path) -> set[str]:
    """The enterprises that pass the programme's checks on the enterprise, judged one by one
    with the catalogue's own rule functions (project rules left for the application)."""

    def passes(spec: dict[str, object], facts: object) -> bool:
        return spec["rule"] in PROJECT_RULES or check_rule(spec, facts, ProjectFacts()).passed  # type: ignore[arg-type]

    keep = set()
    for firm in FIRMS:
        facts = enterprise_facts(build, firm[0], ON)
        if programme.regions != ["*"] and facts.region_code not in programme.regions:
            continue
        groups = programme.target_group_rules
        if not any(all(passes(r, facts) for r in groups[g]) for g in programme.target_groups):
            continue
        if all(passes(r, facts) for r in programme.eligibility):
            keep.add(firm[0])
    return keep


@pytest.mark.parametrize("code", sorted(load_programmes()))
def test_set_wise_rules_agree_with_the_one_enterprise_rules(
    code: str, settings: Settings, tmp_path: Path
) -> None:
    build = write_register(settings, tmp_path)
    programme = load_programmes()[code]
    con = duckdb.connect()
    eligible_table(con, build, programme, TargetQuery(code, as_of=ON))
    found = {r[0] for r in con.execute("SELECT enterprise_id FROM ot_eligible").fetchall()}
    con.close()
    assert found == _one_by_one(programme, build)
