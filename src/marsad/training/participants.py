"""Participants: the managers of register enterprises and the project holders who take
part in trainings and events (personal data: who may see what is in ``field_rights.yaml``).

A participant is registered once by an organiser (a partner) and may then enrol in any
cohort; the same person registered twice by the same organiser (same name and phone or
e-mail) is refused, with the number of the existing record.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import func, or_, select

from marsad.errors import Conflict, NotFound
from marsad.operational.auth import Actor
from marsad.operational.db import Database
from marsad.programmes.checks import Checks
from marsad.reference import load_communes
from marsad.training.models import ENTERPRISE_ROLES, GENDERS, Participant

PHONE = re.compile(r"^\+?[0-9][0-9 .-]{7,18}[0-9]$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,185}\.[A-Za-z]{2,24}$")
PARTNER = re.compile(r"^[A-Z][A-Z0-9_]{1,19}$")
ENTERPRISE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
ROLE_LABELS = {
    "manager": "dirigeant",
    "owner": "propriétaire",
    "associate": "associé",
    "employee": "salarié",
    "project_holder": "porteur de projet",
    "other": "autre",
}
GENDER_LABELS = {"F": "femme", "M": "homme"}


@cache
def communes() -> dict[str, Any]:
    return {c.code: c for c in load_communes()}


def check_partner(checks: Checks, value: str, name: str = "partner_code") -> str:
    value = (value or "").strip().upper()
    if not PARTNER.match(value):
        checks.fail(name, "code du partenaire organisateur (lettres capitales, chiffres, _)")
    return value


def check_commune(checks: Checks, value: str | None, name: str = "commune_code") -> str | None:
    if not value:
        return None
    if value not in communes():
        checks.fail(name, "commune inconnue du référentiel")
        return None
    return value


def participant_problems(
    data: dict[str, Any], exists: Callable[[str], bool] | None, today: date
) -> tuple[Checks, dict[str, Any]]:
    checks = Checks()
    clean: dict[str, Any] = {"full_name": checks.text("full_name", data.get("full_name", ""), 200)}
    gender = data.get("gender") or None
    if gender is not None and gender not in GENDERS:
        checks.fail("gender", "F, M ou vide")
    clean["gender"] = gender
    year = data.get("birth_year")
    if year is not None and (
        not isinstance(year, int) or isinstance(year, bool) or not 1920 <= year <= today.year - 12
    ):
        checks.fail("birth_year", f"année de naissance entre 1920 et {today.year - 12}")
    clean["birth_year"] = year
    phone = (data.get("phone") or "").strip() or None
    if phone is not None and not PHONE.match(phone):
        checks.fail("phone", "numéro de téléphone (chiffres, espaces, + en tête)")
    clean["phone"] = phone
    email = (data.get("email") or "").strip().lower() or None
    if email is not None and not EMAIL.match(email):
        checks.fail("email", "adresse électronique invalide")
    clean["email"] = email
    clean["commune_code"] = check_commune(checks, data.get("commune_code"))
    enterprise = (data.get("enterprise_id") or "").strip() or None
    role = data.get("enterprise_role") or ("manager" if enterprise else "project_holder")
    if role not in ENTERPRISE_ROLES:
        checks.fail("enterprise_role", f"rôle inconnu ; rôles : {', '.join(ENTERPRISE_ROLES)}")
    if enterprise is not None and (
        not ENTERPRISE.match(enterprise) or (exists is not None and not exists(enterprise))
    ):
        checks.fail("enterprise_id", "entreprise inconnue du registre")
    if enterprise is None and role != "project_holder":
        checks.fail("enterprise_id", "obligatoire sauf pour un porteur de projet")
    clean["enterprise_id"], clean["enterprise_role"] = enterprise, role
    clean["partner_code"] = check_partner(checks, data.get("partner_code", ""))
    return checks, clean


def register_participant(
    db: Database,
    actor: Actor,
    data: dict[str, Any],
    *,
    exists: Callable[[str], bool] | None = None,
    today: date | None = None,
    source_key: str | None = None,
) -> Participant:
    """A new participant (``exists`` tells whether an enterprise id is in the register)."""
    actor.require("training.write")
    checks, clean = participant_problems(data, exists, today or date.today())
    checks.done("Participant invalide.")
    with db.session() as session:
        same = select(Participant.id).where(
            func.lower(Participant.full_name) == clean["full_name"].lower(),
            Participant.partner_code == clean["partner_code"],
        )
        contact = [
            column == clean[name]
            for name, column in (("phone", Participant.phone), ("email", Participant.email))
            if clean[name]
        ]
        if contact:
            twin = session.scalar(same.where(or_(*contact)).limit(1))
            if twin is not None:
                raise Conflict(
                    f"Cette personne est déjà inscrite chez {clean['partner_code']} "
                    f"(participant n° {twin})."
                )
        person = Participant(**clean, created_by=actor.label, source_key=source_key)
        session.add(person)
        session.flush()
        return person


def get_participant(db: Database, actor: Actor, participant_id: int) -> Participant:
    actor.require("training.read")
    with db.session() as session:
        person = session.get(Participant, participant_id)
        if person is None:
            raise NotFound(f"Le participant {participant_id} n'existe pas.")
        return person


def list_participants(
    db: Database,
    actor: Actor,
    *,
    partner_code: str | None = None,
    enterprise_id: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[Participant]:
    actor.require("training.read")
    query = select(Participant).order_by(Participant.id)
    if partner_code:
        query = query.where(Participant.partner_code == partner_code)
    if enterprise_id:
        query = query.where(Participant.enterprise_id == enterprise_id)
    with db.session() as session:
        return list(session.scalars(query.limit(limit).offset(offset)))
