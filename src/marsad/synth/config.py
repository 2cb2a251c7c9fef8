"""Parameters of the synthetic economy: counts at scale 1.0, shares, and the rates of faults.

Counts and shares follow the published aggregates gathered in
``marsad/reference/data/calibration.csv`` (reports of the Observatoire Marocain de la TPME,
editions 1 to 6, as quoted by the press; L'Economiste and le360 for auto-entrepreneurs).
Values for years without a published figure are smooth interpolations and are marked as
assumptions. Regional populations are the 2024 census totals of the Haut-Commissariat au
Plan (RGPH 2024), rounded to thousands.
"""

from __future__ import annotations

from dataclasses import dataclass

FIRST_YEAR = 2016
LAST_YEAR = 2025
YEARS: tuple[int, ...] = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
N_YEARS = len(YEARS)

CATEGORY_EPMA = "EPMA"  # legal person (personne morale)
CATEGORY_EPPA = "EPPA"  # natural-person trader (personne physique)
CATEGORY_AE = "AE"  # auto-entrepreneur (law 114-13)
CATEGORIES: tuple[str, ...] = (CATEGORY_EPMA, CATEGORY_EPPA, CATEGORY_AE)


@dataclass(frozen=True)
class CategoryPlan:
    """Demography of one category of firms in the trade registry, counts at scale 1.0.

    ``active`` gives the enterprises active at the end of each year (2015 = the stock the
    simulation starts from); ``creations`` and ``dissolutions`` are yearly flows.
    """

    code: str
    active: dict[int, int]
    creations: dict[int, int]
    dissolutions: dict[int, int]
    shell_share: float  # registered firms that never operate
    dormant_before_first_year: int  # registered, stopped operating before 2016, not dissolved
    young_dissolution_share: float  # dissolutions of firms under 5 years old
    stock_mean_age: float


# Active legal persons: 303,013 (2019), 369,635 (2021), "more than 380,000" (2024), OMTPME
# editions 2, 4 and 6. Creations 68,000 (2024, ed. 6); dissolutions 9,740 (2022, ed. 4) and
# 12,000 (2024, ed. 6, 53.5% under five years old). Other years are assumptions.
LEGAL_PERSONS = CategoryPlan(
    code=CATEGORY_EPMA,
    active={
        2015: 250_000,
        2016: 262_000,
        2017: 275_000,
        2018: 288_000,
        2019: 303_013,
        2020: 330_000,
        2021: 369_635,
        2022: 374_000,
        2023: 377_000,
        2024: 380_000,
        2025: 383_000,
    },
    creations={
        2016: 42_000,
        2017: 44_000,
        2018: 47_000,
        2019: 50_000,
        2020: 44_000,
        2021: 58_000,
        2022: 62_000,
        2023: 66_000,
        2024: 68_000,
        2025: 70_000,
    },
    dissolutions={
        2016: 6_000,
        2017: 6_500,
        2018: 7_000,
        2019: 7_500,
        2020: 7_000,
        2021: 9_000,
        2022: 9_740,
        2023: 11_000,
        2024: 12_000,
        2025: 12_500,
    },
    shell_share=0.12,
    dormant_before_first_year=120_000,
    young_dissolution_share=0.535,
    stock_mean_age=9.0,
)

# Active natural-person enterprises: 268,976 in 2019 (OMTPME ed. 2). Creations of natural
# persons: 96,442 creations in 2023 minus about 66,000 legal persons. Other years assumed.
NATURAL_PERSONS = CategoryPlan(
    code=CATEGORY_EPPA,
    active={
        2015: 258_000,
        2016: 262_000,
        2017: 265_000,
        2018: 267_000,
        2019: 268_976,
        2020: 262_000,
        2021: 266_000,
        2022: 269_000,
        2023: 271_000,
        2024: 272_000,
        2025: 273_000,
    },
    creations={
        2016: 28_000,
        2017: 29_000,
        2018: 30_000,
        2019: 31_000,
        2020: 27_000,
        2021: 31_000,
        2022: 32_000,
        2023: 30_400,
        2024: 31_000,
        2025: 31_000,
    },
    dissolutions={year: 8_000 for year in YEARS},
    shell_share=0.05,
    dormant_before_first_year=60_000,
    young_dissolution_share=0.45,
    stock_mean_age=11.0,
)

# Registered auto-entrepreneurs at year end: 180,273 (2019), 272,263 (2020), 300,457
# (2021), OMTPME ed. 3; 389,565 active and 615,660 ever registered (2024, L'Economiste via
# le360). The register opened in 2015 (law 114-13). Other years are assumptions.
AE_ACTIVE: dict[int, int] = {
    2015: 30_000,
    2016: 70_000,
    2017: 108_000,
    2018: 145_000,
    2019: 180_273,
    2020: 272_263,
    2021: 300_457,
    2022: 335_000,
    2023: 365_000,
    2024: 389_565,
    2025: 410_000,
}
AE_EXIT_HAZARD = 0.17  # yearly deregistrations / registered at the start of the year
AE_FIRST_REGISTRATION = "2015-03-01"
# Turnover ceilings of the status (law 114-13, art. 1): MAD per year.
AE_CEILING_COMMERCE = 500_000.0
AE_CEILING_SERVICES = 200_000.0

