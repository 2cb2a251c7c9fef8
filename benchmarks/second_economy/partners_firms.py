"""Deliveries about firms: trade registry and balance sheets (OMPIC), tax (DGI), CNSS.

Each function returns the `Frame` of one delivery (one period) in the column order of the
partners' data dictionary, built from the population, its yearly facts and the partner's
view of each enterprise.
"""

from __future__ import annotations

import random

import numpy as np

from second_economy.economics import Economy
from second_economy.population import EPMA, EPPA, NEVER, YEARS, Population, day
from second_economy.sources import IceFaults, Views, ice15
from second_economy.vocab_activity import OBJECTS
from second_economy.vocab_names import LEGAL_FORMS, PERSON_FORM
from second_economy.vocab_places import CITIES
from second_economy.writer import NULL_DAY, Frame

_STREETS = (
    "BD MOHAMMED V", "AV HASSAN II", "RUE IBNOU SINA", "BD ZERKTOUNI", "RUE AL MANSOUR",
    "AV DES FAR", "BD MED VI", "RUE ABOU BAKR SEDDIK", "AV ALLAL EL FASSI", "RUE OMAR IBN KHATTAB",
    "BD AL QODS", "RUE DE FES", "AV MOULAY ISMAIL", "RUE 12", "RUE 7", "BD ABDELMOUMEN",
    "AV IBN TOUMERT", "RUE TARIK IBN ZIAD", "BD EL YARMOUK", "RUE AL KHANSAA",
)  # fmt: skip
_PLACES = (
    "HAY ESSALAM",
    "QUARTIER INDUSTRIEL",
    "ZONE INDUSTRIELLE",
    "HAY NAHDA",
    "LOT AL WAFA",
    "RES AL AMAL",
    "HAY RIAD",
    "CITE DAKHLA",
    "LOTISSEMENT ANNASR",
    "DOUAR LAHMAR",
)


class Registry:
    """Trade-register numbers: a court and a number per record, numbered by date in a court.

    A legal person whose head office moved to another court's area gets a second record
    there (the usual transfer of seat); 3% of traders never reached the central register.
    """

    def __init__(self, pop: Population, seed: int) -> None:
        rng = np.random.default_rng(seed + 4)
        n = pop.n
        courts = np.array([c.court for c in CITIES], dtype=object)
        self.in_register = (pop.cat == EPMA) | ((pop.cat == EPPA) & (rng.random(n) < 0.97))
        self.court1 = courts[pop.city]
        self.court2 = courts[pop.moved_city]
        self.second = self.in_register & (pop.moved_day < NEVER) & (self.court2 != self.court1)
        first = np.flatnonzero(self.in_register)
        second = np.flatnonzero(self.second)
        court = np.concatenate([self.court1[first], self.court2[second]])
        when = np.concatenate([pop.birth[first], pop.moved_day[second]])
        order = np.lexsort((when, court))
        gaps = rng.geometric(0.4, len(order))
        number = np.empty(len(order), dtype=np.int64)
        sorted_court = court[order]
        starts = np.flatnonzero(np.r_[True, sorted_court[1:] != sorted_court[:-1]])
        cum = np.cumsum(gaps)
        base_of = {c: int(rng.integers(1_000, 60_000)) for c in sorted(set(court.tolist()))}
        for k, s in enumerate(starts):
            e = starts[k + 1] if k + 1 < len(starts) else len(order)
            number[order[s:e]] = base_of[sorted_court[s]] + cum[s:e] - (cum[s - 1] if s else 0)
        self.rc1 = np.full(n, -1, dtype=np.int64)
        self.rc2 = np.full(n, -1, dtype=np.int64)
        self.rc1[first] = number[: len(first)]
        self.rc2[second] = number[len(first) :]
        self.dissolved = np.where(
            rng.random(n) < np.where(pop.cat == EPMA, 0.35, 0.2),
            np.minimum(pop.death.astype(np.int64) + rng.integers(0, 700, n), NEVER),
            NEVER,
        )
        self.reg_u = rng.random(n)

    def at(
        self, idx: np.ndarray, when: int | np.ndarray, pop: Population
    ) -> tuple[np.ndarray, ...]:
        """Court and number (as text) of each enterprise at a date; empty if not registered."""
        use2 = self.second[idx] & (pop.moved_day[idx] <= when)
        court = np.where(use2, self.court2[idx], self.court1[idx])
        num = np.where(use2, self.rc2[idx], self.rc1[idx])
        court = np.where(self.in_register[idx], court, None)
        return court, np.array([str(v) if v >= 0 else None for v in num.tolist()], dtype=object)


def _year_rows(mat: np.ndarray, k: int, eco: Economy) -> tuple[np.ndarray, np.ndarray]:
    rows = np.flatnonzero(mat[:, k])
    return rows, eco.firms[rows]


