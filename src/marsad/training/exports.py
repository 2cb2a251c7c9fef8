"""CSV exports of the training lists, through ``marsad.operational.exports``: the columns a
role may not see are left out and every export is logged with its purpose."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from marsad.conventions.model import Sensitivity
from marsad.operational.auth import Actor
from marsad.operational.db import Database
from marsad.operational.exports import ExportColumn, ExportResult, export_csv
from marsad.training import coaching
from marsad.training.cohorts import get_cohort
from marsad.training.views import ENROLMENT_COLUMNS, cohort_list, cohort_view, plan_dict

P, C = Sensitivity.public, Sensitivity.confidential
COHORT_COLUMNS = [
    ExportColumn("id", "N° cohorte", P),
    ExportColumn("code", "Code", P),
    ExportColumn("module_code", "Module", P),
    ExportColumn("module_title", "Intitulé", P),
    ExportColumn("partner_code", "Organisateur", P),
    ExportColumn("region_code", "Région", P),
    ExportColumn("commune_code", "Commune", P),
    ExportColumn("trainer", "Formateur", C),
    ExportColumn("language", "Langue", P),
    ExportColumn("starts_on", "Début", P),
    ExportColumn("ends_on", "Fin", P),
    ExportColumn("capacity", "Places", P),
    ExportColumn("enrolled", "Inscrits", P),
    ExportColumn("completed", "Formation achevée", P),
    ExportColumn("certificates", "Attestations", P),
    ExportColumn("status", "Statut", P),
]
PLAN_COLUMNS = [
    ExportColumn("id", "N° plan", P),
    ExportColumn("enterprise_id", "Entreprise (registre)", C),
    ExportColumn("participant_id", "N° participant", C),
    ExportColumn("partner_code", "Organisateur", P),
    ExportColumn("coach", "Coach", C),
    ExportColumn("objectives", "Objectifs", C),
    ExportColumn("starts_on", "Début", P),
    ExportColumn("ends_on", "Fin", P),
    ExportColumn("status", "Statut", P),
    ExportColumn("agreed", "Actions convenues", P),
    ExportColumn("done", "Actions faites", P),
    ExportColumn("dropped", "Actions abandonnées", P),
    ExportColumn("overdue", "Actions en retard", P),
    ExportColumn("done_share", "Part des actions faites", P),
]


def export_cohort(
    db: Database, actor: Actor, cohort_id: int, build_dir: Path | None, on: date, purpose: str
) -> ExportResult:
    """The participants of a cohort with attendance, scores and certificates."""
    cohort = get_cohort(db, actor, cohort_id)
    view = cohort_view(db, actor, cohort_id, build_dir, on, log=False)
    return export_csv(
        db,
        actor,
        subject=f"cohorte {cohort.code}",
        purpose=purpose,
        columns=ENROLMENT_COLUMNS,
        rows=view["participants"],
    )


def export_cohorts(
    db: Database, actor: Actor, build_dir: Path | None, on: date, purpose: str
) -> ExportResult:
    listing = cohort_list(db, actor, build_dir, on)
    return export_csv(
        db,
        actor,
        subject="cohortes de formation",
        purpose=purpose,
        columns=COHORT_COLUMNS,
        rows=listing["cohorts"],
    )


def export_plans(db: Database, actor: Actor, on: date, purpose: str) -> ExportResult:
    plans = coaching.list_plans(db, actor, limit=100_000)
    counts = coaching.action_counts(db, [p.id for p in plans], on)
    rows = []
    for plan in plans:
        row = plan_dict(plan, counts[plan.id])
        rows.append({**row, **row.pop("actions"), "objectives": " ; ".join(plan.objectives)})
    return export_csv(
        db,
        actor,
        subject="plans d'accompagnement",
        purpose=purpose,
        columns=PLAN_COLUMNS,
        rows=rows,
    )
