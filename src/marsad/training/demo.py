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
from marsad.programmes.service import build_dir
from marsad.reference import load_communes
from marsad.settings import Settings
from marsad.training import assessment, attendance, certificates, coaching, enrolment
from marsad.training.catalogue import import_modules
from marsad.training.cohorts import add_session, create_cohort
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

FIRST_F = ["Fatima", "Khadija", "Amina", "Salma", "Nadia", "Zineb", "Hanane", "Meryem", "Loubna"]
FIRST_M = ["Mohamed", "Youssef", "Ahmed", "Hassan", "Rachid", "Omar", "Karim", "Said", "Anas"]
FAMILY = [
    "Alaoui",
    "Bennani",
    "Tazi",
    "Berrada",
    "El Idrissi",
    "Fassi",
    "Ouazzani",
    "Chraibi",
    "Amrani",
    "Benjelloun",
    "Lahlou",
    "Naciri",
    "Ait Taleb",
    "Ouchen",
    "Bouzid",
    "Zerouali",
]
TRAINERS = ["Nadia Bennani", "Youssef Alaoui", "Salma Tazi", "Omar Fassi", "Hicham Naciri"]
COACHES = ["Karim Lahlou", "Meryem Chraibi", "Said Ouchen", "Loubna Amrani"]
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
ACTIONS = [
    "Tenir un tableau de trésorerie hebdomadaire",
    "Numéroter les factures et y porter l'ICE",
    "Relancer les clients en retard de paiement",
    "Calculer le coût de revient des trois produits principaux",
    "Créer la fiche de l'établissement sur une carte en ligne",
    "Ouvrir un compte de paiement mobile marchand",
    "Faire l'inventaire du stock et fixer un stock minimum",
    "Rédiger des conditions générales de vente",
]
OBJECTIVES = [
    "Maîtriser la trésorerie",
    "Facturer dans les règles",
    "Développer les ventes en ligne",
    "Réduire les impayés",
    "Fixer des prix qui couvrent les coûts",
]


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


def _firms(settings: Settings) -> pd.DataFrame:
    """Active TPME of the latest panel year, with their region and commune."""
    build = build_dir(settings)
    panel = pd.read_parquet(
        build / "panel.parquet",
        columns=["enterprise_id", "year", "active", "turnover_mad", "size_omtpme_2021"],
    )
    year = panel.loc[panel["turnover_mad"].notna(), "year"].max()
    latest = panel[(panel["year"] == year) & panel["active"].fillna(False).astype(bool)]
    latest = latest[latest["size_omtpme_2021"].isin(["MICRO", "TPE", "PE", "ME"])]
    firms = pd.read_parquet(
        build / "enterprises.parquet",
        columns=["enterprise_id", "name", "legal_form", "region_code", "commune_code", "gender"],
    )
    merged = firms.merge(latest[["enterprise_id"]], on="enterprise_id")
    merged["enterprise_id"] = merged["enterprise_id"].astype(str)
    return merged.sort_values("enterprise_id").reset_index(drop=True)


def _person(rng: random.Random, firm: dict[str, Any] | None, today: date) -> dict[str, Any]:
    gender = firm.get("gender") if firm else None
    if gender not in ("F", "M"):
        gender = "F" if rng.random() < 0.34 else "M"
    first = rng.choice(FIRST_F if gender == "F" else FIRST_M)
    # ages of managers: about a quarter under 35, most 35-54, a tail of 55 and over;
    # project holders are younger
    r = rng.random()
    if firm is None:
        age = rng.randint(20, 38)
    elif r < 0.27:
        age = rng.randint(22, 34)
    elif r < 0.87:
        age = rng.randint(35, 54)
    else:
        age = rng.randint(55, 68)
    return {
        "full_name": f"{first} {rng.choice(FAMILY)}",
        "gender": gender if rng.random() > 0.03 else None,  # a few not said
        "birth_year": today.year - age if rng.random() > 0.05 else None,
        "phone": f"06{rng.randint(10, 99)}{rng.randint(0, 999999):06d}",
        "email": None,
    }


