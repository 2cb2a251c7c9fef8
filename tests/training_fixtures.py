"""What the training tests share: a migrated database with the catalogue imported, the
people who act on it, and a cohort with its sessions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from marsad.operational import Database
from marsad.operational.auth import Actor, create_user
from marsad.training.catalogue import import_modules
from marsad.training.cohorts import add_session, create_cohort
from marsad.training.participants import register_participant

START = date(2025, 3, 3)


def actors(db: Database) -> dict[str, Actor]:
    import_modules(db, Actor(None, "system", "administrator"))
    return {
        "manager": create_user(db, "gestionnaire", "programme_manager"),
        "analyst": create_user(db, "analyste", "analyst"),
        "coach": create_user(db, "coach", "adviser"),
    }


def cohort(
    db: Database, actor: Actor, *, capacity: int = 20, sessions: int = 4, code: str = "C-1"
) -> int:
    made = create_cohort(
        db,
        actor,
        {
            "code": code,
            "module_code": "TRESO-1",
            "partner_code": "MAROC_PME",
            "region_code": "01",
            "commune_code": "01001001",
            "trainer": "Nadia Bennani",
            "language": "fr",
            "capacity": capacity,
            "starts_on": START,
            "ends_on": START + timedelta(days=30),
        },
    )
    for i in range(sessions):
        add_session(
            db,
            actor,
            made.id,
            held_on=START + timedelta(days=7 * i),
            hours=3,
            place="Chambre de commerce de Tanger",
            format="in_person",
        )
    return made.id


def person(db: Database, actor: Actor, n: int, **extra: Any) -> int:
    data = {
        "full_name": f"Participant {n}",
        "gender": "F" if n % 3 == 0 else "M",
        "birth_year": 1970 + n % 40,
        "phone": f"06 61 {n:02d} 00 00"[:14],
        "email": f"participant{n}@example.ma",
        "commune_code": "01001003",
        "enterprise_id": f"E{n:05d}",
        "partner_code": "MAROC_PME",
        **extra,
    }
    return register_participant(db, actor, data, today=date(2025, 1, 1)).id
