"""Who is acting: users with a role, passwords (argon2), API tokens, permissions, the log.

Passwords are hashed with argon2id; API tokens and web sessions are random secrets of
which only the SHA-256 is stored. ``Actor`` is what every service receives: it carries
the role and the scope (chamber, partner, adviser) that row-level rules need. Every read
of enterprise-level data and every decision goes to ``access_log`` through ``record``.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from importlib import resources
from typing import Any

import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

import marsad.operational.access_chain  # noqa: F401  (lines are sealed once committed)
from marsad.errors import Conflict, Forbidden, InvalidInput, Unauthorized
from marsad.operational import totp
from marsad.operational.db import Database
from marsad.operational.people import ROLES, AccessLog, ApiToken, User, WebSession, utcnow
from marsad.operational.throttle import (
    Limits,
    Locked,
    account_key,
    address_key,
    begin_attempt,
    succeeded,
)

_hasher = PasswordHasher()
security_log = logging.getLogger("marsad.security")
TOKEN_PREFIX = "mst_"
SESSION_HOURS = 12


@cache
def permissions() -> dict[str, frozenset[str]]:
    text = (resources.files("marsad.operational") / "data" / "permissions.yaml").read_text()
    table = yaml.safe_load(text)
    unknown = set(table) - set(ROLES)
    if unknown or set(ROLES) - set(table):
        raise InvalidInput(f"permissions.yaml ne couvre pas exactement les rôles {ROLES}.")
    return {role: frozenset(perms) for role, perms in table.items()}


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    role: str
    chamber_code: str | None = None
    partner_code: str | None = None

    def can(self, permission: str) -> bool:
        granted = permissions().get(self.role, frozenset())
        return "*" in granted or permission in granted

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise Forbidden(f"Le rôle « {self.role} » ne permet pas « {permission} ».")

    @property
    def label(self) -> str:
        return f"{self.username} ({self.role})"


PUBLIC = Actor(None, "public", "public")
SYSTEM = Actor(None, "system", "administrator")


@cache
def demo_password() -> str:
    """The password of the accounts a demo creates: drawn at random once per run, printed
    once by the command that created them, never a fixed one."""
    return secrets.token_urlsafe(12)


def _actor(user: User) -> Actor:
    return Actor(user.id, user.username, user.role, user.chamber_code, user.partner_code)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_user(
    db: Database,
    username: str,
    role: str,
    password: str | None = None,
    *,
    full_name: str = "",
    chamber_code: str | None = None,
    partner_code: str | None = None,
) -> Actor:
    problems = []
    if role not in ROLES:
        problems.append({"field": "role", "message": f"rôle inconnu ; rôles : {', '.join(ROLES)}"})
    if not username or len(username) > 80 or not username.replace(".", "").isalnum():
        problems.append({"field": "username", "message": "lettres, chiffres et points"})
    if password is not None and len(password) < 10:
        problems.append({"field": "password", "message": "au moins 10 caractères"})
    if role == "desk_agent" and not chamber_code:
        problems.append({"field": "chamber_code", "message": "un agent de guichet a sa chambre"})
    if problems:
        raise InvalidInput("Utilisateur invalide.", details=problems)
    with db.session() as session:
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            raise Conflict(f"L'utilisateur {username} existe déjà.")
        user = User(
            username=username,
            role=role,
            full_name=full_name,
            password_hash=_hasher.hash(password) if password else None,
            chamber_code=chamber_code,
            partner_code=partner_code,
        )
        session.add(user)
        session.flush()
        return _actor(user)


BAD_SIGN_IN = "Identifiant ou mot de passe incorrect."
ANONYMOUS = Actor(None, "anonymous", "public")


def login(
    db: Database,
    username: str,
    password: str,
    *,
    address: str = "unknown",
    code: str | None = None,
    limits: Limits | None = None,
) -> Actor:
    """The user whose password this is (and whose one-time code, if they have a second
    factor); the same answer for a wrong name, password or code. Attempts are throttled
    per account and per address (``marsad.operational.throttle``); every failure and every
    refusal is written to the access log."""
    limits = limits or Limits()
    keys = [account_key(username), address_key(address)]
    subject = f"user:{username.strip()[:80]}"
    try:
        begin_attempt(db, keys, limits)
    except Locked:
        record(db, ANONYMOUS, "sign_in.refused", subject, detail={"address": address})
        security_log.warning("sign-in refused (too many failures): %s from %s", subject, address)
        raise
    reason = _check_credentials(db, username, password, code)
    if reason is not None:
        record(
            db, ANONYMOUS, "sign_in.failed", subject, detail={"address": address, "reason": reason}
        )
        security_log.warning("sign-in failed (%s): %s from %s", reason, subject, address)
        raise Unauthorized(BAD_SIGN_IN)
    succeeded(db, keys[0], keys[1])
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        actor = _actor(user)
    record(db, actor, "sign_in", subject, detail={"address": address})
    return actor


def _check_credentials(db: Database, username: str, password: str, code: str | None) -> str | None:
    """None when the password (and the code of a second factor) are right, else why not."""
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == username, User.active))
        if user is None or not user.password_hash:
            _hasher.hash(password)  # same time whether the user exists or not
            return "unknown_user"
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return "password"
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        if user.totp_secret:
            step = totp.matching_step(user.totp_secret, code or "")
            if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
                return "second_factor"
            user.totp_last_step = step  # a code is used once
        return None


def issue_token(db: Database, actor: Actor, label: str = "", days: int = 90) -> str:
    """A new API token for the actor's user, valid ``days`` days; shown once."""
    if actor.user_id is None:
        raise InvalidInput("Seul un utilisateur enregistré reçoit un jeton.")
    if not 1 <= days <= 3650:
        raise InvalidInput("Durée d'un jeton : de 1 à 3650 jours.", details=[{"field": "days"}])
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.session() as session:
        session.add(
            ApiToken(
                user_id=actor.user_id,
                token_sha256=_digest(secret),
                label=label[:200],
                expires_at=utcnow() + timedelta(days=days),
            )
        )
    return secret


