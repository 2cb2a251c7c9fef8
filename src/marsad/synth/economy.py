"""The simulated economy: every enterprise, its identifiers and its yearly panel.

``build_economy`` runs the steps in order, each with its own random stream: cohorts and
places, latent sizes and lives, money, identifiers, names, then auto-entrepreneurs and
the ones among them who formalise (``marsad.synth.formalisation``).
Enterprise ids are 1..N: legal persons, then natural-person traders, then
auto-entrepreneurs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from marsad.synth import autoentrepreneurs as aes
from marsad.synth.config import (
    CATEGORY_AE,
    CATEGORY_EPMA,
    CATEGORY_EPPA,
    LEGAL_PERSONS,
    NATURAL_PERSONS,
    REGION_SHARES_AE,
    REGION_SHARES_CREATIONS,
    REGION_SHARES_NATURAL,
    REGION_SHARES_STOCK,
    SECTION_SHARES_AE,
    SECTION_SHARES_LEGAL,
    SECTION_SHARES_NATURAL,
    SHOCK_SECTIONS_2020,
    WOMEN_SHARE,
    YEARS,
    CategoryPlan,
    MessRates,
)
from marsad.synth.formalisation import Successions, plant_formalisations
from marsad.synth.geography import draw_communes, draw_regions, place_tables, region_shares
from marsad.synth.identifiers import hex_tokens, ice_numbers, registry_numbers, unique_numbers
from marsad.synth.names import LEGAL_FORMS, draw_person, firm_names, person_names, plant_homonyms
from marsad.synth.population import KIND_ENTRANT, draw_cohorts, registered_matrix, simulate_lives
from marsad.synth.rng import stream
from marsad.synth.sectors import activity_tables, draw_activities
from marsad.synth.trajectories import Money, draw_capital, latent_size, simulate_money

AE_CHUNK = 200_000


@dataclass
class Firms:
    """Enterprises of the trade registry (legal persons and natural-person traders)."""

    enterprise_id: np.ndarray
    legal: np.ndarray  # bool: legal person (EPMA) or natural person (EPPA)
    legal_form: np.ndarray  # index into names.LEGAL_FORMS
    birth_date: np.ndarray
    death_date: np.ndarray
    kind: np.ndarray
    shell: np.ndarray
    region: np.ndarray
    commune: np.ndarray
    court: np.ndarray
    section: np.ndarray
    division: np.ndarray
    klass: np.ndarray
    woman: np.ndarray
    given: np.ndarray
    family: np.ndarray
    name: pa.Array
    homonym: np.ndarray
    capital: np.ndarray
    ice: np.ndarray
    rc_number: np.ndarray
    if_number: np.ndarray
    if_second: np.ndarray  # 0: none
    if_switch_year: np.ndarray
    cnss_number: np.ndarray  # 0: never an employer
    cnss_second: np.ndarray  # 0: a single affiliation
    cnss_share: np.ndarray  # share of employees declared under the second number
    affiliation_year: np.ndarray
    operating: np.ndarray  # (n, years)
    registered: np.ndarray
    declares_tax: np.ndarray
    files_balance_sheet: np.ndarray
    money: Money
    rank: np.ndarray

    @property
    def size(self) -> int:
        return int(self.enterprise_id.size)

    @property
    def active(self) -> np.ndarray:
        """The observatory rule: tax declaration, or CNSS employees, or a balance sheet."""
        return self.declares_tax | (self.money.employees > 0) | self.files_balance_sheet


@dataclass
class AutoEntrepreneurs:
    enterprise_id: np.ndarray
    ae_number: np.ndarray
    cin_hash: pa.Array
    ice: np.ndarray  # 0: none
    woman: np.ndarray
    given: np.ndarray
    family: np.ndarray
    name: pa.Array
    birth_year: np.ndarray
    section: np.ndarray
    division: np.ndarray
    klass: np.ndarray
    kind: np.ndarray  # index into autoentrepreneurs.ACTIVITY_KINDS
    region: np.ndarray
    commune: np.ndarray
    registrations: aes.Registrations
    quarters: np.ndarray  # (n, 40) MAD, -1 = no declaration
    during: np.ndarray  # registered during the year (n, years)
    at_end: np.ndarray  # registered at the end of the year

    @property
    def size(self) -> int:
        return int(self.enterprise_id.size)


@dataclass
class Economy:
    seed: int
    scale: float
    rates: MessRates
    firms: Firms
    ae: AutoEntrepreneurs
    successions: Successions

    def counts(self) -> dict[str, int]:
        legal = int(self.firms.legal.sum())
        return {
            CATEGORY_EPMA: legal,
            CATEGORY_EPPA: self.firms.size - legal,
            CATEGORY_AE: self.ae.size,
        }


def legal_form_shares(year: int) -> tuple[float, float, float, float, float]:
    """Shares of SARL, SARL AU, SA, SNC, SAS among the legal persons created in ``year``.

    The stock shares of 2018 (SARL 68%, SARL AU 24.3%, OMTPME ed. 1) and the 59% of SARL AU
    among 2024 creations (ed. 6) fix the ends; the SAS exists since law 19-20 (2021).
    """
    recent = {2016: 0.34, 2017: 0.38, 2018: 0.42, 2019: 0.46, 2020: 0.49, 2021: 0.52,
              2022: 0.55, 2023: 0.57, 2024: 0.59, 2025: 0.60}  # fmt: skip
    if year in recent:
        au = recent[year]
    elif year < 2000:
        au = 0.05
    else:
        au = 0.05 + (min(year, 2015) - 2000) * (0.27 - 0.05) / 15
    sa = (
        0.12
        if year < 2000
        else (0.12 - (min(year, 2015) - 2000) * 0.08 / 15 if year <= 2015 else 0.02)
    )
    snc = 0.012
    sas = 0.012 if year >= 2021 else 0.0
    return (1.0 - au - sa - snc - sas, au, sa, snc, sas)


def _legal_forms(rng: np.random.Generator, birth_year: np.ndarray) -> np.ndarray:
    out = np.zeros(birth_year.size, dtype=np.int64)
    for year in np.unique(birth_year):
        rows = np.flatnonzero(birth_year == year)
        out[rows] = rng.choice(5, rows.size, p=np.asarray(legal_form_shares(int(year))))
    return out


def _category(seed: int, scale: float, plan: CategoryPlan) -> dict[str, np.ndarray]:
    legal = plan.code == CATEGORY_EPMA
    rng = stream(seed, "cohorts", plan.code)
    cohorts = draw_cohorts(rng, plan, scale)
    n = cohorts.kind.size
    entrant = cohorts.kind == KIND_ENTRANT
    if legal:
        region = np.where(
            entrant,
            draw_regions(rng, region_shares(REGION_SHARES_CREATIONS), n),
            draw_regions(rng, region_shares(REGION_SHARES_STOCK), n),
        )
    else:
        region = draw_regions(rng, region_shares(REGION_SHARES_NATURAL), n)
    commune = draw_communes(rng, region)
    shares = SECTION_SHARES_LEGAL if legal else SECTION_SHARES_NATURAL
    section, division, klass = draw_activities(rng, shares, n)
    shock_idx = [activity_tables().sections.index(s) for s in SHOCK_SECTIONS_2020]
    size = latent_size(
        stream(seed, "size", plan.code), cohorts.birth_year, entrant, np.isin(section, shock_idx)
    )
    lives = simulate_lives(stream(seed, "lives", plan.code), plan, scale, cohorts, size)
    form = (
        _legal_forms(rng, cohorts.birth_year.astype(np.int64))
        if legal
        else np.full(n, LEGAL_FORMS.index("PP"), dtype=np.int64)
    )
    return {
        "legal": np.full(n, legal),
        "legal_form": form,
        "birth_date": cohorts.birth_date,
        "death_date": lives.death_date,
        "kind": cohorts.kind,
        "shell": cohorts.shell,
        "region": region,
        "commune": commune,
        "section": section,
        "division": division,
        "klass": klass,
        "woman": rng.random(n) < WOMEN_SHARE[plan.code],
        "operating": lives.operating,
        "size": size,
    }


def build_firms(seed: int, scale: float, rates: MessRates) -> Firms:
    parts = [_category(seed, scale, LEGAL_PERSONS), _category(seed, scale, NATURAL_PERSONS)]
    cols = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    n = cols["legal"].size
    operating = cols["operating"]
    rng = stream(seed, "money")
    capital = draw_capital(rng, cols["legal_form"], LEGAL_FORMS)
    money, rank = simulate_money(rng, cols["size"], operating, cols["legal"], capital)
    rng = stream(seed, "declarations")
    declares_tax = operating & (rng.random(operating.shape) < 0.96)
    propensity = rng.beta(2.0, 1.2, n)[:, None]
    files_bs = operating & cols["legal"][:, None] & (rng.random(operating.shape) < propensity)
    silent = operating & ~declares_tax & ~files_bs & (money.employees == 0)
    declares_tax |= silent

    rng = stream(seed, "identifiers", "firms")
    court = place_tables().commune_court[cols["commune"]]
    employer = (money.employees > 0).any(axis=1)
    first_employer = np.where(employer, np.argmax(money.employees > 0, axis=1), -1)
    birth_year = cols["birth_date"].astype("datetime64[Y]").astype(np.int64) + 1970
    early = employer & (first_employer == 0) & (birth_year < YEARS[0])
    affiliation = np.where(employer, YEARS[0] + first_employer, 0)
    affiliation = np.where(
        early, birth_year + np.floor(rng.random(n) * (YEARS[0] + 1 - birth_year)), affiliation
    ).astype(np.int16)
    if_numbers = unique_numbers(rng, 2 * n, 1_000_000, 1_000_000 + max(60_000_000, 6 * n))
    cnss = unique_numbers(rng, 2 * n, 1_000_000, max(10_000_000, 1_000_000 + 4 * n))
    second_if = rng.random(n) < rates.second_if_number
    second_cnss = employer & (rng.random(n) < rates.second_cnss_number)
    woman = cols["woman"]
    rng = stream(seed, "names", "firms")
    given, family = draw_person(rng, woman)
    legal = cols["legal"]
    name = person_names(rng, given, family)
    company = firm_names(rng, cols["section"][legal], family[legal])
    company, homonym_legal = plant_homonyms(rng, company, cols["region"][legal], rates.homonyms)
    legal_rows = np.flatnonzero(legal)
    index = np.arange(n)
    index[legal_rows] = n + np.arange(legal_rows.size)
    name = pa.concat_arrays([name, company]).take(pa.array(index))
    homonym = np.zeros(n, dtype=bool)
    homonym[legal_rows] = homonym_legal
    return Firms(
        enterprise_id=np.arange(1, n + 1, dtype=np.int64),
        legal=legal,
        legal_form=cols["legal_form"],
        birth_date=cols["birth_date"],
        death_date=cols["death_date"],
        kind=cols["kind"],
        shell=cols["shell"],
        region=cols["region"],
        commune=cols["commune"],
        court=court,
        section=cols["section"],
        division=cols["division"],
        klass=cols["klass"],
        woman=woman,
        given=given,
        family=family,
        name=name,
        homonym=homonym,
        capital=capital,
        ice=np.zeros(n, dtype=np.int64),
        rc_number=registry_numbers(rng, court, cols["birth_date"]),
        if_number=if_numbers[:n],
        if_second=np.where(second_if, if_numbers[n:], 0),
        if_switch_year=rng.integers(YEARS[1], YEARS[-1] + 1, n).astype(np.int16),
        cnss_number=np.where(employer, cnss[:n], 0),
        cnss_second=np.where(second_cnss, cnss[n:], 0),
        cnss_share=rng.uniform(0.2, 0.5, n),
        affiliation_year=affiliation,
        operating=operating,
        registered=registered_matrix(birth_year, cols["death_date"]),
        declares_tax=declares_tax,
        files_balance_sheet=files_bs,
        money=money,
        rank=rank,
    )


def build_autoentrepreneurs(seed: int, scale: float, first_id: int) -> AutoEntrepreneurs:
    rng = stream(seed, "ae", "registrations")
    registrations = aes.simulate_registrations(rng, scale)
    n = registrations.registration_date.size
    region = draw_regions(rng, region_shares(REGION_SHARES_AE), n)
    commune = draw_communes(rng, region)
    section, division, klass = draw_activities(rng, SECTION_SHARES_AE, n)
    kind = aes.activity_kind(rng, section)
    woman = rng.random(n) < WOMEN_SHARE[CATEGORY_AE]
    reg_year = registrations.registration_date.astype("datetime64[Y]").astype(np.int64) + 1970
    age = np.clip(18 + np.round(rng.gamma(3.0, 5.0, n)), 18, 70).astype(np.int64)
    rng = stream(seed, "ae", "identifiers")
    numbers = unique_numbers(rng, n, 100_000_000, 1_000_000_000)
    has_ice = rng.random(n) < 0.7
    cin = hex_tokens(rng, n)
    rng = stream(seed, "ae", "names")
    given, family = draw_person(rng, woman)
    name = person_names(rng, given, family)
    chunks = []
    for start in range(0, n, AE_CHUNK):
        stop = min(start + AE_CHUNK, n)
        part = aes.Registrations(
            registrations.registration_date[start:stop],
            registrations.deregistration_date[start:stop],
        )
        chunk_rng = stream(seed, "ae", "turnover", start // AE_CHUNK)
        chunks.append(aes.quarterly_turnover(chunk_rng, part, kind[start:stop]))
    quarters = np.concatenate(chunks) if chunks else np.zeros((0, aes.QUARTERS), np.int32)
    during, at_end = aes.registered_matrix(registrations)
    return AutoEntrepreneurs(
        enterprise_id=np.arange(first_id, first_id + n, dtype=np.int64),
        ae_number=numbers,
        cin_hash=cin,
        ice=np.where(has_ice, 1, 0),
        woman=woman,
        given=given,
        family=family,
        name=name,
        birth_year=reg_year - age,
        section=section,
        division=division,
        klass=klass,
        kind=kind,
        region=region,
        commune=commune,
        registrations=registrations,
        quarters=quarters,
        during=during,
        at_end=at_end,
    )


def build_economy(seed: int, scale: float, rates: MessRates) -> Economy:
    firms = build_firms(seed, scale, rates)
    ae = build_autoentrepreneurs(seed, scale, firms.size + 1)
    successions = plant_formalisations(seed, firms, ae)
    rng = stream(seed, "identifiers", "ice")
    total = firms.size + ae.size
    parts = unique_numbers(rng, total, 100_000, 100_000 + max(9_000_000, 3 * total))
    firms.ice = ice_numbers(parts[: firms.size])
    ae.ice = np.where(ae.ice > 0, ice_numbers(parts[firms.size :]), 0)
    return Economy(seed=seed, scale=scale, rates=rates, firms=firms, ae=ae, successions=successions)
