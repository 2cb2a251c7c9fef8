"""A feedback report per partner: what the observatory brings to the table when it signs or
renews a convention.

For each dataset of the partner's conventions: timeliness against the convention's
calendar, the rows of the current delivery of each period and their change, the shares
of rows quarantined and of files refused by rule, identifier quality (the fields with a
soft check: invalid ICEs, unknown communes, unknown activity codes) period by period;
then the enterprises of the current register build known only through this partner.
Only counts: no enterprise-level data leaves this report.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Literal

import duckdb
from pydantic import BaseModel

from marsad.conventions import Convention, ConventionSet, DatasetSpec, DeliveryCalendar
from marsad.errors import NotFound
from marsad.ingest.ledger import DeliveryRecord, Ledger
from marsad.ingest.rules import SOFT_RULES, lit, q
from marsad.ingest.texts import rule_name, text
from marsad.settings import Settings


class IdentifierQuality(BaseModel):
    field: str
    rule: str
    label: str
    filled: int  # loaded rows where the field is not empty
    failing: int  # of which fail the check
    failing_percent: float | None


class PeriodScore(BaseModel):
    period: int
    due: dt.date | None
    first_received: dt.date | None  # the first file of the period that was not refused
    timeliness: Literal["on_time", "late", "missing"] | None
    days_late: int | None
    files: int
    refused: int
    pending: int
    current: str | None
    received: int
    loaded: int
    quarantined: int
    quarantined_percent: float | None
    loaded_change_percent: float | None  # against the period listed before
    identifiers: list[IdentifierQuality]


class RuleShare(BaseModel):
    rule: str
    label: str
    count: int
    percent: float


class DatasetScore(BaseModel):
    dataset: str
    description: str
    calendar: DeliveryCalendar | None
    periods: list[PeriodScore]
    quarantine_by_rule: list[RuleShare]  # rows of current deliveries, % of rows received
    refusals_by_rule: list[RuleShare]  # files, % of files received


class OnlyThisPartner(BaseModel):
    build: str
    enterprises: int  # in the register
    with_partner: int  # with at least one unit from this partner
    only_partner: int  # with units from this partner alone
    percent: float | None  # only_partner / with_partner


class Scorecard(BaseModel):
    partner: str
    partner_name: str
    as_of: dt.date
    lang: str
    datasets: list[DatasetScore]
    only_partner: OnlyThisPartner | None
    note: str | None = None


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def _day(record: DeliveryRecord) -> dt.date:
    return dt.date.fromisoformat(record.received_at[:10])


def _expected(convs: list[Convention], dataset: str, today: dt.date) -> set[int]:
    """Periods whose delivery fell due while a convention covering the dataset was in force."""
    out: set[int] = set()
    for conv in convs:
        calendar = conv.datasets[dataset].calendar
        if calendar is None:
            continue
        end = min(today, conv.valid_to)
        for period in range(conv.valid_from.year - calendar.years_after - 1, end.year + 1):
            if conv.valid_from <= calendar.due(period) <= end:
                out.add(period)
    return out


def _staged(settings: Settings, records: list[DeliveryRecord], name: str) -> list[str]:
    return [
        str(settings.home / r.path / name)
        for r in records
        if r.path and (settings.home / r.path / name).is_file()
    ]


def _identifiers(
    settings: Settings, spec: DatasetSpec, current: list[DeliveryRecord], lang: str
) -> dict[str, list[IdentifierQuality]]:
    """Per current delivery: for each field with a soft check, filled and failing rows."""
    checks = [(f.name, SOFT_RULES[c]) for f in spec.fields for c in f.checks]
    files = _staged(settings, current, "rows.parquet")
    if not checks or not files:
        return {}
    measures = ", ".join(
        f"count({q(field)}), "
        f"count(*) FILTER (WHERE list_contains(_flags, {lit(field + ':' + rule)}))"
        for field, rule in checks
    )
    sql = (
        f"SELECT _delivery, {measures} FROM read_parquet([{', '.join(lit(f) for f in files)}], "
        "union_by_name = true) GROUP BY _delivery"
    )
    out: dict[str, list[IdentifierQuality]] = {}
    for delivery, *counts in duckdb.sql(sql).fetchall():
        out[delivery] = [
            IdentifierQuality(
                field=field,
                rule=rule,
                label=rule_name(rule, lang),
                filled=int(counts[2 * i]),
                failing=int(counts[2 * i + 1]),
                failing_percent=_percent(int(counts[2 * i + 1]), int(counts[2 * i])),
            )
            for i, (field, rule) in enumerate(checks)
        ]
    return out


def _quarantine_by_rule(
    settings: Settings, current: list[DeliveryRecord], lang: str
) -> list[RuleShare]:
    files = _staged(settings, current, "quarantine.parquet")
    received = sum(r.received for r in current)
    if not files or not received:
        return []
    rows = duckdb.sql(
        "SELECT regexp_extract(reason, '[^:]+$') AS rule, count(DISTINCT (_delivery, _row)) "
        f"FROM (SELECT _delivery, _row, unnest(_reasons) AS reason FROM read_parquet("
        f"[{', '.join(lit(f) for f in files)}])) GROUP BY ALL ORDER BY 2 DESC, 1"
    ).fetchall()
    return [
        RuleShare(
            rule=r, label=rule_name(r, lang), count=int(n), percent=_percent(n, received) or 0
        )
        for r, n in rows
    ]


def _refusals_by_rule(records: list[DeliveryRecord], lang: str) -> list[RuleShare]:
    counts = Counter(
        (r.refusal or {}).get("rule", "unknown") for r in records if r.status == "refused"
    )
    return [
        RuleShare(rule=r, label=rule_name(r, lang), count=n, percent=_percent(n, len(records)) or 0)
        for r, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def _dataset_score(
    settings: Settings,
    convs: list[Convention],
    dataset: str,
    records: list[DeliveryRecord],
    today: dt.date,
    lang: str,
) -> DatasetScore:
    spec = convs[-1].datasets[dataset]
    current = [r for r in records if r.status == "current"]
    quality = _identifiers(settings, spec, current, lang)
    periods: list[PeriodScore] = []
    previous_loaded: int | None = None
    for period in sorted(_expected(convs, dataset, today) | {r.period for r in records}):
        mine = [r for r in records if r.period == period]
        accepted = [r for r in mine if r.status != "refused"]
        first = min((_day(r) for r in accepted), default=None)
        now = next((r for r in mine if r.status == "current"), None)
        due = spec.calendar.due(period) if spec.calendar else None
        late = (first - due).days if first and due else None
        timeliness: Literal["on_time", "late", "missing"] | None = None
        if due is not None:
            timeliness = (
                ("late" if late and late > 0 else "on_time")
                if first
                else ("missing" if due <= today else None)
            )
        loaded = now.loaded if now else 0
        periods.append(
            PeriodScore(
                period=period,
                due=due,
                first_received=first,
                timeliness=timeliness,
                days_late=late,
                files=len(mine),
                refused=sum(r.status == "refused" for r in mine),
                pending=sum(r.status == "pending" for r in mine),
                current=now.id if now else None,
                received=now.received if now else 0,
                loaded=loaded,
                quarantined=now.quarantined if now else 0,
                quarantined_percent=_percent(now.quarantined, now.received) if now else None,
                loaded_change_percent=(
                    _percent(loaded - previous_loaded, previous_loaded)
                    if now and previous_loaded
                    else None
                ),
                identifiers=quality.get(now.id, []) if now else [],
            )
        )
        previous_loaded = loaded if now else None
    return DatasetScore(
        dataset=dataset,
        description=spec.description,
        calendar=spec.calendar,
        periods=periods,
        quarantine_by_rule=_quarantine_by_rule(settings, current, lang),
        refusals_by_rule=_refusals_by_rule(records, lang),
    )


def _only_this_partner(build: Path, partner: str) -> OnlyThisPartner:
    """Enterprises of a register build and how many are known through ``partner`` alone
    (from the build's ``rows.parquet``: every loaded row with its dataset and enterprise)."""
    row = duckdb.sql(
        f"""SELECT count(*), count(*) FILTER (WHERE here),
                   count(*) FILTER (WHERE here AND partners = 1)
            FROM (
                SELECT enterprise_id,
                       bool_or(split_part(dataset, '.', 1) = {lit(partner)}) AS here,
                       count(DISTINCT split_part(dataset, '.', 1)) AS partners
                FROM read_parquet({lit(str(build / "rows.parquet"))})
                GROUP BY enterprise_id
            )"""
    ).fetchone()
    total, with_partner, only = (int(v or 0) for v in row or (0, 0, 0))
    return OnlyThisPartner(
        build=build.name,
        enterprises=total,
        with_partner=with_partner,
        only_partner=only,
        percent=_percent(only, with_partner),
    )


def scorecard(
    settings: Settings,
    partner: str,
    *,
    lang: str = "fr",
    today: dt.date | None = None,
    conventions: ConventionSet | None = None,
) -> Scorecard:
    """The scorecard of one partner, from the ledger, the staged deliveries and the current
    register build (when one exists)."""
    from marsad.register.build import current_build  # the register reads ingest, not back

    today = today or dt.date.today()
    conventions = conventions or ConventionSet.load(settings.conventions_dir)
    convs = sorted(
        (c for c in conventions.conventions if c.partner == partner),
        key=lambda c: (c.valid_from, c.version),
    )
    if not convs:
        known = ", ".join(conventions.partners())
        raise NotFound(text("unknown_partner", lang, partner=partner, known=known))
    records = [r for r in Ledger(settings.ledger_path).records() if r.partner == partner]
    datasets = sorted({d for c in convs for d in c.datasets})
    build = current_build(settings)
    has_build = build is not None and (build / "rows.parquet").is_file()
    return Scorecard(
        partner=partner,
        partner_name=convs[-1].partner_name,
        as_of=today,
        lang=lang,
        datasets=[
            _dataset_score(
                settings,
                [c for c in convs if d in c.datasets],
                d,
                [r for r in records if r.dataset == d],
                today,
                lang,
            )
            for d in datasets
        ],
        only_partner=_only_this_partner(build, partner) if build and has_build else None,
        note=None if has_build else text("no_register", lang),
    )
