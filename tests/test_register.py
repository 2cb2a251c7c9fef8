"""Known-answer tests of the business register on crafted rows over a small economy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import make_ice
from marsad.cli.app import app
from marsad.ingest import Deliverer, ingest_folder
from marsad.register.build import build_register, current_build
from marsad.register.reviews import ReviewLog
from marsad.settings import Settings, get_settings

ICE_A = make_ice(987654321)
ICE_A_TYPO = ICE_A[:5] + str((int(ICE_A[5]) + 1) % 10) + ICE_A[6:]
ICE_B = make_ice(876543219)
ICE_B_TYPO = ICE_B[:3] + str((int(ICE_B[3]) + 1) % 10) + ICE_B[4:]
ICE_C, ICE_D, ICE_E = make_ice(765432198), make_ice(765432199), make_ice(654321987)

CRAFTED = {
    ("dgi", "tax_declarations", 2015): [
        "if_number;ice;denomination;fiscal_year;turnover_mad;net_result_mad;activity_code;city",
        "T1;;STE EL AMANE TRANSPORT OUARGHA SARL;2015;2 500 000,00;;4941;Casablanca",
        "T3;;BOULANGERIE MOHAMMADIA;2015;800 000,00;;1071;Fès",
        "T4;;BOULANGERIE MOHAMMADIA;2015;650 000,00;;1071;Agadir",
        f"T5;{ICE_A};COMPTOIR DU SUD SARL;2015;1 000 000,00;;4690;Casablanca",
        "T7;;STE TAKADDOUM TRX DIVERS SARL;2015;900 000,00;;4399;Tanger",
        "T10;;BENHAMMOU MUSTAPHA;2015;300 000,00;;4711;Oujda",
        f"T11;{ICE_B};AL MIZANE DE CONSERVERIE SARL;2015;4 000 000,00;;1020;Safi",
        f"T12;{ICE_C};ZENITH NEGOCE;2015;700 000,00;;4690;Rabat",
        "T13;;KARIMA EL FASSI;2015;150 000,00;;9602;Meknès",
        "T14;;HORIZON DIGITAL SERVICES;2015;1 200 000,00;;6201;Meknès",
    ],
    ("cnss", "employment", 2015): [
        "cnss_number;ice;denomination;commune;year;employees;payroll_mad",
        "C2;;El Amane Transport Ouargha;Casablanca;2015;12;600000",
        f"C6;{ICE_A_TYPO};NOUR TEXTILE;Rabat;2015;4;150000",
        "C8;;SOCIETTE TAQADOUM TRAVAUX DIVERS SARL;Tanger;2015;7;300000",
        f"C11;{ICE_B_TYPO};STE ALMIZAN CONSERVERIE;Safi;2015;25;1200000",
        f"C12;{ICE_D};ZENITH NEGOCE;Rabat;2015;3;90000",
    ],
    ("ompic", "registry", 2024): [
        "rc_court;rc_number;ice;denomination;legal_form;creation_date;dissolution_date;"
        "capital_mad;address;commune;activity",
        "CASA;999001;;SOCIETE AL AMANE DE TRANSPORT OUARGHA S.A.R.L;SARL;2009-04-01;;100000;;"
        "Casablanca;transport routier",
        "TANGER;999002;;TAQADDOUM TRAVAUX DIVERS SARL;SARL;2012-06-01;;50000;;Tanger;travaux",
        "OUJDA;999010;;BEN HAMMOU MUSTAPHA;Personne physique;2011-03-01;;;;Oujda;épicerie",
        # the seat moved from Rabat to Tangier: registered again there, the same ICE
        f"RABAT;999020;{ICE_E};ORION CONSEIL SARL;SARL;2010-01-10;2019-05-02;10000;;Rabat;conseil",
        f"TANGER;999021;{ICE_E};ORION CONSEIL SARL;SARL;2019-05-02;;10000;;Tanger;conseil",
    ],
}


def _deliver_crafted(settings: Settings, tmp: Path) -> None:
    deliverer = Deliverer(settings)
    for (partner, dataset, period), lines in CRAFTED.items():
        path = tmp / f"{partner}-{dataset}-{period}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        report = deliverer.deliver(partner, dataset, period, path)
        assert report.status == "loaded" and report.quarantined == 0, report.errors


@pytest.fixture(scope="module")
def register_home(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from marsad.synth import generate

    root = tmp_path_factory.mktemp("register")
    generate(out=root / "synth", scale=0.003, seed=11, progress=False)
    settings = get_settings(root / "home")
    ingest_folder(Deliverer(settings), root / "synth")
    _deliver_crafted(settings, root)
    build_register(settings)
    return settings


def _enterprise_of(settings: Settings, unit_id: str) -> str:
    import duckdb

    build = current_build(settings)
    assert build is not None
    row = duckdb.sql(
        f"SELECT enterprise_id FROM '{build / 'units.parquet'}' WHERE unit_id = $u",
        params={"u": unit_id},
    ).fetchone()
    assert row is not None, unit_id
    return str(row[0])


def _ids(settings: Settings) -> dict[str, str]:
    import duckdb

    build = current_build(settings)
    assert build is not None
    return dict(
        duckdb.sql(f"SELECT unit_id, enterprise_id FROM '{build / 'units.parquet'}'").fetchall()
    )


def test_three_name_variants_without_ice_are_one_enterprise(register_home: Settings) -> None:
    ids = {_enterprise_of(register_home, u) for u in ("if:T1", "cnss:C2", "rc:CASA|999001")}
    assert len(ids) == 1


def test_spelling_abbreviation_and_prefix_typo_variants_are_one_enterprise(
    register_home: Settings,
) -> None:
    """Vowels of a transliteration (Takaddoum, Taqadoum), an abbreviation (Trx) and a
    mistyped prefix (Societte): no shared identifier, one enterprise."""
    ids = {_enterprise_of(register_home, u) for u in ("if:T7", "cnss:C8", "rc:TANGER|999002")}
    assert len(ids) == 1


def test_same_name_in_two_cities_stays_two(register_home: Settings) -> None:
    assert _enterprise_of(register_home, "if:T3") != _enterprise_of(register_home, "if:T4")


def test_a_mistyped_ice_does_not_merge_two_firms(register_home: Settings) -> None:
    assert _enterprise_of(register_home, "if:T5") != _enterprise_of(register_home, "cnss:C6")


def test_particles_joined_or_apart_are_one_trader(register_home: Settings) -> None:
    assert _enterprise_of(register_home, "if:T10") == _enterprise_of(
        register_home, "rc:OUJDA|999010"
    )


def test_a_mistyped_ice_beside_a_close_name_is_evidence(register_home: Settings) -> None:
    """One digit of the ICE wrong (it fails its check), the name written otherwise: the
    typo and the name together make one enterprise."""
    assert _enterprise_of(register_home, "if:T11") == _enterprise_of(register_home, "cnss:C11")


def test_two_valid_ices_are_never_merged_by_a_name(register_home: Settings) -> None:
    assert _enterprise_of(register_home, "if:T12") != _enterprise_of(register_home, "cnss:C12")


def test_a_seat_moved_to_another_court_keeps_its_enterprise(register_home: Settings) -> None:
    assert _enterprise_of(register_home, "rc:RABAT|999020") == _enterprise_of(
        register_home, "rc:TANGER|999021"
    )


def test_the_category_of_an_enterprise_only_the_tax_office_knows(
    register_home: Settings,
) -> None:
    import duckdb

    build = current_build(register_home)
    assert build is not None
    found = dict(
        duckdb.sql(
            f"""SELECT u.unit_id, e.category || '/' || coalesce(e.legal_form, '')
                FROM '{build / "units.parquet"}' u
                JOIN '{build / "enterprises.parquet"}' e USING (enterprise_id)
                WHERE u.unit_id IN ('if:T10', 'if:T13', 'if:T14', 'if:T11')"""
        ).fetchall()
    )
    assert found == {
        "if:T10": "EPPA/PP",  # the registry says "personne physique"
        "if:T13": "EPPA/PP",  # a person's name, nothing else known
        "if:T14": "EPMA/",  # a trade name: a legal person whose form nobody wrote
        "if:T11": "EPMA/SARL",
    }
    ae = duckdb.sql(
        f"""SELECT DISTINCT legal_form FROM '{build / "enterprises.parquet"}'
            WHERE category = 'AE'"""
    ).fetchall()
    assert ae == [("AE",)]  # auto-entrepreneurs are a legal form of their own


def test_ids_are_stable_across_a_rebuild_and_a_new_delivery(
    register_home: Settings, tmp_path: Path
) -> None:
    before = _ids(register_home)
    assert build_register(register_home, full=True).mode == "full"
    assert _ids(register_home) == before
    extra = tmp_path / "cnss-2014.csv"
    extra.write_text(
        "cnss_number;ice;denomination;commune;year;employees;payroll_mad\n"
        "C2;;EL AMANE TRANSPORT OUARGHA;Casablanca;2014;10;500000\n"
        "C9;;STE NOUVELLE ETOILE DU NORD;Tanger;2014;2;40000\n",
        encoding="utf-8",
    )
    assert Deliverer(register_home).deliver("cnss", "employment", 2014, extra).loaded == 2
    report = build_register(register_home)
    # linked incrementally: only the new unit (and units whose attributes changed) scored
    assert report.mode == "incremental"
    assert 1 <= report.units_scored < report.units // 10
    after = _ids(register_home)
    assert {u: after[u] for u in before} == before
    assert "cnss:C9" in after and after["cnss:C9"] not in set(before.values())


def test_a_reviewers_different_holds_after_rebuild(register_home: Settings) -> None:
    assert _enterprise_of(register_home, "if:T1") == _enterprise_of(register_home, "cnss:C2")
    log = ReviewLog(register_home.home / "register" / "reviews.jsonl")
    log.record("if:T1", "cnss:C2", "different", "test")
    try:
        build_register(register_home)
        assert _enterprise_of(register_home, "if:T1") != _enterprise_of(register_home, "cnss:C2")
    finally:
        log.record("if:T1", "cnss:C2", "same", "test")
        build_register(register_home)
    assert _enterprise_of(register_home, "if:T1") == _enterprise_of(register_home, "cnss:C2")


def test_cli_faces(register_home: Settings, tmp_path: Path) -> None:
    runner = CliRunner()
    home = ["--home", str(register_home.home)]
    explain = runner.invoke(app, [*home, "register", "explain", "if:T1", "cnss:C2", "--json"])
    assert explain.exit_code == 0, explain.output
    result = json.loads(explain.stdout)
    assert result["same_enterprise"]
    assert result["calibrated_probability"] >= result["threshold"] >= 0.5
    names = {s["comparison"]: s for s in result["steps"]}
    assert names["name_std"]["log2_weight"] > 0
    enterprise = _enterprise_of(register_home, "if:T1")
    show = runner.invoke(app, [*home, "register", "show", enterprise, "--json"])
    assert show.exit_code == 0
    assert {u["unit_id"] for u in json.loads(show.stdout)["units"]} >= {"if:T1", "cnss:C2"}
    assert "register.show" in (register_home.home / "audit.jsonl").read_text()
    missing = runner.invoke(app, [*home, "register", "show", "E-NOPE"])
    assert missing.exit_code == 2 and "Traceback" not in missing.output
    out = tmp_path / "rows.csv"
    export = runner.invoke(app, [*home, "register", "export", "--out", str(out)])
    assert export.exit_code == 0
    lines = out.read_text().splitlines()
    assert lines[0] == "delivery_file,row,enterprise_id,delivery_id"
    assert any(
        line.startswith("dgi/tax_declarations/dgi-tax_declarations-2015.csv,1,") for line in lines
    )
    queue = runner.invoke(app, [*home, "register", "review", "--json", "--limit", "2"])
    assert queue.exit_code == 0, queue.output
    listing = json.loads(queue.stdout)
    assert len(listing["pairs"]) == min(2, listing["total"]) and listing["page"] == 1
    shown = runner.invoke(app, [*home, "register", "review", "--limit", "2"])
    assert shown.exit_code == 0 and "à revoir" in shown.output


def test_evaluation_against_the_synthetic_truth(register_home: Settings) -> None:
    from marsad.register.evaluate import evaluate_register

    truth = register_home.home.parent / "synth" / "truth"
    result = evaluate_register(register_home, truth)
    assert result["rows_with_truth"] > 10_000
    assert result["pairwise"]["precision"] > 0.98
    assert result["pairwise"]["recall"] > 0.85
    assert 0 < result["bcubed"]["f1"] <= 1


def test_a_build_of_an_older_version_is_explained_by_a_sentence(
    register_home: Settings,
) -> None:
    """A register built before a comparison existed: no internal error, a sentence that
    says to rebuild."""
    import shutil

    import duckdb

    from marsad.errors import Conflict
    from marsad.register.queries import explain_pair

    build = current_build(register_home)
    assert build is not None
    old = build.with_name(build.name + "-older")
    shutil.copytree(build, old)
    duckdb.sql(
        f"COPY (SELECT * EXCLUDE (rare_skeleton) FROM '{build / 'units.parquet'}') "
        f"TO '{old / 'units.parquet'}' (FORMAT parquet)"
    )
    pointer = build.parent.parent / "current.json"
    saved = pointer.read_text()
    pointer.write_text(json.dumps({"build": old.name}))
    try:
        with pytest.raises(Conflict, match="reconstruisez-le"):
            explain_pair(register_home, "if:T1", "cnss:C2")
    finally:
        pointer.write_text(saved)
        shutil.rmtree(old)
