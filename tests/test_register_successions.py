"""Succession links: the auto-entrepreneur who becomes a company, a link and never a merge."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from marsad.cli.app import app
from marsad.errors import ConfigurationError
from marsad.register.build import current_build
from marsad.register.evaluate import evaluate_register
from marsad.register.successions import load_rules, parse_rules, write_successions
from marsad.settings import Settings

Economy = tuple[Settings, Path]


def _enterprise(eid: str, category: str, form: str | None, **values: object) -> dict[str, object]:
    row: dict[str, object] = {
        "enterprise_id": eid,
        "category": category,
        "legal_form": form,
        "creation_date": None,
        "dissolution_date": None,
        "commune_code": "C1",
        "province": "P1",
        "region_code": "06",
        "division": "47",
        "section": "G",
    }
    return row | values


def _toy_build(tmp_path: Path, enterprises: list[dict[str, object]], names: dict[str, str]) -> Path:
    """A build folder holding only what the succession rules read."""
    ent = pa.Table.from_pylist(
        enterprises,
        schema=pa.schema(
            [
                ("enterprise_id", pa.string()),
                ("category", pa.string()),
                ("legal_form", pa.string()),
                ("creation_date", pa.date32()),
                ("dissolution_date", pa.date32()),
                ("commune_code", pa.string()),
                ("province", pa.string()),
                ("region_code", pa.string()),
                ("division", pa.string()),
                ("section", pa.string()),
            ]
        ),
    )
    category = {str(e["enterprise_id"]): e["category"] for e in enterprises}
    units = pa.table(
        {
            "unit_id": [f"u:{e}" for e in names],
            "enterprise_id": list(names),
            "person": [category[e] == "AE" for e in names],
            "name_std": list(names.values()),
        }
    )
    tmp_path.mkdir(parents=True, exist_ok=True)
    pq.write_table(ent, tmp_path / "enterprises.parquet")
    pq.write_table(units, tmp_path / "units.parquet")
    return tmp_path


def _links(build: Path) -> list[dict[str, object]]:
    return pq.read_table(build / "successions.parquet").to_pylist()


def test_the_rules_link_a_person_to_the_company_of_the_same_name(tmp_path: Path) -> None:
    left = date(2022, 3, 1)
    build = _toy_build(
        tmp_path,
        [
            _enterprise("A1", "AE", None, dissolution_date=left),
            _enterprise("S1", "EPPA", "PP", creation_date=date(2022, 5, 2)),
            # another person sharing the family name, same day and place: a relative
            _enterprise("S2", "EPPA", "PP", creation_date=date(2022, 5, 2)),
            # the right name, but created three years later (elsewhere): not a formalisation
            _enterprise("S3", "EPPA", "PP", creation_date=date(2025, 5, 2), province="P3"),
            # the right name in another province
            _enterprise("S4", "EPPA", "PP", creation_date=date(2022, 4, 2), province="P2"),
        ],
        {
            "A1": "karim benali",
            "S1": "benali karim",
            "S2": "benali samira",
            "S3": "karim benali",
            "S4": "karim benali",
        },
    )
    counts = write_successions(build)
    assert counts == {"successions": 1, "successions_tied": 0}
    (link,) = _links(build)
    assert (link["predecessor_id"], link["successor_id"]) == ("A1", "S1")
    assert link["name_evidence"] == "full" and link["place_evidence"] == "commune"
    assert link["activity_evidence"] == "division" and link["days"] == 62
    assert link["score"] == 4 + 2 + 2 + 1


def test_two_equally_good_companies_leave_the_person_unlinked(tmp_path: Path) -> None:
    build = _toy_build(
        tmp_path,
        [
            _enterprise("A1", "AE", None, dissolution_date=date(2022, 3, 1)),
            _enterprise("S1", "EPMA", "SARL_AU", creation_date=date(2022, 5, 2)),
            _enterprise("S2", "EPMA", "SARL_AU", creation_date=date(2022, 6, 2)),
        ],
        {"A1": "karim benali", "S1": "benali karim services", "S2": "karim benali negoce"},
    )
    counts = write_successions(build)
    assert counts == {"successions": 0, "successions_tied": 1}
    assert _links(build) == []


def test_weak_evidence_is_not_a_link(tmp_path: Path) -> None:
    """One shared word with a trader, a full name confirmed by nothing, or a name that
    another trader of the province carries, without the activity, link nothing."""
    build = _toy_build(
        tmp_path,
        [
            _enterprise("A1", "AE", None, dissolution_date=date(2022, 3, 1)),
            _enterprise("S1", "EPPA", "PP", creation_date=date(2022, 4, 2)),
            _enterprise("A2", "AE", None, dissolution_date=date(2022, 3, 1), commune_code="C9"),
            _enterprise(
                "S2",
                "EPMA",
                "SARL_AU",
                creation_date=date(2022, 11, 2),
                province="P2",
                division="10",
                section="C",
            ),
        ],
        {"A1": "karim benali", "S1": "benali samir", "A2": "nadia tazi", "S2": "nadia tazi"},
    )
    assert write_successions(build)["successions"] == 0
    homonyms = _toy_build(
        tmp_path / "homonyms",
        [
            _enterprise("A1", "AE", None, dissolution_date=date(2022, 3, 1)),
            _enterprise("S1", "EPPA", "PP", creation_date=date(2022, 5, 2), division="10"),
            _enterprise("T1", "EPPA", "PP", creation_date=date(2001, 5, 2)),
        ],
        {"A1": "karim benali", "S1": "benali karim", "T1": "karim benali"},
    )
    assert write_successions(homonyms)["successions"] == 0


def test_rules_are_checked_with_clear_messages() -> None:
    rules = load_rules()
    assert rules.threshold > max(rules.weights.name.values())  # a name alone never links
    data = yaml.safe_load(json.dumps(rules.model_dump()))
    data["window"]["near_days"] = data["window"]["days_after"] + 1
    del data["weights"]["name"]["partial"]
    with pytest.raises(ConfigurationError) as raised:
        parse_rules(data)
    message = str(raised.value)
    assert "near_days" in message and "weights" in message


def test_successions_of_the_synthetic_economy(impact_economy: Economy) -> None:
    settings, truth = impact_economy
    build = current_build(settings)
    assert build is not None
    links = pq.read_table(build / "successions.parquet").to_pandas()
    enterprises = pq.read_table(
        build / "enterprises.parquet", columns=["enterprise_id", "category"]
    ).to_pandas()
    category = enterprises.set_index("enterprise_id")["category"]
    assert not links.empty
    # a link between two enterprises of the register, never one enterprise
    assert (links["predecessor_id"] != links["successor_id"]).all()
    assert (category[links["predecessor_id"]].to_numpy() == "AE").all()
    assert set(category[links["successor_id"]]) <= {"EPPA", "EPMA"}
    assert links["predecessor_id"].is_unique and links["successor_id"].is_unique
    assert (links["score"] >= load_rules().threshold).all()
    events = pq.read_table(build / "events.parquet").to_pandas()
    formal = events[events["event"] == "formalisation"]
    assert len(formal) == len(links)
    assert set(zip(formal["enterprise_id"], formal["detail"], strict=True)) == set(
        zip(links["predecessor_id"], links["successor_id"], strict=True)
    )
    measured = evaluate_register(settings, truth)["successions"]
    true_pairs = pq.read_table(truth / "successions.parquet").num_rows
    assert measured["true_pairs"] == true_pairs > 0
    assert measured["precision"] >= 0.8
    assert measured["recall"] >= 0.3


def test_show_lists_predecessor_and_successor(impact_economy: Economy) -> None:
    settings, truth = impact_economy
    build = current_build(settings)
    assert build is not None
    link = pq.read_table(build / "successions.parquet").to_pylist()[0]
    runner = CliRunner()
    home = ["--home", str(settings.home)]
    shown = runner.invoke(app, [*home, "register", "show", str(link["predecessor_id"])])
    assert shown.exit_code == 0, shown.output
    assert f"successeur : {link['successor_id']}" in shown.stdout
    as_json = runner.invoke(app, [*home, "register", "show", str(link["successor_id"]), "--json"])
    payload = json.loads(as_json.stdout)
    assert [p["predecessor_id"] for p in payload["predecessors"]] == [link["predecessor_id"]]
    assert payload["successors"] == []
    measured = runner.invoke(app, [*home, "register", "evaluate", "--truth", str(truth)])
    assert measured.exit_code == 0, measured.output
    assert "successions auto-entrepreneur → société" in measured.stdout
