"""Conversion figures of campaigns: per campaign, per chamber and per region, with the
inclusion breakdowns of the enterprises targeted and of those that applied.

- ``targeted``: enterprises of the campaigns' target lists;
- ``contacted``: a contact was attempted (reached or not);
- ``reached``: the enterprise was reached (``contacted`` at least once);
- ``interested``, ``applied``, ``declined``, ``not_reachable``: ever in that outcome
  (``applied`` whether recorded or detected from the applications);
- rates, as fractions rounded to 4 places (``None`` when the base is zero):
  ``contact_rate`` = contacted / targeted, ``reach_rate`` = reached / contacted,
  ``interest_rate`` = interested / reached, ``conversion_rate`` = applied / targeted.

The breakdowns are those of the participants' (``marsad.training.inclusion``), read on the
facts frozen with each target: gender, age band and youth of the person behind the
enterprise, region, rural or urban commune, size class.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select

from marsad.operational.auth import Actor
from marsad.operational.db import Database
from marsad.outreach.campaigns import sync_applications, visible
from marsad.outreach.models import Campaign, CampaignTarget
from marsad.training.inclusion import InclusionProfile, breakdown

FIGURES = ("targeted", "contacted", "reached", "interested", "applied", "declined", "not_reachable")


def _rate(num: int, den: int) -> float | None:
    return None if den == 0 else round(num / den, 4)


def figures(targets: Iterable[CampaignTarget]) -> dict[str, Any]:
    out = dict.fromkeys(FIGURES, 0)
    for t in targets:
        out["targeted"] += 1
        out["contacted"] += t.attempted_at is not None
        out["reached"] += t.reached_at is not None
        out["interested"] += t.interested_at is not None
        out["applied"] += t.applied_at is not None
        out["declined"] += t.closed_at is not None
        out["not_reachable"] += t.state == "not_reachable"
    return {
        **out,
        "contact_rate": _rate(out["contacted"], out["targeted"]),
        "reach_rate": _rate(out["reached"], out["contacted"]),
        "interest_rate": _rate(out["interested"], out["reached"]),
        "conversion_rate": _rate(out["applied"], out["targeted"]),
    }


def profile(t: CampaignTarget) -> InclusionProfile:
    return InclusionProfile(t.gender, t.birth_year, t.region_code, t.commune_kind, t.size_class)


def inclusion(targets: list[CampaignTarget], on: date) -> dict[str, Any]:
    return {
        "targeted": breakdown((profile(t) for t in targets), on),
        "applied": breakdown((profile(t) for t in targets if t.applied_at is not None), on),
    }


def _groups(
    pairs: Iterable[tuple[str | None, CampaignTarget]],
) -> dict[str, list[CampaignTarget]]:
    out: dict[str, list[CampaignTarget]] = {}
    for key, target in pairs:
        out.setdefault(key or "inconnu", []).append(target)
    return dict(sorted(out.items()))


def conversion(
    db: Database,
    actor: Actor,
    *,
    campaign_id: int | None = None,
    organiser: str | None = None,
    chamber: str | None = None,
    programme: str | None = None,
    on: date | None = None,
    sync: bool = True,
) -> dict[str, Any]:
    """The figures of the campaigns the actor may see (one, or those of an organiser, a
    chamber, a programme), in total, per campaign, per chamber and per region."""
    actor.require("campaign.read")
    on = on or date.today()
    if sync:
        sync_applications(db, campaign_id)
    query = select(Campaign, CampaignTarget).join(
        CampaignTarget, CampaignTarget.campaign_id == Campaign.id
    )
    query = query.where(visible(actor)).order_by(Campaign.id, CampaignTarget.rank)
    if campaign_id is not None:
        query = query.where(Campaign.id == campaign_id)
    if organiser:
        query = query.where(Campaign.organiser_code == organiser)
    if chamber:
        query = query.where(Campaign.chamber_code == chamber)
    if programme:
        query = query.where(Campaign.programme_code == programme)
    with db.session() as session:
        rows = session.execute(query).all()
    targets = [t for _, t in rows]
    campaigns: dict[int, tuple[Campaign, list[CampaignTarget]]] = {}
    for c, t in rows:
        campaigns.setdefault(c.id, (c, []))[1].append(t)
    return {
        "on": on.isoformat(),
        "total": figures(targets),
        "campaigns": [
            {
                "id": c.id,
                "name": c.name,
                "organiser_code": c.organiser_code,
                "chamber_code": c.chamber_code,
                "programme_code": c.programme_code,
                "channel": c.channel,
                **figures(ts),
            }
            for c, ts in campaigns.values()
        ],
        "by_chamber": {
            k: figures(v) for k, v in _groups((c.chamber_code, t) for c, t in rows).items()
        },
        "by_region": {
            k: figures(v) for k, v in _groups((t.region_code, t) for t in targets).items()
        },
        "inclusion": inclusion(targets, on),
    }
