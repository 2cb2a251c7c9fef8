"""Eligibility of known cases per programme, with their reasons, and the grants' bonuses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from marsad.errors import NotFound
from marsad.programmes.catalogue import Programme, load_programmes
from marsad.programmes.eligibility import (
    EligibilityResult,
    EnterpriseFacts,
    ProjectFacts,
    enterprise_facts,
    evaluate,
)
from marsad.programmes.grants import compute_grant

D = Decimal
TODAY = date(2026, 3, 1)

# enterprise_id, category, legal_form, creation, dissolution, region, section, division
ENTERPRISES = [
    ("E_IND", "EPMA", "SARL", date(2012, 4, 1), None, "07", "C", "25"),
    ("E_SHOP", "EPPA", "PP", date(2015, 1, 10), None, "06", "G", "47"),
    ("E_YOUNG", "EPMA", "SARLAU", date(2024, 6, 15), None, "09", "C", "10"),
    ("E_AE", "AE", "AE", date(2023, 2, 1), None, "03", "S", "96"),
    ("E_GONE", "EPMA", "SA", date(2010, 1, 1), date(2025, 6, 30), "06", "C", "21"),
    ("E_NODATA", "EPMA", "SARL", date(2018, 9, 9), None, "04", "C", "20"),
]
# enterprise_id, year, active, turnover, employees, size_omtpme_2021
PANEL = [
    ("E_IND", 2023, True, D("11000000.00"), 40, "PE"),
    ("E_IND", 2024, True, D("12500000.00"), 42, "PE"),
    ("E_IND", 2025, True, None, None, None),
    ("E_SHOP", 2024, True, D("2400000.00"), 5, "MICRO"),
    ("E_SHOP", 2025, False, None, None, None),
    ("E_YOUNG", 2024, True, None, 3, None),
    ("E_AE", 2024, True, D("120000.00"), None, "MICRO"),
    ("E_GONE", 2024, True, D("30000000.00"), 80, "PE"),
    ("E_NODATA", 2027, True, D("5000000.00"), 10, "TPE"),
]


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("register") / "builds" / "b1"
    folder.mkdir(parents=True)
    cols = list(zip(*ENTERPRISES, strict=True))
    pq.write_table(
        pa.table(
            {
                "enterprise_id": pa.array(cols[0]),
                "category": pa.array(cols[1]),
                "name": pa.array([f"STE {e}" for e in cols[0]]),
                "legal_form": pa.array(cols[2]),
                "ice": pa.array([None] * len(ENTERPRISES), pa.string()),
                "creation_date": pa.array(cols[3], pa.date32()),
                "dissolution_date": pa.array(cols[4], pa.date32()),
                "commune_code": pa.array([None] * len(ENTERPRISES), pa.string()),
                "province": pa.array([None] * len(ENTERPRISES), pa.string()),
                "region_code": pa.array(cols[5]),
                "division": pa.array(cols[7]),
                "section": pa.array(cols[6]),
                "gender": pa.array([None] * len(ENTERPRISES), pa.string()),
            }
        ),
        folder / "enterprises.parquet",
    )
    p = list(zip(*PANEL, strict=True))
    pq.write_table(
        pa.table(
            {
                "enterprise_id": pa.array(p[0]),
                "year": pa.array(p[1], pa.int64()),
                "active": pa.array(p[2]),
                "turnover_mad": pa.array(p[3], pa.decimal128(18, 2)),
                "employees": pa.array(p[4], pa.int64()),
                "size_omtpme_2021": pa.array(p[5], pa.string()),
                "size_anpme_2013": pa.array([None] * len(PANEL), pa.string()),
                "size_eurostat_employees": pa.array([None] * len(PANEL), pa.string()),
            }
        ),
        folder / "panel.parquet",
    )
    return folder


@pytest.fixture(scope="module")
def programmes() -> dict[str, Programme]:
    return load_programmes()


def facts(build: Path, enterprise_id: str, on: date = TODAY) -> EnterpriseFacts:
    return enterprise_facts(build, enterprise_id, on)


def failed(result: EligibilityResult) -> dict[str, str]:
    return {c.rule: c.reason_fr for c in result.failed}


def reasons(result: EligibilityResult) -> str:
    return "\n".join(c.reason_fr for c in result.checks)


# ---- facts ---------------------------------------------------------------------------------


def test_facts_from_the_latest_panel_year_with_data(build: Path) -> None:
    e = facts(build, "E_IND")
    assert (e.year, e.turnover_mad, e.employees) == (2024, D("12500000.00"), 42)
    assert (e.active, e.active_year) == (True, 2025)
    assert e.size_classes["omtpme_2021"] == "PE"
    assert (e.region_code, e.section, e.division, e.category) == ("07", "C", "25", "EPMA")
    assert e.age_years == 13
    # a later year of the panel is not used before it happens
    assert facts(build, "E_NODATA").turnover_mad is None
    shop = facts(build, "E_SHOP")
    assert (shop.year, shop.active, shop.active_year) == (2024, False, 2025)
    assert facts(build, "E_IND", date(2023, 12, 31)).turnover_mad == D("11000000.00")


def test_an_unknown_enterprise_is_not_found(build: Path, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="L'entreprise E_NOPE est inconnue du registre"):
        facts(build, "E_NOPE")
    with pytest.raises(NotFound, match="le fichier des entreprises est absent"):
        facts(tmp_path, "E_IND")


# ---- every check has a reason --------------------------------------------------------------


def test_every_check_has_a_reason_and_missing_facts_never_crash(
    programmes: dict[str, Programme],
) -> None:
    nothing = EnterpriseFacts("E0", TODAY)
    for p in programmes.values():
        result = evaluate(p, nothing, ProjectFacts(), TODAY)
        assert len(result.checks) == 3 + len(p.eligibility)
        assert all(c.reason_fr.strip() for c in result.checks)
        assert not result.eligible
    result = evaluate(programmes["CHARTE_TPME"], nothing, ProjectFacts(), TODAY)
    why = failed(result)
    assert why["not_dissolved"] == "Date d'immatriculation inconnue dans le registre."
    assert "Chiffre d'affaires inconnu" in why["turnover_between"]
    assert why["investment_between"] == "Montant de l'investissement non renseigné."
    assert why["min_jobs_per_mdh"] == "Emplois stables créés ou montant investi non renseignés."


def test_period_reasons(programmes: dict[str, Programme], build: Path) -> None:
    e = facts(build, "E_IND")
    closed = evaluate(programmes["IMTIAZ"], e, ProjectFacts(), TODAY)
    assert failed(closed)["period_open"] == (
        "Programme clos le 01/03/2026 : il était ouvert du 01/01/2009 au 31/12/2014."
    )
    early = evaluate(programmes["CHARTE_TPME"], e, ProjectFacts(), date(2025, 1, 1))
    assert "pas encore ouvert le 01/01/2025" in failed(early)["period_open"]


def test_region_covered(programmes: dict[str, Programme], build: Path) -> None:
    regional = programmes["ISTITMAR"].model_copy(update={"regions": ["07", "08"]})
    e = facts(build, "E_IND")
    ok = evaluate(regional, e, ProjectFacts(), date(2022, 1, 1))
    assert next(c for c in ok.checks if c.rule == "region_covered").passed
    away = evaluate(regional, e, ProjectFacts(region_code="06"), date(2022, 1, 1))
    assert failed(away)["region_covered"] == (
        "Région du projet 06 (Casablanca-Settat), hors des régions couvertes par le "
        "programme (07, 08)."
    )


# ---- TATWIR_RD -----------------------------------------------------------------------------

PATENT = ProjectFacts(project_cost_mad=D(2_000_000), kind="patent")


def test_tatwir_eligible_firm_and_grants(programmes: dict[str, Programme], build: Path) -> None:
    p, e = programmes["TATWIR_RD"], facts(build, "E_IND")
    result = evaluate(p, e, PATENT, TODAY)
    assert result.eligible, reasons(result)
    assert "Chiffre d'affaires 2024 : 12 500 000 MAD, supérieur au minimum de 10 000 000 MAD." in (
        reasons(result)
    )
    patent = compute_grant(p, 0, e, PATENT)
    assert (patent.gross_amount_mad, patent.amount_mad) == (D(1_600_000), D(1_000_000))
    assert patent.capped_by == "cap_per_project_mad"
    innovation = ProjectFacts(project_cost_mad=D(5_000_000), kind="innovation")
    assert compute_grant(p, 1, e, innovation).amount_mad == D(3_000_000)
    wrong = compute_grant(p, 0, e, innovation)
    assert (
        wrong.amount_mad == 0
        and "l'instrument couvre les projets de type brevet" in (wrong.reasons[0])
    )


def test_tatwir_failing_each_rule(programmes: dict[str, Programme], build: Path) -> None:
    p = programmes["TATWIR_RD"]
    small = EnterpriseFacts(
        "E9", TODAY, section="C", active=True, active_year=2025, year=2024,
        turnover_mad=D(8_000_000), creation_date=date(2015, 1, 1),
    )  # fmt: skip
    why = failed(evaluate(p, small, PATENT, TODAY))
    assert why["turnover_above"] == (
        "Chiffre d'affaires 2024 : 8 000 000 MAD, ne dépasse pas le minimum de 10 000 000 MAD."
    )
    assert "ne relève d'aucun groupe" in why["target_group"]
    shop = failed(evaluate(p, facts(build, "E_SHOP"), PATENT, TODAY))
    assert shop["active_in_register"] == "Entreprise inactive en 2025 selon le registre."
    assert shop["section_in"] == (
        "Secteur G (Commerce ; réparation d'automobiles et de motocycles), hors des valeurs "
        "admises (C)."
    )
    gone = failed(evaluate(p, facts(build, "E_GONE"), PATENT, TODAY))
    assert gone["active_in_register"] == "Entreprise radiée le 30/06/2025."
    unknown = failed(evaluate(p, facts(build, "E_NODATA"), PATENT, TODAY))
    assert unknown["turnover_above"] == (
        "Chiffre d'affaires inconnu : aucune donnée dans le registre pour 2026 ou une année "
        "antérieure."
    )
    investment = failed(evaluate(p, facts(build, "E_IND"), ProjectFacts(kind="investment"), TODAY))
    assert set(investment) == {"project_kind_in"}


# ---- MASCIR_RD, IMTIAZ ---------------------------------------------------------------------


def test_mascir_caps_at_500000_per_enterprise(
    programmes: dict[str, Programme], build: Path
) -> None:
    p, e = programmes["MASCIR_RD"], facts(build, "E_IND")
    rd = ProjectFacts(project_cost_mad=D(1_000_000), kind="rd")
    assert evaluate(p, e, rd, TODAY).eligible
    grant = compute_grant(p, 1, e, rd)
    assert grant.amount_mad == D(500_000) and grant.capped_by == "cap_per_project_mad"
    again = compute_grant(p, 1, e, rd, granted_in_programme_mad=D(350_000))
    assert again.amount_mad == D(150_000) and again.capped_by == "cap_per_enterprise_mad"
    assert [t.amount_mad for t in again.tranches] == [D(75_000), D(75_000)]
    assert not evaluate(p, facts(build, "E_SHOP"), rd, TODAY).eligible


def test_imtiaz(programmes: dict[str, Programme], build: Path) -> None:
    p, e, on = programmes["IMTIAZ"], facts(build, "E_IND", date(2014, 6, 1)), date(2014, 6, 1)
    e = EnterpriseFacts(**{**e.__dict__, "turnover_mad": D(50_000_000), "year": 2013,
                           "active": True, "active_year": 2013})  # fmt: skip
    project = ProjectFacts(
        investment_mad=D(40_000_000), own_funds_mad=D(8_000_000), kind="investment"
    )
    assert evaluate(p, e, project, on).eligible
    grant = compute_grant(p, 0, e, project)
    assert (grant.gross_amount_mad, grant.amount_mad) == (D(8_000_000), D(5_000_000))
    thin = ProjectFacts(investment_mad=D(40_000_000), own_funds_mad=D(6_000_000), kind="investment")
    assert failed(evaluate(p, e, thin, on))["min_own_funds_share"] == (
        "Fonds propres de 6 000 000 MAD, soit 15 % des 40 000 000 MAD du projet : moins que "
        "les 20 % requis."
    )
    big = EnterpriseFacts(**{**e.__dict__, "turnover_mad": D(180_000_000)})
    assert failed(evaluate(p, big, project, on))["turnover_at_most"] == (
        "Chiffre d'affaires 2013 : 180 000 000 MAD, supérieur au plafond de 175 000 000 MAD."
    )


# ---- ISTITMAR: +5 % outside regions 01, 04, 06 ---------------------------------------------


@pytest.mark.parametrize(
    ("seat", "project_region", "rate"),
    [("07", None, "0.35"), ("06", None, "0.30"), ("01", None, "0.30"), ("04", None, "0.30"),
     ("06", "08", "0.35"), ("07", "04", "0.30")],
)  # fmt: skip
def test_istitmar_bonus_outside_the_axis(
    programmes: dict[str, Programme], seat: str, project_region: str | None, rate: str
) -> None:
    p = programmes["ISTITMAR"]
    e = EnterpriseFacts("E1", date(2022, 5, 1), region_code=seat, section="C")
    project = ProjectFacts(
        investment_mad=D(3_000_000), kind="investment", region_code=project_region
    )
    grant = compute_grant(p, 0, e, project)
    assert grant.total_rate == D(rate)
    assert grant.amount_mad == D(3_000_000) * D(rate)
    bonus = grant.bonuses[0]
    assert bonus.applied == (rate == "0.35")
    if bonus.applied:
        assert bonus.reason_fr.startswith(
            "Projet hors de l'axe atlantique Tanger–Casablanca de 5 % accordée"
        )


# ---- CHARTE_TPME ---------------------------------------------------------------------------


def charte_project(investment: int, jobs: int, own: int | None = None) -> ProjectFacts:
    own_funds = D(own) if own is not None else D(investment) / 5
    return ProjectFacts(
        investment_mad=D(investment), own_funds_mad=own_funds, jobs_created=jobs, kind="investment"
    )


def test_charte_eligible_and_failing_each_rule(
    programmes: dict[str, Programme], build: Path
) -> None:
    p, e = programmes["CHARTE_TPME"], facts(build, "E_IND")
    assert evaluate(p, e, charte_project(4_000_000, 10), TODAY).eligible
    cases: list[tuple[ProjectFacts, str, str]] = [
        (charte_project(60_000_000, 200), "investment_between",
         "Investissement de 60 000 000 MAD, supérieur au plafond de 50 000 000 MAD."),
        (charte_project(500_000, 2), "investment_between",
         "Investissement de 500 000 MAD, inférieur au minimum de 1 000 000 MAD."),
        (charte_project(4_000_000, 10, own=200_000), "min_own_funds_share",
         "Fonds propres de 200 000 MAD, soit 5 % des 4 000 000 MAD du projet : moins que les "
         "10 % requis."),
        (charte_project(4_000_000, 5), "min_jobs_per_mdh",
         "5 emploi(s) stable(s) pour 4 000 000 MAD investis, soit 1,25 par million de dirhams "
         ": moins que les 1,5 requis."),
    ]  # fmt: skip
    for project, rule, reason in cases:
        why = failed(evaluate(p, e, project, TODAY))
        assert why == {rule: reason}
    dissolved = failed(evaluate(p, facts(build, "E_GONE"), charte_project(4_000_000, 10), TODAY))
    assert dissolved["not_dissolved"] == "Entreprise radiée le 30/06/2025."


def test_charte_three_year_exemption(programmes: dict[str, Programme], build: Path) -> None:
    p, project = programmes["CHARTE_TPME"], charte_project(2_000_000, 4)
    young = evaluate(p, facts(build, "E_YOUNG"), project, TODAY)
    assert young.eligible, reasons(young)
    check = next(c for c in young.checks if c.rule == "turnover_between")
    assert check.reason_fr == (
        "Entreprise créée le 15/06/2024, de moins de 3 ans au 01/03/2026 : dispensée de la "
        "condition de chiffre d'affaires (entre 1 000 000 MAD et 200 000 000 MAD)."
    )
    # the same firm past its third anniversary needs the turnover it does not have
    later = evaluate(p, facts(build, "E_YOUNG", date(2027, 6, 15)), project, date(2027, 6, 15))
    assert "Chiffre d'affaires inconnu" in failed(later)["turnover_between"]
    small = EnterpriseFacts(
        "E8", TODAY, creation_date=date(2021, 1, 1), year=2025, turnover_mad=D(600_000),
        size_classes={"omtpme_2021": "MICRO"},
    )  # fmt: skip
    assert failed(evaluate(p, small, project, TODAY))["turnover_between"] == (
        "Chiffre d'affaires 2025 : 600 000 MAD, inférieur au minimum de 1 000 000 MAD."
    )


@pytest.mark.parametrize(
    ("jobs", "rate"),
    [(6, "0"), (8, "0.05"), (20, "0.05"), (22, "0.07"), (40, "0.07"), (42, "0.10")],
)
def test_charte_employment_bands(programmes: dict[str, Programme], jobs: int, rate: str) -> None:
    """4 MDH invested: 8 jobs is a ratio of 2, 20 of 5 (not above 5), 40 of 10."""
    e = EnterpriseFacts("E1", TODAY, region_code="06", division="47")
    grant = compute_grant(programmes["CHARTE_TPME"], 0, e, charte_project(4_000_000, jobs))
    employment = grant.bonuses[0]
    assert employment.rate == D(rate) and employment.applied == (rate != "0")
    assert grant.total_rate == D(rate)
    assert grant.amount_mad == D(4_000_000) * D(rate)


def test_charte_bonuses_and_the_30_percent_cap(programmes: dict[str, Programme]) -> None:
    p = programmes["CHARTE_TPME"]
    far = EnterpriseFacts("E1", TODAY, region_code="10", division="21")
    grant = compute_grant(p, 0, far, charte_project(10_000_000, 120))
    applied = {(b.label, b.rate) for b in grant.bonuses if b.applied}
    assert applied == {
        ("Prime à la création d'emplois stables", D("0.10")),
        ("Prime territoriale (provinces de catégorie B)", D("0.15")),
        ("Prime aux activités prioritaires", D("0.1")),
    }
    assert (grant.rate_before_cap, grant.total_rate) == (D("0.35"), D("0.3"))
    assert "Taux cumulé de 35 % ramené au plafond de 30 %." in grant.reasons
    assert grant.amount_mad == D(3_000_000)
    assert [t.amount_mad for t in grant.tranches] == [D(1_500_000), D(1_500_000)]
    near = EnterpriseFacts("E1", TODAY, region_code="07", division="25")
    mid = compute_grant(p, 0, near, charte_project(10_000_000, 30))
    assert (mid.total_rate, mid.amount_mad) == (D("0.15"), D(1_500_000))
    assert any(
        r.startswith("Prime aux activités prioritaires non accordée : Division d'activité 25")
        for r in mid.reasons
    )
    capped = compute_grant(
        p, 0, far, charte_project(49_000_000, 600), granted_all_programmes_mad=D(14_000_000)
    )
    assert (capped.amount_mad, capped.capped_by) == (D(1_000_000), "cumulation")


# ---- INTELAKA ------------------------------------------------------------------------------


def test_intelaka(programmes: dict[str, Programme], build: Path) -> None:
    p = programmes["INTELAKA"]
    ae = evaluate(p, facts(build, "E_AE"), ProjectFacts(), TODAY)
    assert ae.eligible, reasons(ae)
    assert "L'entreprise relève du groupe « auto-entrepreneur »" in reasons(ae)
    old = failed(evaluate(p, facts(build, "E_SHOP"), ProjectFacts(), TODAY))
    assert old["max_age_years"] == (
        "Entreprise créée le 10/01/2015, âgée de 11 ans au 01/03/2026 : au-delà de la limite "
        "de 5 ans."
    )
    real_estate = EnterpriseFacts(
        "E7", TODAY, category="EPMA", section="L", creation_date=date(2023, 1, 1), year=2025,
        turnover_mad=D(11_000_000), size_classes={"omtpme_2021": "PE"},
    )  # fmt: skip
    why = failed(evaluate(p, real_estate, ProjectFacts(), TODAY))
    assert why["section_not_in"] == "Secteur L (Activités immobilières), parmi les exclusions (L)."
    assert why["turnover_at_most"] == (
        "Chiffre d'affaires 2025 : 11 000 000 MAD, supérieur au plafond de 10 000 000 MAD."
    )


def test_result_serialises(programmes: dict[str, Programme], build: Path) -> None:
    out: dict[str, Any] = evaluate(
        programmes["INTELAKA"], facts(build, "E_AE"), None, TODAY
    ).to_dict()
    assert out["eligible"] is True and out["today"] == "2026-03-01"
    assert {c["rule"] for c in out["checks"]} >= {"period_open", "target_group", "max_age_years"}
