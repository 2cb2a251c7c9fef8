"""Known-answer tests of survivorship, the yearly panel and life events.

Crafted deliveries go through the real ingestion into a temporary data directory; the
build's ``rows.parquet`` and ``units.parquet`` are written by hand (a fake build whose
linkage is known), then ``write_panel_and_events`` runs on them.

The crafted economy, panel years 2019-2023 (DGI, CNSS and balance sheets delivered every
year, so every year is observed):

- E1 SARL, created 2015: tax declarations 2019 (2,999,999.99), 2020 (exactly 3,000,000),
  2023 (500,000): MICRO -> TPE -> MICRO, dies by inactivity in 2021, reactivates in 2023.
- E2 SA, created 2020-06-15: CNSS employees 9 (2020), 0 (2021), 10 (2022).
- E3 SARL, dissolved 2022-05-01: balance sheets 2019-2021 only.
- E4 SARL: two IF numbers (5,000,000 and 4,000,000 in 2019), two CNSS numbers (10 and 12
  employees in 2019), balance sheets every year, credit in 2021; registry snapshots 2022
  and 2023 with different names.
- E5 auto-entrepreneur: registered 2020-03-01, deregistered 2022-06-30, turnover in 2020
  (two quarters) and 2023 (after deregistration).
- E6 auto-entrepreneur with two AE numbers, registered 2018; 2021 turnover 10,000 + 10,000
  under one number and 15,000 under the other.
- E7 natural-person trader (no creation date): a single tax declaration in 2021.
- E8 chamber member only. E9 (IF + CNSS, no registry): active every year.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import make_ice
from marsad.conventions import ConventionSet
from marsad.errors import ConfigurationError
from marsad.ingest import Deliverer, Ledger
from marsad.reference import lookup_commune
from marsad.register.panel import write_panel_and_events
from marsad.register.survivorship import parse_rules
from marsad.settings import Settings, get_settings

ICE1, ICE2, ICE3, ICE4 = (make_ice(n) for n in (111111111, 222222222, 333333333, 444444444))
YEARS = (2019, 2020, 2021, 2022, 2023)

HEADERS = {
    "ompic.registry": "rc_court;rc_number;ice;denomination;legal_form;creation_date;"
    "dissolution_date;capital_mad;address;commune;activity",
    "ompic.balance_sheets": "rc_court;rc_number;ice;fiscal_year;filed_date;total_assets_mad",
    "dgi.tax_declarations": "if_number;ice;denomination;fiscal_year;turnover_mad;"
    "net_result_mad;activity_code;city",
    "cnss.employment": "cnss_number;ice;denomination;commune;year;employees;payroll_mad",
    "rnae.auto_entrepreneurs": "ae_number;cin_hash;ice;full_name;gender;birth_year;"
    "activity_kind;activity_code;commune;registration_date;deregistration_date",
    "rnae.turnover": "ae_number;year;quarter;turnover_mad",
    "bam.credit": "ice;year;credit_outstanding_mad;bank_count",
    "ccis.members": "region_code;member_id;ice;denomination;activity_code;phone;email",
}

DELIVERIES: dict[tuple[str, int], list[str]] = {
    ("ompic.registry", 2022): [
        f"CASA;4;{ICE4};OLD DELTA SARL;SARL;2012-01-10;;;;Casablanca;",
    ],
    ("ompic.registry", 2023): [
        f"CASA;1;{ICE1};ALPHA SARL;SARL;2015-03-01;;;;Casablanca;",
        f"CASA;2;{ICE2};BETA SA;SA;2020-06-15;;;;Rabat;",
        f"RABAT;7;{ICE3};GAMMA SARL;SARL;2010-05-05;2022-05-01;;;Rabat;",
        f"CASA;4;{ICE4};DELTA SARL;SARL;2012-01-10;;;;Casablanca;",
        "FES;9;;EPSILON MOHAMED;Personne physique;;;;;Fès;",
    ],
    **{
        ("dgi.tax_declarations", y): [
            *{
                2019: [
                    "D1;;ALPHA;2019;2 999 999,99;;4711;Casablanca",
                    "D4A;;DELTA TRADING;2019;5 000 000,00;;4711;Rabat",
                    "D4B;;DELTA FOOD;2019;4 000 000,00;;1071;Rabat",
                ],
                2020: ["D1;;ALPHA;2020;3 000 000,00;;4711;Casablanca"],
                2021: ["D7;;EPSILON;2021;100 000,00;;4711;Fès"],
                2023: ["D1;;ALPHA;2023;500 000,00;;4711;Casablanca"],
            }.get(y, []),
            f"D9;;ZETA CONSEIL;{y};1 000 000,00;;7022;Tanger",
        ]
        for y in YEARS
    },
    **{
        ("cnss.employment", y): [
            *{
                2019: [
                    "C4A;;DELTA;Fès;2019;10;100000",
                    "C4B;;DELTA;Fès;2019;12;90000",
                ],
                2020: ["C2;;BETA;Rabat;2020;9;50000"],
                2021: ["C2;;BETA;Rabat;2021;0;0"],
                2022: ["C2;;BETA;Rabat;2022;10;60000"],
            }.get(y, []),
            f"C9;;ZETA;Tanger;{y};2;40000",
        ]
        for y in YEARS
    },
    **{
        ("ompic.balance_sheets", y): [
            *([f"RABAT;7;;{y};{y + 1}-03-31;800000"] if y <= 2021 else []),
            f"CASA;4;;{y};{y + 1}-03-31;9000000",
        ]
        for y in YEARS
    },
    ("rnae.auto_entrepreneurs", 2023): [
        "A5;h5;;FATIMA ZAHRA;F;1990;services;6201;Marrakech;2020-03-01;2022-06-30",
        "A6A;h6;;KARIM;M;1985;commerce;4711;Tanger;2018-01-15;",
        "A6B;h6;;KARIM B;M;1985;commerce;4711;Tanger;2018-02-01;",
    ],
    ("rnae.turnover", 2020): ["A5;2020;1;10000", "A5;2020;2;20000"],
    ("rnae.turnover", 2021): ["A6A;2021;1;10000", "A6A;2021;2;10000", "A6B;2021;1;15000"],
    ("rnae.turnover", 2023): ["A5;2023;1;5000"],
    ("bam.credit", 2021): [f"{ICE4};2021;2 500 000,00;2"],
    ("ccis.members", 2023): ["03;M8;;OMEGA SERVICES;6201;;"],
}

# the fake build: unit -> (enterprise, system, legal form, place, division, section, gender)
UNITS: dict[str, tuple[str, str, str | None, str | None, str | None, str | None, str | None]] = {
    "rc:CASA|1": ("E1", "rc", "SARL", "Casablanca", None, None, None),
    "if:D1": ("E1", "if", "SARL", "Casablanca", "47", "G", None),
    "rc:CASA|2": ("E2", "rc", "SA", "Rabat", None, None, None),
    "cnss:C2": ("E2", "cnss", None, "Rabat", None, None, None),
    "rc:RABAT|7": ("E3", "rc", "SARL", "Rabat", None, None, None),
    "rc:CASA|4": ("E4", "rc", "SARL", "Casablanca", None, None, None),
    "if:D4A": ("E4", "if", None, "Rabat", "47", "G", None),
    "if:D4B": ("E4", "if", None, "Rabat", "10", "C", None),
    "cnss:C4A": ("E4", "cnss", None, "Fès", None, None, None),
    "cnss:C4B": ("E4", "cnss", None, "Fès", None, None, None),
    f"bam:{ICE4}": ("E4", "bam", None, None, None, None, None),
    "ae:A5": ("E5", "ae", None, "Marrakech", "62", "J", "F"),
    "ae:A6A": ("E6", "ae", None, "Tanger", "47", "G", "M"),
    "ae:A6B": ("E6", "ae", None, "Tanger", "47", "G", "M"),
    "rc:FES|9": ("E7", "rc", "PP", "Fès", None, None, None),
    "if:D7": ("E7", "if", None, "Fès", "47", "G", None),
    "ccis:M8": ("E8", "ccis", None, None, "62", "J", None),
    "if:D9": ("E9", "if", None, "Tanger", "70", "M", None),
    "cnss:C9": ("E9", "cnss", None, "Tanger", None, None, None),
}

KEYS = {  # how the fake build names the unit of a staged row
    "ompic.registry": lambda r: f"rc:{r['rc_court']}|{r['rc_number']}",
    "ompic.balance_sheets": lambda r: f"rc:{r['rc_court']}|{r['rc_number']}",
    "dgi.tax_declarations": lambda r: f"if:{r['if_number']}",
    "cnss.employment": lambda r: f"cnss:{r['cnss_number']}",
    "rnae.auto_entrepreneurs": lambda r: f"ae:{r['ae_number']}",
    "rnae.turnover": lambda r: f"ae:{r['ae_number']}",
    "bam.credit": lambda r: f"bam:{r['ice']}",
    "ccis.members": lambda r: f"ccis:{r['member_id']}",
}


def _write_fake_build(settings: Settings, build: Path) -> None:
    rows: dict[str, list[Any]] = {k: [] for k in ("delivery", "row", "dataset", "period")}
    rows["unit_id"], rows["enterprise_id"] = [], []
    for record in Ledger(settings.ledger_path).current():
        dataset = f"{record.partner}.{record.dataset}"
        assert record.path is not None
        for r in pq.read_table(settings.home / record.path / "rows.parquet").to_pylist():
            unit = KEYS[dataset](r)
            for key, value in zip(
                rows,
                (r["_delivery"], r["_row"], dataset, record.period, unit, UNITS[unit][0]),
                strict=True,
            ):
                rows[key].append(value)
    build.mkdir(parents=True)
    pq.write_table(pa.table(rows), build / "rows.parquet")
    places = {n: lookup_commune(n) for n in ("Casablanca", "Rabat", "Fès", "Marrakech", "Tanger")}
    columns: dict[str, list[Any]] = {
        k: []
        for k in (
            *("unit_id", "system", "name", "name_std", "ice", "legal_form", "commune_code"),
            *("province", "region_code", "division", "section", "gender", "enterprise_id"),
            "person",
            "person_name",
        )
    }
    for unit, (enterprise, system, form, place, division, section, gender) in UNITS.items():
        commune = places[place] if place else None
        values = (
            *(unit, system, None, None, ICE4 if unit.startswith("bam") else None, form),
            commune.code if commune else None,
            commune.province if commune else None,
            commune.region_code if commune else ("03" if unit == "ccis:M8" else None),
            *(division, section, gender, enterprise),
            system == "ae",  # the auto-entrepreneur register names natural persons
            False,  # no name is written like a person's (the names are left empty)
        )
        for key, value in zip(columns, values, strict=True):
            columns[key].append(value)
    pq.write_table(pa.table(columns), build / "units.parquet")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Path, dict[str, int]]:
    root = tmp_path_factory.mktemp("panel")
    settings = get_settings(root / "home")
    deliverer = Deliverer(settings)
    for (dataset, period), lines in DELIVERIES.items():
        partner, name = dataset.split(".")
        path = root / f"{partner}-{name}-{period}.csv"
        path.write_text("\n".join([HEADERS[dataset], *lines]) + "\n", encoding="utf-8")
        report = deliverer.deliver(partner, name, period, path)
        assert report.status == "loaded" and report.quarantined == 0, report.errors
    build = settings.home / "register" / "builds" / "fake"
    _write_fake_build(settings, build)
    con = duckdb.connect()
    try:
        counts = write_panel_and_events(con, settings, build)
    finally:
        con.close()
    return settings, build, counts


def _read(build: Path, name: str) -> list[dict[str, Any]]:
    return pq.read_table(build / f"{name}.parquet").to_pylist()


def _panel(build: Path) -> dict[tuple[str, int], dict[str, Any]]:
    return {(r["enterprise_id"], r["year"]): r for r in _read(build, "panel")}


def _row_of(settings: Settings, dataset: str, **key: str) -> tuple[str, int]:
    """(delivery, row) of the staged row whose fields equal ``key`` (the latest period)."""
    partner, name = dataset.split(".")
    found = []
    for record in Ledger(settings.ledger_path).current(partner, name):
        assert record.path is not None
        for r in pq.read_table(settings.home / record.path / "rows.parquet").to_pylist():
            if all(str(r[k]) == v for k, v in key.items()):
                found.append((record.period, r["_delivery"], r["_row"]))
    assert found, key
    _, delivery, row = max(found)
    return delivery, row


def test_counts(built: tuple[Settings, Path, dict[str, int]]) -> None:
    _, _, counts = built
    assert counts == {
        "enterprises": 9,
        "panel_rows": 45,
        "events_birth": 3,
        "events_death": 4,
        "events_reactivation": 2,
        "events_size_class_change": 2,
        # no auto-entrepreneur of this build left the status for a company
        "events_formalisation": 0,
        "successions": 0,
        "successions_tied": 0,
    }


def test_each_condition_alone_makes_a_legal_person_active(built: Any) -> None:
    _, build, _ = built
    panel = _panel(build)
    active = {e: [y for y in YEARS if panel[e, y]["active"]] for e in ("E1", "E2", "E3", "E9")}
    assert active == {
        "E1": [2019, 2020, 2023],  # tax declarations only
        "E2": [2020, 2022],  # CNSS only; 0 employees in 2021 is not activity
        "E3": [2019, 2020, 2021],  # balance sheets only
        "E9": list(YEARS),
    }
    assert panel["E1", 2019]["has_tax_declaration"] is True
    assert panel["E1", 2019]["has_employees"] is False
    assert panel["E2", 2021]["has_employees"] is False and panel["E2", 2021]["employees"] == 0
    assert panel["E3", 2021]["has_balance_sheet"] is True
    assert panel["E3", 2022]["has_balance_sheet"] is False
    assert all(r["observed"] for r in panel.values())
    assert panel["E8", 2023]["active"] is False and panel["E8", 2023]["category"] == "unknown"


def test_auto_entrepreneur_activity(built: Any) -> None:
    _, build, _ = built
    panel = _panel(build)
    # active auto-entrepreneurs are a stock at the year's end (deregistered mid-2022)
    assert [panel["E5", y]["active"] for y in YEARS] == [False, True, True, False, False]
    assert [panel["E5", y]["registered_at_year_end"] for y in YEARS] == [
        False,
        True,
        True,
        False,
        False,
    ]
    assert [panel["E5", y]["registered"] for y in YEARS] == [False, True, True, True, False]
    assert panel["E5", 2023]["has_ae_turnover"] is True  # a signal kept in the panel
    assert panel["E5", 2020]["turnover_mad"] == 30000  # sum of the year's quarters
    delivery, row = _row_of(built[0], "rnae.turnover", ae_number="A5", quarter="2")
    assert (panel["E5", 2020]["turnover_source"], panel["E5", 2020]["turnover_delivery"]) == (
        "rnae.turnover",
        delivery,
    )
    assert panel["E5", 2020]["turnover_row"] == row
    assert all(panel["E6", y]["active"] for y in YEARS)
    assert {panel[e, 2020]["category"] for e in ("E5", "E6")} == {"AE"}


def test_duplicate_units_take_the_larger_value(built: Any) -> None:
    settings, build, _ = built
    panel = _panel(build)
    e4 = panel["E4", 2019]
    assert e4["turnover_mad"] == 5_000_000  # not 9,000,000
    assert e4["employees"] == 12 and e4["payroll_mad"] == 90000  # from the same CNSS row
    assert (e4["turnover_delivery"], e4["turnover_row"]) == _row_of(
        settings, "dgi.tax_declarations", if_number="D4A"
    )
    assert (e4["employees_source"], e4["employees_delivery"], e4["employees_row"]) == (
        "cnss.employment",
        *_row_of(settings, "cnss.employment", cnss_number="C4B"),
    )
    assert panel["E6", 2021]["turnover_mad"] == 20000  # 10,000 + 10,000; not 35,000
    assert (panel["E6", 2021]["turnover_delivery"], panel["E6", 2021]["turnover_row"]) == (
        _row_of(settings, "rnae.turnover", ae_number="A6A", quarter="2")
    )
    assert panel["E4", 2021]["credit_outstanding_mad"] == 2_500_000
    assert panel["E4", 2020]["credit_outstanding_mad"] is None
    assert pq.read_metadata(build / "panel.parquet").metadata[b"aggregate_only"] == (
        b"credit_outstanding_mad"
    )


def test_size_classes_at_bounds(built: Any) -> None:
    _, build, _ = built
    panel = _panel(build)
    classes = {
        key: (panel[key]["size_omtpme_2021"], panel[key]["size_anpme_2013"])
        for key in (("E1", 2019), ("E1", 2020), ("E4", 2019), ("E1", 2021))
    }
    assert classes == {
        ("E1", 2019): ("MICRO", "TPE"),  # 2,999,999.99
        ("E1", 2020): ("TPE", "PE"),  # exactly 3,000,000: the upper class
        ("E4", 2019): ("TPE", "PE"),  # 5,000,000
        ("E1", 2021): (None, None),  # no turnover, no class
    }
    employees = {y: panel["E2", y]["size_eurostat_employees"] for y in (2020, 2021, 2022)}
    assert employees == {2020: "MICRO", 2021: "MICRO", 2022: "SMALL"}  # 9, 0, 10
    assert panel["E4", 2019]["size_eurostat_employees"] == "SMALL"


def test_survivorship_best_source_and_provenance(built: Any) -> None:
    settings, build, _ = built
    ent = {r["enterprise_id"]: r for r in _read(build, "enterprises")}
    assert {e: r["category"] for e, r in ent.items()} == {
        **dict.fromkeys(("E1", "E2", "E3", "E4"), "EPMA"),
        **dict.fromkeys(("E5", "E6"), "AE"),
        "E7": "EPPA",
        "E8": "unknown",  # a chamber member only: no register of enterprises knows it
        "E9": "EPMA",  # tax office and CNSS, a name no person bears: a legal person
    }
    assert {e: ent[e]["legal_form"] for e in ("E5", "E6", "E7")} == dict.fromkeys(
        ("E5", "E6"), "AE"
    ) | {"E7": "PP"}
    e4 = ent["E4"]
    registry = _row_of(settings, "ompic.registry", rc_number="4")  # the 2023 snapshot
    assert (e4["name"], e4["name_source"], e4["name_delivery"], e4["name_row"]) == (
        "DELTA SARL",
        "ompic.registry",
        *registry,
    )
    assert registry[0].startswith("ompic-registry-2023-")
    assert (e4["legal_form"], e4["legal_form_source"]) == ("SARL", "ompic.registry")
    casablanca = lookup_commune("Casablanca")
    assert casablanca is not None
    assert (e4["commune_code"], e4["region_code"], e4["region_code_source"]) == (
        casablanca.code,
        "06",
        "ompic.registry",
    )
    # activity from DGI: same period for both IF numbers, the highest row wins (D4B)
    assert (e4["division"], e4["section"], e4["section_source"]) == (
        "10",
        "C",
        "dgi.tax_declarations",
    )
    assert (e4["division_delivery"], e4["division_row"]) == _row_of(
        settings, "dgi.tax_declarations", if_number="D4B"
    )
    # the registry unit has no valid ICE: the first source whose unit has one (credit)
    assert (e4["ice"], e4["ice_source"]) == (ICE4, "bam.credit")
    assert e4["dissolution_date"] is None and e4["gender"] is None
    e5 = ent["E5"]
    assert (e5["creation_date"], e5["creation_date_source"]) == (
        dt.date(2020, 3, 1),
        "rnae.auto_entrepreneurs",
    )
    assert (e5["dissolution_date"], e5["gender"], e5["gender_source"]) == (
        dt.date(2022, 6, 30),
        "F",
        "rnae.auto_entrepreneurs",
    )
    assert (e5["name"], e5["section"]) == ("FATIMA ZAHRA", "J")
    assert (ent["E9"]["name"], ent["E9"]["name_source"]) == ("ZETA CONSEIL", "dgi.tax_declarations")
    assert (ent["E8"]["region_code"], ent["E8"]["region_code_source"]) == ("03", "ccis.members")
    assert ent["E8"]["commune_code"] is None
    assert (ent["E3"]["dissolution_date"], ent["E3"]["dissolution_date_source"]) == (
        dt.date(2022, 5, 1),
        "ompic.registry",
    )


def test_events(built: Any) -> None:
    _, build, _ = built
    events = sorted(
        (r["enterprise_id"], r["year"], r["event"], r["detail"]) for r in _read(build, "events")
    )
    assert events == [
        ("E1", 2020, "size_class_change", "MICRO->TPE"),
        ("E1", 2021, "death", "inactivity"),  # 2021 and 2022 inactive, both observed
        ("E1", 2023, "reactivation", None),
        ("E1", 2023, "size_class_change", "TPE->MICRO"),
        ("E2", 2020, "birth", "creation_date"),
        ("E2", 2022, "reactivation", None),  # one inactive year: no death
        ("E3", 2022, "death", "dissolution_date"),
        ("E5", 2020, "birth", "creation_date"),
        ("E5", 2022, "death", "dissolution_date"),
        ("E7", 2021, "birth", "first_activity"),
        ("E7", 2022, "death", "inactivity"),
    ]


def test_rules_are_validated_with_every_problem_in_one_message() -> None:
    with pytest.raises(ConfigurationError) as info:
        parse_rules(
            {
                "attributes": {"name": {"value": "guess", "sources": []}},
                "category": {"rules": [{"category": "AE"}]},
                "panel": {"years_from": ["dgi.tax_declarations"], "active": {}},
            }
        )
    message = str(info.value)
    for part in ("attributes.name.value", "attributes.name.sources", "panel.default_scheme"):
        assert part in message
    with pytest.raises(ConfigurationError) as info:
        parse_rules(
            {
                "attributes": {
                    "nickname": {
                        "value": "unit",
                        "sources": [{"dataset": "dgi.tax_declarations", "field": "nope"}],
                    }
                },
                "category": {"rules": [{"category": "AE", "systems_any": ["xx"]}]},
                "panel": {
                    "years_from": ["ompic.registry"],
                    "active": {"AE": ["registered"]},
                    "default_scheme": "nope",
                },
            },
            ConventionSet.load(),
        )
    message = str(info.value)
    for part in (
        "attributes: missing",
        "attributes.nickname: unit columns",
        "a source field is in no convention",
        "category.rules.0: systems",
        "ompic.registry is not a yearly dataset",
        "a 'default' list",
        "unknown scheme 'nope'",
    ):
        assert part in message, part
