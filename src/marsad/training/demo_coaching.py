"""Coaching plans of the training demo: some certified managers are followed by a coach,
with visits and agreed actions, many of them done, some in progress, late or dropped."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from marsad.operational.auth import SYSTEM
from marsad.operational.db import Database
from marsad.training import coaching
from marsad.training.models import Certificate, Enrolment, Participant, TrainingCohort

COACHES = ["Karim Lahlou", "Meryem Chraibi", "Said Ouchen", "Loubna Amrani"]
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


def seed_coaching(db: Database, rng: random.Random, today: date) -> None:
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
