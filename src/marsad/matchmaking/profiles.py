"""Profiles and their broker workflow, with who may see and do what.

Brokers (``match.broker``: desk agents within their chamber, programme managers
everywhere) draft profiles for enterprises of the register, validate them into
publication, reject, renew and expire them. An enterprise's representatives
(``match.own``, linked to it in ``match_members``) draft their own profiles, submit and
withdraw them, and see only published profiles and their own. Every transition is one
conditional ``UPDATE ... WHERE status IN (...)`` and writes a ``MatchProfileEvent``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from marsad.errors import Conflict, Forbidden, InvalidInput, NotFound
from marsad.matchmaking.access import may, members_of, visible
from marsad.matchmaking.domain import KINDS, REGIONS, SIZES, code_levels, division_names
from marsad.matchmaking.models import MatchProfile, MatchProfileEvent
from marsad.operational.auth import Actor
from marsad.operational.db import Database
from marsad.operational.people import utcnow

# action: (statuses it may start from, status it leads to, who: broker / owner / both)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "submit": (("draft", "rejected"), "submitted", "both"),
    "validate": (("draft", "submitted"), "published", "broker"),
    "reject": (("submitted",), "rejected", "broker"),
    "renew": (("published", "expired"), "published", "broker"),
    "expire": (("published",), "expired", "broker"),
    "withdraw": (("draft", "submitted", "published", "expired", "rejected"), "withdrawn", "both"),
}
EDITABLE = ("draft", "rejected")
FIELDS = (
    "kind",
    "title",
    "description",
    "tags",
    "activity_codes",
    "certifications",
    "capacity_mad",
    "site_region",
    "regions_served",
    "sizes_sought",
    "excluded",
    "valid_from",
    "valid_until",
)
MAX_VALIDITY_DAYS = 2 * 366


def _problems(data: dict[str, Any], today: date) -> list[dict[str, str]]:
    out = []
    if data.get("kind") not in KINDS:
        out.append({"field": "kind", "message": f"type inconnu ; types : {', '.join(KINDS)}"})
    if not str(data.get("title") or "").strip():
        out.append({"field": "title", "message": "obligatoire"})
    for code in data.get("activity_codes") or []:
        _, division, _ = code_levels(code)
        if division not in division_names():
            out.append({"field": "activity_codes", "message": f"code NMA inconnu : {code}"})
    for name, allowed in (("regions_served", REGIONS), ("sizes_sought", SIZES)):
        for value in data.get(name) or []:
            if value not in allowed:
                out.append({"field": name, "message": f"valeur inconnue : {value}"})
    site = data.get("site_region")
    if site is not None and site not in REGIONS:
        out.append({"field": "site_region", "message": f"région inconnue : {site}"})
    start, end = data.get("valid_from"), data.get("valid_until")
    if not isinstance(start, date) or not isinstance(end, date):
        out.append({"field": "valid_until", "message": "dates de validité obligatoires"})
    elif end < start:
        out.append({"field": "valid_until", "message": "antérieure au début de validité"})
    elif (end - start).days > MAX_VALIDITY_DAYS:
        out.append({"field": "valid_until", "message": "validité de deux ans au plus"})
    elif end < today:
        out.append({"field": "valid_until", "message": "déjà expiré"})
    capacity = data.get("capacity_mad")
    if capacity is not None and capacity < 0:
        out.append({"field": "capacity_mad", "message": "négative"})
    return out


def create_profile(
    db: Database,
    actor: Actor,
    enterprise_id: str,
    data: dict[str, Any],
    *,
    exists: Callable[[str], bool] | None = None,
    today: date | None = None,
) -> MatchProfile:
    """A draft profile of an enterprise of the register (``exists`` checks the register)."""
    broker = actor.can("match.broker")
    if not broker and not (actor.can("match.own") and enterprise_id in members_of(db, actor)):
        raise Forbidden("Vous ne pouvez rédiger un profil que pour votre entreprise.")
    problems = _problems(data, today or date.today())
    if exists is not None and not exists(enterprise_id):
        problems.append({"field": "enterprise_id", "message": "inconnue du registre"})
    if problems:
        raise InvalidInput("Profil invalide.", details=problems)
    with db.session() as session:
        profile = MatchProfile(
            enterprise_id=enterprise_id,
            chamber_code=actor.chamber_code if broker else None,
            created_by=actor.label,
            **{k: data.get(k) for k in FIELDS if k in data},
        )
        session.add(profile)
        session.flush()
        _event(session, profile.id, actor.label, "create", None, "draft")
        return profile


def update_profile(
    db: Database, actor: Actor, profile_id: int, data: dict[str, Any], today: date | None = None
) -> MatchProfile:
    """Change a draft (a rejected profile goes back to draft)."""
    profile = get_profile(db, actor, profile_id)
    if not may(db, actor, profile, "both"):
        raise Forbidden(f"Le profil {profile_id} n'est pas modifiable par vous.")
    merged = {k: getattr(profile, k) for k in FIELDS} | {
        k: v for k, v in data.items() if k in FIELDS
    }
    if problems := _problems(merged, today or date.today()):
        raise InvalidInput("Profil invalide.", details=problems)
    with db.session() as session:
        changed = session.execute(
            update(MatchProfile)
            .where(MatchProfile.id == profile_id, MatchProfile.status.in_(EDITABLE))
            .values(status="draft", updated_at=utcnow(), **{k: merged[k] for k in FIELDS})
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(
                f"Le profil {profile_id} est « {profile.status} » : seul un brouillon ou un "
                "profil rejeté se modifie."
            )
        _event(session, profile_id, actor.label, "edit", profile.status, "draft")
    return get_profile(db, actor, profile_id)


def act(
    db: Database,
    actor: Actor,
    profile_id: int,
    action: str,
    reason: str = "",
    *,
    valid_until: date | None = None,
    today: date | None = None,
) -> MatchProfile:
    """One step of the workflow, or a sentence saying why it is refused."""
    if action not in TRANSITIONS:
        raise InvalidInput(f"Action inconnue : {action}.")
    starts, target, who = TRANSITIONS[action]
    profile = get_profile(db, actor, profile_id)
    if not may(db, actor, profile, who):
        raise Forbidden(f"L'action « {action} » sur le profil {profile_id} revient à un courtier.")
    today = today or date.today()
    values: dict[str, Any] = {"status": target, "updated_at": utcnow()}
    if action == "reject" and not reason.strip():
        raise InvalidInput("Un rejet a un motif.", details=[{"field": "reason", "message": "vide"}])
    if action == "validate":
        if profile.valid_until < today:
            raise Conflict(
                f"Le profil {profile_id} a expiré le {profile.valid_until} : à renouveler."
            )
        values |= {"validated_by": actor.label, "validated_at": utcnow()}
    if action == "expire" and profile.valid_until >= today:
        raise Conflict(f"Le profil {profile_id} est valide jusqu'au {profile.valid_until}.")
    if action == "renew":
        end = valid_until or max(today, profile.valid_until) + timedelta(days=365)
        if end < today or (end - today).days > MAX_VALIDITY_DAYS:
            raise InvalidInput(
                "Nouvelle échéance invalide.",
                details=[{"field": "valid_until", "message": str(end)}],
            )
        values |= {
            "valid_until": end,
            "renewals": MatchProfile.renewals + 1,
            "validated_by": actor.label,
            "validated_at": utcnow(),
        }
    with db.session() as session:
        moved = session.execute(
            update(MatchProfile)
            .where(MatchProfile.id == profile_id, MatchProfile.status.in_(starts))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            current = session.get(MatchProfile, profile_id)
            raise Conflict(
                f"Action « {action} » impossible : le profil {profile_id} est "
                f"« {current.status if current else '?'} » (attendu : {', '.join(starts)})."
            )
        detail = {"valid_until": values["valid_until"].isoformat()} if action == "renew" else {}
        _event(session, profile_id, actor.label, action, profile.status, target, reason, detail)
    return get_profile(db, actor, profile_id)


def expire_due(db: Database, actor: Actor, today: date | None = None) -> int:
    """Published profiles past their validity become ``expired``; how many."""
    actor.require("match.broker")
    today = today or date.today()
    with db.session() as session:
        due = list(
            session.scalars(
                select(MatchProfile.id).where(
                    MatchProfile.status == "published", MatchProfile.valid_until < today
                )
            )
        )
        for profile_id in due:
            session.execute(
                update(MatchProfile)
                .where(MatchProfile.id == profile_id, MatchProfile.status == "published")
                .values(status="expired", updated_at=utcnow())
            )
            _event(session, profile_id, actor.label, "expire", "published", "expired", "échéance")
    return len(due)


def list_profiles(
    db: Database,
    actor: Actor,
    *,
    status: str | None = None,
    kind: str | None = None,
    enterprise_id: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[MatchProfile]:
    query = select(MatchProfile).where(visible(db, actor))
    for column, value in (("status", status), ("kind", kind), ("enterprise_id", enterprise_id)):
        if value is not None:
            query = query.where(getattr(MatchProfile, column) == value)
    with db.session() as session:
        rows = session.scalars(query.order_by(MatchProfile.id).limit(limit).offset(offset))
        return list(rows)


def get_profile(db: Database, actor: Actor, profile_id: int) -> MatchProfile:
    """One profile the actor may see (the same answer whether it is hidden or absent)."""
    with db.session() as session:
        profile = session.scalar(
            select(MatchProfile).where(MatchProfile.id == profile_id, visible(db, actor))
        )
        if profile is None:
            raise NotFound(f"Le profil {profile_id} n'existe pas.")
        return profile


def history(db: Database, actor: Actor, profile_id: int) -> list[MatchProfileEvent]:
    get_profile(db, actor, profile_id)
    with db.session() as session:
        rows = session.scalars(
            select(MatchProfileEvent)
            .where(MatchProfileEvent.profile_id == profile_id)
            .order_by(MatchProfileEvent.id)
        )
        return list(rows)


def _event(
    session: Session,
    profile_id: int,
    actor: str,
    action: str,
    before: str | None,
    after: str | None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        MatchProfileEvent(
            profile_id=profile_id,
            actor=actor,
            action=action,
            from_status=before,
            to_status=after,
            reason=reason,
            detail=detail or {},
        )
    )
