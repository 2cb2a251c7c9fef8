"""The life of an account: its API tokens (listed, revoked), its second factor, and its
deactivation, which ends its sessions and revokes its tokens at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from marsad.errors import Conflict, NotFound
from marsad.operational import totp
from marsad.operational.auth import SYSTEM, Actor, record
from marsad.operational.db import Database
from marsad.operational.people import ApiToken, User, WebSession, utcnow


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"L'utilisateur {username} n'existe pas.")
    return user


@dataclass(frozen=True)
class Deactivation:
    username: str
    sessions_ended: int
    tokens_revoked: int


def deactivate(db: Database, username: str, by: Actor = SYSTEM) -> Deactivation:
    """The user can no longer sign in nor use a token; their open sessions end now."""
    now = utcnow()
    with db.session() as session:
        user = _user(session, username)
        if not user.active:
            raise Conflict(f"L'utilisateur {username} est déjà désactivé.")
        user.active, user.deactivated_at = False, now
        ended = session.scalar(
            select(func.count()).select_from(WebSession).where(WebSession.user_id == user.id)
        )
        revoked = session.scalar(
            select(func.count())
            .select_from(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        )
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
        session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        result = Deactivation(username, int(ended or 0), int(revoked or 0))
    record(db, by, "user.deactivate", f"user:{username}", detail=result.__dict__)
    return result


def activate(db: Database, username: str, by: Actor = SYSTEM) -> None:
    """A deactivated user may sign in again (their old tokens stay revoked)."""
    with db.session() as session:
        user = _user(session, username)
        if user.active:
            raise Conflict(f"L'utilisateur {username} est déjà actif.")
        user.active, user.deactivated_at = True, None
    record(db, by, "user.activate", f"user:{username}")


@dataclass(frozen=True)
class TokenInfo:
    id: int
    username: str
    label: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "révoqué"
        if self.expires_at is None or self.expires_at <= utcnow():
            return "expiré"
        return "valide"


def tokens(db: Database, username: str | None = None) -> list[TokenInfo]:
    """The API tokens of one user or of all, newest first (never their secret)."""
    query = (
        select(ApiToken, User.username)
        .join(User, User.id == ApiToken.user_id)
        .order_by(ApiToken.id.desc())
    )
    with db.session() as session:
        if username is not None:
            _user(session, username)
            query = query.where(User.username == username)
        return [
            TokenInfo(t.id, name, t.label, t.created_at, t.expires_at, t.revoked_at)
            for t, name in session.execute(query)
        ]


def revoke_token(db: Database, token_id: int, by: Actor = SYSTEM) -> TokenInfo:
    with db.session() as session:
        token = session.get(ApiToken, token_id)
        if token is None:
            raise NotFound(f"Le jeton n° {token_id} n'existe pas.")
        if token.revoked_at is not None:
            raise Conflict(f"Le jeton n° {token_id} est déjà révoqué.")
        token.revoked_at = utcnow()
        owner = session.get(User, token.user_id)
        name = owner.username if owner else "?"
        info = TokenInfo(
            token.id, name, token.label, token.created_at, token.expires_at, token.revoked_at
        )
    record(db, by, "token.revoke", f"user:{name}", detail={"token": token_id})
    return info


def enable_second_factor(db: Database, username: str, by: Actor = SYSTEM) -> str:
    """A new TOTP secret for the user, from now on required at sign-in; the
    ``otpauth://`` address to give their authenticator application (shown once)."""
    secret = totp.new_secret()
    with db.session() as session:
        user = _user(session, username)
        user.totp_secret, user.totp_last_step = secret, None
    record(db, by, "user.second_factor", f"user:{username}", detail={"enabled": True})
    return totp.provisioning_uri(secret, username)


def disable_second_factor(db: Database, username: str, by: Actor = SYSTEM) -> None:
    with db.session() as session:
        user = _user(session, username)
        if not user.totp_secret:
            raise Conflict(f"L'utilisateur {username} n'a pas de second facteur.")
        user.totp_secret, user.totp_last_step = None, None
    record(db, by, "user.second_factor", f"user:{username}", detail={"enabled": False})
