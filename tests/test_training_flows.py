"""Training from enrolment to certificate: seats, withdrawals, attendance, completion,
certificates, skills before and after; coaching plans, visits and actions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from marsad.errors import Conflict, Forbidden, InvalidInput, NotFound
from marsad.operational import Database, migrate
from marsad.operational.auth import Actor
from marsad.training.assessment import gains_of, record_assessment, score
from marsad.training.attendance import progress_of, record_attendance, required_sessions
from marsad.training.certificates import (
    certificate_number,
    issue,
    issue_all,
    verify,
    well_formed,
)
from marsad.training.coaching import action_counts, create_plan, move_action, record_visit
from marsad.training.cohorts import add_session, sessions_of, set_status
from marsad.training.enrolment import enrol, enrolments_of, withdraw
from marsad.training.models import TrainingCohort
from marsad.training.participants import register_participant
from training_fixtures import START, actors, cohort, person

AFTER = START + timedelta(days=60)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    migrate(database_url)
    database = Database(database_url)
    yield database
    database.dispose()


def _seats(db: Database, cohort_id: int) -> int:
    with db.session() as session:
        found = session.get(TrainingCohort, cohort_id)
        assert found is not None
        return found.enrolled


def test_enrolment_takes_and_frees_seats(db: Database) -> None:
    who = actors(db)
    manager = who["manager"]
    cid = cohort(db, manager, capacity=2)
    a, b, c = (person(db, manager, n) for n in (1, 2, 3))
    first = enrol(db, manager, cid, a)
    enrol(db, manager, cid, b)
    assert _seats(db, cid) == 2
    with pytest.raises(Conflict, match="complète"):
        enrol(db, manager, cid, c)
    with pytest.raises(Conflict, match="déjà inscrit"):
        enrol(db, manager, cid, a)
    withdraw(db, manager, first.id)
    assert _seats(db, cid) == 1
    with pytest.raises(Conflict, match="déjà retirée"):
        withdraw(db, manager, first.id)
    enrol(db, manager, cid, c)
    with pytest.raises(Conflict, match="complète"):
        enrol(db, manager, cid, a)  # the withdrawn one cannot come back to a full cohort
    assert {p.id for _, p in enrolments_of(db, cid, active_only=True)} == {b, c}
    with pytest.raises(NotFound):
        enrol(db, manager, cid, 9999)
    with pytest.raises(Forbidden):
        enrol(db, who["analyst"], cid, a)


def test_participants_are_checked_field_by_field(db: Database) -> None:
    manager = actors(db)["manager"]
    bad = {
        "full_name": "",
        "gender": "X",
        "birth_year": 1850,
        "phone": "abc",
        "email": "nobody",
        "commune_code": "99999999",
        "enterprise_id": "E1",
        "enterprise_role": "manager",
        "partner_code": "x",
    }
    with pytest.raises(InvalidInput) as refused:
        register_participant(db, manager, bad, exists=lambda _: False, today=date(2025, 1, 1))
    fields = {d["field"] for d in refused.value.details}
    assert fields == {
        "full_name",
        "gender",
        "birth_year",
        "phone",
        "email",
        "commune_code",
        "enterprise_id",
        "partner_code",
    }
    holder = person(db, manager, 7, enterprise_id=None, enterprise_role=None)
    assert holder > 0
    with pytest.raises(Conflict, match="déjà inscrite"):
        person(db, manager, 7, enterprise_id=None)


def test_attendance_completion_and_certificates(db: Database) -> None:
    manager = actors(db)["manager"]
    cid = cohort(db, manager, sessions=4)
    people = [person(db, manager, n) for n in range(1, 5)]
    enrolled = [enrol(db, manager, cid, p).id for p in people]
    sessions = [s.id for s in sessions_of(db, cid)]
    assert required_sessions(4, Decimal("0.75")) == 3 and required_sessions(5, Decimal("0.75")) == 4
    # present: all four / three of four / two of four / all four but withdrawn
    plan = {0: [1, 1, 1, 1], 1: [1, 0, 1, 1], 2: [1, 0, 0, 1], 3: [1, 1, 1, 1]}
    for k, sid in enumerate(sessions):
        record_attendance(
            db, manager, sid, {enrolled[i]: bool(plan[i][k]) for i in range(4)}, today=AFTER
        )
    withdraw(db, manager, enrolled[3])
    # not yet complete before the last session is held
    mid = START + timedelta(days=10)
    assert not any(p.completed for p in progress_of(db, cid, mid).values())
    with pytest.raises(Conflict, match="toutes les séances"):
        issue(db, manager, enrolled[0], mid)
    progress = progress_of(db, cid, AFTER)
    assert [progress[e].attended for e in enrolled] == [4, 3, 2, 4]
    assert [progress[e].completed for e in enrolled] == [True, True, False, False]
    with pytest.raises(Conflict, match="présent à 2 séance"):
        issue(db, manager, enrolled[2], AFTER)
    with pytest.raises(Conflict, match="retirée"):
        issue(db, manager, enrolled[3], AFTER)
    issued = issue_all(db, manager, cid, AFTER)
    assert sorted(c.enrolment_id for c in issued) == enrolled[:2]
    assert issue_all(db, manager, cid, AFTER) == []  # nothing twice
    with pytest.raises(Conflict, match="déjà été délivrée"):
        issue(db, manager, enrolled[0], AFTER)
    number = issued[0].number
    assert well_formed(number) and number.startswith(f"{AFTER.year}-{issued[0].enrolment_id:08d}-")
    # the random part: the number of a certificate cannot be computed from its enrolment
    assert number != certificate_number(AFTER.year, issued[0].enrolment_id)
    guesses = {certificate_number(AFTER.year, e) for e in enrolled[:2] for _ in range(50)}
    assert len(guesses) == 100 and not any(verify(db, g).valid for g in guesses)
    assert issued[1].number.split("-")[2] != number.split("-")[2]
    checked = verify(db, number)
    assert checked.valid and checked.cohort == "C-1" and checked.holder_initials == "P."
    wrong = number[:-2] + f"{(int(number[-2:]) + 1) % 100:02d}"
    with pytest.raises(InvalidInput, match="chiffres de contrôle"):
        verify(db, wrong)
    assert not verify(db, certificate_number(AFTER.year, 99999)).valid
    # a closed cohort takes no one; a cancelled one certifies no one
    closing = cohort(db, manager, code="C-3")
    set_status(db, manager, closing, "closed")
    with pytest.raises(Conflict, match="pas ouverte"):
        enrol(db, manager, closing, people[1])
    with pytest.raises(Conflict, match="ne peut passer"):
        set_status(db, manager, closing, "cancelled")
    set_status(db, manager, closing, "open")
    late_comer = enrol(db, manager, closing, people[1]).id
    for sid in [s.id for s in sessions_of(db, closing)]:
        record_attendance(db, manager, sid, {late_comer: True}, today=AFTER)
    set_status(db, manager, closing, "cancelled")
    with pytest.raises(Conflict, match="annulée"):
        issue(db, manager, late_comer, AFTER)
    # a sheet for people of another cohort, or for a session to come, is refused
    other = cohort(db, manager, code="C-2")
    stranger = enrol(db, manager, other, people[0]).id
    with pytest.raises(InvalidInput, match="pas celles de la cohorte"):
        record_attendance(db, manager, sessions[0], {stranger: True}, today=AFTER)
    with pytest.raises(Conflict, match="pas encore eu lieu"):
        record_attendance(db, manager, sessions[-1], {enrolled[0]: True}, today=START)
    with pytest.raises(InvalidInput) as late:
        add_session(db, manager, cid, held_on=AFTER, hours=30, place="", format="remote_only")
    assert {d["field"] for d in late.value.details} == {"held_on", "hours", "place", "format"}


def test_skills_before_and_after_known_answer(db: Database) -> None:
    manager = actors(db)["manager"]
    questionnaire = [
        {"id": "q1", "choices": ["a", "b", "c"], "answer": 1},
        {"id": "q2", "choices": ["a", "b"], "answer": 0},
        {"id": "q3", "choices": ["a", "b"], "answer": 0, "weight": 2},
    ]
    assert score(questionnaire, {}) == 0
    assert score(questionnaire, {"q1": 1}) == 25
    assert score(questionnaire, {"q1": 1, "q3": 0}) == 75
    assert score(questionnaire, {"q1": 1, "q2": 0, "q3": 0}) == 100
    with pytest.raises(InvalidInput):
        score(questionnaire, {"q9": 0, "q1": 7})
    cid = cohort(db, manager)
    a, b, c = (enrol(db, manager, cid, person(db, manager, n)).id for n in (1, 2, 3))
    # TRESO-1 has three questions of weight 1, right answers q1=0, q2=1, q3=1
    record_assessment(db, manager, a, "before", {"q1": 0}, START)  # 33
    record_assessment(db, manager, a, "after", {"q1": 0, "q2": 1, "q3": 1}, AFTER)  # 100
    record_assessment(db, manager, b, "before", {"q1": 2, "q2": 0}, START)  # 0
    record_assessment(db, manager, b, "after", {"q1": 0, "q2": 1}, AFTER)  # 67
    record_assessment(db, manager, c, "before", {"q1": 0, "q2": 1}, START)  # 67, no after
    with pytest.raises(Conflict, match="déjà été enregistrée"):
        record_assessment(db, manager, a, "after", {}, AFTER)
    with pytest.raises(InvalidInput, match="précède"):
        record_assessment(db, manager, c, "after", {}, START - timedelta(days=1))
    gains = gains_of(db, cid)
    assert gains.scores == {a: (33, 100), b: (0, 67), c: (67, None)}
    assert gains.gain(a) == 67 and gains.gain(b) == 67 and gains.gain(c) is None
    assert gains.paired == 2
    assert gains.mean_before == 16.5 and gains.mean_after == 83.5 and gains.mean_gain == 67.0


def test_coaching_actions(db: Database) -> None:
    who = actors(db)
    coach: Actor = who["coach"]
    with pytest.raises(Forbidden):
        create_plan(db, who["analyst"], {})
    with pytest.raises(InvalidInput) as refused:
        create_plan(db, coach, {"partner_code": "MAROC_PME", "objectives": []})
    assert {d["field"] for d in refused.value.details} >= {"enterprise_id", "coach", "objectives"}
    plan = create_plan(
        db,
        coach,
        {
            "enterprise_id": "E00042",
            "partner_code": "MAROC_PME",
            "coach": "Youssef Alaoui",
            "objectives": ["tenir un plan de trésorerie", "facturer avec l'ICE"],
            "starts_on": START,
        },
        exists=lambda e: e == "E00042",
    )
    visit, agreed = record_visit(
        db,
        coach,
        plan.id,
        visited_on=START + timedelta(days=5),
        notes="Premier diagnostic",
        actions=[
            ("Ouvrir un tableau de trésorerie", START + timedelta(days=20)),
            ("Numéroter les factures", START + timedelta(days=10)),
            ("Relancer les impayés", START + timedelta(days=30)),
            ("Changer de logiciel de caisse", START + timedelta(days=30)),
        ],
    )
    assert visit.id and len(agreed) == 4 and all(a.status == "agreed" for a in agreed)
    with pytest.raises(InvalidInput):
        record_visit(
            db,
            coach,
            plan.id,
            visited_on=START - timedelta(days=1),
            actions=[("", START - timedelta(days=9))],
        )
    move_action(db, coach, agreed[0].id, "in_progress")
    move_action(db, coach, agreed[0].id, "done", START + timedelta(days=18))
    move_action(db, coach, agreed[1].id, "done", START + timedelta(days=12))
    move_action(db, coach, agreed[3].id, "dropped")
    with pytest.raises(Conflict, match="ne peut passer"):
        move_action(db, coach, agreed[0].id, "done", START + timedelta(days=19))
    with pytest.raises(InvalidInput, match="avant d'avoir été convenue"):
        move_action(db, coach, agreed[2].id, "done", START)
    with pytest.raises(InvalidInput, match="sa date"):
        move_action(db, coach, agreed[2].id, "done")
    counts = action_counts(db, [plan.id], START + timedelta(days=40))[plan.id]
    assert (counts.agreed, counts.done, counts.dropped, counts.overdue) == (4, 2, 1, 1)
    assert counts.done_share == round(2 / 3, 4)
    # the database itself refuses a done action without a date
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    from marsad.training.models import CoachingAction

    with pytest.raises(IntegrityError), db.session() as session:
        session.execute(
            update(CoachingAction)
            .where(CoachingAction.id == agreed[2].id)
            .values(status="done", done_on=None)
        )
    with db.session() as session:
        still = session.scalar(
            select(CoachingAction.status).where(CoachingAction.id == agreed[2].id)
        )
    assert still == "agreed"
