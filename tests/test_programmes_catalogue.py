"""The programme catalogue: the seed programmes, validation, and grant invariants."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marsad.errors import ConfigurationError, InvalidInput
from marsad.programmes.catalogue import (
    CostShareGrant,
    Loan,
    Programme,
    load_programmes,
    parse_programmes,
)
from marsad.programmes.facts import EnterpriseFacts, ProjectFacts
from marsad.programmes.grants import compute_grant, schedule

SEED = {"MASCIR_RD", "TATWIR_RD", "IMTIAZ", "ISTITMAR", "CHARTE_TPME", "INTELAKA"}
D = Decimal


def test_every_seed_programme_loads() -> None:
    programmes = load_programmes()
    assert set(programmes) == SEED
    for code, p in programmes.items():
        assert p.code == code and p.source and p.instruments
        assert p.name.fr and p.name.ar and p.name.en
        assert all(p.target_group_rules[g] for g in p.target_groups)


def test_seed_values_are_the_public_rules() -> None:
    p = load_programmes()
    mascir = p["MASCIR_RD"].instruments[1]
    assert isinstance(mascir, CostShareGrant) and mascir.cap_per_enterprise_mad == 500_000
    patent, innovation = p["TATWIR_RD"].instruments
    assert isinstance(patent, CostShareGrant) and isinstance(innovation, CostShareGrant)
    assert (patent.rate, patent.cap_per_project_mad) == (D("0.8"), 1_000_000)
    assert (innovation.rate, innovation.cap_per_project_mad) == (D("0.6"), 4_000_000)
    assert {"rule": "turnover_above", "min_mad": 10_000_000} in p["TATWIR_RD"].eligibility
    imtiaz = p["IMTIAZ"].instruments[0]
    assert isinstance(imtiaz, CostShareGrant)
    assert (imtiaz.rate, imtiaz.cap_per_project_mad) == (D("0.2"), 5_000_000)
    assert len(p["IMTIAZ"].appraisal) == 3
    istitmar = p["ISTITMAR"].instruments[0]
    assert isinstance(istitmar, CostShareGrant)
    assert (istitmar.rate, istitmar.bonuses[0].rate, istitmar.max_total_rate) == (
        D("0.3"),
        D("0.05"),
        D("0.35"),
    )
    charte = p["CHARTE_TPME"].instruments[0]
    assert isinstance(charte, CostShareGrant) and charte.max_total_rate == D("0.3")
    assert [b.rate for b in charte.bonuses[0].bands] == [D("0.05"), D("0.07"), D("0.10")]
    assert len(charte.tranches) == 2 and charte.clawback is not None
    loan = p["INTELAKA"].instruments[0]
    assert isinstance(loan, Loan)
    assert (loan.rate, loan.rural_rate, loan.guarantee_share, loan.guarantee_cap_mad) == (
        D("0.02"),
        D("0.0175"),
        D("0.8"),
        1_200_000,
    )


def test_a_catalogue_file_can_be_given(tmp_path: Path) -> None:
    text = (Path(__file__).parents[1] / "src/marsad/programmes/data/programmes.yaml").read_text(
        encoding="utf-8"
    )
    path = tmp_path / "programmes.yaml"
    path.write_text(text, encoding="utf-8")
    assert set(load_programmes(path)) == SEED
    with pytest.raises(ConfigurationError, match="cannot be read"):
        load_programmes(tmp_path / "absent.yaml")


def _valid(code: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": {"fr": "Programme", "ar": "برنامج", "en": "Programme"},
        "operator": "MAROC_PME",
        "target_groups": ["tpe"],
        "regions": ["*"],
        "period": {"start": date(2024, 1, 1), "end": None},
        "budget_mad": 1_000_000,
        "instruments": [
            {
                "kind": "cost_share_grant",
                "rate": 0.2,
                "cap_per_enterprise_mad": 100_000,
                "cap_per_project_mad": 100_000,
            }
        ],
        "eligibility": [{"rule": "active_in_register"}],
        "source": "Texte public.",
    }


def test_an_invalid_catalogue_lists_every_problem_in_one_error() -> None:
    bad = _valid("bad code")
    bad["regions"] = ["06", "13"]
    bad["target_groups"] = ["tpe", "tpe"]
    bad["eligibility"] = [
        {"rule": "turnover_magic", "min_mad": 1},
        {"rule": "section_in", "values": ["Z"]},
        {"rule": "turnover_between"},
        {"rule": "min_own_funds_share", "value": 2, "extra": 1},
    ]
    bad["instruments"] = [
        {
            "kind": "cost_share_grant",
            "rate": 1.5,
            "cap_per_enterprise_mad": None,
            "cap_per_project_mad": None,
        },
        {
            "kind": "cost_share_grant",
            "rate": 0.3,
            "max_total_rate": 0.2,
            "cap_per_enterprise_mad": 10,
            "cap_per_project_mad": 10,
            "bonuses": [{"kind": "territorial", "rate": 0.05}],
            "tranches": [{"share": 0.5, "milestone": "a"}, {"share": 0.4, "milestone": "b"}],
        },
        {"kind": "voucher"},
    ]
    late = _valid("LATE")
    late["period"] = {"start": date(2024, 1, 1), "end": date(2023, 1, 1)}
    del late["source"]
    text = yaml.safe_dump(
        {
            "colour": "blue",
            "target_groups": {"tpe": [{"rule": "size_class_in", "scheme": "omtpme_2021",
                                       "values": ["MICRO", "TPE"]}]},
            "programmes": [bad, late, _valid("TWICE"), _valid("TWICE")],
        },
        allow_unicode=True,
    )  # fmt: skip
    with pytest.raises(ConfigurationError) as caught:
        parse_programmes(text)
    message = str(caught.value)
    expected = [
        "colour: unknown key",
        "bad code: code: String should match pattern",
        "bad code: target_groups: a target group is listed twice",
        "unknown region code(s): 13",
        "unknown rule 'turnover_magic'",
        "rule section_in: values: unknown section code(s): Z",
        "rule turnover_between: parameters: give min_mad, max_mad or both",
        "rule min_own_funds_share: value: Input should be less than or equal to 1",
        "rule min_own_funds_share: extra: Extra inputs are not permitted",
        "instruments.0.cost_share_grant.rate: Input should be less than or equal to 1",
        "max_total_rate 0.2 is below rate 0.3",
        "a territorial bonus needs a rate and a condition",
        "tranche shares add up to 0.9, not 1",
        "instruments.2: Input tag 'voucher' found using 'kind' does not match",
        "LATE: period.end: end 2023-01-01 is before start 2024-01-01",
        "LATE: source: Field required",
        "TWICE: code defined twice",
    ]
    missing = [e for e in expected if e not in message]
    assert not missing, message
    assert len(caught.value.details) == message.count("\n- ")


def test_not_yaml_or_not_a_catalogue() -> None:
    with pytest.raises(ConfigurationError, match="not valid YAML"):
        parse_programmes("programmes: [")
    with pytest.raises(ConfigurationError, match="'programmes' list"):
        parse_programmes("- a\n- b\n")


def test_a_grant_needs_a_grant_instrument() -> None:
    p = load_programmes()
    e = EnterpriseFacts("E1", date(2026, 1, 1))
    with pytest.raises(InvalidInput, match="n'est pas une subvention"):
        compute_grant(p["INTELAKA"], 0, e, ProjectFacts(investment_mad=D(1)))
    with pytest.raises(InvalidInput, match="pas d'instrument n° 5"):
        compute_grant(p["IMTIAZ"], 5, e, ProjectFacts(investment_mad=D(1)))


def test_tranches_add_up_exactly() -> None:
    spec = load_programmes()["CHARTE_TPME"].instruments[0]
    assert isinstance(spec, CostShareGrant)
    tranches = schedule(D(1_000_001), spec.tranches)
    assert [t.amount_mad for t in tranches] == [D(500_000), D(500_001)]


# ---- property: a grant never exceeds a ceiling, its tranches add up -------------------------

GRANTS = [
    (code, i)
    for code, p in sorted(load_programmes().items())
    for i, inst in enumerate(p.instruments)
    if isinstance(inst, CostShareGrant)
]
money = st.integers(min_value=0, max_value=80_000_000).map(Decimal)


@st.composite
def random_instrument(draw: st.DrawFn) -> dict[str, Any]:
    cuts = sorted(draw(st.lists(st.integers(1, 99), max_size=3, unique=True)))
    points = [0, *cuts, 100]
    tranches = [
        {"share": Decimal(b - a) / 100, "milestone": f"étape {i}"}
        for i, (a, b) in enumerate(itertools.pairwise(points))
    ]
    rate = Decimal(draw(st.integers(1, 100))) / 100
    cap = st.none() | st.integers(1, 20_000_000)
    return {
        "kind": "cost_share_grant",
        "rate": rate,
        "max_total_rate": max(rate, Decimal(draw(st.integers(1, 100))) / 100),
        "bonuses": [
            {"kind": "territorial", "rate": Decimal(draw(st.integers(1, 20))) / 100,
             "condition": {"rule": "region_not_in", "values": ["01", "04", "06"]}},
            {"kind": "employment", "bands": [{"min_jobs_per_mdh": 2, "rate": 0.05},
                                             {"min_jobs_per_mdh": 5, "rate": 0.15}]},
        ],
        "cap_per_enterprise_mad": draw(cap),
        "cap_per_project_mad": draw(cap),
        "cap_per_programme_mad": draw(cap),
        "cumulation": draw(st.none() | st.builds(
            lambda s, c: {"scope": s, "cap_mad": c},
            st.sampled_from(["programme", "all_programmes"]), st.integers(1, 20_000_000))),
        "tranches": tranches,
    }  # fmt: skip


def _check_invariants(
    grant: CostShareGrant, result: Any, project: ProjectFacts, granted: dict[str, Decimal]
) -> None:
    amount = result.amount_mad
    assert amount >= 0 and amount == amount.to_integral_value()
    assert result.total_rate <= (grant.max_total_rate or 1)
    cost = project.investment_mad if grant.cost_basis == "investment" else project.project_cost_mad
    assert amount <= (grant.max_total_rate or 1) * (cost or 0)
    if grant.cap_per_project_mad is not None:
        assert amount <= grant.cap_per_project_mad
    if grant.cap_per_enterprise_mad is not None:
        assert amount <= max(D(0), grant.cap_per_enterprise_mad - granted["programme"])
    if grant.cap_per_programme_mad is not None:
        assert amount <= max(D(0), grant.cap_per_programme_mad - granted["committed"])
    if grant.cumulation is not None:
        already = granted["programme" if grant.cumulation.scope == "programme" else "all"]
        assert amount <= max(D(0), grant.cumulation.cap_mad - already)
    assert sum(t.amount_mad for t in result.tranches) == amount
    assert all(t.amount_mad >= 0 for t in result.tranches)
    assert result.reasons


projects = st.builds(
    ProjectFacts,
    investment_mad=money,
    own_funds_mad=money,
    project_cost_mad=money,
    jobs_created=st.none() | st.integers(0, 2_000),
    kind=st.sampled_from(["patent", "innovation", "investment", "rd"]),
    region_code=st.none() | st.sampled_from([f"{i:02d}" for i in range(1, 13)]),
)
enterprises = st.builds(
    EnterpriseFacts,
    enterprise_id=st.just("E1"),
    as_of=st.just(date(2026, 1, 1)),
    region_code=st.sampled_from([f"{i:02d}" for i in range(1, 13)]),
    division=st.sampled_from(["10", "21", "25", "47", "62"]),
)
granted = st.fixed_dictionaries({"programme": money, "all": money, "committed": money})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(GRANTS), enterprises, projects, granted)
def test_seed_grants_never_exceed_a_ceiling(
    where: tuple[str, int], e: EnterpriseFacts, project: ProjectFacts, g: dict[str, Decimal]
) -> None:
    programme = load_programmes()[where[0]]
    grant = programme.instruments[where[1]]
    assert isinstance(grant, CostShareGrant)
    result = compute_grant(
        programme,
        where[1],
        e,
        project,
        granted_in_programme_mad=g["programme"],
        granted_all_programmes_mad=g["all"],
        programme_committed_mad=g["committed"],
    )
    _check_invariants(grant, result, project, g)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_instrument(), enterprises, projects, granted)
def test_any_grant_never_exceeds_a_ceiling(
    instrument: dict[str, Any], e: EnterpriseFacts, project: ProjectFacts, g: dict[str, Decimal]
) -> None:
    base = load_programmes()["ISTITMAR"].model_dump()
    programme = Programme.model_validate({**base, "instruments": [instrument]})
    grant = programme.instruments[0]
    assert isinstance(grant, CostShareGrant)
    result = compute_grant(
        programme,
        0,
        e,
        project,
        granted_in_programme_mad=g["programme"],
        granted_all_programmes_mad=g["all"],
        programme_committed_mad=g["committed"],
    )
    _check_invariants(grant, result, project, g)
    assert len(result.tranches) == len(grant.tranches)
