"""Deliveries of the other partners: RNAE, Maroc PME, the chambers (CCIS), Bank Al-Maghrib."""

from __future__ import annotations

import random

import numpy as np

from second_economy.economics import Economy
from second_economy.noise import strip_accents
from second_economy.population import AE, EPMA, EPPA, NEVER, YEARS, Population, day
from second_economy.sources import IceFaults, Views, ice15
from second_economy.vocab_activity import AE_KIND
from second_economy.vocab_places import CITIES
from second_economy.writer import NULL_DAY, Frame

# code, first and last approval year, approvals per year (national), categories, amount
PROGRAMMES = (
    ("IMTIAZ", 2016, 2020, 350, (EPMA,), (400_000, 5_000_000)),
    ("ISTITMAR", 2017, 2021, 300, (EPMA,), (200_000, 3_000_000)),
    ("TATWIR", 2019, 2023, 450, (EPMA,), (100_000, 4_000_000)),
    ("INTELAKA", 2020, 2023, 1500, (EPMA, EPPA, AE), (20_000, 1_200_000)),
    ("MASCIR-RD", 2022, 2024, 40, (EPMA,), (50_000, 500_000)),
    ("TPME-CHARTE", 2025, 2025, 800, (EPMA,), (150_000, 5_000_000)),
)


def ae_numbers(pop: Population, seed: int) -> np.ndarray:
    """RNAE numbers: registration year followed by a six-digit sequence."""
    rng = np.random.default_rng(seed + 6)
    out = np.full(pop.n, -1, dtype=np.int64)
    ae = np.flatnonzero(pop.cat == AE)
    year = pop.birth[ae] // 365.25 + 1970
    for y in np.unique(year):
        at = ae[year == y]
        out[at] = int(y) * 1_000_000 + rng.permutation(len(at)) + 1
    return out


def auto_entrepreneurs(pop: Population, views: Views, numbers: np.ndarray, year: int) -> Frame:
    """The RNAE register extracted at the end of a year."""
    end = day(year + 1) - 1
    idx = np.flatnonzero((pop.cat == AE) & (pop.birth <= end))
    idx = idx[np.argsort(numbers[idx])]
    ice = views.ice_text("rnae", ice15(pop.ice9[idx]), np.zeros(len(idx), bool),
                         IceFaults(0.003, 0.0, 0.002), persistent_wrong=0.002)  # fmt: skip
    kind = np.array([AE_KIND.get(s, "services") for s in pop.section[idx].tolist()], dtype=object)
    kind[views.pop_u("rnae_kind")[idx] < 0.02] = None
    dereg = np.where(pop.death[idx] <= end, pop.death[idx], NULL_DAY)
    cols = {
        "ae_number": np.array([str(v) for v in numbers[idx].tolist()], dtype=object),
        "cin_hash": pop.cin_hash[idx], "ice": ice, "full_name": views.names("rnae", idx),
        "gender": np.where(pop.female[idx], "F", "M").astype(object),
        "birth_year": pop.birth_year_person[idx].astype(np.int64), "activity_kind": kind,
        "activity_code": views.codes("rnae", idx),
        "commune": views.places("rnae", idx, pop.commune[idx], city=False),
        "registration_date": pop.birth[idx], "deregistration_date": dereg.astype(np.int64),
    }  # fmt: skip
    kinds = {"birth_year": "int", "registration_date": "date", "deregistration_date": "date"}
    return Frame(cols, {c: kinds.get(c, "text") for c in cols}, pop.eid[idx])


def turnover(pop: Population, eco: Economy, numbers: np.ndarray, year: int) -> Frame:
    """Quarterly turnover declared by auto-entrepreneurs for one year."""
    k = YEARS.index(year)
    q = eco.ae_quarters[:, k, :]
    a, quarter = np.nonzero(~np.isnan(q))
    idx = eco.ae[a]
    order = np.lexsort((quarter, numbers[idx]))
    a, quarter, idx = a[order], quarter[order], idx[order]
    cols = {
        "ae_number": np.array([str(v) for v in numbers[idx].tolist()], dtype=object),
        "year": np.full(len(idx), year), "quarter": (quarter + 1).astype(np.int64),
        "turnover_mad": q[a, quarter],
    }  # fmt: skip
    kinds = {"year": "int", "quarter": "int", "turnover_mad": "amount"}
    return Frame(cols, {c: kinds.get(c, "text") for c in cols}, pop.eid[idx])


