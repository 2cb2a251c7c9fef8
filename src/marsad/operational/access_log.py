"""Reading the access log: both stores (the database's table and ``audit.jsonl``) as one
list, newest first, filtered by subject, actor, purpose and date.

Reading it is itself written to the log (``access_log.read``), with the filters used.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from marsad.audit import ChainReport, file_lines, verify_file
from marsad.errors import InvalidInput
from marsad.operational.access_chain import verify_table
from marsad.operational.auth import Actor, record
from marsad.operational.db import Database
from marsad.operational.people import AccessLog

MAX_LIMIT = 500
# what each action is called where people read the log (an unknown one shows its code)
ACTION_LABELS = {
    "access_log.read": "Consultation du journal",
    "sign_in": "Connexion",
    "sign_in.failed": "Connexion échouée",
    "sign_in.refused": "Connexion refusée (trop d'échecs)",
    "user.deactivate": "Utilisateur désactivé",
    "user.activate": "Utilisateur réactivé",
    "user.second_factor": "Second facteur modifié",
    "token.revoke": "Jeton révoqué",
    "enterprise.read": "Consultation d'une entreprise",
    "register.show": "Fiche du registre",
    "register.export": "Export du registre",
    "register.review": "Revue d'une paire du registre",
    "delivery.upload": "Livraison déposée",
    "desk.read": "Consultation d'un dossier du guichet",
    "desk.list": "Liste des dossiers du guichet",
    "desk.open": "Dossier du guichet ouvert",
    "desk.step": "Étape d'un dossier du guichet",
    "desk.status": "Statut d'un dossier du guichet",
    "desk.link": "Dossier du guichet lié à une entreprise",
    "mission.read": "Consultation d'une mission",
    "mission.list": "Liste des missions",
    "mission.assign": "Mission attribuée",
    "mission.deliverable": "Livrable de mission",
    "mission.hand_in": "Mission remise",
    "mission.satisfaction": "Satisfaction d'une mission",
    "adviser.reference": "Référence d'un conseiller",
    "pilot.create": "Pilotage régional créé",
    "pilot.meeting": "Réunion de pilotage",
    "pilot.members": "Membres d'un pilotage",
    "match.read": "Consultation d'une mise en relation",
    "match.run": "Calcul des mises en relation",
    "training.read": "Consultation d'une formation",
    "coaching.read": "Consultation d'un accompagnement",
    "event.registrations": "Inscrits à un événement",
    "campaign.outcome": "Suite d'une campagne",
}


@dataclass(frozen=True)
class Filters:
    subject: str = ""
    actor: str = ""
    purpose: str = ""
    since: date | None = None
    until: date | None = None

    def as_dict(self) -> dict[str, str]:
        values = {
            "subject": self.subject,
            "actor": self.actor,
            "purpose": self.purpose,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True, order=True)
class Entry:
    at: datetime
    actor: str
    action: str
    subject: str
    purpose: str
    source: str  # "base" (the operational database) or "fichier" (audit.jsonl)
    detail: dict[str, Any] = field(compare=False, default_factory=dict)


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    total: int
    offset: int
    limit: int


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _table_query(filters: Filters) -> Any:
    query = select(AccessLog)
    for column, value in [
        (AccessLog.subject, filters.subject),
        (AccessLog.actor, filters.actor),
        (AccessLog.purpose, filters.purpose),
    ]:
        if value:
            query = query.where(func.lower(column).like(_like(value), escape="\\"))
    if filters.since:
        query = query.where(AccessLog.at >= datetime.combine(filters.since, datetime.min.time()))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), datetime.min.time())
        query = query.where(AccessLog.at < end)
    return query


def _file_entry(value: dict[str, Any]) -> Entry | None:
    try:
        at = datetime.fromisoformat(str(value.get("at", ""))).replace(tzinfo=None)
    except ValueError:
        return None
    return Entry(
        at,
        str(value.get("user", "")),
        str(value.get("action", "")),
        str(value.get("subject", "")),
        str(value.get("purpose", "")),
        "fichier",
        dict(value.get("detail") or {}),
    )


def _file_matches(entry: Entry, filters: Filters) -> bool:
    for text, wanted in [
        (entry.subject, filters.subject),
        (entry.actor, filters.actor),
        (entry.purpose, filters.purpose),
    ]:
        if wanted and wanted.lower() not in text.lower():
            return False
    if filters.since and entry.at.date() < filters.since:
        return False
    return not (filters.until and entry.at.date() > filters.until)


def read(
    db: Database,
    home: Path,
    actor: Actor,
    filters: Filters,
    *,
    offset: int = 0,
    limit: int = 100,
) -> Page:
    """The lines of both stores that pass the filters, newest first, a page at a time."""
    actor.require("access_log.read")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise InvalidInput(
            f"Pagination invalide : de 1 à {MAX_LIMIT} lignes, à partir de 0.",
            details=[{"field": "limit"}, {"field": "offset"}],
        )
    if filters.since and filters.until and filters.until < filters.since:
        raise InvalidInput("La date de fin précède la date de début.", details=[{"field": "until"}])
    wanted = offset + limit
    query = _table_query(filters)
    with db.session() as session:
        total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
        rows = session.scalars(query.order_by(AccessLog.at.desc()).limit(wanted)).all()
        from_table = [
            Entry(r.at, r.actor, r.action, r.subject, r.purpose, "base", dict(r.detail or {}))
            for r in rows
        ]
    newest: list[Entry] = []
    for _, value, _raw in file_lines(home):
        entry = _file_entry(value) if value else None
        if entry is None or not _file_matches(entry, filters):
            continue
        total += 1
        if len(newest) < wanted:
            heapq.heappush(newest, entry)
        else:
            heapq.heappushpop(newest, entry)
    merged = sorted([*from_table, *newest], reverse=True)[offset:wanted]
    record(db, actor, "access_log.read", "access_log", detail=filters.as_dict())
    return Page(merged, total, offset, limit)


def verify(db: Database, home: Path) -> list[ChainReport]:
    """The chain of each store: every line's hash and its link to the line before."""
    return [verify_table(db), verify_file(home)]
