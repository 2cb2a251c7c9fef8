"""The short skills assessment taken before and after a module, and what was gained.

The questionnaire is the module's (catalogue data). The score is the weighted share of
right answers, from 0 to 100, rounded to the unit (half up); a question left unanswered
counts as wrong. The gain of a participant is the score after minus the score before;
the gain of a cohort is the mean over the participants who took both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marsad.errors import Conflict, InvalidInput, NotFound
from marsad.operational.auth import Actor
from marsad.operational.db import Database
from marsad.training.models import (
    PHASES,
    Assessment,
    Enrolment,
    TrainingCohort,
    TrainingModule,
)


def score(questionnaire: Sequence[Mapping[str, Any]], answers: Mapping[str, int]) -> int:
    """0-100: the weighted share of right answers (``answers``: question id → choice)."""
    known = {str(q["id"]): q for q in questionnaire}
    problems = []
    for qid, choice in answers.items():
        question = known.get(qid)
        if question is None:
            problems.append({"field": f"answers.{qid}", "message": "question inconnue"})
        elif not isinstance(choice, int) or not 0 <= choice < len(question["choices"]):
            problems.append({"field": f"answers.{qid}", "message": "choix inconnu"})
    if problems:
        raise InvalidInput("Réponses invalides.", details=problems)
    total = sum(int(q.get("weight", 1)) for q in questionnaire)
    right = sum(
        int(q.get("weight", 1)) for q in questionnaire if answers.get(str(q["id"])) == q["answer"]
    )
    if total == 0:
        return 0
    share = Decimal(100 * right) / Decimal(total)
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def record_assessment(
    db: Database,
    actor: Actor,
    enrolment_id: int,
    phase: str,
    answers: Mapping[str, int],
    taken_on: date,
) -> Assessment:
    """The participant's answers before or after the module, scored; once per phase."""
    actor.require("training.write")
    if phase not in PHASES:
        raise InvalidInput(f"Phase inconnue : {phase} (before ou after).")
    try:
        with db.session() as session:
            enrolment = session.get(Enrolment, enrolment_id)
            if enrolment is None:
                raise NotFound(f"L'inscription {enrolment_id} n'existe pas.")
            cohort = session.get(TrainingCohort, enrolment.cohort_id)
            module = session.get(TrainingModule, cohort.module_code) if cohort else None
            if cohort is None or module is None:
                raise NotFound("La cohorte ou le module de cette inscription n'existe plus.")
            if phase == "after":
                before = session.scalar(
                    select(Assessment.taken_on).where(
                        Assessment.enrolment_id == enrolment_id, Assessment.phase == "before"
                    )
                )
                if before is not None and taken_on < before:
                    raise InvalidInput(
                        "L'évaluation finale précède l'évaluation initiale.",
                        details=[{"field": "taken_on", "message": f"au plus tôt le {before}"}],
                    )
            done = session.scalar(
                select(Assessment.id).where(
                    Assessment.enrolment_id == enrolment_id, Assessment.phase == phase
                )
            )
            if done is not None:
                raise Conflict("Cette évaluation a déjà été enregistrée.")
            row = Assessment(
                enrolment_id=enrolment_id,
                phase=phase,
                answers={k: int(v) for k, v in answers.items()},
                score=score(module.questionnaire, answers),
                taken_on=taken_on,
                recorded_by=actor.label,
            )
            session.add(row)
            session.flush()
            return row
    except IntegrityError:
        raise Conflict("Cette évaluation a déjà été enregistrée.") from None


@dataclass(frozen=True)
class Gains:
    """Scores before and after, per enrolment, and the cohort's means."""

    scores: dict[int, tuple[int | None, int | None]]  # enrolment → (before, after)
    paired: int  # participants with both scores
    mean_before: float | None
    mean_after: float | None
    mean_gain: float | None

    def gain(self, enrolment_id: int) -> int | None:
        before, after = self.scores.get(enrolment_id, (None, None))
        return None if before is None or after is None else after - before

    def to_dict(self) -> dict[str, Any]:
        return {
            "paired": self.paired,
            "mean_before": self.mean_before,
            "mean_after": self.mean_after,
            "mean_gain": self.mean_gain,
            "participants": [
                {"enrolment_id": e, "before": b, "after": a, "gain": self.gain(e)}
                for e, (b, a) in sorted(self.scores.items())
            ],
        }


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def gains_of(db: Database, cohort_id: int) -> Gains:
    """Before and after scores of a cohort's participants; means over those with both."""
    with db.session() as session:
        rows = session.execute(
            select(Assessment.enrolment_id, Assessment.phase, Assessment.score)
            .join(Enrolment, Enrolment.id == Assessment.enrolment_id)
            .where(Enrolment.cohort_id == cohort_id)
        ).tuples()
        scores: dict[int, tuple[int | None, int | None]] = {}
        for enrolment_id, phase, value in rows:
            before, after = scores.get(enrolment_id, (None, None))
            scores[enrolment_id] = (value, after) if phase == "before" else (before, value)
    pairs = [(b, a) for b, a in scores.values() if b is not None and a is not None]
    return Gains(
        scores,
        len(pairs),
        _mean([b for b, _ in pairs]),
        _mean([a for _, a in pairs]),
        _mean([a - b for b, a in pairs]),
    )


def questionnaire_of(db: Database, enrolment_id: int) -> tuple[TrainingModule, Enrolment]:
    """The module (and its questionnaire) an enrolment is assessed on."""
    with db.session() as session:
        enrolment = session.get(Enrolment, enrolment_id)
        if enrolment is None:
            raise NotFound(f"L'inscription {enrolment_id} n'existe pas.")
        cohort = session.get(TrainingCohort, enrolment.cohort_id)
        module = session.get(TrainingModule, cohort.module_code) if cohort else None
        if module is None:
            raise NotFound("Le module de cette inscription n'existe plus.")
        return module, enrolment
