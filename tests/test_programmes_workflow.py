"""Applications from draft to closure, on SQLite and on PostgreSQL; money under concurrency."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from marsad.errors import Conflict, InvalidInput, MarsadError
from marsad.operational import Database, migrate
from marsad.operational.db import Base, current_revision
from marsad.programmes.models import (
    Application,
    ApplicationEvent,
    EnterpriseCommitment,
    ProgrammeBudget,
    Tranche,
)
from marsad.programmes.workflow import (
    Cap,
    approve,
    claw_back,
    create_application,
    ensure_budget,
    pay_tranche,
    sign_agreement,
    transition,
)

CAP = Cap("programme:MASCIR_RD", Decimal("500000"))


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    migrate(database_url)
    database = Database(database_url)
    ensure_budget(database, "MASCIR_RD", "Maroc PME x MAScIR", "MAROC_PME", Decimal("10000000"))
    yield database
    database.dispose()


def _to_appraised(db: Database, enterprise: str, amount: str) -> int:
    app = create_application(db, "agent", "MASCIR_RD", enterprise, Decimal(amount), {"kind": "rd"})
    for action in ("submit", "declare_eligible", "appraise"):
        transition(db, "agent", app.id, action)
    return app.id


def test_migrations_build_the_models_from_empty(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    migrate(database_url)
    assert current_revision(database_url) == "0007"
    database = Database(database_url)
    with database.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    database.dispose()
    assert diff == []
    migrate(database_url)  # a second run changes nothing


def test_an_application_from_draft_to_closure(db: Database) -> None:
    app_id = _to_appraised(db, "E0001", "300000")
    approved = approve(db, "manager", app_id, Decimal("300000"), [CAP])
    assert approved.status == "approved" and approved.approved_mad == Decimal("300000.00")
    sign_agreement(
        db, "manager", app_id, [(Decimal("180000"), "prototype"), (Decimal("120000"), "tests")]
    )
    with db.session() as session:
        tranches = session.scalars(select(Tranche).order_by(Tranche.seq)).all()
    for tranche in tranches:
        pay_tranche(db, "treasurer", tranche.id)
    closed = transition(db, "manager", app_id, "close")
    assert closed.status == "closed" and closed.paid_mad == Decimal("300000.00")
    with db.session() as session:
        budget = session.get(ProgrammeBudget, "MASCIR_RD")
        assert budget is not None
        assert budget.committed_mad == budget.paid_mad == Decimal("300000.00")
        actions = session.scalars(
            select(ApplicationEvent.action).order_by(ApplicationEvent.id)
        ).all()
    assert actions == [
        "create", "submit", "declare_eligible", "appraise", "approve", "sign_agreement",
        "pay_tranche", "pay_tranche", "close",
    ]  # fmt: skip


def test_refusals_say_why(db: Database) -> None:
    app = create_application(db, "agent", "MASCIR_RD", "E0002", Decimal("100000"))
    with pytest.raises(Conflict, match="« draft »"):
        approve(db, "manager", app.id, Decimal("100000"), [CAP])
    app_id = _to_appraised(db, "E0003", "100000")
    with pytest.raises(Conflict, match="supérieur au montant demandé"):
        approve(db, "manager", app_id, Decimal("150000"), [CAP])
    approve(db, "manager", app_id, Decimal("100000"), [CAP])
    with pytest.raises(InvalidInput, match="totalisent"):
        sign_agreement(db, "manager", app_id, [(Decimal("60000"), "a"), (Decimal("30000"), "b")])
    sign_agreement(db, "manager", app_id, [(Decimal("100000"), "all")])
    with db.session() as session:
        tranche_id = session.scalars(select(Tranche.id)).one()
    with pytest.raises(Conflict, match="Jalon non atteint"):
        pay_tranche(db, "treasurer", tranche_id, milestone_met=False)
    pay_tranche(db, "treasurer", tranche_id)
    with pytest.raises(Conflict, match="déjà payée"):
        pay_tranche(db, "treasurer", tranche_id)
    with pytest.raises(InvalidInput):
        create_application(db, "agent", "MASCIR_RD", "E0004", Decimal("-5"))
    with pytest.raises(MarsadError, match="n'existe pas"):
        create_application(db, "agent", "NOPE", "E0004", Decimal("5"))


def test_the_enterprise_cap_and_the_budget_hold_under_concurrency(db: Database) -> None:
    """60 approvals of 20,000 MAD for one enterprise at once: the 500,000 MAD cap holds."""
    ids = [_to_appraised(db, "E0100", "20000") for _ in range(60)]
    outcomes: Counter[str] = Counter()
    reasons: list[str] = []

    def try_approve(app_id: int) -> None:
        try:
            approve(db, "manager", app_id, Decimal("20000"), [CAP])
            outcomes["approved"] += 1
        except Conflict as refused:
            outcomes["refused"] += 1
            reasons.append(str(refused))

    with ThreadPoolExecutor(max_workers=24) as pool:
        list(pool.map(try_approve, ids))
    assert outcomes["approved"] == 25 and outcomes["refused"] == 35
    assert all("Plafond" in r and "500000" in r for r in reasons)

    with db.session() as session:
        approved = session.scalars(select(Application).where(Application.status == "approved"))
        approved_ids = [a.id for a in approved]
        total = session.scalar(select(func.sum(Application.approved_mad)))
        commitment = session.get(EnterpriseCommitment, ("E0100", CAP.scope))
        budget = session.get(ProgrammeBudget, "MASCIR_RD")
    assert commitment is not None and budget is not None
    assert total == commitment.committed_mad == budget.committed_mad == Decimal("500000.00")

    # two tranches each, every payment asked twice at once: each tranche is paid once
    for app_id in approved_ids:
        sign_agreement(
            db, "manager", app_id, [(Decimal("12000"), "start"), (Decimal("8000"), "end")]
        )
    with db.session() as session:
        tranche_ids = list(session.scalars(select(Tranche.id)))
    paid: Counter[str] = Counter()

    def try_pay(tranche_id: int) -> None:
        try:
            pay_tranche(db, "treasurer", tranche_id)
            paid["paid"] += 1
        except Conflict:
            paid["refused"] += 1

    with ThreadPoolExecutor(max_workers=24) as pool:
        list(pool.map(try_pay, tranche_ids * 2))
    assert paid["paid"] == len(tranche_ids) == 50 and paid["refused"] == 50
    with db.session() as session:
        budget = session.get(ProgrammeBudget, "MASCIR_RD")
        total_paid = session.scalar(select(func.sum(Application.paid_mad)))
    assert budget is not None
    assert total_paid == budget.paid_mad == Decimal("500000.00")


def test_a_clawback_returns_money_to_the_budget_and_the_cap(db: Database) -> None:
    app_id = _to_appraised(db, "E0200", "400000")
    approve(db, "manager", app_id, Decimal("400000"), [CAP])
    sign_agreement(db, "manager", app_id, [(Decimal("200000"), "a"), (Decimal("200000"), "b")])
    with db.session() as session:
        first = session.scalars(select(Tranche.id).order_by(Tranche.seq)).first()
    assert first is not None
    pay_tranche(db, "treasurer", first)
    with pytest.raises(InvalidInput, match="motif"):
        claw_back(db, "manager", app_id, Decimal("50000"), " ")
    with pytest.raises(Conflict, match="supérieur"):
        claw_back(db, "manager", app_id, Decimal("250000"), "emplois non créés")
    clawed = claw_back(db, "manager", app_id, Decimal("50000"), "emplois non créés")
    assert clawed.status == "clawed_back" and clawed.clawed_back_mad == Decimal("50000.00")
    with db.session() as session:
        budget = session.get(ProgrammeBudget, "MASCIR_RD")
        cap = session.get(EnterpriseCommitment, ("E0200", CAP.scope))
        statuses = sorted(session.scalars(select(Tranche.status)))
    assert budget is not None and cap is not None
    # 200,000 never paid and 50,000 recovered are free again
    assert budget.committed_mad == cap.committed_mad == Decimal("150000.00")
    assert budget.paid_mad == Decimal("150000.00")
    assert statuses == ["cancelled", "paid"]
    # the room under the cap serves a new application
    again = _to_appraised(db, "E0200", "350000")
    assert approve(db, "manager", again, Decimal("350000"), [CAP]).status == "approved"
