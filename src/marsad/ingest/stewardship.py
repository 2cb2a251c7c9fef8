"""Deliveries guarded like money: what holds a delivery, and a data steward's decisions.

A delivery that loads no row, or far fewer rows than the current delivery of its period
(the convention's ``guard``), is not made current: it waits as ``pending``. A data
steward then confirms it, withdraws it, or makes an earlier delivery current again
(restore). Every decision is kept on the delivery's record (who, when, why) and in the
access log, and states its effects on the register and the next release.
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass, field
from typing import Any, Literal

from marsad.audit import log_access
from marsad.conventions import DeliveryGuard
from marsad.errors import Conflict, NotFound
from marsad.ingest.ledger import DeliveryRecord, Ledger
from marsad.ingest.texts import text
from marsad.settings import Settings

Action = Literal["confirm", "withdraw", "restore"]
# the states a decision may start from
_FROM: dict[Action, tuple[str, ...]] = {
    "confirm": ("pending",),
    "withdraw": ("pending", "current"),
    "restore": ("superseded", "withdrawn"),
}


def hold_reason(
    loaded: int, current: DeliveryRecord | None, guard: DeliveryGuard
) -> dict[str, Any] | None:
    """Why a delivery loading ``loaded`` rows must wait instead of replacing ``current``."""
    hold: dict[str, Any] = {
        "loaded": loaded,
        "replaces": current.id if current else None,
        "replaced_loaded": current.loaded if current else None,
        "max_row_drop_percent": guard.max_row_drop_percent,
    }
    if loaded == 0:
        return {"rule": "nothing_loaded", **hold}
    if current is None or current.loaded == 0:
        return None
    change = round(100 * (loaded - current.loaded) / current.loaded, 1)
    if -change > guard.max_row_drop_percent:
        return {"rule": "row_drop", "change_percent": change, **hold}
    return None


def hold_message(hold: dict[str, Any], lang: str = "en") -> str:
    """The reason of a hold in words."""
    return text(f"hold_{hold['rule']}", lang, **hold)


@dataclass
class Decision:
    """A data steward's decision and what it changes."""

    action: Action
    delivery: DeliveryRecord
    no_longer_current: str | None = None  # the delivery this one replaced, if any
    effects: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "delivery": self.delivery.to_dict(),
            "no_longer_current": self.no_longer_current,
            "effects": self.effects,
        }


def _effects(record: DeliveryRecord, changed: bool, lang: str) -> list[dict[str, str]]:
    """What a change of the current delivery of a period means downstream, in words."""
    where = {
        "partner": record.partner,
        "dataset": record.dataset,
        "period": record.period,
        "id": record.id,
    }
    if not changed:
        return [{"effect": "none", "message": text("effect_none", lang, **where)}]
    codes = ["register", "release"]
    if record.status != "current":
        codes.insert(0, "no_current")
    return [{"effect": c, "message": text(f"effect_{c}", lang, **where)} for c in codes]


def decide(
    settings: Settings,
    action: Action,
    delivery_id: str,
    *,
    by: str | None = None,
    reason: str = "",
    lang: str = "fr",
) -> Decision:
    """Confirm a pending delivery, withdraw a pending or current one, or restore an
    earlier one; the ledger changes under its lock, in one atomic write."""
    by = by or getpass.getuser()
    ledger = Ledger(settings.ledger_path)
    with ledger.locked() as records:
        record = next((r for r in records if r.id == delivery_id), None)
        if record is None:
            raise NotFound(text("unknown_delivery", lang, id=delivery_id))
        if record.status not in _FROM[action]:
            raise Conflict(
                text(
                    f"cannot_{action}",
                    lang,
                    id=delivery_id,
                    state=text(f"state_{record.status}", lang),
                )
            )
        if action != "withdraw" and not (record.path and (settings.home / record.path).is_dir()):
            raise Conflict(text("not_staged", lang, id=delivery_id))
        was_current = record.status == "current"
        replaced = None
        if action == "withdraw":
            record.status = "withdrawn"
        else:
            for other in records:
                if other.slot == record.slot and other.status == "current":
                    other.status, other.superseded_by = "superseded", record.id
                    replaced = other.id
            record.status, record.superseded_by = "current", None
            record.supersedes = replaced or record.supersedes
        at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        record.decisions.append({"action": action, "by": by, "at": at, "reason": reason})
    decision = Decision(
        action,
        record,
        replaced if action != "withdraw" else (record.id if was_current else None),
        _effects(record, action != "withdraw" or was_current, lang),
    )
    log_access(
        settings.home,
        action=f"delivery.{action}",
        subject=delivery_id,
        purpose=reason or f"delivery {action}",
        user=by,
        detail={"no_longer_current": decision.no_longer_current, "state": record.status},
    )
    return decision
