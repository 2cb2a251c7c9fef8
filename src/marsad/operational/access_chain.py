"""The access log table as a chain: each line sealed with the hash of the one before.

A line is written in the transaction of what it records (without locking anything else),
then *sealed* as soon as that transaction has committed: in one short transaction that
takes the chain's lock (an advisory lock on PostgreSQL, the write lock on SQLite), lines
not sealed yet get, in the order they became visible, a sequence number, the previous
line's hash and their own (``marsad.audit.chain_hash``). Sealing never waits on the
business transactions, so it can neither slow them down nor deadlock with them.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from marsad.audit import GENESIS, ChainReport, chain_hash
from marsad.operational.db import Database
from marsad.operational.people import AccessLog

log = logging.getLogger("marsad.audit")
CHAIN_LOCK = 0x6D617273  # "mars": the advisory lock of the chain on PostgreSQL
STORE = "access_log"


def line_fields(line: AccessLog, seq: int, prev: str) -> dict[str, Any]:
    return {
        "seq": seq,
        "prev": prev,
        "at": line.at.isoformat(timespec="microseconds"),
        "actor": line.actor,
        "action": line.action,
        "subject": line.subject,
        "purpose": line.purpose,
        "detail": line.detail,
    }


def seal_in(session: Session) -> int:
    """Seal the lines not sealed yet, in this session's transaction; how many."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    head = session.execute(
        select(AccessLog.seq, AccessLog.hash)
        .where(AccessLog.seq.is_not(None))
        .order_by(AccessLog.seq.desc())
        .limit(1)
    ).first()
    seq, prev = (int(head[0]), str(head[1])) if head else (0, GENESIS)
    lines = session.scalars(
        select(AccessLog).where(AccessLog.seq.is_(None)).order_by(AccessLog.id)
    ).all()
    for line in lines:
        seq += 1
        line.seq, line.prev_hash = seq, prev
        line.hash = prev = chain_hash(line_fields(line, seq, prev))
    return len(lines)


def seal(db: Database) -> int:
    with db.session() as session:
        return seal_in(session)


def verify_table(db: Database) -> ChainReport:
    """Seal what is pending, then check every line's hash and link, in order."""
    seal(db)
    report = ChainReport(STORE)
    previous = GENESIS
    expected_seq = 1
    with db.session() as session:
        report.pending = int(
            session.scalar(select(func.count()).where(AccessLog.seq.is_(None))) or 0
        )
        for line in session.scalars(
            select(AccessLog).where(AccessLog.seq.is_not(None)).order_by(AccessLog.seq)
        ).yield_per(2000):
            seq = int(line.seq or 0)
            report.lines += 1
            if seq != expected_seq:
                report.problems.append(f"ligne n° {expected_seq} à {seq - 1} : retirée(s)")
            if line.prev_hash != previous:
                report.problems.append(f"ligne n° {seq} : ne suit pas la ligne précédente")
            if chain_hash(line_fields(line, seq, str(line.prev_hash))) != line.hash:
                report.problems.append(f"ligne n° {seq} : contenu modifié (empreinte fausse)")
            report.chained += 1
            previous, expected_seq = str(line.hash), seq + 1
    report.lines += report.pending
    report.head = previous
    return report


# every session that wrote a line seals it once committed, whatever service wrote it


@event.listens_for(Session, "after_flush")
def _note_lines(session: Session, _: Any) -> None:
    if any(isinstance(item, AccessLog) for item in session.new):
        session.info["access_log_written"] = True


@event.listens_for(Session, "after_commit")
def _seal_after_commit(session: Session) -> None:
    if not session.info.pop("access_log_written", False):
        return
    bind = session.get_bind()
    try:
        with Session(bind=bind) as sealing, sealing.begin():
            seal_in(sealing)
    except Exception:  # the lines stay written; the next seal takes them
        log.exception("access log: sealing postponed")


@event.listens_for(Session, "after_rollback")
def _forget_lines(session: Session) -> None:
    session.info.pop("access_log_written", None)
