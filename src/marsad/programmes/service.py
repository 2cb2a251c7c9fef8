"""Programmes as the back office uses them: the catalogue, the register and the workflow.

Each function takes the acting user, checks the permission, reads the register where a
rule needs real figures (and logs that read with its purpose), and moves the application
through ``workflow``, whose conditional updates keep money and caps right under load.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select

from marsad.errors import InvalidInput, NotFound
from marsad.operational.auth import Actor, record
from marsad.operational.db import Database
from marsad.programmes.catalogue import CostShareGrant, Programme, load_programmes
from marsad.programmes.eligibility import EligibilityResult, evaluate
from marsad.programmes.facts import EnterpriseFacts, ProjectFacts, enterprise_facts
from marsad.programmes.grants import GrantComputation, compute_grant, schedule
from marsad.programmes.models import Application, ApplicationEvent, EnterpriseCommitment
from marsad.programmes.workflow import (
    Cap,
    approve,
    create_application,
    ensure_budget,
    sign_agreement,
    transition,
)
from marsad.register.build import current_build
from marsad.settings import Settings

PROJECT_FIELDS = ("investment_mad", "own_funds_mad", "project_cost_mad", "jobs_created", "kind")


@cache
def catalogue() -> dict[str, Programme]:
    return load_programmes()


def programme(code: str) -> Programme:
    found = catalogue().get(code)
    if found is None:
        raise NotFound(f"Le programme {code} n'existe pas.")
    return found


def seed_budgets(db: Database, envelopes: dict[str, Decimal] | None = None) -> dict[str, Decimal]:
    """A budget row per programme: the published envelope, or the one given here."""
    out: dict[str, Decimal] = {}
    for code, prog in catalogue().items():
        envelope = (envelopes or {}).get(code, prog.budget_mad)
        amount = Decimal(envelope) if envelope is not None else None
        out[code] = ensure_budget(db, code, prog.name.fr, prog.operator, amount)
    return out


def build_dir(settings: Settings) -> Path:
    build = current_build(settings)
    if build is None:
        raise NotFound("Aucun registre n'a été construit : lancez « marsad register build ».")
    return build


def enterprise_by_ice(settings: Settings, ice: str) -> str:
    """The enterprise of the register holding this ICE (checked with its control key)."""
    import duckdb

    from marsad.register.standardise.identifiers import repair_ice

    valid, _ = repair_ice(ice)
    if valid is None:
        raise InvalidInput(
            "ICE invalide.",
            details=[{"field": "ice", "message": f"« {ice} » ne passe pas la clé de contrôle"}],
        )
    path = build_dir(settings) / "enterprises.parquet"
    found = duckdb.execute(
        "SELECT enterprise_id FROM read_parquet(?) WHERE ice = ? LIMIT 1", [str(path), valid]
    ).fetchone()
    if found is None:
        raise NotFound(f"Aucune entreprise du registre n'a l'ICE {valid}.")
    return str(found[0])


def project_facts(project: dict[str, Any]) -> ProjectFacts:
    return ProjectFacts(**{k: project.get(k) for k in (*PROJECT_FIELDS, "region_code")})


def facts_for(
    settings: Settings, db: Database, actor: Actor, enterprise_id: str, purpose: str
) -> EnterpriseFacts:
    actor.require("enterprise.read")
    facts = enterprise_facts(build_dir(settings), enterprise_id, date.today())
    record(db, actor, "enterprise.read", enterprise_id, purpose)
    return facts


def caps(prog: Programme, instrument: int) -> list[Cap]:
    """The ceilings the database enforces for one enterprise under an instrument."""
    grant = prog.instruments[instrument]
    if not isinstance(grant, CostShareGrant):
        return []
    out = []
    if grant.cap_per_enterprise_mad is not None:
        out.append(Cap(f"programme:{prog.code}", Decimal(grant.cap_per_enterprise_mad)))
    if grant.cumulation is not None:
        scope = "all" if grant.cumulation.scope == "all_programmes" else f"programme:{prog.code}"
        if not any(c.scope == scope for c in out):
            out.append(Cap(scope, Decimal(grant.cumulation.cap_mad)))
    return out


def apply(
    settings: Settings,
    db: Database,
    actor: Actor,
    programme_code: str,
    enterprise_id: str,
    requested_mad: Decimal,
    project: dict[str, Any],
    instrument: int = 0,
) -> Application:
    """A draft application for an enterprise that exists in the register."""
    actor.require("application.create")
    prog = programme(programme_code)
    if not 0 <= instrument < len(prog.instruments):
        raise InvalidInput(
            "Instrument inconnu.", details=[{"field": "instrument", "message": str(instrument)}]
        )
    facts_for(settings, db, actor, enterprise_id, f"demande au programme {programme_code}")
    project_facts(project)  # the project's figures are checked before anything is written
    return create_application(
        db,
        actor.label,
        programme_code,
        enterprise_id,
        requested_mad,
        project,
        instrument=instrument,
        chamber_code=actor.chamber_code,
    )


def visible(db: Database, actor: Actor, application_id: int) -> Application:
    """An application the actor may see (a desk agent: their chamber's only)."""
    with db.session() as session:
        application = session.get(Application, application_id)
    if application is None or (
        actor.role == "desk_agent" and application.chamber_code != actor.chamber_code
    ):
        raise NotFound(f"La demande {application_id} n'existe pas.")
    if not (actor.can("application.read") or actor.can("application.create")):
        raise NotFound(f"La demande {application_id} n'existe pas.")
    return application


def submit(
    settings: Settings, db: Database, actor: Actor, application_id: int
) -> EligibilityResult:
    """Submit, then check every eligibility rule against the register, with reasons."""
    application = visible(db, actor, application_id)
    actor.require("application.create")
    transition(db, actor.label, application_id, "submit")
    prog = programme(application.programme_code)
    facts = facts_for(
        settings, db, actor, application.enterprise_id, f"éligibilité demande {application_id}"
    )
    result = evaluate(prog, facts, project_facts(application.project), date.today())
    action = "declare_eligible" if result.eligible else "declare_ineligible"
    reason = "; ".join(c.reason_fr for c in result.failed) or "Toutes les règles sont remplies."
    transition(db, "marsad", application_id, action, reason, eligibility=result.to_dict())
    return result


def proposed_grant(
    settings: Settings, db: Database, actor: Actor, application_id: int
) -> GrantComputation:
    """The grant the rules give, after what the enterprise has already been granted."""
    application = visible(db, actor, application_id)
    prog = programme(application.programme_code)
    facts = facts_for(
        settings, db, actor, application.enterprise_id, f"calcul de la prime {application_id}"
    )
    with db.session() as session:
        granted = {
            row.scope: row.committed_mad
            for row in session.scalars(
                select(EnterpriseCommitment).where(
                    EnterpriseCommitment.enterprise_id == application.enterprise_id
                )
            )
        }
    return compute_grant(
        prog,
        application.instrument,
        facts,
        project_facts(application.project),
        granted_in_programme_mad=granted.get(f"programme:{prog.code}", Decimal(0)),
        granted_all_programmes_mad=granted.get("all", Decimal(0)),
    )


def decide(
    db: Database, actor: Actor, application_id: int, amount_mad: Decimal | None, reason: str = ""
) -> Application:
    """Approve ``amount_mad`` (within every cap) or, when it is None, reject with a reason."""
    actor.require("application.decide")
    application = visible(db, actor, application_id)
    if amount_mad is None:
        if not reason.strip():
            raise InvalidInput(
                "Un rejet a un motif.", details=[{"field": "reason", "message": "obligatoire"}]
            )
        return transition(db, actor.label, application_id, "reject", reason)
    prog = programme(application.programme_code)
    return approve(db, actor.label, application_id, amount_mad, caps(prog, application.instrument))


def agree(db: Database, actor: Actor, application_id: int) -> Application:
    """The agreement, with the tranches of the instrument and their milestones."""
    actor.require("application.decide")
    application = visible(db, actor, application_id)
    prog = programme(application.programme_code)
    grant = prog.instruments[application.instrument]
    specs = grant.tranches if isinstance(grant, CostShareGrant) else []
    plan = schedule(application.approved_mad, specs)
    return sign_agreement(
        db, actor.label, application_id, [(t.amount_mad, t.milestone) for t in plan]
    )


def history(db: Database, actor: Actor, application_id: int) -> list[ApplicationEvent]:
    visible(db, actor, application_id)
    with db.session() as session:
        return list(
            session.scalars(
                select(ApplicationEvent)
                .where(ApplicationEvent.application_id == application_id)
                .order_by(ApplicationEvent.id)
            )
        )


def listing(
    db: Database, actor: Actor, status: str | None = None, programme_code: str | None = None
) -> list[Application]:
    if not (actor.can("application.read") or actor.can("application.create")):
        return []
    query = select(Application).order_by(Application.id.desc()).limit(500)
    if actor.role == "desk_agent":
        query = query.where(Application.chamber_code == actor.chamber_code)
    if status:
        query = query.where(Application.status == status)
    if programme_code:
        query = query.where(Application.programme_code == programme_code)
    with db.session() as session:
        return list(session.scalars(query))