def from_token(db: Database, secret: str | None) -> Actor:
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        raise Unauthorized("Jeton manquant ou mal formé.")
    with db.session() as session:
        user = session.scalar(
            select(User)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(
                ApiToken.token_sha256 == _digest(secret),
                ApiToken.revoked_at.is_(None),
                ApiToken.expires_at > utcnow(),
                User.active,
            )
        )
        if user is None:
            raise Unauthorized("Jeton inconnu, expiré ou révoqué.")
        return _actor(user)


def open_session(db: Database, actor: Actor) -> tuple[str, str]:
    """A browser session: (cookie secret, CSRF token)."""
    if actor.user_id is None:
        raise InvalidInput("Seul un utilisateur enregistré ouvre une session.")
    secret, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    with db.session() as session:
        session.add(
            WebSession(
                id=_digest(secret),
                user_id=actor.user_id,
                csrf=csrf,
                expires_at=utcnow() + timedelta(hours=SESSION_HOURS),
            )
        )
    return secret, csrf


def from_session(db: Database, secret: str | None) -> tuple[Actor, str]:
    if not secret or len(secret) > 200:
        raise Unauthorized("Session absente : connectez-vous.")
    with db.session() as session:
        found = session.execute(
            select(User, WebSession.csrf)
            .join(WebSession, WebSession.user_id == User.id)
            .where(WebSession.id == _digest(secret), WebSession.expires_at > utcnow(), User.active)
        ).first()
        if found is None:
            raise Unauthorized("Session expirée : connectez-vous.")
        return _actor(found[0]), str(found[1])


def close_session(db: Database, secret: str) -> None:
    with db.session() as session:
        row = session.get(WebSession, _digest(secret))
        if row is not None:
            session.delete(row)


def record(
    db: Database,
    actor: Actor,
    action: str,
    subject: str,
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """One line of the access log: who, what, when, why."""
    with db.session() as session:
        session.add(
            AccessLog(
                actor=actor.label,
                action=action,
                subject=subject[:200],
                purpose=purpose,
                detail=detail or {},
            )
        )