def beneficiaries(pop: Population, eco: Economy, views: Views, reg_at: object, year: int,
                  scale: float) -> Frame:  # fmt: skip
    """Maroc PME approvals of one year, all programmes open that year."""
    rng = np.random.default_rng(year * 13)
    k = YEARS.index(year)
    pos = np.full(pop.n, -1, dtype=np.int64)
    pos[eco.firms] = np.arange(len(eco.firms))
    end = day(year + 1) - 1
    parts: list[tuple[str, np.ndarray, np.ndarray]] = []
    for code, y0, y1, per_year, cats, (lo, hi) in PROGRAMMES:
        if not y0 <= year <= y1:
            continue
        ok = np.isin(pop.cat, cats) & (pop.birth <= end) & (pop.death > day(year))
        firm = pos >= 0
        ok[firm] &= eco.operating[pos[firm], k]
        if code == "INTELAKA":
            ok &= pop.birth > day(year - 5)
        elif code in ("IMTIAZ", "TATWIR", "TPME-CHARTE"):
            ok[firm] &= eco.turnover[pos[firm], k] > 1_000_000
            ok[~firm] = False
        cand = np.flatnonzero(ok)
        n = min(len(cand), max(1, round(per_year * scale * rng.uniform(0.8, 1.2))))
        chosen = rng.choice(cand, n, replace=False)
        amount = np.round(np.exp(rng.uniform(np.log(lo), np.log(hi), n)), -3)
        parts.append((code, chosen, amount))
    if not parts:
        parts.append(("IMTIAZ", np.zeros(0, dtype=np.int64), np.zeros(0)))
    code = np.concatenate([np.full(len(c), p, dtype=object) for p, c, _ in parts])
    idx = np.concatenate([c for _, c, _ in parts]).astype(np.int64)
    amount = np.concatenate([a for _, _, a in parts])
    approval = rng.integers(day(year), day(year + 1), len(idx))
    court, number = reg_at(idx, approval, pop)  # type: ignore[operator]
    lose = views.pop_u("marocpme_rc")[idx] < 0.06
    court[lose], number[lose] = None, None
    missing = (views.pop_u("marocpme")[idx] < 0.05) | (pop.ice9[idx] < 0)
    ice = views.ice_text("marocpme", ice15(pop.ice9[idx]), missing,
                         IceFaults(0.01, 0.01, 0.02), persistent_wrong=0.0)  # fmt: skip
    order = np.lexsort((approval, code))
    cols = {
        "programme_code": code, "ice": ice, "rc_court": court, "rc_number": number,
        "denomination": views.names("marocpme", idx), "approval_date": approval,
        "amount_granted_mad": amount,
    }  # fmt: skip
    kinds = {"approval_date": "date", "amount_granted_mad": "amount"}
    return Frame(cols, {c: kinds.get(c, "text") for c in cols}, pop.eid[idx]).take(order)


