"""Who may see and do what with matchmaking profiles.

Brokers (``match.broker``) act on the profiles of their chamber (programme managers, who
have none, on all) and see every published profile; readers (``match.read``) see the
published ones; an enterprise's representatives (``match.own``, linked in
``match_members``) see the published profiles and all of their own enterprise's.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select, true

from marsad.errors import Forbidden, InvalidInput, NotFound
from marsad.matchmaking.models import MatchMember, MatchProfile
from marsad.operational.auth import Actor
from marsad.operational.db import Database
from marsad.operational.people import User


def members_of(db: Database, actor: Actor) -> set[str]:
    """Enterprises the actor represents."""
    if actor.user_id is None:
        return set()
    with db.session() as session:
        rows = session.scalars(
            select(MatchMember.enterprise_id).where(MatchMember.user_id == actor.user_id)
        )
        return set(rows)


def add_member(db: Database, actor: Actor, username: str, enterprise_id: str) -> None:
    """Link a user of the ``public`` role to the enterprise they represent."""
    actor.require("match.broker")
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(f"L'utilisateur {username} n'existe pas.")
        if user.role != "public":
            raise InvalidInput(
                "Seul un compte du rôle « public » représente une entreprise.",
                details=[{"field": "username", "message": f"rôle {user.role}"}],
            )
        if session.get(MatchMember, (user.id, enterprise_id)) is None:
            session.add(
                MatchMember(user_id=user.id, enterprise_id=enterprise_id, created_by=actor.label)
            )


def in_scope(actor: Actor, profile: MatchProfile) -> bool:
    """A broker acts on the profiles of their chamber (a broker without chamber: on all)."""
    if not actor.can("match.broker"):
        return False
    return actor.chamber_code is None or profile.chamber_code in (None, actor.chamber_code)


def may(db: Database, actor: Actor, profile: MatchProfile, who: str) -> bool:
    if who in ("broker", "both") and in_scope(actor, profile):
        return True
    owner = actor.can("match.own") and profile.enterprise_id in members_of(db, actor)
    return who in ("owner", "both") and owner


def visible(db: Database, actor: Actor) -> Any:
    """The condition on profiles the actor may see."""
    if actor.can("match.broker"):
        if actor.chamber_code is None:
            return true()
        return or_(
            MatchProfile.status == "published",
            MatchProfile.chamber_code.is_(None),
            MatchProfile.chamber_code == actor.chamber_code,
        )
    if actor.can("match.read"):
        return MatchProfile.status == "published"
    if actor.can("match.own"):
        own = members_of(db, actor)
        if not own:
            raise Forbidden("Votre compte n'est rattaché à aucune entreprise.")
        return or_(MatchProfile.status == "published", MatchProfile.enterprise_id.in_(own))
    raise Forbidden(f"Le rôle « {actor.role} » ne permet pas de consulter les profils.")
