"""CSV exports of outreach lists: target lists, a campaign's outcomes, an event's
registrations, through ``marsad.operational.exports.export_csv`` (columns a role may not
see left out, every export logged).

The register's columns follow the role's field rights (``field_rights.yaml``); the
chambers' contact details follow the chambers' convention (``outreach.contacts``); the
participants' details are personal data of the back office (field rights).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import pyarrow as pa

from marsad.conventions.model import Sensitivity
from marsad.operational.auth import Actor
from marsad.operational.db import Database
from marsad.operational.exports import ExportColumn, ExportResult, allowed_sensitivities, export_csv
from marsad.outreach import campaigns as campaign_service
from marsad.outreach.contacts import contact_access
from marsad.outreach.events import registrations
from marsad.outreach.facts import CONTACT_FIELDS, load_contacts
from marsad.outreach.targets import TargetList
from marsad.register.build import connect, current_build
from marsad.settings import Settings

P, C, X = Sensitivity.public, Sensitivity.confidential, Sensitivity.personal
ENTERPRISE = [
    ExportColumn("enterprise_id", "Identifiant entreprise", P),
    ExportColumn("region_code", "Région", P),
    ExportColumn("commune_code", "Commune", P),
    ExportColumn("commune_kind", "Milieu", P),
    ExportColumn("section", "Section NMA", P),
    ExportColumn("size_class", "Taille", P),
]
CONTACTS = [
    ExportColumn("denomination", "Dénomination", X),
    ExportColumn("phone", "Téléphone", X),
    ExportColumn("email", "Courriel", X),
]
PRIORITY = [
    ExportColumn("priority", "Priorité", C),
    ExportColumn("criteria", "Critères d'inclusion", C),
]
TARGET_COLUMNS = [
    *ENTERPRISE[:5],
    ExportColumn("division", "Division NMA", P),
    ENTERPRISE[5],
    ExportColumn("category", "Catégorie", P),
    ExportColumn("legal_form", "Forme juridique", P),
    *PRIORITY,
    *CONTACTS,
]
OUTCOME_COLUMNS = [
    ExportColumn("rank", "Rang", C),
    *ENTERPRISE,
    *PRIORITY,
    ExportColumn("state", "Issue", C),
    ExportColumn("attempted_at", "Premier contact tenté", C),
    ExportColumn("reached_at", "Jointe le", C),
    ExportColumn("interested_at", "Intéressée le", C),
    ExportColumn("applied_at", "Demande le", C),
    ExportColumn("closed_at", "A décliné le", C),
    ExportColumn("updated_by", "Enregistré par", C),
    *CONTACTS,
]
REGISTRATION_COLUMNS = [
    ExportColumn("participant_id", "Participant", P),
    ExportColumn("full_name", "Nom", X),
    ExportColumn("gender", "Genre", C),
    ExportColumn("birth_year", "Année de naissance", X),
    ExportColumn("phone", "Téléphone", X),
    ExportColumn("email", "Courriel", X),
    ExportColumn("enterprise_id", "Identifiant entreprise", P),
    ExportColumn("status", "Inscription", P),
    ExportColumn("registered_at", "Inscrit le", C),
    ExportColumn("attended", "Présent", P),
]
EVERY = frozenset(Sensitivity)


def _visible(actor: Actor, columns: list[ExportColumn], contacts: Iterable[str]) -> list[str]:
    """The register columns the role's field rights allow, and the contacts the chambers'
    convention allows."""
    rights = allowed_sensitivities(actor.role)
    own = [c.name for c in columns if c.name not in CONTACT_FIELDS and c.sensitivity in rights]
    return own + [f for f in CONTACT_FIELDS if f in set(contacts)]


def export_targets(db: Database, actor: Actor, found: TargetList, purpose: str) -> ExportResult:
    rows = [{**r, "criteria": ", ".join(r["criteria"])} for r in found.rows]
    return export_csv(
        db,
        actor,
        subject=f"targets:{found.programme}:{found.region or '*'}",
        purpose=purpose,
        columns=TARGET_COLUMNS,
        rows=rows,
        allowed=EVERY,
        visible_fields=_visible(actor, TARGET_COLUMNS, found.contact_fields),
    )


def contacts_for(settings: Settings, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The chamber contact details of enterprises of the current build (for a caller who
    checked the rights)."""
    build = current_build(settings)
    if build is None or not ids:
        return {}
    con = connect(settings)
    try:
        con.register("ot_ids_arrow", pa.table({"enterprise_id": pa.array(ids, pa.string())}))
        con.execute("CREATE TEMP TABLE ot_ids AS SELECT * FROM ot_ids_arrow")
        load_contacts(con, settings, build, "ot_ids")
        rel = con.execute("SELECT * FROM ot_contacts")
        names = [d[0] for d in rel.description]
        return {r[0]: dict(zip(names, r, strict=True)) for r in rel.fetchall()}
    finally:
        con.close()


def export_outcomes(
    settings: Settings, db: Database, actor: Actor, campaign_id: int, purpose: str
) -> ExportResult:
    targets = campaign_service.targets_of(db, actor, campaign_id)
    _, visible = contact_access(actor.role, date.today(), settings.conventions_dir)
    contacts = contacts_for(settings, [t.enterprise_id for t in targets]) if visible else {}
    rows = []
    for t in targets:
        row = {c.name: getattr(t, c.name, None) for c in OUTCOME_COLUMNS}
        row["criteria"] = ", ".join(t.criteria or [])
        row.update({f: contacts.get(t.enterprise_id, {}).get(f) for f in visible})
        rows.append(row)
    return export_csv(
        db,
        actor,
        subject=f"campaign:{campaign_id}",
        purpose=purpose,
        columns=OUTCOME_COLUMNS,
        rows=rows,
        allowed=EVERY,
        visible_fields=_visible(actor, OUTCOME_COLUMNS, visible),
    )


def export_registrations(db: Database, actor: Actor, event_id: int, purpose: str) -> ExportResult:
    rows = [
        {
            "participant_id": p.id,
            "full_name": p.full_name,
            "gender": p.gender,
            "birth_year": p.birth_year,
            "phone": p.phone,
            "email": p.email,
            "enterprise_id": p.enterprise_id,
            "status": r.status,
            "registered_at": r.registered_at,
            "attended": r.attended_at is not None,
        }
        for r, p in registrations(db, actor, event_id, purpose=purpose)
    ]
    return export_csv(
        db,
        actor,
        subject=f"event:{event_id}",
        purpose=purpose,
        columns=REGISTRATION_COLUMNS,
        rows=rows,
    )