class Chambers:
    """Chamber membership: who joined, when, in which region, under which member id."""

    def __init__(self, pop: Population, eco: Economy, seed: int) -> None:
        rng = np.random.default_rng(seed + 8)
        n = pop.n
        p = np.select([pop.cat == EPMA, pop.cat == EPPA], [0.10, 0.05], 0.03)
        member = rng.random(n) < p
        lo = np.where(pop.cat == AE, np.maximum(pop.birth, day(2020)), pop.birth)
        hi = np.minimum(pop.death, day(2026)).astype(np.int64)
        member &= hi > lo
        self.join = np.where(member, lo + rng.random(n) * np.maximum(hi - lo, 1), NEVER)
        self.stale = rng.random(n) < 0.5
        self.region = pop.region_at(np.arange(n), self.join)
        self.seq = rng.permutation(n) + 1
        big = np.zeros(n, dtype=bool)
        big[eco.firms] = eco.employees.max(axis=1) >= 50
        self.second = member & big & (rng.random(n) < 0.3)
        regions = np.array(sorted({c.region for c in CITIES}), dtype=object)
        self.region2 = regions[rng.integers(0, len(regions), n)]
        self.second &= self.region2 != self.region

    def contacts(self, pop: Population, i: int, rnd: random.Random) -> tuple[str, str]:
        """Phone and email as the member gave them (either may be empty)."""
        phone = ""
        if rnd.random() < 0.7:
            digits = f"{rnd.choice('67')}{rnd.randint(0, 99_999_999):08d}"
            if rnd.random() < 0.3:
                digits = f"5{rnd.randint(20, 39)}{rnd.randint(0, 999_999):06d}"
            style = rnd.random()
            if style < 0.5:
                phone = f"0{digits}"
            elif style < 0.75:
                phone = f"+212 {digits[0]} {digits[1:3]} {digits[3:5]} {digits[5:7]} {digits[7:]}"
            else:
                phone = "0" + ".".join([digits[:1], digits[1:3], digits[3:5], digits[5:7],
                                        digits[7:]])  # fmt: skip
        email = ""
        if rnd.random() < 0.5:
            slug = "".join(ch for ch in strip_accents(pop.name[i]).lower() if ch.isalnum())[:18]
            if pop.cat[i] == EPMA and rnd.random() < 0.6:
                email = f"{rnd.choice(('contact', 'info', 'direction'))}@{slug}.ma"
            else:
                email = f"{slug}{rnd.randint(1, 99)}@{rnd.choice(('gmail.com', 'hotmail.com'))}"
        return phone, email


def members(pop: Population, views: Views, ch: Chambers, year: int) -> Frame:
    """Chamber members listed at the end of a year (former members linger on the list)."""
    end = day(year + 1) - 1
    listed = (ch.join <= end) & ((pop.death > end) | ch.stale)
    first = np.flatnonzero(listed)
    second = np.flatnonzero(listed & ch.second)
    idx = np.concatenate([first, second])
    is2 = np.r_[np.zeros(len(first), bool), np.ones(len(second), bool)]
    region = np.where(is2, ch.region2[idx], ch.region[idx])
    mid = np.array([f"{r}{s:07d}" for r, s in zip(region.tolist(), ch.seq[idx].tolist(),
                                                    strict=True)], dtype=object)  # fmt: skip
    missing = (views.pop_u("ccis")[idx] < 0.25) | (pop.ice9[idx] < 0)
    ice = views.ice_text("ccis", ice15(pop.ice9[idx], is2.astype(np.int64)), missing,
                         IceFaults(0.02, 0.04, 0.03), persistent_wrong=0.0)  # fmt: skip
    rnd = random.Random(5)
    contact = views.cached("contact", idx, lambda i: "|".join(ch.contacts(pop, i, rnd)))
    phone = np.array([c.split("|")[0] for c in contact], dtype=object)
    email = np.array([c.split("|")[1] for c in contact], dtype=object)
    order = np.argsort(mid, kind="stable")
    cols = {
        "region_code": region, "member_id": mid, "ice": ice,
        "denomination": views.names("ccis", idx), "activity_code": views.codes("ccis", idx),
        "phone": phone, "email": email,
    }  # fmt: skip
    return Frame(cols, dict.fromkeys(cols, "text"), pop.eid[idx]).take(order)


def credit(pop: Population, eco: Economy, views: Views, year: int) -> Frame:
    """Credit outstanding at the end of a year, per borrowing enterprise (by ICE)."""
    k = YEARS.index(year)
    rows = np.flatnonzero(~np.isnan(eco.credit[:, k]))
    idx = eco.firms[rows]
    ice = views.ice_text("bam", ice15(pop.ice9[idx]), np.zeros(len(idx), bool),
                         IceFaults(0.003, 0.002, 0.002), persistent_wrong=0.0)  # fmt: skip
    order = np.argsort(ice.astype(str), kind="stable")
    cols = {
        "ice": ice, "year": np.full(len(idx), year),
        "credit_outstanding_mad": eco.credit[rows, k], "bank_count": eco.banks[rows],
    }  # fmt: skip
    kinds = {"year": "int", "credit_outstanding_mad": "amount", "bank_count": "int"}
    return Frame(cols, {c: kinds.get(c, "text") for c in cols}, pop.eid[idx]).take(order)
