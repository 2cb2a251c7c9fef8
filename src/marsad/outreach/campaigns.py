"""Outreach campaigns: created from a target list, then the outcome for each enterprise.

A campaign (organiser, chamber, programme, channel, message, dates) freezes the target
list it is created from: the enterprises and the facts its inclusion breakdowns read.
Each enterprise's outcome moves by the table ``TRANSITIONS`` (contacted, interested,
applied; or not reachable, declined), each change a conditional update of the database
(the row changes only if it is still in a state the change may start from), with its
time, who recorded it and the history. ``applied`` is also set by ``sync_applications``
when an application to the campaign's programme appears for a targeted enterprise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from marsad.errors import Conflict, InvalidInput, NotFound
from marsad.operational.auth import SYSTEM, Actor, record
from marsad.operational.db import Database
from marsad.operational.people import utcnow
from marsad.outreach.access import chamber_region, scoped_chamber, sees_chamber
from marsad.outreach.models import CHANNELS, Campaign, CampaignOutcomeEvent, CampaignTarget
from marsad.outreach.targets import TargetQuery, build_targets
from marsad.programmes.models import Application
from marsad.settings import Settings

# outcome -> the outcomes it may be recorded from (by a person)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "contacted": ("targeted", "not_reachable"),
    "not_reachable": ("targeted",),
    "interested": ("contacted",),
    "declined": ("contacted", "interested"),
    "applied": ("interested",),
}
OUTCOME_LABELS = {
    "targeted": "Ciblée",
    "contacted": "Contactée",
    "interested": "Intéressée",
    "applied": "A déposé une demande",
    "not_reachable": "Injoignable",
    "declined": "A décliné",
}
CHANNEL_LABELS = {
    "phone": "Téléphone",
    "email": "Courriel",
    "sms": "SMS",
    "visit": "Visite",
    "letter": "Courrier",
}
MAX_TARGETS = 100_000


@dataclass(frozen=True)
class CampaignSpec:
    name: str
    organiser_code: str
    programme: str
    channel: str
    starts_on: date
    message: str = ""
    ends_on: date | None = None
    chamber_code: str | None = None
    region: str | None = None
    sections: tuple[str, ...] = ()
    divisions: tuple[str, ...] = ()
    not_contacted_days: int | None = None
    max_targets: int | None = None
    source_key: str | None = None


def _check(spec: CampaignSpec) -> None:
    problems = []
    if not spec.name.strip() or len(spec.name) > 300:
        problems.append({"field": "name", "message": "un nom de 1 à 300 caractères"})
    if spec.channel not in CHANNELS:
        problems.append({"field": "channel", "message": f"canal parmi {', '.join(CHANNELS)}"})
    if spec.ends_on is not None and spec.ends_on < spec.starts_on:
        problems.append({"field": "ends_on", "message": "la fin précède le début"})
    if spec.max_targets is not None and not 1 <= spec.max_targets <= MAX_TARGETS:
        problems.append({"field": "max_targets", "message": f"de 1 à {MAX_TARGETS}"})
    if len(spec.message) > 4000:
        problems.append({"field": "message", "message": "4000 caractères au plus"})
    if problems:
        raise InvalidInput("La campagne est invalide.", details=problems)


def create_campaign(
    settings: Settings, db: Database, actor: Actor, spec: CampaignSpec
) -> tuple[Campaign, int]:
    """A campaign with its frozen target list (taken on the campaign's first day); returns
    it and the number of targets."""
    actor.require("campaign.write")
    _check(spec)
    chamber = scoped_chamber(actor, spec.chamber_code)
    region = spec.region or chamber_region(chamber)
    if spec.source_key:
        with db.session() as session:
            done = session.scalar(select(Campaign).where(Campaign.source_key == spec.source_key))
            if done is not None:
                return done, done.targeted
    query = TargetQuery(
        spec.programme,
        region,
        list(spec.sections),
        list(spec.divisions),
        spec.not_contacted_days,
        as_of=spec.starts_on,
        limit=spec.max_targets or MAX_TARGETS,
    )
    found = build_targets(
        settings, db, actor, query, purpose=f"campagne « {spec.name} »", with_profile=True
    )
    if not found.rows:
        raise Conflict("La liste cible est vide : aucune entreprise à mobiliser pour ce choix.")
    with db.session() as session:
        campaign = Campaign(
            name=spec.name.strip(),
            organiser_code=spec.organiser_code,
            chamber_code=chamber,
            region_code=found.region,
            programme_code=found.programme,
            channel=spec.channel,
            message=spec.message,
            starts_on=spec.starts_on,
            ends_on=spec.ends_on,
            filters={
                "region": found.region,
                "sections": found.sections,
                "divisions": found.divisions,
                "not_contacted_days": found.not_contacted_days,
                "as_of": found.as_of.isoformat(),
                "listed": found.counts["listed"],
            },
            targeted=len(found.rows),
            source_key=spec.source_key,
            created_by=actor.label,
        )
        session.add(campaign)
        session.flush()
        session.add_all(
            CampaignTarget(
                campaign_id=campaign.id,
                enterprise_id=row["enterprise_id"],
                rank=rank,
                priority=row["priority"],
                criteria=row["criteria"],
                region_code=row["region_code"],
                commune_code=row["commune_code"],
                commune_kind=row["commune_kind"],
                section=row["section"],
                size_class=row["size_class"],
                gender=row["gender"],
                birth_year=row["birth_year"],
            )
            for rank, row in enumerate(found.rows, start=1)
        )
    return campaign, len(found.rows)


def visible(actor: Actor) -> ColumnElement[bool]:
    """The campaigns an actor may see (a chamber's agent: those of their chamber)."""
    if actor.chamber_code is None:
        return Campaign.id.is_not(None)
    return Campaign.chamber_code == actor.chamber_code


def get_campaign(db: Database, actor: Actor, campaign_id: int) -> Campaign:
    actor.require("campaign.read")
    with db.session() as session:
        campaign = session.get(Campaign, campaign_id)
    if campaign is None or not sees_chamber(actor, campaign.chamber_code):
        raise NotFound(f"La campagne {campaign_id} n'existe pas.")
    return campaign


def list_campaigns(
    db: Database, actor: Actor, *, programme: str | None = None, organiser: str | None = None
) -> list[Campaign]:
    actor.require("campaign.read")
    query = select(Campaign).where(visible(actor)).order_by(Campaign.id.desc())
    if programme:
        query = query.where(Campaign.programme_code == programme)
    if organiser:
        query = query.where(Campaign.organiser_code == organiser)
    with db.session() as session:
        return list(session.scalars(query))


def targets_of(db: Database, actor: Actor, campaign_id: int) -> list[CampaignTarget]:
    get_campaign(db, actor, campaign_id)
    with db.session() as session:
        return list(
            session.scalars(
                select(CampaignTarget)
                .where(CampaignTarget.campaign_id == campaign_id)
                .order_by(CampaignTarget.rank)
            )
        )


def _stamps(to: str, now: datetime) -> dict[str, Any]:
    first = {
        "contacted": ("attempted_at", "reached_at"),
        "not_reachable": ("attempted_at",),
        "interested": ("interested_at",),
        "declined": ("closed_at",),
        "applied": ("applied_at",),
    }[to]
    column = CampaignTarget.__table__.c
    return {name: func.coalesce(column[name], now) for name in first}


def _move(
    session: Session,
    target: CampaignTarget,
    to: str,
    allowed: tuple[str, ...],
    who: str,
    note: str,
    automatic: bool = False,
    application_id: int | None = None,
) -> bool:
    now = utcnow()
    values = {**_stamps(to, now), "state": to, "updated_by": who, "updated_at": now}
    if application_id is not None:
        values["application_id"] = application_id
    done = session.execute(
        update(CampaignTarget)
        .where(CampaignTarget.id == target.id, CampaignTarget.state.in_(allowed))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if getattr(done, "rowcount", 0) != 1:
        return False
    session.add(
        CampaignOutcomeEvent(
            target_id=target.id,
            actor=who,
            from_state=target.state,
            to_state=to,
            note=note,
            automatic=automatic,
        )
    )
    return True


def record_outcome(
    db: Database, actor: Actor, campaign_id: int, enterprise_id: str, outcome: str, note: str = ""
) -> CampaignTarget:
    """Record ``outcome`` for one enterprise of a campaign; refused (409) when the
    enterprise is not in a state it may follow."""
    actor.require("campaign.write")
    campaign = get_campaign(db, actor, campaign_id)
    if actor.chamber_code is not None and campaign.chamber_code != actor.chamber_code:
        raise NotFound(f"La campagne {campaign_id} n'existe pas.")
    if outcome not in TRANSITIONS:
        raise InvalidInput(
            f"Issue inconnue : {outcome!r}.",
            details=[{"field": "outcome", "message": f"parmi {', '.join(TRANSITIONS)}"}],
        )
    if len(note) > 2000:
        raise InvalidInput("La note dépasse 2000 caractères.", details=[{"field": "note"}])
    with db.session() as session:
        target = session.scalar(
            select(CampaignTarget).where(
                CampaignTarget.campaign_id == campaign_id,
                CampaignTarget.enterprise_id == enterprise_id,
            )
        )
        if target is None:
            raise NotFound(f"L'entreprise {enterprise_id} n'est pas ciblée par la campagne.")
        allowed = TRANSITIONS[outcome]
        if not _move(session, target, outcome, allowed, actor.label, note):
            now = session.scalar(select(CampaignTarget.state).where(CampaignTarget.id == target.id))
            starts = ", ".join(f"« {OUTCOME_LABELS[s]} »" for s in allowed)
            raise Conflict(
                f"Passage refusé : l'entreprise {enterprise_id} est « "
                f"{OUTCOME_LABELS.get(str(now), str(now))} » ; « {OUTCOME_LABELS[outcome]} » "
                f"ne peut suivre que {starts}."
            )
    with db.session() as session:
        found = session.get(CampaignTarget, target.id)
        assert found is not None
    record(db, actor, "campaign.outcome", enterprise_id, f"campagne {campaign_id}", {"to": outcome})
    return found


def sync_applications(db: Database, campaign_id: int | None = None) -> int:
    """Set ``applied`` for every targeted enterprise that has an application to its
    campaign's programme (the first one); returns how many changed."""
    query = (
        select(CampaignTarget, func.min(Application.id))
        .join(Campaign, Campaign.id == CampaignTarget.campaign_id)
        .join(
            Application,
            (Application.enterprise_id == CampaignTarget.enterprise_id)
            & (Application.programme_code == Campaign.programme_code),
        )
        .where(CampaignTarget.state != "applied")
        .group_by(CampaignTarget.id)
    )
    if campaign_id is not None:
        query = query.where(CampaignTarget.campaign_id == campaign_id)
    changed = 0
    others = tuple(s for s in OUTCOME_LABELS if s != "applied")
    with db.session() as session:
        for target, application in session.execute(query).all():
            note = f"demande n° {application} déposée"
            changed += _move(
                session, target, "applied", others, SYSTEM.label, note, True, application
            )
    return changed
