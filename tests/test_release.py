"""Releases: computed from a register, protected, audited, immutable and revised."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from marsad.cli.app import app
from marsad.errors import Conflict, MarsadError
from marsad.ingest import Deliverer, ingest_folder
from marsad.register.build import build_register
from marsad.release import ReleaseStore, make_release
from marsad.release import build as release_build
from marsad.settings import Settings, get_settings
from marsad.stats.catalogue import load_catalogue
from marsad.synth import generate

# a small set of tables keeps the suite fast while covering every kind of table
TABLES = [
    "active_region_section",
    "active_region_category",
    "births_region_section",
    "birth_rate_region_section",
    "credit_region_size",
    "survival_rate_region_horizon",
    "size_transitions",
]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("release")
    settings = get_settings(root, release_years=2)
    generate(out=root / "synth", scale=0.002, seed=7, progress=False)
    ingest_folder(Deliverer(settings), root / "synth")
    build_register(settings)
    return settings


@pytest.fixture(scope="module")
def first(home: Settings) -> dict:
    summary = make_release(home, table_ids=TABLES)
    return summary.to_dict()


def test_the_catalogue_is_valid_and_every_table_has_labels() -> None:
    catalogue = load_catalogue()
    assert len(catalogue.tables) >= 15
    for indicator in catalogue.indicators.values():
        assert set(indicator.title) == {"fr", "ar", "en"}


def test_every_label_has_its_three_languages() -> None:
    from importlib import resources

    import yaml

    text = (resources.files("marsad.release") / "data" / "labels.yaml").read_text("utf-8")
    found = 0

    def walk(node: object, languages: set[str]) -> None:
        nonlocal found
        if isinstance(node, dict):
            if {"fr", "ar", "en"} & set(node):
                assert set(node) == languages, node
                assert all(isinstance(v, str) and v for v in node.values()), node
                found += 1
            else:
                for child in node.values():
                    walk(child, languages)

    for key, node in yaml.safe_load(text).items():
        # section labels in French come from the reference classification
        walk(node, {"ar", "en"} if key == "sections" else {"fr", "ar", "en"})
    assert found > 20


def test_a_release_follows_the_documented_layout(home: Settings, first: dict) -> None:
    folder = Path(first["path"])
    assert folder.name == first["id"] and folder.parent == home.home / "releases"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["audit"]["exposed_cells"] == 0
    assert manifest["public_parameters"]["parameters"] == "confidential"
    for name, digest in manifest["files"].items():
        data = (folder / name).read_bytes()
        assert digest == "sha256:" + hashlib.sha256(data).hexdigest()
    table_ids = {t["id"] for t in manifest["tables"]}
    assert set(TABLES) <= table_ids  # ratio parts are published too
    for table_id in table_ids:
        frame = pd.read_parquet(folder / "tables" / f"{table_id}.parquet")
        meta = json.loads((folder / "tables" / f"{table_id}.json").read_text())
        dims = [d["id"] for d in meta["dimensions"]]
        assert list(frame.columns) == [*dims, "OBS_VALUE", "CONF_STATUS", "OBS_STATUS"]
        assert set(frame["CONF_STATUS"]) <= {"F", "C", "N"}
        assert set(frame["OBS_STATUS"]) <= {"A", "P"}
        # a suppressed value is never written
        assert frame.loc[frame["CONF_STATUS"] != "F", "OBS_VALUE"].isna().all()
        for dim in meta["dimensions"]:
            if dim["codelist"]:
                codelist = json.loads(
                    (folder / "codelists" / f"{dim['codelist']}.json").read_text()
                )
                codes = {c["id"] for c in codelist["codes"]}
                assert set(frame[dim["id"]]) <= codes
                assert all(set(c["names"]) == {"fr", "ar", "en"} for c in codelist["codes"])


def test_totals_equal_the_sums_of_their_parts(first: dict) -> None:
    frame = pd.read_parquet(Path(first["path"]) / "tables" / "active_region_section.parquet")
    free = frame[frame["CONF_STATUS"] == "F"]
    for year, group in free.groupby("TIME_PERIOD"):
        national = group[(group["REGION"] == "_T") & (group["ACTIVITY"] == "_T")]["OBS_VALUE"]
        all_regions = frame[
            (frame["TIME_PERIOD"] == year) & (frame["REGION"] != "_T") & (frame["ACTIVITY"] == "_T")
        ]
        if all_regions["CONF_STATUS"].eq("F").all() and len(national):
            assert all_regions["OBS_VALUE"].sum() == pytest.approx(national.iloc[0])


def test_a_second_release_records_revisions_and_keeps_the_first(
    home: Settings, first: dict
) -> None:
    second = make_release(home, table_ids=TABLES)
    store = ReleaseStore(home.home)
    assert store.ids()[-2:] == [first["id"], second.id]
    revisions = json.loads((Path(second.path) / "revisions.json").read_text())
    assert revisions["previous"] == first["id"]
    # the same register and rules give the same cells: nothing revised
    assert all(t["changed"] == 0 for t in revisions["tables"])
    assert (Path(first["path"]) / "manifest.json").is_file()


def test_a_failed_run_leaves_the_earlier_releases_intact(
    home: Settings, first: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ReleaseStore(home.home)
    before = store.ids()
    manifest_before = (Path(first["path"]) / "manifest.json").read_bytes()

    def explode(folder: Path) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(release_build, "_write_formats", explode)
    with pytest.raises(RuntimeError):
        make_release(home, table_ids=TABLES)
    assert store.ids() == before
    assert not list((home.home / "releases").glob(".tmp-*"))
    assert (Path(first["path"]) / "manifest.json").read_bytes() == manifest_before


def test_no_register_gives_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(MarsadError) as caught:
        make_release(get_settings(tmp_path))
    assert "registre" in str(caught.value)


def test_cli_release_and_releases(home: Settings, first: dict) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["--home", str(home.home), "releases", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert first["id"] in [r["id"] for r in listed]


def test_a_release_whose_suppression_leaves_a_cell_exposed_is_refused(
    home: Settings, first: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a suppression that hides the primary cells and nothing else: the audit must catch it
    from marsad.confidentiality.protector import Protector

    monkeypatch.setattr(Protector, "run_subtables", lambda self: None)
    monkeypatch.setattr(Protector, "repair", lambda self, exposed: None)
    monkeypatch.setattr(Protector, "singletons", lambda self: False)
    store = ReleaseStore(home.home)
    before = store.ids()
    in_process = get_settings(home.home, release_years=2, workers=1)
    with pytest.raises(Conflict) as caught:
        make_release(in_process, table_ids=TABLES)
    assert "audit" in str(caught.value) and caught.value.details
    assert store.ids() == before
    assert not list((home.home / "releases").glob(".tmp-*"))
