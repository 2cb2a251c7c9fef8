"""The shipped referentials: regions, NMA 2010 divisions, communes, variants and courts."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from marsad.reference._files import read_rows
from marsad.reference.classifications import (
    load_divisions,
    load_regions,
    load_sections,
    section_of_activity_code,
)
from marsad.reference.places import (
    commune_by_code,
    communes_of_region,
    court_by_code,
    known_place_keys,
    load_communes,
    load_courts,
    lookup_commune,
    place_key,
)

REGION_CODES = {f"{n:02d}" for n in range(1, 13)}


# --- regions, sections, divisions -------------------------------------------------------


def test_twelve_regions_coded_01_to_12() -> None:
    regions = load_regions()
    assert len(regions) == 12
    assert {r.code for r in regions} == REGION_CODES
    assert next(r for r in regions if r.code == "06").name_fr == "Casablanca-Settat"


def test_88_divisions_with_unique_two_digit_codes() -> None:
    codes = [d.code for d in load_divisions()]
    assert len(codes) == 88
    assert len(set(codes)) == 88
    assert all(re.fullmatch(r"\d{2}", code) for code in codes)
    # ISIC Rev.4 leaves these numbers unused.
    for gap in ("04", "34", "40", "44", "48", "54", "57", "67", "76", "83", "89"):
        assert gap not in codes


def test_each_division_lies_in_its_section_range() -> None:
    ranges = {s.code: set(s.divisions) for s in load_sections()}
    assert len(ranges) == 21
    for division in load_divisions():
        assert division.code in ranges[division.section], division
        assert division.label_fr


def test_every_section_range_is_made_of_existing_divisions() -> None:
    existing = {d.code for d in load_divisions()}
    for section in load_sections():
        assert set(section.divisions) <= existing, section.code
    assert sum(len(s.divisions) for s in load_sections()) == 88


def test_well_known_division_labels() -> None:
    labels = {d.code: d.label_fr for d in load_divisions()}
    assert labels["10"] == "Industries alimentaires"
    assert labels["41"] == "Construction de bâtiments"
    assert labels["47"].startswith("Commerce de détail")
    assert labels["62"].startswith("Programmation, conseil")


@pytest.mark.parametrize(
    ("code", "section"),
    [("4711", "G"), ("47.11", "G"), ("47", "G"), ("01", "A"), ("0111", "A"), ("62.01", "J"),
     ("10", "C"), ("33", "C"), ("35", "D"), ("99", "U")],
)  # fmt: skip
def test_section_of_activity_code(code: str, section: str) -> None:
    assert section_of_activity_code(code) == section


@pytest.mark.parametrize("code", [None, "", "4", "abc", "47x1", "12345", "00", "04", "48"])
def test_section_of_invalid_activity_code_is_none(code: str | None) -> None:
    assert section_of_activity_code(code) is None


# --- communes ---------------------------------------------------------------------------


def test_commune_codes_unique_and_follow_the_scheme() -> None:
    communes = load_communes()
    assert len(communes) >= 200
    codes = [c.code for c in communes]
    assert len(set(codes)) == len(codes)
    for commune in communes:
        assert re.fullmatch(r"\d{8}", commune.code), commune
        assert commune.code[:2] == commune.region_code, commune


def test_commune_names_are_unambiguous() -> None:
    keys = Counter(place_key(c.name) for c in load_communes())
    assert [key for key, n in keys.items() if n > 1] == []


def test_communes_cover_all_regions_with_urban_and_rural() -> None:
    for region in load_regions():
        kinds = {c.kind for c in communes_of_region(region.code)}
        assert kinds == {"urban", "rural"}, region.code
    assert {c.region_code for c in load_communes()} == REGION_CODES
    assert {c.kind for c in load_communes()} == {"urban", "rural"}


def test_provinces_belong_to_one_region_and_number_75() -> None:
    regions_of: dict[str, set[str]] = {}
    for commune in load_communes():
        regions_of.setdefault(commune.province, set()).add(commune.region_code)
    assert len(regions_of) == 75
    assert all(len(regions) == 1 for regions in regions_of.values())
    # A province number within a region designates one province only.
    prefix_of: dict[str, set[str]] = {}
    for commune in load_communes():
        prefix_of.setdefault(commune.code[:5], set()).add(commune.province)
    assert all(len(provinces) == 1 for provinces in prefix_of.values())


def test_populations_are_plausible() -> None:
    communes = {c.name: c for c in load_communes()}
    assert all(c.population > 0 for c in communes.values())
    largest = max(communes.values(), key=lambda c: c.population)
    assert largest.name == "Casablanca"
    assert communes["Fès"].population > 1_000_000
    assert communes["Rabat"].population > communes["Kénitra"].population
    assert communes["Salé"].population > communes["Rabat"].population
    assert sum(c.population for c in communes.values()) > 20_000_000


def test_commune_by_code_and_region() -> None:
    casablanca = lookup_commune("Casablanca")
    assert casablanca is not None
    assert commune_by_code(casablanca.code) == casablanca
    assert commune_by_code("99999999") is None
    assert commune_by_code(None) is None
    assert casablanca in communes_of_region("06")
    assert casablanca not in communes_of_region("04")
    assert communes_of_region("13") == ()


# --- variants and lookup ----------------------------------------------------------------


def test_every_variant_maps_to_an_existing_commune() -> None:
    codes = {c.code for c in load_communes()}
    rows = read_rows("commune_variants.csv")
    assert len(rows) >= 300
    for row in rows:
        assert row["commune_code"] in codes, row


def test_no_variant_is_ambiguous() -> None:
    name_keys = {place_key(c.name): c.code for c in load_communes()}
    target_of: dict[str, str] = {}
    for row in read_rows("commune_variants.csv"):
        key = place_key(row["variant"])
        assert key, row
        # Not another commune's own name, and not listed twice for different communes.
        assert name_keys.get(key, row["commune_code"]) == row["commune_code"], row
        assert target_of.setdefault(key, row["commune_code"]) == row["commune_code"], row


@pytest.mark.parametrize(
    ("written", "name", "region"),
    [
        ("CASABLANCA ANFA", "Casablanca", "06"),
        ("Casa", "Casablanca", "06"),
        ("casablanca", "Casablanca", "06"),
        ("Maarif", "Casablanca", "06"),
        ("Sidi Bernoussi", "Casablanca", "06"),
        ("fes", "Fès", "03"),
        ("FEZ", "Fès", "03"),
        ("Dar Bouazza", "Dar Bouazza", "06"),
        ("DAR BOU AZZA", "Dar Bouazza", "06"),
        ("Tangier", "Tanger", "01"),
        ("Marrakesh", "Marrakech", "07"),
        ("Gueliz", "Marrakech", "07"),
        ("Agdal Riyad", "Rabat", "04"),
        ("Hassan", "Rabat", "04"),
        ("Sla", "Salé", "04"),
        ("Qnitra", "Kénitra", "04"),
        ("Eljadida", "El Jadida", "06"),
        ("Mazagan", "El Jadida", "06"),
        ("Ksar Al Kabir", "Ksar El Kebir", "01"),
        ("El Aaiun", "Laâyoune", "11"),
        ("laayoune", "Laâyoune", "11"),
        ("Villa Cisneros", "Dakhla", "12"),
        ("Goulimine", "Guelmim", "10"),
        ("Ait Melloul", "Aït Melloul", "09"),
        ("Miknas", "Meknès", "03"),
        ("Beni Mellal", "Béni Mellal", "05"),
    ],
)
def test_lookup_commune(written: str, name: str, region: str) -> None:
    commune = lookup_commune(written)
    assert commune is not None, written
    assert (commune.name, commune.region_code) == (name, region)


@pytest.mark.parametrize("written", ["Atlantis", "Paris", "", None, "Agdal", "Medina"])
def test_unknown_or_ambiguous_name_gives_none(written: str | None) -> None:
    assert lookup_commune(written) is None


def test_known_place_keys_holds_names_and_variants() -> None:
    keys = known_place_keys()
    assert {"casablanca", "casa", "casablanca anfa", "fez", "dar bouazza"} <= keys
    assert "atlantis" not in keys
    assert len(keys) == len(load_communes()) + len(read_rows("commune_variants.csv"))


# --- courts -----------------------------------------------------------------------------


def test_courts_unique_valid_and_seated_in_their_region() -> None:
    courts = load_courts()
    assert 40 <= len(courts) <= 70
    codes = [c.code for c in courts]
    assert len(set(codes)) == len(codes)
    for court in courts:
        assert re.fullmatch(r"[A-Z][A-Z -]*[A-Z]", court.code), court
        assert court.region_code in REGION_CODES, court
        seat = lookup_commune(court.city)
        assert seat is not None, court
        assert seat.region_code == court.region_code, court
    assert {c.region_code for c in courts} == REGION_CODES


def test_court_by_code() -> None:
    casa = court_by_code("CASA")
    assert casa is not None
    assert (casa.city, casa.region_code) == ("Casablanca", "06")
    assert court_by_code(" casa ") == casa
    assert court_by_code("Casablanca") == casa
    fes = court_by_code("FES")
    assert fes is not None
    assert fes.city == "Fès"
    assert court_by_code("Fès") == fes
    el_jadida = court_by_code("EL JADIDA")
    assert el_jadida is not None
    assert el_jadida.region_code == "06"
    assert court_by_code("NOWHERE") is None
    assert court_by_code(None) is None
    for court in load_courts():
        assert court_by_code(court.code) == court
