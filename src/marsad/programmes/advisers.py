"""Advisers of the support programmes and their missions to applicants.

An adviser (individual consultant, expertise platform or specialised resource centre) is
referenced with its specialities, regions and daily rate, then accredited until an end
date, suspended or withdrawn by a holder of ``adviser.write``. A mission sends an
accredited adviser to an approved application: the accreditation must cover the mission's
dates, the adviser's regions must include the enterprise's region when it is known, and
the adviser's capacity must hold (``CAPACITY``: how many active missions of one adviser
may overlap in time). The adviser starts the mission, adds and hands in deliverables and
delivers; the programme manager accepts it or sends it back; the beneficiary's
satisfaction (1 to 5) is recorded once, after delivery.

Row-level rule: an actor with the role ``adviser`` sees and reports only the missions of
the adviser record linked to their user; any other mission is "not found" for them.
Every decision goes to the access log.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from marsad.errors import Conflict, InvalidInput
from marsad.operational.auth import Actor, record
from marsad.operational.db import Database
from marsad.operational.people import User
from marsad.programmes.checks import (
    FIRST_DAY,
    LAST_DAY,
    REGIONS,
    Checks,
    _accredited,
    _not_found,
    conditional_update,
)
from marsad.programmes.support_models import Adviser

MODELS = ("individual", "platform", "resource_centre")
# accreditation decision: (states it may start from, state it leads to)
DECISIONS = {
    "accredit": (("pending", "accredited", "suspended"), "accredited"),
    "suspend": (("accredited",), "suspended"),
    "withdraw": (("pending", "accredited", "suspended"), "withdrawn"),
}


def reference_adviser(
    db: Database,
    actor: Actor,
    name: str,
    model: str,
    specialities: list[str],
    regions: list[str],
    daily_rate_mad: Decimal,
    *,
    account: str | None = None,
) -> Adviser:
    """A new adviser, pending accreditation; ``account`` links the user who will report."""
    actor.require("adviser.write")
    checks = Checks()
    name = checks.text("name", name, 200)
    if model not in MODELS:
        checks.fail("model", f"l'un de : {', '.join(MODELS)}")
    specs = sorted({s.strip().lower() for s in specialities if s and s.strip()})
    if not specs or any(len(s) > 80 for s in specs):
        checks.fail("specialities", "au moins une spécialité de 80 caractères au plus")
    rate = checks.amount("daily_rate_mad", daily_rate_mad, positive=True)
    kept = checks.regions("regions", regions)
    checks.done("Conseiller invalide.")
    with db.session() as session:
        user_id = None
        if account is not None:
            user = session.scalar(select(User).where(User.username == account))
            if user is None or user.role != "adviser":
                raise InvalidInput(
                    "Compte de conseiller invalide.",
                    details=[{"field": "account", "message": "utilisateur de rôle « adviser »"}],
                )
            if session.scalar(select(Adviser.id).where(Adviser.user_id == user.id)):
                raise Conflict(f"Le compte {account} est déjà lié à un conseiller.")
            user_id = user.id
        adviser = Adviser(
            name=name, model=model, specialities=specs, regions=kept, daily_rate_mad=rate
        )
        adviser.user_id = user_id
        session.add(adviser)
        session.flush()
    record(db, actor, "adviser.reference", f"adviser:{adviser.id}", detail={"model": model})
    return adviser


def decide_accreditation(
    db: Database,
    actor: Actor,
    adviser_id: int,
    decision: str,
    until: date | None = None,
    reason: str = "",
) -> Adviser:
    """Accredit until ``until``, suspend, or withdraw (from ``until``, by default today)."""
    actor.require("adviser.write")
    checks = Checks()
    if decision not in DECISIONS:
        checks.fail("decision", f"l'un de : {', '.join(DECISIONS)}")
    checks.day("until", until, required=decision == "accredit")
    if decision == "accredit" and until is not None and until < date.today():
        checks.fail("until", "la fin d'accréditation ne peut être passée")
    checks.done("Décision d'accréditation invalide.")
    starts, target = DECISIONS[decision]
    values: dict[str, Any] = {"accreditation": target}
    if decision != "suspend":
        values["accredited_until"] = until or date.today()
    with db.session() as session:
        adviser = session.get(Adviser, adviser_id)
        if adviser is None:
            raise _not_found("Le conseiller", adviser_id)
        if not conditional_update(session, adviser, Adviser.accreditation.in_(starts), **values):
            raise Conflict(
                f"Décision « {decision} » impossible : le conseiller {adviser_id} est "
                f"« {adviser.accreditation} » (attendu : {', '.join(starts)})."
            )
    detail = {"until": str(adviser.accredited_until)}
    record(db, actor, f"adviser.{decision}", f"adviser:{adviser_id}", reason, detail)
    return adviser


def list_advisers(
    db: Database,
    actor: Actor,
    speciality: str | None = None,
    region: str | None = None,
    accredited_on: date | None = None,
) -> list[Adviser]:
    """Advisers with a speciality, covering a region, accredited on a day (each optional)."""
    actor.require("adviser.read")
    with db.session() as session:
        rows = list(session.scalars(select(Adviser).order_by(Adviser.name, Adviser.id)))
    wanted = speciality.strip().lower() if speciality else None
    return [
        a
        for a in rows
        if (wanted is None or wanted in a.specialities)
        and (region is None or region in a.regions)
        and (accredited_on is None or _accredited(a, accredited_on, accredited_on))
    ]


# the mission lifecycle lives in its own module; its services are also reachable from here
from marsad.programmes.missions import (  # noqa: E402
    ACTIVE,
    ASSIGNABLE,
    CAPACITY,
    STEPS,
    MissionDetail,
    add_deliverable,
    assign_mission,
    get_mission,
    hand_in,
    list_missions,
    mission_step,
    record_satisfaction,
)

__all__ = [
    "ACTIVE",
    "ASSIGNABLE",
    "CAPACITY",
    "DECISIONS",
    "FIRST_DAY",
    "LAST_DAY",
    "MODELS",
    "REGIONS",
    "STEPS",
    "Checks",
    "MissionDetail",
    "add_deliverable",
    "assign_mission",
    "conditional_update",
    "decide_accreditation",
    "get_mission",
    "hand_in",
    "list_advisers",
    "list_missions",
    "mission_step",
    "record_satisfaction",
    "reference_adviser",
]
