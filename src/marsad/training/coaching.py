"""Coaching: a plan for an enterprise (or a project holder) with a coach and objectives,
visits with their notes, and the actions agreed with the manager — due by a date, then
done (with the date they were done) or dropped.

An action moves ``agreed`` → ``in_progress`` → ``done`` (or ``dropped``) through one
conditional update each; the database refuses an action marked done without a done date
or done before it was agreed. The share of actions done is taken over the actions not
dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select, update

from marsad.errors import Conflict, InvalidInput, NotFound
from marsad.operational.auth import Actor
from marsad.operational.db import Database
from marsad.operational.people import utcnow
from marsad.programmes.checks import Checks
from marsad.training.models import (
    FORMATS,
    CoachingAction,
    CoachingPlan,
    CoachingVisit,
    Participant,
)
from marsad.training.participants import ENTERPRISE, check_partner

# action status: the statuses it may come from
MOVES: dict[str, tuple[str, ...]] = {
    "in_progress": ("agreed",),
    "done": ("agreed", "in_progress"),
    "dropped": ("agreed", "in_progress"),
}
MAX_OBJECTIVES = 10


def create_plan(
    db: Database,
    actor: Actor,
    data: dict[str, Any],
    *,
    exists: Callable[[str], bool] | None = None,
    source_key: str | None = None,
) -> CoachingPlan:
    """A coaching plan for an enterprise of the register or for a participant."""
    actor.require("coaching.write")
    checks = Checks()
    enterprise = (data.get("enterprise_id") or "").strip() or None
    person = data.get("participant_id")
    if enterprise is not None and (
        not ENTERPRISE.match(enterprise) or (exists is not None and not exists(enterprise))
    ):
        checks.fail("enterprise_id", "entreprise inconnue du registre")
    if enterprise is None and person is None:
        checks.fail("enterprise_id", "une entreprise ou un participant accompagné")
    coach = checks.text("coach", data.get("coach", ""), 200)
    partner = check_partner(checks, data.get("partner_code", ""))
    objectives = [str(o).strip() for o in data.get("objectives") or [] if str(o).strip()]
    if not objectives or len(objectives) > MAX_OBJECTIVES or any(len(o) > 300 for o in objectives):
        checks.fail("objectives", f"de 1 à {MAX_OBJECTIVES} objectifs de 300 caractères au plus")
    start = checks.day("starts_on", data.get("starts_on"))
    end = checks.day("ends_on", data.get("ends_on"), required=False)
    if isinstance(start, date) and isinstance(end, date) and end < start:
        checks.fail("ends_on", "antérieure au début")
    with db.session() as session:
        if person is not None:
            participant = session.get(Participant, person)
            if participant is None:
                checks.fail("participant_id", "participant inconnu")
            elif enterprise is None:
                enterprise = participant.enterprise_id
        checks.done("Plan d'accompagnement invalide.")
        plan = CoachingPlan(
            enterprise_id=enterprise,
            participant_id=person,
            partner_code=partner,
            coach=coach,
            objectives=objectives,
            starts_on=start,
            ends_on=end,
            source_key=source_key,
            created_by=actor.label,
        )
        session.add(plan)
        session.flush()
        return plan


def record_visit(
    db: Database,
    actor: Actor,
    plan_id: int,
    *,
    visited_on: date,
    format: str = "in_person",
    notes: str = "",
    actions: Sequence[tuple[str, date]] = (),
) -> tuple[CoachingVisit, list[CoachingAction]]:
    """A visit of an active plan, with the actions agreed during it (text, due date)."""
    actor.require("coaching.write")
    checks = Checks()
    notes = checks.text("notes", notes, 4000, required=False)
    if format not in FORMATS:
        checks.fail("format", f"formats : {', '.join(FORMATS)}")
    for i, (text, due) in enumerate(actions):
        if not str(text).strip() or len(str(text)) > 500:
            checks.fail(f"actions.{i}.description", "texte obligatoire de 500 caractères au plus")
        if not isinstance(due, date) or due < visited_on:
            checks.fail(f"actions.{i}.due_on", "échéance au jour de la visite ou après")
    with db.session() as session:
        plan = session.get(CoachingPlan, plan_id)
        if plan is None:
            raise NotFound(f"Le plan d'accompagnement {plan_id} n'existe pas.")
        if plan.status != "active":
            raise Conflict("Le plan d'accompagnement est clôturé.")
        if visited_on < plan.starts_on or (plan.ends_on and visited_on > plan.ends_on):
            checks.fail("visited_on", "dans la période du plan")
        checks.done("Visite invalide.")
        visit = CoachingVisit(
            plan_id=plan_id,
            visited_on=visited_on,
            format=format,
            notes=notes,
            recorded_by=actor.label,
        )
        session.add(visit)
        session.flush()
        agreed = [
            CoachingAction(
                plan_id=plan_id,
                visit_id=visit.id,
                description=str(text).strip(),
                agreed_on=visited_on,
                due_on=due,
                updated_by=actor.label,
            )
            for text, due in actions
        ]
        session.add_all(agreed)
        session.flush()
        return visit, agreed


def move_action(
    db: Database, actor: Actor, action_id: int, status: str, on: date | None = None
) -> CoachingAction:
    """An action in progress, done (on ``on``) or dropped."""
    actor.require("coaching.write")
    if status not in MOVES:
        raise InvalidInput(f"Statut inconnu : {status} ; statuts : {', '.join(MOVES)}.")
    if status == "done" and on is None:
        raise InvalidInput(
            "Une action faite a sa date.", details=[{"field": "done_on", "message": "obligatoire"}]
        )
    with db.session() as session:
        action = session.get(CoachingAction, action_id)
        if action is None:
            raise NotFound(f"L'action {action_id} n'existe pas.")
        if status == "done" and on is not None and on < action.agreed_on:
            raise InvalidInput(
                "Une action ne peut être faite avant d'avoir été convenue.",
                details=[{"field": "done_on", "message": f"au plus tôt le {action.agreed_on}"}],
            )
        moved = session.execute(
            update(CoachingAction)
            .where(CoachingAction.id == action_id, CoachingAction.status.in_(MOVES[status]))
            .values(
                status=status,
                done_on=on if status == "done" else None,
                updated_by=actor.label,
                updated_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(f"L'action est « {action.status} » : elle ne peut passer à {status}.")
        session.refresh(action)
        return action


def close_plan(db: Database, actor: Actor, plan_id: int, on: date) -> CoachingPlan:
    actor.require("coaching.write")
    with db.session() as session:
        plan = session.get(CoachingPlan, plan_id)
        if plan is None:
            raise NotFound(f"Le plan d'accompagnement {plan_id} n'existe pas.")
        if plan.status != "active":
            raise Conflict("Le plan d'accompagnement est déjà clôturé.")
        if on < plan.starts_on:
            raise InvalidInput("La clôture précède le début du plan.")
        plan.status, plan.ends_on = "closed", on
        return plan


@dataclass(frozen=True)
class ActionCounts:
    agreed: int  # all actions agreed, dropped ones included
    done: int
    dropped: int
    overdue: int  # not done, not dropped, past their due date

    @property
    def done_share(self) -> float | None:
        """Done over the actions not dropped."""
        live = self.agreed - self.dropped
        return round(self.done / live, 4) if live else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "agreed": self.agreed,
            "done": self.done,
            "dropped": self.dropped,
            "overdue": self.overdue,
            "done_share": self.done_share,
        }


def action_counts(db: Database, plan_ids: Sequence[int], today: date) -> dict[int, ActionCounts]:
    """The actions of each plan, counted (plans without actions give zeros)."""
    out = {p: ActionCounts(0, 0, 0, 0) for p in plan_ids}
    if not plan_ids:
        return out
    with db.session() as session:
        rows = session.execute(
            select(
                CoachingAction.plan_id, CoachingAction.status, CoachingAction.due_on, func.count()
            )
            .where(CoachingAction.plan_id.in_(list(plan_ids)))
            .group_by(CoachingAction.plan_id, CoachingAction.status, CoachingAction.due_on)
        ).tuples()
        for plan_id, status, due_on, count in rows:
            late = due_on < today and status in ("agreed", "in_progress")
            c = out[plan_id]
            out[plan_id] = ActionCounts(
                c.agreed + count,
                c.done + (count if status == "done" else 0),
                c.dropped + (count if status == "dropped" else 0),
                c.overdue + (count if late else 0),
            )
    return out


def list_plans(
    db: Database,
    actor: Actor,
    *,
    enterprise_id: str | None = None,
    participant_id: int | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list[CoachingPlan]:
    actor.require("coaching.read")
    query = select(CoachingPlan).order_by(CoachingPlan.starts_on.desc(), CoachingPlan.id)
    if enterprise_id:
        query = query.where(CoachingPlan.enterprise_id == enterprise_id)
    if participant_id:
        query = query.where(CoachingPlan.participant_id == participant_id)
    with db.session() as session:
        return list(session.scalars(query.limit(limit).offset(offset)))


def plan_detail(
    db: Database, actor: Actor, plan_id: int
) -> tuple[CoachingPlan, list[CoachingVisit], list[CoachingAction]]:
    actor.require("coaching.read")
    with db.session() as session:
        plan = session.get(CoachingPlan, plan_id)
        if plan is None:
            raise NotFound(f"Le plan d'accompagnement {plan_id} n'existe pas.")
        visits = list(
            session.scalars(
                select(CoachingVisit)
                .where(CoachingVisit.plan_id == plan_id)
                .order_by(CoachingVisit.visited_on, CoachingVisit.id)
            )
        )
        actions = list(
            session.scalars(
                select(CoachingAction)
                .where(CoachingAction.plan_id == plan_id)
                .order_by(CoachingAction.due_on, CoachingAction.id)
            )
        )
        return plan, visits, actions