# 2024 census population by region (HCP, RGPH 2024), thousands.
REGION_POPULATION: dict[str, int] = {
    "01": 4_031,
    "02": 2_295,
    "03": 4_468,
    "04": 5_133,
    "05": 2_526,
    "06": 7_689,
    "07": 4_892,
    "08": 1_656,
    "09": 3_021,
    "10": 449,
    "11": 452,
    "12": 220,
}

# Shares of the three largest regions (OMTPME ed. 1 and 4: Casablanca-Settat 40.3% in 2018,
# 37.1% in 2021; Rabat-Salé-Kénitra 14.9% / 14.7%; Tanger-Tétouan-Al Hoceïma 11.2% / 11.5%);
# the other regions share the rest in proportion to their population.
REGION_SHARES_STOCK: dict[str, float] = {"06": 0.41, "04": 0.149, "01": 0.112}
REGION_SHARES_CREATIONS: dict[str, float] = {"06": 0.345, "04": 0.147, "01": 0.117}
REGION_SHARES_NATURAL: dict[str, float] = {"06": 0.28, "04": 0.13, "01": 0.11}
REGION_SHARES_AE: dict[str, float] = {"06": 0.24, "04": 0.13, "01": 0.11}

# Sections of active legal persons: G 33%, F 15%, H 9.2% (2019), M 10%, C 6.6% (2018),
# OMTPME ed. 1 and 2; the rest is an assumption.
SECTION_SHARES_LEGAL: dict[str, float] = {
    "G": 0.33,
    "F": 0.15,
    "M": 0.10,
    "H": 0.092,
    "C": 0.066,
    "I": 0.045,
    "N": 0.045,
    "L": 0.04,
    "J": 0.03,
    "S": 0.024,
    "A": 0.022,
    "P": 0.015,
    "Q": 0.012,
    "K": 0.01,
    "R": 0.008,
    "B": 0.005,
    "E": 0.004,
    "D": 0.002,
}
SECTION_SHARES_NATURAL: dict[str, float] = {
    "G": 0.52,
    "S": 0.10,
    "I": 0.08,
    "C": 0.08,
    "F": 0.06,
    "H": 0.05,
    "N": 0.04,
    "M": 0.03,
    "A": 0.02,
    "J": 0.01,
    "L": 0.01,
}
SECTION_SHARES_AE: dict[str, float] = {
    "G": 0.32,
    "S": 0.14,
    "C": 0.12,
    "N": 0.10,
    "M": 0.08,
    "F": 0.06,
    "J": 0.05,
    "I": 0.05,
    "H": 0.04,
    "P": 0.02,
    "R": 0.02,
}
# Sections hit hardest by the 2020 shock (tourism, transport, events, personal services).
SHOCK_SECTIONS_2020: tuple[str, ...] = ("I", "H", "N", "R", "S")

# Women among managers: assumption, 15-20% among legal persons (OMTPME reports the share
# of women-led firms as low), higher among auto-entrepreneurs.
WOMEN_SHARE = {CATEGORY_EPMA: 0.17, CATEGORY_EPPA: 0.14, CATEGORY_AE: 0.31}


@dataclass(frozen=True)
class MessRates:
    """Rates of the faults that real extracts carry (a share of rows or of enterprises).

    One place to tune the messiness of every delivery; each rate applies per source and
    per enterprise (a source keeps its own wrong spelling from year to year) unless its
    name says per row.
    """

    ice_missing: float = 0.03
    ice_missing_old_registry: float = 0.20  # created before 2016, registry extracts
    ice_missing_old_cnss: float = 0.55  # affiliated before 2016
    ice_digit_wrong: float = 0.015
    ice_zeros_lost: float = 0.015
    ice_spaces: float = 0.02
    second_if_number: float = 0.01  # the tax office knows the firm under a new IF
    second_cnss_number: float = 0.015  # two affiliations, employees split
    legal_form_missing: float = 0.01  # registry legal_form left empty
    name_word_order: float = 0.03
    name_ampersand: float = 0.5  # of names holding "&" or "et"
    name_abbreviation: float = 0.06
    name_transliteration: float = 0.15
    name_typo: float = 0.02
    name_other_year: float = 0.02  # per row: another spelling this year
    homonyms: float = 0.004  # legal persons sharing another firm's name in another region
    commune_variant: float = 0.15
    commune_city: float = 0.08
    commune_upper: float = 0.15
    commune_accents: float = 0.10
    commune_typo: float = 0.01
    activity_wrong_division: float = 0.03
    value_missing: float = 0.005  # per row, an amount left empty
    late_rows: float = 0.005  # rows missing from a first delivery, sent in the correction
    corrected_values: float = 0.01  # rows wrong in a first delivery, fixed in the correction


DEFAULT_RATES = MessRates()
