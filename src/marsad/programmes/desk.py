"""The auto-entrepreneur desk of the chambers: from the first visit to the RNAE number.

A case belongs to the chamber of the agent who opened it. A desk agent reads and writes
only the cases of their chamber (another chamber's case is "not found", so that its
existence is not revealed); an analyst reads every case. Every read of a case and every
change of its status writes a line of the access log in the same transaction. A status
changes by one conditional ``UPDATE ... WHERE status IN (...)``: two agents acting at
once cannot both move the same case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import Integer, cast, extract, func, select, true, update
from sqlalchemy.orm import Session

from marsad.errors import Conflict, Forbidden, InvalidInput, NotFound
from marsad.operational.auth import SYSTEM, Actor
from marsad.operational.db import Database
from marsad.operational.people import AccessLog, utcnow
from marsad.programmes.desk_rules import Eligibility, checked, eligibility
from marsad.programmes.support_models import DeskCase, DeskStep

STEPS = ("information", "documents", "submission", "follow_up")
OUTCOMES = ("registered", "abandoned")
HELPED = ("eligible", "registering")  # statuses from which registration is assisted
DEFAULT_PURPOSE = "accompagnement à l'inscription au registre national de l'auto-entrepreneur"


def _scope(actor: Actor, permission: str) -> str | None:
    """The chamber the actor is confined to, or None for every chamber."""
    actor.require(permission)
    if actor.role != "desk_agent":
        return None
    if not actor.chamber_code:
        raise Forbidden("Cet agent de guichet n'est rattaché à aucune chambre.")
    return actor.chamber_code


def _case(session: Session, actor: Actor, case_id: int, permission: str) -> DeskCase:
    chamber = _scope(actor, permission)
    case = session.get(DeskCase, case_id) if 0 < case_id < 2**31 else None
    if case is None or chamber not in (None, case.chamber_code):
        raise NotFound(f"Le dossier {case_id} n'existe pas.")
    return case


def _year(year: int) -> tuple[datetime, datetime]:
    if not 2000 <= year <= 2100:
        detail = {"field": "year", "message": "année entre 2000 et 2100"}
        raise InvalidInput(f"Année invalide : {year}.", details=[detail])
    return datetime(year, 1, 1), datetime(year + 1, 1, 1)


def _log(
    session: Session, actor: Actor, action: str, subject: str | int, purpose: str, **detail: Any
) -> None:
    subject = f"desk_case:{subject}" if isinstance(subject, int) else subject
    purpose = purpose.strip() or DEFAULT_PURPOSE
    session.add(
        AccessLog(actor=actor.label, action=action, subject=subject, purpose=purpose, detail=detail)
    )


def _step(session: Session, actor: Actor, case_id: int, step: str, note: str = "") -> None:
    session.add(DeskStep(case_id=case_id, step=step, note=note, actor=actor.label))


def _move(
    session: Session,
    actor: Actor,
    case: DeskCase,
    starts: tuple[str, ...],
    step: tuple[str, str],  # (status reached or step name, note)
    purpose: str,
    **values: Any,
) -> DeskCase:
    """One status change, or Conflict saying why not; with its step and its log line."""
    before, target = case.status, values.pop("status", step[0])
    moved = session.execute(
        update(DeskCase)
        .where(DeskCase.id == case.id, DeskCase.status.in_(starts))
        .values(status=target, **values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(case)
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(
            f"Étape « {step[0]} » impossible : le dossier {case.id} est « {case.status} » "
            f"(attendu : {', '.join(starts)})."
        )
    _step(session, actor, case.id, *step)
    _log(session, actor, "desk.status", case.id, purpose, before=before, after=target)
    return case


def open_case(
    db: Database,
    actor: Actor,
    *,
    person_name: str,
    activity_kind: str,
    expected_turnover_mad: Decimal | int | str,
    gender: str | None = None,
    birth_year: int | None = None,
    commune_code: str | None = None,
    phone: str | None = None,
    activity_code: str | None = None,
    chamber_code: str | None = None,
    purpose: str = DEFAULT_PURPOSE,
) -> DeskCase:
    """A new case of the actor's chamber (an administrator names the chamber)."""
    own = _scope(actor, "desk.write")
    if own and chamber_code not in (None, own):
        raise Forbidden(f"Un agent de guichet ouvre les dossiers de sa chambre ({own}).")
    chamber = own or chamber_code or actor.chamber_code
    if not chamber:
        detail = {"field": "chamber_code", "message": "code de la chambre (CCIS)"}
        raise InvalidInput("La chambre du dossier est requise.", details=[detail])
    values = checked(
        person_name=person_name,
        activity_kind=activity_kind,
        expected_turnover_mad=expected_turnover_mad,
        gender=gender,
        birth_year=birth_year,
        commune_code=commune_code,
        phone=phone,
        activity_code=activity_code,
    )
    with db.session() as session:
        case = DeskCase(chamber_code=chamber, created_by=actor.label, **values)
        session.add(case)
        session.flush()
        _step(session, actor, case.id, "opened")
        _log(session, actor, "desk.open", case.id, purpose, chamber=chamber)
        return case


