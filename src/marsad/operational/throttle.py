"""Sign-in throttling: failed attempts counted per account and per address, in the
database, with a wait once there were too many.

An attempt is counted *before* the password is checked, in a transaction that locks the
account's and the address's rows: concurrent attempts cannot all slip under the limit.
A success gives the attempt back (and clears the account's count); a failure keeps it.
Once ``max_failures`` were counted in ``window``, the account or address waits ``window``
from then (HTTP 429 with ``Retry-After``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from marsad.errors import RateLimited
from marsad.operational.db import Database
from marsad.operational.people import SignInThrottle, utcnow


@dataclass(frozen=True)
class Limits:
    max_failures: int = 10
    window: timedelta = timedelta(minutes=15)


class Locked(RateLimited):
    """Too many failed attempts: ``retry_after`` seconds to wait."""

    def __init__(self, until: datetime) -> None:
        wait = max(1, math.ceil((until - utcnow()).total_seconds()))
        minutes = max(1, math.ceil(wait / 60))
        super().__init__(
            f"Trop de tentatives de connexion échouées : réessayez dans {minutes} minute(s)."
        )
        self.retry_after = wait


def account_key(username: str) -> str:
    return f"account:{username.strip().lower()[:150]}"


def address_key(address: str) -> str:
    return f"address:{address[:150]}"


def _rows(session: Session, keys: list[str], now: datetime) -> list[SignInThrottle]:
    """The rows of ``keys``, created if missing, locked until the transaction ends."""
    from sqlalchemy.dialects import postgresql, sqlite

    postgres = session.get_bind().dialect.name == "postgresql"
    for key in sorted(keys):  # one order for every transaction: no deadlock
        values = {"key": key, "window_start": now, "failures": 0}
        if postgres:
            pg = postgresql.insert(SignInThrottle).values(values)
            session.execute(pg.on_conflict_do_nothing(index_elements=["key"]))
        else:
            lite = sqlite.insert(SignInThrottle).values(values)
            session.execute(lite.on_conflict_do_nothing(index_elements=["key"]))
    found = session.scalars(
        select(SignInThrottle)
        .where(SignInThrottle.key.in_(keys))
        .order_by(SignInThrottle.key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(found)


def _refresh(row: SignInThrottle, now: datetime, limits: Limits) -> None:
    """A window that has passed, or a wait that is over, starts afresh."""
    over = row.locked_until is not None and row.locked_until <= now
    if over or (row.locked_until is None and row.window_start + limits.window <= now):
        row.window_start, row.failures, row.locked_until = now, 0, None


def locked(db: Database, keys: list[str], limits: Limits) -> None:
    """Raise ``Locked`` if one of the keys waits (a read: no attempt is counted)."""
    now = utcnow()
    with db.session() as session:
        waits = session.scalars(
            select(SignInThrottle.locked_until).where(
                SignInThrottle.key.in_(keys), SignInThrottle.locked_until > now
            )
        ).all()
    if waits:
        raise Locked(max(w for w in waits if w is not None))


def begin_attempt(db: Database, keys: list[str], limits: Limits) -> None:
    """Count one attempt on every key, or raise ``Locked`` (nothing counted then)."""
    now = utcnow()
    until: datetime | None = None
    with db.session() as session:
        rows = _rows(session, keys, now)
        for row in rows:
            _refresh(row, now, limits)
            if row.locked_until is None and row.failures >= limits.max_failures:
                row.locked_until = now + limits.window
            if row.locked_until is not None:
                until = max(until or row.locked_until, row.locked_until)
        if until is None:
            for row in rows:
                row.failures += 1
    if until is not None:
        raise Locked(until)


def count_failure(db: Database, keys: list[str], limits: Limits) -> None:
    """Count a failure that was not announced by ``begin_attempt`` (an unknown token)."""
    now = utcnow()
    with db.session() as session:
        for row in _rows(session, keys, now):
            _refresh(row, now, limits)
            row.failures += 1
            if row.failures >= limits.max_failures and row.locked_until is None:
                row.locked_until = now + limits.window


def succeeded(db: Database, account: str, address: str) -> None:
    """The attempt was right: the account starts afresh, the address gets its attempt back."""
    now = utcnow()
    with db.session() as session:
        for row in _rows(session, [account, address], now):
            if row.key == account:
                row.window_start, row.failures, row.locked_until = now, 0, None
            else:
                row.failures = max(0, row.failures - 1)