def _commune(rng: random.Random, region: str, firm: dict[str, Any] | None) -> str:
    known = {c.code for c in load_communes()}
    if firm and firm.get("commune_code") in known:
        return str(firm["commune_code"])
    here = [c for c in load_communes() if c.region_code == region]
    return rng.choices([c.code for c in here], weights=[max(c.population, 1) for c in here])[0]


def _answers(rng: random.Random, questionnaire: list[dict[str, Any]], p: float) -> dict[str, int]:
    out = {}
    for q in questionnaire:
        wrong = [i for i in range(len(q["choices"])) if i != q["answer"]]
        out[q["id"]] = q["answer"] if rng.random() < p else rng.choice(wrong)
    return out


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
        data = _person(rng, firm, start)
        data.update(
            commune_code=_commune(rng, region, firm),
            enterprise_id=firm["enterprise_id"] if firm else None,
            enterprise_role="manager" if firm else "project_holder",
            partner_code=partner,
        )
        person = register_participant(db, SYSTEM, data, source_key=f"demo-p-{k}-{n}", today=start)
        enrolled.append((enrolment.enrol(db, SYSTEM, made.id, person.id).id, rng.random()))
    ability = {e: rng.uniform(0.2, 0.6) for e, _ in enrolled}
    for e, _ in enrolled:
        assessment.record_assessment(
            db, SYSTEM, e, "before", _answers(rng, questionnaire, ability[e]), start
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
        assessment.record_assessment(db, SYSTEM, e, "after", _answers(rng, questionnaire, p), end)
    certificates.issue_all(db, SYSTEM, made.id, end + timedelta(days=3))


def _questionnaire(db: Database, module: str) -> list[dict[str, Any]]:
    with db.session() as session:
        found = session.get(TrainingModule, module)
        return list(found.questionnaire) if found else []


def _seed_coaching(db: Database, rng: random.Random, today: date) -> None:
    with db.session() as session:
        rows = (
            session.execute(
                select(
                    Participant.id,
                    Participant.enterprise_id,
                    TrainingCohort.ends_on,
                    TrainingCohort.partner_code,
                )
                .join(Enrolment, Enrolment.participant_id == Participant.id)
                .join(Certificate, Certificate.enrolment_id == Enrolment.id)
                .join(TrainingCohort, TrainingCohort.id == Enrolment.cohort_id)
                .where(Participant.enterprise_id.is_not(None))
                .order_by(Participant.id)
            )
            .tuples()
            .all()
        )
    chosen = rng.sample(list(rows), k=min(len(rows), 30))
    for n, (pid, firm, ended, partner) in enumerate(chosen):
        start = ended + timedelta(days=rng.randint(5, 30))
        if start >= today:
            continue
        plan = coaching.create_plan(
            db,
            SYSTEM,
            {
                "enterprise_id": firm,
                "participant_id": pid,
                "partner_code": partner,
                "coach": rng.choice(COACHES),
                "objectives": rng.sample(OBJECTIVES, k=rng.randint(1, 3)),
                "starts_on": start,
            },
            source_key=f"demo-plan-{n}",
        )
        visit_day = start
        for _ in range(rng.randint(1, 4)):
            if visit_day > today:
                break
            agreed = [
                (text, visit_day + timedelta(days=rng.choice([14, 21, 30, 45])))
                for text in rng.sample(ACTIONS, k=rng.randint(1, 3))
            ]
            _, actions = coaching.record_visit(
                db,
                SYSTEM,
                plan.id,
                visited_on=visit_day,
                notes="Visite de suivi",
                actions=agreed,
            )
            for action in actions:
                done_on = action.due_on - timedelta(days=rng.randint(0, 10))
                roll = rng.random()
                if roll < 0.6 and done_on <= today:
                    coaching.move_action(db, SYSTEM, action.id, "done", max(done_on, visit_day))
                elif roll < 0.75:
                    coaching.move_action(db, SYSTEM, action.id, "in_progress")
                elif roll < 0.82:
                    coaching.move_action(db, SYSTEM, action.id, "dropped")
            visit_day += timedelta(days=rng.randint(20, 40))


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
        firms = _firms(settings)
        for k in range(len(PLAN)):
            _seed_cohort(db, rng, k, firms, today)
        _seed_coaching(db, rng, today)
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