def tax_declarations(pop: Population, eco: Economy, views: Views, year: int) -> Frame:
    """DGI declarations of one fiscal year (one row per IF number)."""
    k = YEARS.index(year)
    rows, idx = _year_rows(eco.tax, k, eco)
    switch = pop.if2_year[idx]
    both = (switch == year) & (np.random.default_rng(year).random(len(idx)) < 0.5)
    ifn = np.where(switch <= year, pop.if2[idx], pop.if1[idx])
    rows = np.concatenate([rows, rows[both]])
    idx = np.concatenate([idx, idx[both]])
    ifn = np.concatenate([ifn, pop.if1[idx[len(ifn) :]]])
    p_missing = (0.20, 0.10, 0.06, 0.045, 0.04, 0.035, 0.03, 0.03, 0.03, 0.03)[k]
    u = views.pop_u("dgi")[idx]
    missing = u < p_missing + 0.05 * (pop.cat[idx] == EPPA)
    ice = views.ice_text("dgi", ice15(pop.ice9[idx]), missing, IceFaults(0.003, 0.004, 0.005),
                         persistent_wrong=0.008)  # fmt: skip
    names = views.slips(views.names("dgi", idx), 0.004)
    city = views.places("dgi", idx, pop.commune_at(idx, day(year, 7)), city=True)
    order = np.argsort(ifn, kind="stable")
    cols = {
        "if_number": np.array([str(v) for v in ifn.tolist()], dtype=object),
        "ice": ice, "denomination": names, "fiscal_year": np.full(len(idx), year),
        "turnover_mad": eco.turnover[rows, k], "net_result_mad": eco.net[rows, k],
        "activity_code": views.codes("dgi", idx), "city": city,
    }  # fmt: skip
    kinds = {"fiscal_year": "int", "turnover_mad": "amount", "net_result_mad": "amount"}
    return Frame(cols, {c: kinds.get(c, "text") for c in cols}, pop.eid[idx]).take(order)


class Affiliations:
    """CNSS numbers: one per employer, a second for a few (other establishment or re-entry)."""

    def __init__(self, pop: Population, eco: Economy, seed: int) -> None:
        rng = np.random.default_rng(seed + 5)
        n = pop.n
        self.num1 = np.full(n, -1, dtype=np.int64)
        self.num2 = np.full(n, -1, dtype=np.int64)
        emp = eco.firms[eco.employer]
        numbers = rng.permutation(np.arange(1_000_000, 9_900_000, dtype=np.int64))
        self.num1[emp] = numbers[: len(emp)]
        two = emp[rng.random(len(emp)) < 0.035]
        self.num2[two] = numbers[len(emp) : len(emp) + len(two)]
        self.estab = np.zeros(n, dtype=bool)
        self.estab[two] = rng.random(len(two)) < 0.5
        self.switch = np.full(n, 9999, dtype=np.int32)
        self.switch[two] = rng.integers(2017, 2026, len(two))
        self.pre2016 = pop.birth < day(2016)


def employment(pop: Population, eco: Economy, views: Views, aff: Affiliations, year: int) -> Frame:
    """CNSS declarations of one year (one row per affiliation number)."""
    k = YEARS.index(year)
    rows, idx = _year_rows(eco.cnss, k, eco)
    emp = eco.employees[rows, k].astype(np.int64)
    pay = eco.payroll[rows, k]
    split = aff.estab[idx]
    reaff = (aff.num2[idx] >= 0) & ~split & (aff.switch[idx] <= year)
    num = np.where(reaff, aff.num2[idx], aff.num1[idx])
    e1 = np.where(split, np.ceil(emp * 0.7), emp).astype(np.int64)
    share = np.where(emp > 0, e1 / np.maximum(emp, 1), 1.0)
    est = np.zeros(len(idx), dtype=np.int64)
    s = np.flatnonzero(split)
    idx_all = np.concatenate([idx, idx[s]])
    num_all = np.concatenate([num, aff.num2[idx[s]]])
    emp_all = np.concatenate([e1, emp[s] - e1[s]])
    pay_all = np.round(np.concatenate([pay * share, pay[s] * (1 - share[s])]), 2)
    est_all = np.concatenate([est, np.ones(len(s), dtype=np.int64)])
    u = views.pop_u("cnss")[idx_all]
    missing = u < np.where(aff.pre2016[idx_all], 0.55, 0.07)
    ice = views.ice_text("cnss", ice15(pop.ice9[idx_all], est_all), missing,
                         IceFaults(0.006, 0.03, 0.01), persistent_wrong=0.008)  # fmt: skip
    names = views.slips(views.names("cnss", idx_all), 0.006)
    commune = views.places("cnss", idx_all, pop.commune_at(idx_all, day(year, 7)), city=False)
    order = np.argsort(num_all, kind="stable")
    cols = {
        "cnss_number": np.array([str(v) for v in num_all.tolist()], dtype=object),
        "ice": ice, "denomination": names, "commune": commune,
        "year": np.full(len(idx_all), year), "employees": emp_all, "payroll_mad": pay_all,
    }  # fmt: skip
    kinds = {"year": "int", "employees": "int", "payroll_mad": "amount"}
    return Frame(cols, {c: kinds.get(c, "text") for c in cols}, pop.eid[idx_all]).take(order)


