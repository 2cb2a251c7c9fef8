"""Yearly facts of the independent economy: who files what, turnover, jobs, credit.

For legal persons and traders a latent "operating" state decides, year by year, whether
the enterprise files anything at all (firms alive on paper but dormant file nothing);
compliance rises over the decade as the partners' conventions took hold. An operating
enterprise files its tax declaration, its balance sheet (legal persons) and its CNSS
declaration (employers) with high but not certain probabilities. Amounts follow
long-tailed distributions with firm-level growth and a dip in 2020.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from second_economy.population import AE, EPMA, YEARS, Population, day

# Share of alive enterprises that operate, per year 2016..2025.
COMPLIANCE = {
    EPMA: (0.76, 0.78, 0.80, 0.89, 0.90, 0.93, 0.93, 0.93, 0.93, 0.93),
    1: (0.85, 0.85, 0.86, 0.86, 0.86, 0.87, 0.87, 0.87, 0.87, 0.87),
}
BALANCE_SHEET_P = (0.70, 0.72, 0.74, 0.80, 0.80, 0.84, 0.86, 0.87, 0.88, 0.88)
TAX_P = 0.965


@dataclass
class Economy:
    """Yearly matrices (enterprise x year 2016..2025) for firms and for auto-entrepreneurs."""

    firms: np.ndarray
    operating: np.ndarray
    tax: np.ndarray
    balance: np.ndarray
    cnss: np.ndarray
    employer: np.ndarray
    turnover: np.ndarray
    net: np.ndarray
    employees: np.ndarray
    payroll: np.ndarray
    assets: np.ndarray
    borrower: np.ndarray
    credit: np.ndarray
    banks: np.ndarray
    ae: np.ndarray
    ae_quarters: np.ndarray


def _years_matrix(pop: Population, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    starts = np.array([day(y) for y in YEARS])
    ends = np.array([day(y + 1) for y in YEARS])
    b = pop.birth[idx][:, None]
    d = pop.death[idx][:, None]
    alive = (b < ends) & (d >= starts)
    dying = alive & (d < ends)
    newborn = alive & (b >= starts)
    return alive, dying, newborn


def build(pop: Population, seed: int) -> Economy:
    """Draw the yearly facts of every enterprise of the population."""
    rng = np.random.default_rng(seed + 1)
    firms = np.flatnonzero(pop.cat != AE)
    nf, ny = len(firms), len(YEARS)
    cat = pop.cat[firms]
    alive, dying, newborn = _years_matrix(pop, firms)
    inv = NormalDist().inv_cdf
    thr = np.array([[inv(COMPLIANCE[c][k]) for k in range(ny)] for c in (0, 1)])[cat]
    z = 0.8 * rng.standard_normal((nf, 1)) + 0.6 * rng.standard_normal((nf, ny))
    operating = alive & (z < thr)
    late_start = newborn & (pop.birth[firms][:, None] % 365 > 300)
    operating &= ~(dying & (rng.random((nf, ny)) > 0.3))
    operating &= ~(late_start & (rng.random((nf, ny)) > 0.5))
    tax = operating & (rng.random((nf, ny)) < TAX_P)
    balance = operating & (cat == EPMA)[:, None] & (rng.random((nf, ny)) < BALANCE_SHEET_P)
    employer = rng.random(nf) < np.where(cat == EPMA, 0.72, 0.22)
    emp_base = np.ceil(rng.lognormal(0.8, 1.15, nf))
    tail = rng.random(nf) < 0.03
    emp_base[tail] *= rng.pareto(0.95, int(tail.sum())) * 10 + 6
    emp_base = np.minimum(emp_base, 20_000)
    productivity = rng.lognormal(np.log(150_000), 0.9, nf)
    base = np.where(
        employer,
        emp_base * productivity,
        rng.lognormal(np.where(cat == EPMA, np.log(110_000), np.log(90_000)), 1.1),
    )
    growth = rng.normal(0.03, 0.09, nf)
    t = np.arange(ny)[None, :]
    shock = np.where(np.array(YEARS) == 2020, 0.84, 1.0)[None, :]
    noise = rng.lognormal(0.0, 0.22, (nf, ny))
    ramp = np.where(newborn, 0.45, 1.0)
    turnover = base[:, None] * np.exp(growth[:, None] * t) * noise * shock * ramp
    turnover[rng.random((nf, ny)) < 0.06] = 0.0
    turnover = np.round(turnover, -1).astype(np.float64)
    margin = rng.normal(0.035, 0.11, (nf, ny))
    net = np.round(turnover * margin - (turnover == 0) * rng.lognormal(9, 1.2, (nf, ny)), 2)
    emp = emp_base[:, None] * np.exp(0.7 * growth[:, None] * t) * rng.lognormal(0, 0.15, (nf, ny))
    employees = np.round(emp * np.where(newborn, 0.6, 1.0)).astype(np.int32)
    employees[rng.random((nf, ny)) < 0.05] = 0
    affiliated = (np.array(YEARS)[None, :] >= pop.birth[firms][:, None] // 365 + 1970) & employer[
        :, None
    ]
    cnss = operating & affiliated & (rng.random((nf, ny)) < 0.97)
    employees = np.where(cnss, employees, 0)
    wage = rng.lognormal(np.log(4300), 0.35, nf)[:, None] * (1 + 0.03 * t)
    payroll = np.round(employees * 12 * wage, 2)
    assets = np.round(
        turnover * rng.lognormal(np.log(0.9), 0.6, nf)[:, None]
        + np.nan_to_num(pop.capital[firms])[:, None],
        2,
    )
    borrower = (rng.random(nf) < np.where(cat == EPMA, 0.2, 0.06)) & (pop.ice9[firms] >= 0)
    start = rng.integers(2016, 2026, nf)
    credit_on = operating & borrower[:, None] & (np.array(YEARS)[None, :] >= start[:, None])
    ratio = rng.lognormal(np.log(0.25), 0.8, nf)[:, None]
    credit = np.where(credit_on, np.round(np.maximum(turnover, 50_000) * ratio, 2), np.nan)
    banks = (1 + rng.geometric(0.65, nf) - 1).astype(np.int8)
    ae = np.flatnonzero(pop.cat == AE)
    return Economy(
        firms=firms, operating=operating, tax=tax, balance=balance, cnss=cnss,
        employer=employer, turnover=turnover, net=net, employees=employees, payroll=payroll,
        assets=assets, borrower=borrower, credit=credit, banks=banks, ae=ae,
        ae_quarters=_ae_quarters(rng, pop, ae),
    )  # fmt: skip


def _ae_quarters(rng: np.random.Generator, pop: Population, ae: np.ndarray) -> np.ndarray:
    """Declared turnover per auto-entrepreneur, year and quarter; NaN when not declared."""
    na = len(ae)
    qstarts = np.array([day(y, 1 + 3 * q) for y in YEARS for q in range(4)])
    qends = np.array([day(y + (q == 3), 1 + 3 * ((q + 1) % 4)) for y in YEARS for q in range(4)])
    reg = (pop.birth[ae][:, None] < qends) & (pop.death[ae][:, None] >= qstarts)
    propensity = rng.beta(2.0, 1.2, na)[:, None]
    declared = reg & (rng.random((na, len(qstarts))) < propensity)
    services = np.isin(pop.section[ae], ("H", "I", "J", "M", "N", "P", "R", "S"))
    ceiling = np.where(services, 200_000.0, 500_000.0)[:, None]
    annual = rng.lognormal(np.log(18_000), 0.7, na)[:, None]
    q = annual * rng.dirichlet(np.ones(4) * 2, (na, len(YEARS))).reshape(na, -1)
    q = np.minimum(q, ceiling / 4)
    q[rng.random(q.shape) < 0.2] = 0.0
    return np.where(declared, np.round(q, -1), np.nan).reshape(na, len(YEARS), 4)
