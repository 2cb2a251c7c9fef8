"""What the faces show of training: cohorts with their counts and inclusion breakdowns,
one cohort in full, one participant — personal fields only for the roles that may see them
(``field_rights.yaml``), and every read of personal data logged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from marsad.conventions.model import Sensitivity
from marsad.operational.auth import Actor, record
from marsad.operational.db import Database
from marsad.operational.exports import ExportColumn, may_see
from marsad.training import attendance, certificates, coaching, enrolment
from marsad.training.assessment import gains_of
from marsad.training.catalogue import module_dict
from marsad.training.cohorts import cohort_dict, get_cohort, list_cohorts, session_dict, sessions_of
from marsad.training.inclusion import (
    InclusionProfile,
    age_on,
    breakdown,
    categories_of,
    profile_of,
    rules,
)
from marsad.training.models import (
    Certificate,
    Enrolment,
    Participant,
    TrainingCohort,
    TrainingModule,
)
from marsad.training.participants import get_participant
from marsad.training.register_facts import facts_for

P, C, S = Sensitivity.public, Sensitivity.confidential, Sensitivity.personal
PARTICIPANT_COLUMNS = [
    ExportColumn("id", "N° participant", P),
    ExportColumn("full_name", "Nom et prénom", S),
    ExportColumn("phone", "Téléphone", S),
    ExportColumn("email", "Courriel", S),
    ExportColumn("birth_year", "Année de naissance", S),
    ExportColumn("gender", "Genre", C),
    ExportColumn("age_band", "Tranche d'âge", C),
    ExportColumn("commune_code", "Commune", C),
    ExportColumn("region_code", "Région", C),
    ExportColumn("area", "Milieu", C),
    ExportColumn("enterprise_id", "Entreprise (registre)", C),
    ExportColumn("enterprise_role", "Rôle dans l'entreprise", C),
    ExportColumn("size_class", "Taille de l'entreprise", C),
    ExportColumn("partner_code", "Organisateur", P),
]
ENROLMENT_COLUMNS = [
    *PARTICIPANT_COLUMNS,
    ExportColumn("enrolment_id", "N° inscription", P),
    ExportColumn("status", "Inscription", P),
    ExportColumn("attended", "Séances suivies", C),
    ExportColumn("sessions", "Séances prévues", C),
    ExportColumn("completed", "Formation achevée", C),
    ExportColumn("score_before", "Score avant", C),
    ExportColumn("score_after", "Score après", C),
    ExportColumn("gain", "Gain", C),
    ExportColumn("certificate", "N° d'attestation", C),
]


def participant_row(
    person: Participant, actor: Actor, lookup: Callable[[str], Any], on: date
) -> dict[str, Any]:
    """A participant as the actor may see them (personal fields left out otherwise)."""
    profile = profile_of(person, lookup)
    cats = categories_of(profile, on)
    row: dict[str, Any] = {
        "id": person.id,
        "gender": person.gender,
        "age_band": cats["age_band"],
        "youth": cats["youth"],
        "commune_code": person.commune_code,
        "region_code": profile.region_code,
        "area": profile.commune_kind,
        "enterprise_id": person.enterprise_id,
        "enterprise_role": person.enterprise_role,
        "size_class": profile.size_class,
        "partner_code": person.partner_code,
    }
    if may_see(actor, S):
        row.update(
            full_name=person.full_name,
            phone=person.phone,
            email=person.email,
            birth_year=person.birth_year,
            age=age_on(person.birth_year, on),
        )
    return row


def _enrolled_people(db: Database, cohort_ids: Sequence[int] | None) -> list[Participant]:
    query = (
        select(Participant)
        .join(Enrolment, Enrolment.participant_id == Participant.id)
        .where(Enrolment.status == "enrolled")
        .distinct()
    )
    if cohort_ids is not None:
        query = query.where(Enrolment.cohort_id.in_(list(cohort_ids)))
    with db.session() as session:
        return list(session.scalars(query))


def inclusion_of(
    db: Database, cohort_ids: Sequence[int] | None, build_dir: Path | None, on: date
) -> dict[str, dict[str, int]]:
    """The breakdowns of the distinct participants enrolled in the cohorts (all: None)."""
    people = _enrolled_people(db, cohort_ids)
    lookup = facts_for(build_dir, [p.enterprise_id or "" for p in people], on)
    return breakdown((profile_of(p, lookup) for p in people), on)


def coached_inclusion(
    db: Database, plans: Sequence[Any], build_dir: Path | None, on: date
) -> dict[str, dict[str, int]]:
    """The breakdowns of the people and enterprises coached: a plan's participant when it
    names one, else its enterprise (gender and age unknown, place from the register)."""
    ids = {p.participant_id for p in plans if p.participant_id is not None}
    with db.session() as session:
        people = {
            x.id: x for x in session.scalars(select(Participant).where(Participant.id.in_(ids)))
        }
    firms = [p.enterprise_id or "" for p in plans]
    firms += [x.enterprise_id or "" for x in people.values()]
    lookup = facts_for(build_dir, firms, on)
    profiles = []
    for plan in plans:
        person = people.get(plan.participant_id) if plan.participant_id else None
        if person is not None:
            profiles.append(profile_of(person, lookup))
        else:
            facts = lookup(plan.enterprise_id or "")
            profiles.append(
                InclusionProfile(
                    None,
                    None,
                    facts.region_code if facts else None,
                    None,
                    facts.size_classes.get(rules().size_scheme) if facts else None,
                )
            )
    return breakdown(profiles, on)


def cohort_list(
    db: Database, actor: Actor, build_dir: Path | None, on: date, **filters: Any
) -> dict[str, Any]:
    """Cohorts with their counts, and the inclusion breakdown of their participants."""
    cohorts = list_cohorts(db, actor, **filters)
    ids = [c.id for c in cohorts]
    with db.session() as session:
        titles: dict[str, str] = {
            code: title
            for code, title in session.execute(
                select(TrainingModule.code, TrainingModule.title)
            ).tuples()
        }
        certified: dict[int, int] = {
            cohort_id: count
            for cohort_id, count in session.execute(
                select(Enrolment.cohort_id, func.count())
                .join(Certificate, Certificate.enrolment_id == Enrolment.id)
                .where(Enrolment.cohort_id.in_(ids))
                .group_by(Enrolment.cohort_id)
            ).tuples()
        }
    rows = []
    for c in cohorts:
        done = sum(p.completed for p in attendance.progress_of(db, c.id, on).values())
        rows.append(
            {
                **cohort_dict(c),
                "module_title": titles.get(c.module_code, c.module_code),
                "completed": done,
                "certificates": int(certified.get(c.id, 0)),
            }
        )
    return {"cohorts": rows, "inclusion": inclusion_of(db, ids, build_dir, on), "on": str(on)}


def cohort_view(
    db: Database,
    actor: Actor,
    cohort_id: int,
    build_dir: Path | None,
    on: date,
    *,
    log: bool = True,
) -> dict[str, Any]:
    """One cohort: module, sessions, participants with attendance, scores, certificates."""
    cohort: TrainingCohort = get_cohort(db, actor, cohort_id)
    with db.session() as session:
        module = session.get(TrainingModule, cohort.module_code)
    sessions = sessions_of(db, cohort_id)
    pairs = enrolment.enrolments_of(db, cohort_id)
    lookup = facts_for(build_dir, [p.enterprise_id or "" for _, p in pairs], on)
    progress = attendance.progress_of(db, cohort_id, on)
    sheet = attendance.sheet(db, cohort_id)
    gains = gains_of(db, cohort_id)
    certs = certificates.certificates_of(db, cohort_id)
    people = []
    for e, p in pairs:
        before, after = gains.scores.get(e.id, (None, None))
        got = progress.get(e.id)
        people.append(
            {
                **participant_row(p, actor, lookup, on),
                "enrolment_id": e.id,
                "status": e.status,
                "attended": got.attended if got else 0,
                "sessions": len(sessions),
                "completed": bool(got and got.completed),
                "presence": {str(s.id): sheet.get((s.id, e.id)) for s in sessions},
                "score_before": before,
                "score_after": after,
                "gain": gains.gain(e.id),
                "certificate": certs[e.id].number if e.id in certs else None,
            }
        )
    if log and pairs and may_see(actor, S):
        record(db, actor, "training.read", f"cohorte {cohort.code}", "suivi de la formation")
    active = [p for (e, p) in pairs if e.status == "enrolled"]
    return {
        **cohort_dict(cohort),
        "module": None if module is None else module_dict(module),
        "sessions": [session_dict(s) for s in sessions],
        "participants": people,
        "gains": {k: v for k, v in gains.to_dict().items() if k != "participants"},
        "certificates": len(certs),
        "inclusion": breakdown((profile_of(p, lookup) for p in active), on),
        "personal_data": may_see(actor, S),
    }


def participant_view(
    db: Database, actor: Actor, participant_id: int, build_dir: Path | None, on: date
) -> dict[str, Any]:
    """One participant: who (as the role may see), cohorts followed, coaching plans."""
    person = get_participant(db, actor, participant_id)
    lookup = facts_for(build_dir, [person.enterprise_id or ""], on)
    followed = []
    for e, c in enrolment.enrolments_of_participant(db, participant_id):
        got = attendance.progress_of(db, c.id, on).get(e.id)
        cert = certificates.certificates_of(db, c.id).get(e.id)
        gains = gains_of(db, c.id)
        followed.append(
            {
                "cohort": cohort_dict(c),
                "enrolment_id": e.id,
                "status": e.status,
                "attended": got.attended if got else 0,
                "completed": bool(got and got.completed),
                "scores": list(gains.scores.get(e.id, (None, None))),
                "certificate": cert.number if cert else None,
            }
        )
    plans = []
    if actor.can("coaching.read"):
        found = coaching.list_plans(db, actor, participant_id=participant_id)
        counts = coaching.action_counts(db, [p.id for p in found], on)
        plans = [
            {"id": p.id, "coach": p.coach, "status": p.status, **counts[p.id].to_dict()}
            for p in found
        ]
    if may_see(actor, S):
        record(db, actor, "training.read", f"participant {participant_id}", "suivi du participant")
    return {
        **participant_row(person, actor, lookup, on),
        "cohorts": followed,
        "coaching_plans": plans,
    }


def plan_dict(plan: Any, counts: coaching.ActionCounts) -> dict[str, Any]:
    return {
        "id": plan.id,
        "enterprise_id": plan.enterprise_id,
        "participant_id": plan.participant_id,
        "partner_code": plan.partner_code,
        "coach": plan.coach,
        "objectives": plan.objectives,
        "starts_on": plan.starts_on.isoformat(),
        "ends_on": None if plan.ends_on is None else plan.ends_on.isoformat(),
        "status": plan.status,
        "actions": counts.to_dict(),
    }


def plan_view(db: Database, actor: Actor, plan_id: int, on: date) -> dict[str, Any]:
    plan, visits, actions = coaching.plan_detail(db, actor, plan_id)
    counts = coaching.action_counts(db, [plan.id], on)[plan.id]
    record(db, actor, "coaching.read", f"plan d'accompagnement {plan_id}", "accompagnement")
    return {
        **plan_dict(plan, counts),
        "visits": [
            {
                "id": v.id,
                "visited_on": v.visited_on.isoformat(),
                "format": v.format,
                "notes": v.notes,
            }
            for v in visits
        ],
        "action_list": [
            {
                "id": a.id,
                "visit_id": a.visit_id,
                "description": a.description,
                "agreed_on": a.agreed_on.isoformat(),
                "due_on": a.due_on.isoformat(),
                "done_on": None if a.done_on is None else a.done_on.isoformat(),
                "status": a.status,
            }
            for a in actions
        ],
    }