def _address(i: int, rnd: random.Random) -> str:
    r = rnd.random()
    if r < 0.5:
        return f"{rnd.randint(1, 250)} {rnd.choice(_STREETS)}"
    if r < 0.8:
        return f"N° {rnd.randint(1, 90)} {rnd.choice(_PLACES)} {rnd.choice(_STREETS)}"
    if r < 0.95:
        return f"LOT {rnd.randint(1, 400)} {rnd.choice(_PLACES)}"
    return f"ANGLE {rnd.choice(_STREETS)} ET {rnd.choice(_STREETS)}"


def registry(pop: Population, views: Views, reg: Registry, year: int) -> Frame:
    """OMPIC register extracted at the end of a year: every record created by then."""
    end = day(year + 1) - 1
    rnd = random.Random(year * 31)
    first = np.flatnonzero(reg.in_register & (pop.birth <= end))
    second = np.flatnonzero(reg.second & (pop.moved_day <= end))
    idx = np.concatenate([first, second])
    is2 = np.r_[np.zeros(len(first), bool), np.ones(len(second), bool)]
    court = np.where(is2, reg.court2[idx], reg.court1[idx])
    number = np.where(is2, reg.rc2[idx], reg.rc1[idx])
    created = np.where(is2, pop.moved_day[idx], pop.birth[idx])
    gone = np.where(is2, reg.dissolved[idx], reg.dissolved[idx])
    radiated = (~is2) & reg.second[idx] & (reg.reg_u[idx] < 0.4)
    gone = np.where(radiated, pop.moved_day[idx], gone)
    gone = np.where(gone <= end, gone, NULL_DAY)
    old = pop.birth[idx] < day(2016)
    p_empty = {2019: 0.25, 2022: 0.12}.get(year, 0.06)
    missing = old & (reg.reg_u[idx] < p_empty)
    ice = views.ice_text("ompic", ice15(pop.ice9[idx]), missing, IceFaults(0.0, 0.0, 0.002),
                         persistent_wrong=0.002)  # fmt: skip
    firm = pop.cat[idx] == EPMA
    forms = np.array(
        [rnd.choice(LEGAL_FORMS[f]) if f and rnd.random() > 0.03 else
         ("" if f else rnd.choice(PERSON_FORM)) for f in pop.form[idx].tolist()],
        dtype=object,
    )  # fmt: skip
    capital = np.where(firm & (reg.reg_u[idx] > 0.02), pop.capital[idx], np.nan)
    addr_rnd = random.Random(7)
    address = views.cached("address", idx, lambda i: _address(i, addr_rnd))
    when = np.where(is2, pop.moved_day[idx], pop.birth[idx])
    commune = views.places("ompic", idx, pop.commune_at(idx, when), city=False)
    obj_rnd = random.Random(11)
    activity = views.cached(
        "object", idx, lambda i: obj_rnd.choice(OBJECTS.get(pop.section[i], OBJECTS["G"]))
    )
    order = np.lexsort((number, court))
    cols = {
        "rc_court": court, "rc_number": np.array([str(v) for v in number.tolist()], dtype=object),
        "ice": ice, "denomination": views.names("ompic", idx), "legal_form": forms,
        "creation_date": created, "dissolution_date": gone.astype(np.int64),
        "capital_mad": capital, "address": address, "commune": commune, "activity": activity,
    }  # fmt: skip
    kinds = {"creation_date": "date", "dissolution_date": "date", "capital_mad": "amount"}
    return Frame(cols, {c: kinds.get(c, "text") for c in cols}, pop.eid[idx]).take(order)


def balance_sheets(pop: Population, eco: Economy, views: Views, reg: Registry, year: int) -> Frame:
    """Balance sheets filed for one fiscal year (filed during the following year)."""
    k = YEARS.index(year)
    rows, idx = _year_rows(eco.balance, k, eco)
    rng = np.random.default_rng(year + 77)
    filed = day(year + 1, 3, 31) + np.minimum(rng.gamma(1.5, 40, len(idx)).astype(int), 270)
    court, number = reg.at(idx, filed, pop)
    missing = views.pop_u("ompic_bs")[idx] < 0.10
    ice = views.ice_text("ompic_bs", ice15(pop.ice9[idx]), missing,
                         IceFaults(0.004, 0.0, 0.003), persistent_wrong=0.003)  # fmt: skip
    order = np.lexsort((number.astype(str), court.astype(str)))
    cols = {
        "rc_court": court, "rc_number": number, "ice": ice,
        "fiscal_year": np.full(len(idx), year), "filed_date": filed,
        "total_assets_mad": eco.assets[rows, k],
    }  # fmt: skip
    kinds = {"fiscal_year": "int", "filed_date": "date", "total_assets_mad": "amount"}
    return Frame(cols, {c: kinds.get(c, "text") for c in cols}, pop.eid[idx]).take(order)
