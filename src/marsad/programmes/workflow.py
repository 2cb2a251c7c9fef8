"""The life of an application, with money and caps enforced by the database.

Every transition is one conditional ``UPDATE ... WHERE status IN (...)`` so that two
people acting at once cannot both move the same application; every amount is added with
``UPDATE ... SET x = x + :amount WHERE x + :amount <= cap`` inside the same transaction,
so that concurrent approvals and payments can never exceed a budget or a cap (the CHECK
constraints of the tables are the last line). A refused request raises ``Conflict`` with
a sentence saying why; every accepted one writes an ``ApplicationEvent``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from marsad.errors import Conflict, InvalidInput, NotFound
from marsad.operational.db import Database
from marsad.operational.people import utcnow
from marsad.programmes.models import (
    Application,
    ApplicationEvent,
    EnterpriseCommitment,
    ProgrammeBudget,
    Tranche,
)

CENT = Decimal("0.01")

# action: (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": (("draft",), "submitted"),
    "declare_eligible": (("submitted",), "eligible"),
    "declare_ineligible": (("submitted",), "ineligible"),
    "appraise": (("eligible",), "appraised"),
    "approve": (("appraised",), "approved"),
    "reject": (("submitted", "eligible", "appraised"), "rejected"),
    "sign_agreement": (("approved",), "agreement"),
    "close": (("agreement",), "closed"),
    "claw_back": (("agreement", "closed"), "clawed_back"),
}


def money(value: Decimal | int | str | float) -> Decimal:
    amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    if not amount.is_finite() or amount < 0:
        raise InvalidInput(
            "Montant invalide.", details=[{"field": "amount", "message": f"{value} < 0"}]
        )
    return amount


@dataclass(frozen=True)
class Cap:
    """A ceiling on what one enterprise may be granted: per programme or across all."""

    scope: str  # "programme:<CODE>" or "all"
    cap_mad: Decimal


def _event(
    session: Session,
    application_id: int,
    actor: str,
    action: str,
    before: str | None,
    after: str | None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        ApplicationEvent(
            application_id=application_id,
            actor=actor,
            action=action,
            from_status=before,
            to_status=after,
            reason=reason,
            detail=detail or {},
        )
    )


def _move(session: Session, application_id: int, action: str, **values: Any) -> Application:
    """Move an application along one transition, or say why it cannot move."""
    starts, target = TRANSITIONS[action]
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound(f"La demande {application_id} n'existe pas.")
    moved = session.execute(
        update(Application)
        .where(Application.id == application_id, Application.status.in_(starts))
        .values(status=target, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(application)
        raise Conflict(
            f"Action « {action} » impossible : la demande {application_id} est "
            f"« {application.status} » (attendu : {', '.join(starts)})."
        )
    session.refresh(application)
    return application


def transition(
    db: Database, actor: str, application_id: int, action: str, reason: str = "", **values: Any
) -> Application:
    """A transition that moves no money (submit, eligibility, appraisal, reject, close)."""
    if action in ("approve", "sign_agreement", "claw_back"):
        raise InvalidInput(f"L'action {action} a sa propre fonction.")
    with db.session() as session:
        before = session.get(Application, application_id)
        status = before.status if before else None
        application = _move(session, application_id, action, **values)
        _event(session, application_id, actor, action, status, application.status, reason)
        return application


def _insert_ignore(db: Database, **values: Any) -> Any:
    dialect = postgresql if db.dialect == "postgresql" else sqlite
    return dialect.insert(EnterpriseCommitment).values(**values).on_conflict_do_nothing()


def approve(
    db: Database, actor: str, application_id: int, amount: Decimal, caps: list[Cap]
) -> Application:
    """Approve ``amount``: within the programme's budget and every cap of the enterprise."""
    amount = money(amount)
    with db.session() as session:
        application = _move(session, application_id, "approve", approved_mad=amount)
        if amount > application.requested_mad:
            raise Conflict(
                f"Montant approuvé {amount} MAD supérieur au montant demandé "
                f"{application.requested_mad} MAD."
            )
        budget = session.execute(
            update(ProgrammeBudget)
            .where(
                ProgrammeBudget.code == application.programme_code,
                ProgrammeBudget.committed_mad + amount <= ProgrammeBudget.budget_mad,
            )
            .values(committed_mad=ProgrammeBudget.committed_mad + amount)
        )
        if budget.rowcount != 1:  # type: ignore[attr-defined]
            left = session.get(ProgrammeBudget, application.programme_code)
            rest = (left.budget_mad - left.committed_mad) if left else Decimal(0)
            raise Conflict(
                f"Budget du programme {application.programme_code} insuffisant : "
                f"reste {rest} MAD, {amount} MAD demandés."
            )
        for cap in caps:
            session.execute(
                _insert_ignore(
                    db,
                    enterprise_id=application.enterprise_id,
                    scope=cap.scope,
                    cap_mad=money(cap.cap_mad),
                    committed_mad=Decimal(0),
                )
            )
            granted = session.execute(
                update(EnterpriseCommitment)
                .where(
                    EnterpriseCommitment.enterprise_id == application.enterprise_id,
                    EnterpriseCommitment.scope == cap.scope,
                    EnterpriseCommitment.committed_mad + amount <= EnterpriseCommitment.cap_mad,
                )
                .values(committed_mad=EnterpriseCommitment.committed_mad + amount)
            )
            if granted.rowcount != 1:  # type: ignore[attr-defined]
                row = session.get(EnterpriseCommitment, (application.enterprise_id, cap.scope))
                already = row.committed_mad if row else Decimal(0)
                raise Conflict(
                    f"Plafond « {cap.scope} » de l'entreprise {application.enterprise_id} "
                    f"atteint : {already} MAD déjà engagés sur {cap.cap_mad} MAD, "
                    f"{amount} MAD demandés."
                )
        _event(
            session,
            application_id,
            actor,
            "approve",
            "appraised",
            "approved",
            detail={"amount_mad": str(amount), "caps": [c.scope for c in caps]},
        )
        return application


