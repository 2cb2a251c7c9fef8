"""Certificates: issued once per enrolment, only when the participant completed the cohort,
under a number anyone can check and nobody can guess.

The number reads ``AAAA-MMMMMMMM-RRRRRRRR-CC``: the year of issue, the enrolment number on
eight digits, eight random characters (Crockford's base 32, 40 bits: the numbers of other
certificates cannot be derived from one, nor enumerated), and two check digits computed
as for an IBAN (ISO 7064 MOD 97-10, letters as 10 to 35), so that a mistyped number is
recognised as such before it is looked up. The enrolment is unique in the table: two
requests to certify the same participant give one certificate.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marsad.errors import Conflict, InvalidInput, NotFound
from marsad.operational.auth import Actor
from marsad.operational.db import Database
from marsad.training.attendance import progress_in
from marsad.training.models import (
    Certificate,
    Enrolment,
    Participant,
    TrainingCohort,
    TrainingModule,
)

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
NUMBER = re.compile(rf"^(\d{{4}})-(\d{{8}})-([{ALPHABET}]{{8}})-(\d{{2}})$")


def check_digits(body: str) -> str:
    """ISO 7064 MOD 97-10 check digits of a string of digits and capital letters."""
    digits = "".join(str(int(c, 36)) for c in body)
    return f"{98 - int(digits + '00') % 97:02d}"


def certificate_number(year: int, enrolment_id: int, random_part: str | None = None) -> str:
    random_part = random_part or "".join(secrets.choice(ALPHABET) for _ in range(8))
    body = f"{year:04d}{enrolment_id:08d}{random_part}"
    return f"{year:04d}-{enrolment_id:08d}-{random_part}-{check_digits(body)}"


def well_formed(number: str) -> bool:
    found = NUMBER.match(number or "")
    if found is None:
        return False
    body = found.group(1) + found.group(2) + found.group(3)
    return check_digits(body) == found.group(4)


def issue(db: Database, actor: Actor, enrolment_id: int, on: date) -> Certificate:
    """The certificate of an enrolment that completed its cohort on ``on``."""
    actor.require("training.write")
    try:
        with db.session() as session:
            enrolment = session.get(Enrolment, enrolment_id)
            if enrolment is None:
                raise NotFound(f"L'inscription {enrolment_id} n'existe pas.")
            if session.scalar(
                select(Certificate.number).where(Certificate.enrolment_id == enrolment_id)
            ):
                raise Conflict("Une attestation a déjà été délivrée pour cette inscription.")
            progress = progress_in(session, enrolment.cohort_id, on)[enrolment_id]
            if not progress.completed:
                reason = (
                    "toutes les séances n'ont pas eu lieu"
                    if progress.held < progress.sessions or not progress.sessions
                    else f"présent à {progress.attended} séance(s) sur {progress.sessions}, "
                    f"{progress.required} exigée(s)"
                )
                if enrolment.status != "enrolled":
                    reason = "l'inscription a été retirée"
                cohort = session.get(TrainingCohort, enrolment.cohort_id)
                if cohort is not None and cohort.status == "cancelled":
                    reason = "la cohorte a été annulée"
                raise Conflict(f"Formation non achevée : {reason}.")
            certificate = Certificate(
                number=certificate_number(on.year, enrolment_id),
                enrolment_id=enrolment_id,
                issued_on=on,
                attended=progress.attended,
                sessions=progress.sessions,
                issued_by=actor.label,
            )
            session.add(certificate)
            session.flush()
            return certificate
    except IntegrityError:
        raise Conflict("Une attestation a déjà été délivrée pour cette inscription.") from None


def issue_all(db: Database, actor: Actor, cohort_id: int, on: date) -> list[Certificate]:
    """Certificates for every participant of a cohort who completed it and has none yet."""
    actor.require("training.write")
    with db.session() as session:
        done = [p.enrolment_id for p in progress_in(session, cohort_id, on).values() if p.completed]
        have = set(
            session.scalars(
                select(Certificate.enrolment_id).where(Certificate.enrolment_id.in_(done))
            )
        )
    return [issue(db, actor, e, on) for e in done if e not in have]


@dataclass(frozen=True)
class Verification:
    number: str
    valid: bool
    module: str | None = None
    cohort: str | None = None
    partner_code: str | None = None
    issued_on: date | None = None
    holder_initials: str | None = None  # never the name: the check is public


def verify(db: Database, number: str) -> Verification:
    """Whether a certificate of this number was issued, with what it certifies."""
    number = (number or "").strip()
    if not well_formed(number):
        raise InvalidInput(
            "Numéro d'attestation mal formé ou erroné (chiffres de contrôle).",
            details=[{"field": "number", "message": "forme AAAA-NNNNNNNN-XXXXXXXX-CC"}],
        )
    with db.session() as session:
        found = session.execute(
            select(Certificate, TrainingModule.title, TrainingCohort, Participant.full_name)
            .join(Enrolment, Enrolment.id == Certificate.enrolment_id)
            .join(TrainingCohort, TrainingCohort.id == Enrolment.cohort_id)
            .join(TrainingModule, TrainingModule.code == TrainingCohort.module_code)
            .join(Participant, Participant.id == Enrolment.participant_id)
            .where(Certificate.number == number)
        ).first()
    if found is None:
        return Verification(number, False)
    certificate, title, cohort, name = found
    initials = ".".join(w[0].upper() for w in str(name).split() if w[:1].isalpha()) + "."
    return Verification(
        number, True, title, cohort.code, cohort.partner_code, certificate.issued_on, initials
    )


def certificates_of(db: Database, cohort_id: int) -> dict[int, Certificate]:
    """Enrolment id → certificate, for a cohort."""
    with db.session() as session:
        rows = session.scalars(
            select(Certificate)
            .join(Enrolment, Enrolment.id == Certificate.enrolment_id)
            .where(Enrolment.cohort_id == cohort_id)
        )
        return {c.enrolment_id: c for c in rows}