@dataclass
class CaseFile:
    """A case with its steps, oldest first."""

    case: DeskCase
    steps: list[DeskStep] = field(default_factory=list)


def get_case(db: Database, actor: Actor, case_id: int, purpose: str = DEFAULT_PURPOSE) -> CaseFile:
    with db.session() as session:
        case = _case(session, actor, case_id, "desk.read")
        steps = session.scalars(
            select(DeskStep).where(DeskStep.case_id == case_id).order_by(DeskStep.id)
        )
        _log(session, actor, "desk.read", case_id, purpose)
        return CaseFile(case, list(steps))


def list_cases(
    db: Database,
    actor: Actor,
    *,
    chamber_code: str | None = None,
    status: str | None = None,
    year: int | None = None,
    limit: int = 50,
    offset: int = 0,
    purpose: str = DEFAULT_PURPOSE,
) -> list[DeskCase]:
    """The cases in scope, newest first; one log line names the cases read."""
    chamber = _scope(actor, "desk.read") or chamber_code
    query = select(DeskCase).order_by(DeskCase.opened_at.desc(), DeskCase.id.desc())
    if chamber is not None:
        query = query.where(DeskCase.chamber_code == chamber)
    if status is not None:
        query = query.where(DeskCase.status == status)
    if year is not None:
        start, end = _year(year)
        query = query.where(DeskCase.opened_at >= start, DeskCase.opened_at < end)
    with db.session() as session:
        cases = list(session.scalars(query.limit(limit).offset(offset)))
        subject = f"desk_cases:{chamber or 'all'}"
        _log(session, actor, "desk.list", subject, purpose, cases=[c.id for c in cases])
        return cases


def check_eligibility(
    db: Database,
    actor: Actor,
    case_id: int,
    *,
    expected_turnover_mad: Decimal | int | str | None = None,
    activity_kind: str | None = None,
    purpose: str = DEFAULT_PURPOSE,
) -> tuple[DeskCase, Eligibility]:
    """Check (or check again, with corrected figures) the case against the ceilings."""
    given = checked(expected_turnover_mad=expected_turnover_mad, activity_kind=activity_kind)
    with db.session() as session:
        case = _case(session, actor, case_id, "desk.write")
        kind = given["activity_kind"] or case.activity_kind
        turnover = given["expected_turnover_mad"]
        if turnover is None:
            turnover = case.expected_turnover_mad
        found = eligibility(kind, turnover)
        status = "eligible" if found.eligible else "ineligible"
        values = {
            "activity_kind": kind,
            "expected_turnover_mad": turnover,
            "eligibility_reason": found.reason,
        }
        starts = ("open", "eligible", "ineligible")
        _move(session, actor, case, starts, (status, found.reason), purpose, **values)
        return case, found


def add_step(
    db: Database,
    actor: Actor,
    case_id: int,
    step: str,
    note: str = "",
    purpose: str = DEFAULT_PURPOSE,
) -> DeskCase:
    """Information given, documents gathered, file submitted, or a follow-up note.

    Documents and submission assist an eligible person: the case becomes
    ``registering``. Information and follow-up notes change no status.
    """
    if step not in STEPS or (step == "follow_up" and not note.strip()):
        detail = {"field": "step", "message": f"étapes : {', '.join(STEPS)}"}
        if step == "follow_up":
            detail = {"field": "note", "message": "une note de suivi a un texte"}
        raise InvalidInput("Étape du guichet invalide.", details=[detail])
    with db.session() as session:
        case = _case(session, actor, case_id, "desk.write")
        if step in ("documents", "submission"):
            return _move(session, actor, case, HELPED, (step, note), purpose, status="registering")
        _step(session, actor, case_id, step, note)
        _log(session, actor, "desk.step", case_id, purpose, step=step)
        return case


def add_note(
    db: Database, actor: Actor, case_id: int, note: str, purpose: str = DEFAULT_PURPOSE
) -> DeskCase:
    """A follow-up note, at any time, registered or not."""
    return add_step(db, actor, case_id, "follow_up", note, purpose)


