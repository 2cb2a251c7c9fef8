"""The JSON shape of campaigns and their targets, shared by the API and the command line."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from marsad.outreach.models import Campaign, CampaignTarget


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def campaign_dict(c: Campaign) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "organiser_code": c.organiser_code,
        "chamber_code": c.chamber_code,
        "region_code": c.region_code,
        "programme_code": c.programme_code,
        "channel": c.channel,
        "message": c.message,
        "starts_on": _iso(c.starts_on),
        "ends_on": _iso(c.ends_on),
        "filters": c.filters,
        "targeted": c.targeted,
        "created_by": c.created_by,
    }


def target_dict(t: CampaignTarget) -> dict[str, Any]:
    """A target's outcome and public attributes (no personal data)."""
    return {
        "enterprise_id": t.enterprise_id,
        "rank": t.rank,
        "priority": t.priority,
        "criteria": t.criteria,
        "region_code": t.region_code,
        "commune_code": t.commune_code,
        "commune_kind": t.commune_kind,
        "section": t.section,
        "size_class": t.size_class,
        "state": t.state,
        "attempted_at": _iso(t.attempted_at),
        "reached_at": _iso(t.reached_at),
        "interested_at": _iso(t.interested_at),
        "applied_at": _iso(t.applied_at),
        "closed_at": _iso(t.closed_at),
        "application_id": t.application_id,
        "updated_by": t.updated_by,
    }
