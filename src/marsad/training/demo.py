"""Demo data for training and coaching, drawn from the current register build.

Cohorts of the catalogue's modules run in several regions, organised by the support agency
and the chambers; their participants are the managers of active very small, small and
medium enterprises of the cohort's region, with some project holders not yet registered.
Men outnumber women and most managers are over 35, as among business owners, with the
programmes' targets (women, young people) over-represented a little. Attendance,
assessments before and after, certificates and coaching plans follow, through the same
services as in production (seats, completion rule, check digits).

The same seed and reference day give the same data; a second run changes nothing (every
seeded row carries a ``source_key``).
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import func, select

from marsad.operational.auth import SYSTEM
from marsad.operational.db import Database
from marsad.reference import load_communes
from marsad.settings import Settings
from marsad.training import assessment, attendance, certificates, enrolment
from marsad.training.catalogue import import_modules
from marsad.training.cohorts import add_session, create_cohort
from marsad.training.demo_coaching import seed_coaching
from marsad.training.demo_people import active_firms, draw_answers, draw_commune, draw_person
from marsad.training.models import (
    Assessment,
    Attendance,
    Certificate,
    CoachingAction,
    CoachingPlan,
    CoachingVisit,
    Enrolment,
    Participant,
    TrainingCohort,
    TrainingModule,
    TrainingSession,
)
from marsad.training.participants import register_participant

TRAINERS = ["Nadia Bennani", "Youssef Alaoui", "Salma Tazi", "Omar Fassi", "Hicham Naciri"]
# (region, organiser, module, language, format, capacity): cohorts of the demo, oldest first
PLAN = [
    ("06", "MAROC_PME", "COUTS-1", "fr", "in_person", 20),
    ("06", "CCIS06", "FACTURE-1", "ar", "in_person", 24),
    ("01", "CCIS01", "TRESO-1", "ar", "hybrid", 18),
    ("04", "MAROC_PME", "ENLIGNE-1", "fr", "remote", 25),
    ("07", "MAROC_PME", "FIDELITE-1", "ar", "in_person", 16),
    ("03", "CCIS03", "STOCKS-1", "fr", "in_person", 15),
    ("09", "MAROC_PME", "TRESO-1", "zgh", "in_person", 15),
    ("08", "MAROC_PME", "FACTURE-1", "zgh", "in_person", 12),
    ("02", "CCIS02", "PAIEMENT-1", "ar", "hybrid", 20),
    ("06", "MAROC_PME", "CRM-1", "fr", "remote", 20),
    ("04", "CCIS04", "CONTRATS-1", "fr", "remote", 18),
    ("01", "MAROC_PME", "TRESO-2", "fr", "in_person", 15),
]
SESSIONS = 4


@dataclass
class TrainingDemo:
    modules: int = 0
    cohorts: int = 0
    sessions: int = 0
    participants: int = 0
    women: int = 0
    young: int = 0
    project_holders: int = 0
    rural: int = 0
    enrolments: int = 0
    withdrawn: int = 0
    attendance: int = 0
    certificates: int = 0
    assessed_both: int = 0
    mean_gain: float | None = None
    coaching_plans: int = 0
    visits: int = 0
    actions: int = 0
    actions_done: int = 0
    regions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def sentence(self) -> str:
        share = f"{self.actions_done / self.actions:.0%}" if self.actions else "—"
        return (
            f"{self.cohorts} cohortes dans {len(self.regions)} régions ({self.sessions} séances), "
            f"{self.participants} participants dont {self.women} femmes, {self.young} jeunes de "
            f"moins de 35 ans, {self.project_holders} porteurs de projet et {self.rural} en "
            f"milieu rural ; {self.enrolments} inscriptions ({self.withdrawn} retraits), "
            f"{self.certificates} attestations, gain moyen {self.mean_gain} points sur "
            f"{self.assessed_both} évalués avant et après ; {self.coaching_plans} plans "
            f"d'accompagnement, {self.visits} visites, {self.actions} actions dont {share} faites"
        )


def _seed_cohort(
    db: Database, rng: random.Random, k: int, firms: pd.DataFrame, today: date
) -> None:
    region, partner, module, language, fmt, capacity = PLAN[k]
    past = k < len(PLAN) - 2  # the last two are under way
    days_ago = (len(PLAN) - k) * 30 if past else 10 * (len(PLAN) - k)
    start = today - timedelta(days=days_ago)
    here = firms[firms["region_code"] == region]
    made = create_cohort(
        db,
        SYSTEM,
        {
            "code": f"{module}-{region}-{start:%y%m}",
            "module_code": module,
            "partner_code": partner,
            "region_code": region,
            "commune_code": None,
            "trainer": rng.choice(TRAINERS),
            "language": language,
            "capacity": capacity,
            "starts_on": start,
            "ends_on": start + timedelta(days=7 * SESSIONS),
        },
        source_key=f"demo-cohort-{k}",
    )
    held = [
        add_session(
            db,
            SYSTEM,
            made.id,
            held_on=start + timedelta(days=7 * i),
            hours=3,
            place=f"Centre de formation {partner}",
            format=fmt,
        )
        for i in range(SESSIONS)
    ]
    wanted = rng.randint(capacity * 2 // 3, capacity)
    holders = rng.randint(0, max(1, wanted // 6))  # project holders, not yet registered
    picks = here.sample(
        n=min(len(here), wanted - holders), random_state=rng.randint(0, 2**31 - 1)
    ).to_dict("records")
    people: list[dict[str, Any] | None] = [*picks, *[None] * (wanted - len(picks))]
    questionnaire = _questionnaire(db, module)
    enrolled = []
    for n, firm in enumerate(people):
        data = draw_person(rng, firm, start)
        data.update(
            commune_code=draw_commune(rng, region, firm),
            enterprise_id=firm["enterprise_id"] if firm else None,
            enterprise_role="manager" if firm else "project_holder",
            partner_code=partner,
        )
        person = register_participant(db, SYSTEM, data, source_key=f"demo-p-{k}-{n}", today=start)
        enrolled.append((enrolment.enrol(db, SYSTEM, made.id, person.id).id, rng.random()))
    ability = {e: rng.uniform(0.2, 0.6) for e, _ in enrolled}
    for e, _ in enrolled:
        assessment.record_assessment(
            db, SYSTEM, e, "before", draw_answers(rng, questionnaire, ability[e]), start
        )
    for s in held:
        if s.held_on > today:
            continue
        sheet = {e: rng.random() < (0.92 if keen > 0.2 else 0.45) for e, keen in enrolled}
        attendance.record_attendance(db, SYSTEM, s.id, sheet, today)
    leavers = [e for e, keen in enrolled if keen < 0.04]
    for e in leavers:
        enrolment.withdraw(db, SYSTEM, e)
    if not past:
        return
    end = held[-1].held_on
    progress = attendance.progress_of(db, made.id, end)
    for e, _ in enrolled:
        if e in leavers or rng.random() < 0.1:
            continue
        share = progress[e].attended / SESSIONS
        p = min(0.97, ability[e] + 0.3 * share)
        assessment.record_assessment(
            db, SYSTEM, e, "after", draw_answers(rng, questionnaire, p), end
        )
    certificates.issue_all(db, SYSTEM, made.id, end + timedelta(days=3))


def _questionnaire(db: Database, module: str) -> list[dict[str, Any]]:
    with db.session() as session:
        found = session.get(TrainingModule, module)
        return list(found.questionnaire) if found else []


def seed_training(
    settings: Settings, db: Database, *, seed: int = 11, today: date | None = None
) -> TrainingDemo:
    """Seed the demo (once) and count what the database holds."""
    today = today or date.today()
    import_modules(db, SYSTEM)
    with db.session() as session:
        seeded = session.scalar(
            select(TrainingCohort.id).where(TrainingCohort.source_key == "demo-cohort-0")
        )
    if seeded is None:
        rng = random.Random(seed)
        firms = active_firms(settings)
        for k in range(len(PLAN)):
            _seed_cohort(db, rng, k, firms, today)
        seed_coaching(db, rng, today)
    return count(db)


def count(db: Database) -> TrainingDemo:
    rural = {c.code for c in load_communes() if c.kind == "rural"}
    out = TrainingDemo()
    with db.session() as session:

        def n(model: Any, *where: Any) -> int:
            return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)

        out.modules = n(TrainingModule, TrainingModule.active)
        out.cohorts = n(TrainingCohort)
        out.sessions = n(TrainingSession)
        people = (
            session.execute(
                select(
                    Participant.gender,
                    Participant.birth_year,
                    Participant.commune_code,
                    Participant.enterprise_id,
                ).where(Participant.id.in_(select(Enrolment.participant_id)))  # enrolled, once
            )
            .tuples()
            .all()
        )
        out.regions = sorted(set(session.scalars(select(TrainingCohort.region_code))))
        out.enrolments = n(Enrolment)
        out.withdrawn = n(Enrolment, Enrolment.status == "withdrawn")
        out.attendance = n(Attendance)
        out.certificates = n(Certificate)
        out.coaching_plans = n(CoachingPlan)
        out.visits = n(CoachingVisit)
        out.actions = n(CoachingAction)
        out.actions_done = n(CoachingAction, CoachingAction.status == "done")
        cohorts = list(session.scalars(select(TrainingCohort.id)))
        scored = n(Assessment)
    year = date.today().year
    out.participants = len(people)
    out.women = sum(g == "F" for g, *_ in people)
    out.young = sum(b is not None and year - b < 35 for _, b, *_ in people)
    out.project_holders = sum(e is None for *_, e in people)
    out.rural = sum(c in rural for _, _, c, _ in people)
    gains = [assessment.gains_of(db, c) for c in cohorts] if scored else []
    pairs = sum(g.paired for g in gains)
    out.assessed_both = pairs
    if pairs:
        total = sum((g.mean_gain or 0) * g.paired for g in gains)
        out.mean_gain = round(total / pairs, 1)
    return out