def record_outcome(
    db: Database,
    actor: Actor,
    case_id: int,
    outcome: str,
    *,
    ae_number: str | None = None,
    note: str = "",
    purpose: str = DEFAULT_PURPOSE,
) -> DeskCase:
    """Registered (with the number the register gave) or abandoned; closes the case."""
    if outcome not in OUTCOMES or (outcome == "registered" and not ae_number):
        detail = {"field": "outcome", "message": f"issues : {', '.join(OUTCOMES)}"}
        if outcome == "registered":
            detail = {"field": "ae_number", "message": "requis pour une inscription"}
        raise InvalidInput("Issue du dossier invalide.", details=[detail])
    registered = outcome == "registered"
    number = checked(ae_number=ae_number if registered else None)["ae_number"]
    starts = HELPED if registered else ("open", *HELPED, "ineligible")
    with db.session() as session:
        case = _case(session, actor, case_id, "desk.write")
        values = {"ae_number": number} if registered else {}
        step = (outcome, f"{number} {note}".strip() if registered else note)
        return _move(session, actor, case, starts, step, purpose, closed_at=utcnow(), **values)


@dataclass(frozen=True)
class LinkReport:
    linked: int  # cases that received (or changed) their enterprise
    unchanged: int
    not_found: int  # AE numbers not (yet) in the register


def link_registered_cases(db: Database, build_dir: Path, actor: Actor = SYSTEM) -> LinkReport:
    """Give each registered case the enterprise of the register holding its AE number."""
    units = build_dir / "units.parquet"
    if not units.is_file():
        raise NotFound(f"La version {build_dir.name} du registre n'a pas de table des unités.")
    table = pq.read_table(units, columns=["unit_id", "enterprise_id"])
    table = table.filter(pc.starts_with(table["unit_id"], "ae:"))
    ids, enterprises = table["unit_id"].to_pylist(), table["enterprise_id"].to_pylist()
    holder = {u.removeprefix("ae:").lstrip("0"): e for u, e in zip(ids, enterprises, strict=True)}
    counts = {"linked": 0, "unchanged": 0, "not_found": 0}
    with db.session() as session:
        registered = DeskCase.status == "registered"
        for case in session.scalars(
            select(DeskCase).where(registered, DeskCase.ae_number.is_not(None))
        ):
            enterprise = holder.get((case.ae_number or "").lstrip("0"))
            if enterprise is None:
                counts["not_found"] += 1
            elif enterprise == case.enterprise_id:
                counts["unchanged"] += 1
            else:
                case.enterprise_id = enterprise
                counts["linked"] += 1
        subject, purpose = "desk_cases:registered", "suivi statistique des inscrits"
        _log(session, actor, "desk.link", subject, purpose, build=build_dir.name, **counts)
    return LinkReport(**counts)


@dataclass(frozen=True)
class MonthCount:
    chamber_code: str
    month: int
    opened: int = 0
    eligible: int = 0  # found eligible for the first time that month
    registered: int = 0
    abandoned: int = 0


def desk_counts(
    db: Database, actor: Actor, year: int, chamber_code: str | None = None
) -> list[MonthCount]:
    """Cases opened, found eligible, registered and abandoned per chamber and month."""
    chamber = _scope(actor, "desk.read") or chamber_code
    start, end = _year(year)
    first_eligible = (
        select(DeskStep.case_id, func.min(DeskStep.at).label("at"))
        .where(DeskStep.step == "eligible")
        .group_by(DeskStep.case_id)
        .subquery()
    )
    dated: dict[str, tuple[Any, Any]] = {
        "opened": (DeskCase.opened_at, true()),
        "eligible": (first_eligible.c.at, true()),
        "registered": (DeskCase.closed_at, DeskCase.status == "registered"),
        "abandoned": (DeskCase.closed_at, DeskCase.status == "abandoned"),
    }
    counts: dict[tuple[str, int], dict[str, int]] = {}
    with db.session() as session:
        for name, (at, condition) in dated.items():
            month = cast(extract("month", at), Integer)
            query = select(DeskCase.chamber_code, month, func.count()).where(
                at >= start, at < end, condition
            )
            if name == "eligible":
                query = query.join(first_eligible, first_eligible.c.case_id == DeskCase.id)
            if chamber is not None:
                query = query.where(DeskCase.chamber_code == chamber)
            for code, number, n in session.execute(query.group_by(DeskCase.chamber_code, month)):
                counts.setdefault((code, int(number)), {})[name] = int(n)
    return [MonthCount(code, month, **counts[code, month]) for code, month in sorted(counts)]