def sign_agreement(
    db: Database, actor: str, application_id: int, tranches: list[tuple[Decimal, str]]
) -> Application:
    """The agreement and its tranches, which must add up to the approved amount exactly."""
    with db.session() as session:
        application = _move(session, application_id, "sign_agreement")
        amounts = [money(a) for a, _ in tranches]
        if not amounts or any(a <= 0 for a in amounts):
            raise InvalidInput("Chaque tranche doit avoir un montant positif.")
        if sum(amounts) != application.approved_mad:
            raise InvalidInput(
                f"Les tranches totalisent {sum(amounts)} MAD, le montant approuvé est "
                f"{application.approved_mad} MAD."
            )
        for seq, (amount, (_, milestone)) in enumerate(zip(amounts, tranches, strict=True), 1):
            session.add(
                Tranche(
                    application_id=application_id, seq=seq, amount_mad=amount, milestone=milestone
                )
            )
        _event(session, application_id, actor, "sign_agreement", "approved", "agreement")
        return application


def pay_tranche(db: Database, actor: str, tranche_id: int, milestone_met: bool = True) -> Tranche:
    """Pay a planned tranche of an application under agreement, once."""
    with db.session() as session:
        tranche = session.get(Tranche, tranche_id)
        if tranche is None:
            raise NotFound(f"La tranche {tranche_id} n'existe pas.")
        if not milestone_met:
            raise Conflict(f"Jalon non atteint : « {tranche.milestone} ».")
        paid = session.execute(
            update(Tranche)
            .where(Tranche.id == tranche_id, Tranche.status == "planned")
            .values(status="paid", paid_at=datetime.now(), paid_by=actor)
            .execution_options(synchronize_session=False)
        )
        if paid.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(f"La tranche {tranche_id} est déjà payée ou annulée.")
        amount = tranche.amount_mad
        moved = session.execute(
            update(Application)
            .where(
                Application.id == tranche.application_id,
                Application.status == "agreement",
                Application.paid_mad + amount <= Application.approved_mad,
            )
            .values(paid_mad=Application.paid_mad + amount)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(
                f"Paiement refusé : la demande {tranche.application_id} n'est pas sous "
                "convention ou le paiement dépasserait le montant approuvé."
            )
        application = session.get(Application, tranche.application_id)
        assert application is not None
        session.execute(
            update(ProgrammeBudget)
            .where(ProgrammeBudget.code == application.programme_code)
            .values(paid_mad=ProgrammeBudget.paid_mad + amount)
        )
        _event(
            session,
            tranche.application_id,
            actor,
            "pay_tranche",
            "agreement",
            "agreement",
            detail={"tranche": tranche.seq, "amount_mad": str(amount)},
        )
        session.refresh(tranche)
        return tranche


def ensure_budget(
    db: Database, code: str, name: str, operator: str, budget_mad: Decimal | None
) -> Decimal:
    """The budget row of a programme; ``None`` keeps the envelope already set (else 0)."""
    with db.session() as session:
        row = session.get(ProgrammeBudget, code)
        if row is None:
            amount = money(budget_mad) if budget_mad is not None else Decimal(0)
            session.add(ProgrammeBudget(code=code, name=name, operator=operator, budget_mad=amount))
            return amount
        if budget_mad is not None and money(budget_mad) < row.committed_mad:
            raise Conflict(
                f"Le budget de {code} ne peut descendre sous ce qui est engagé "
                f"({row.committed_mad} MAD)."
            )
        if budget_mad is not None:
            row.budget_mad = money(budget_mad)
        row.name, row.operator = name, operator
        return row.budget_mad


def create_application(
    db: Database,
    actor: str,
    programme_code: str,
    enterprise_id: str,
    requested_mad: Decimal,
    project: dict[str, Any] | None = None,
    *,
    instrument: int = 0,
    chamber_code: str | None = None,
) -> Application:
    """A draft application of an enterprise of the register to a programme."""
    amount = money(requested_mad)
    with db.session() as session:
        if session.get(ProgrammeBudget, programme_code) is None:
            raise NotFound(f"Le programme {programme_code} n'existe pas.")
        application = Application(
            programme_code=programme_code,
            enterprise_id=enterprise_id,
            requested_mad=amount,
            project=project or {},
            instrument=instrument,
            chamber_code=chamber_code,
            created_by=actor,
        )
        session.add(application)
        session.flush()
        _event(session, application.id, actor, "create", None, "draft")
        return application


def claw_back(
    db: Database, actor: str, application_id: int, recovered_mad: Decimal, reason: str
) -> Application:
    """The conditions failed: cancel what is unpaid, recover ``recovered_mad`` of what was paid.

    What was never paid and what is recovered go back to the programme's budget and to the
    enterprise's caps, in the same transaction as the change of status.
    """
    if not reason.strip():
        raise InvalidInput(
            "Un reversement a un motif.", details=[{"field": "reason", "message": "obligatoire"}]
        )
    recovered = money(recovered_mad)
    with db.session() as session:
        before = session.get(Application, application_id)
        status = before.status if before else None
        if before is not None and recovered > before.paid_mad:
            raise Conflict(
                f"Reversement de {recovered} MAD supérieur aux {before.paid_mad} MAD versés."
            )
        application = _move(session, application_id, "claw_back", clawed_back_mad=recovered)
        session.execute(
            update(Tranche)
            .where(Tranche.application_id == application_id, Tranche.status == "planned")
            .values(status="cancelled")
        )
        released = application.approved_mad - application.paid_mad + recovered
        session.execute(
            update(ProgrammeBudget)
            .where(ProgrammeBudget.code == application.programme_code)
            .values(
                committed_mad=ProgrammeBudget.committed_mad - released,
                paid_mad=ProgrammeBudget.paid_mad - recovered,
            )
        )
        approval = session.scalar(
            select(ApplicationEvent).where(
                ApplicationEvent.application_id == application_id,
                ApplicationEvent.action == "approve",
            )
        )
        for scope in approval.detail.get("caps", []) if approval else []:
            session.execute(
                update(EnterpriseCommitment)
                .where(
                    EnterpriseCommitment.enterprise_id == application.enterprise_id,
                    EnterpriseCommitment.scope == scope,
                )
                .values(committed_mad=EnterpriseCommitment.committed_mad - released)
            )
        _event(
            session,
            application_id,
            actor,
            "claw_back",
            status,
            "clawed_back",
            reason,
            {"recovered_mad": str(recovered), "released_mad": str(released)},
        )
        return application


def applications_of(db: Database, enterprise_id: str) -> list[Application]:
    with db.session() as session:
        rows = session.scalars(
            select(Application).where(Application.enterprise_id == enterprise_id)
        )
        return list(rows)
