"""Demo data for the programmes: users, budgets and applications drawn from the register.

Applications are made for real enterprises of the (synthetic) register and move through
the workflow to varied stages, with the same rules and caps as in production; the same
seed gives the same applications.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select

from marsad.errors import MarsadError
from marsad.operational.auth import SYSTEM, Actor, create_user, demo_password
from marsad.operational.db import Database
from marsad.operational.people import User
from marsad.programmes import service
from marsad.programmes.eligibility import evaluate
from marsad.programmes.facts import enterprise_facts
from marsad.programmes.models import Tranche
from marsad.programmes.workflow import pay_tranche, transition
from marsad.settings import Settings

# published envelopes are missing for some programmes: demo values, said to be so
DEMO_ENVELOPES = {
    "MASCIR_RD": Decimal("50000000"),
    "ISTITMAR": Decimal("200000000"),
    "CHARTE_TPME": Decimal("500000000"),
}
# (programme, instrument, project kind, cost field, eligible sections or None)
OFFERS = [
    ("MASCIR_RD", 1, "rd", "project_cost_mad", {"C"}),
    ("TATWIR_RD", 1, "innovation", "project_cost_mad", {"C"}),
    ("IMTIAZ", 0, "investment", "investment_mad", None),
    ("ISTITMAR", 0, "investment", "investment_mad", {"C"}),
    ("CHARTE_TPME", 0, "investment", "investment_mad", None),
]


@dataclass
class DemoSummary:
    users: list[str] = field(default_factory=list)
    password: str = ""  # the random password of the accounts created by this run, if any
    applications: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    refusals: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _users(db: Database, summary: DemoSummary) -> dict[str, Actor]:
    wanted = [
        ("admin", "administrator", None),
        ("gestionnaire", "programme_manager", None),
        ("analyste", "analyst", None),
        ("guichet.casa", "desk_agent", "CCIS06"),
        ("guichet.tanger", "desk_agent", "CCIS01"),
    ]
    out = {}
    with db.session() as session:
        existing = set(session.scalars(select(User.username)))
    for name, role, chamber in wanted:
        if name not in existing:
            create_user(db, name, role, demo_password(), chamber_code=chamber)
            summary.password = demo_password()
        out[name] = Actor(None, name, role, chamber)
    return out


def seed_demo(
    settings: Settings, db: Database, *, per_programme: int = 12, seed: int = 7
) -> DemoSummary:
    summary = DemoSummary()
    actors = _users(db, summary)
    summary.users = sorted(actors)
    service.seed_budgets(db, DEMO_ENVELOPES)
    if service.listing(db, SYSTEM):  # seeded already: a second run changes nothing
        return _counted(db, summary)
    rng = random.Random(seed)
    panel = pd.read_parquet(service.build_dir(settings) / "panel.parquet")
    latest = panel[panel["year"] == panel.loc[panel["turnover_mad"].notna(), "year"].max()]
    firms = latest[latest["active"] & latest["turnover_mad"].notna() & (latest["category"] != "AE")]
    agents = [actors["guichet.casa"], actors["guichet.tanger"]]
    manager = actors["gestionnaire"]
    build = service.build_dir(settings)
    for code, instrument, kind, cost_field, sections in OFFERS:
        period = service.programme(code).period
        if period.start > date.today() or (period.end and period.end < date.today()):
            continue  # a closed programme takes no new application
        pool = firms if sections is None else firms[firms["section"].isin(sections)]
        sample = pool.sample(min(3 * per_programme, len(pool)), random_state=rng.randrange(1 << 30))
        offers = [
            _offer(rng, code, instrument, kind, cost_field, firm) for _, firm in sample.iterrows()
        ]
        # desk agents bring mostly firms that qualify, and some that do not
        likely = [o for o in offers if _qualifies(build, o)]
        others = [o for o in offers if o not in likely]
        keep = likely[: max(1, per_programme * 4 // 5)]
        chosen = keep + others[: per_programme - len(keep)]
        for offer in chosen:
            try:
                _one(settings, db, rng, agents, manager, offer, summary)
            except MarsadError as refused:
                summary.refusals.append(f"{code} {offer[2]}: {refused.message}")
    return _counted(db, summary)


Offer = tuple[str, int, str, Decimal, dict[str, Any]]


def _offer(
    rng: random.Random, code: str, instrument: int, kind: str, cost_field: str, firm: pd.Series
) -> Offer:
    turnover = Decimal(str(round(float(firm["turnover_mad"]))))
    cost = max(Decimal(1_000_000), (turnover * Decimal("0.3")).quantize(Decimal(1)))
    jobs = max(1, int(cost / Decimal(1_000_000) * Decimal(rng.uniform(1.0, 4.0))))
    project = {
        "kind": kind,
        cost_field: str(cost),
        "own_funds_mad": str((cost * Decimal("0.25")).quantize(Decimal(1))),
        "jobs_created": jobs,
    }
    return (code, instrument, str(firm["enterprise_id"]), cost, project)


def _qualifies(build: Path, offer: Offer) -> bool:
    code, _, enterprise, _, project = offer
    facts = enterprise_facts(build, enterprise, date.today())
    return evaluate(service.programme(code), facts, service.project_facts(project)).eligible


def _counted(db: Database, summary: DemoSummary) -> DemoSummary:
    applications = service.listing(db, SYSTEM)
    summary.applications = len(applications)
    for app in applications:
        summary.by_status[app.status] = summary.by_status.get(app.status, 0) + 1
    return summary


def _one(
    settings: Settings,
    db: Database,
    rng: random.Random,
    agents: list[Actor],
    manager: Actor,
    offer: Offer,
    summary: DemoSummary,
) -> None:
    code, instrument, enterprise, cost, project = offer
    agent = rng.choice(agents)
    requested = (cost * Decimal("0.2")).quantize(Decimal(1))
    app = service.apply(settings, db, agent, code, enterprise, requested, project, instrument)
    summary.applications += 1
    stage = rng.random()
    if stage < 0.15:
        return  # a draft
    if not service.submit(settings, db, agent, app.id).eligible or stage < 0.3:
        return
    transition(db, manager.label, app.id, "appraise", "dossier complet", score=rng.randint(50, 95))
    if stage < 0.4:
        return
    if stage < 0.5:
        service.decide(db, manager, app.id, None, "score insuffisant au comité")
        return
    grant = service.proposed_grant(settings, db, manager, app.id)
    amount = min(grant.amount_mad, requested)
    if amount <= 0:
        service.decide(db, manager, app.id, None, "aucune prime selon les règles")
        return
    service.decide(db, manager, app.id, amount)
    if stage < 0.65:
        return
    service.agree(db, manager, app.id)
    with db.session() as session:
        tranches = list(session.scalars(select(Tranche.id).where(Tranche.application_id == app.id)))
    for tranche in tranches[: 1 if stage < 0.85 else None]:
        pay_tranche(db, "tresorerie", tranche)
