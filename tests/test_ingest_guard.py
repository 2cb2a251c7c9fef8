"""Deliveries guarded like money: a re-delivery that loads nothing or far fewer rows waits as
pending; a data steward confirms, withdraws or restores, and every decision is logged."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from conftest import dgi_csv, good_dgi_rows
from marsad.cli.app import app
from marsad.conventions import ConventionSet, check_conventions, shipped_folder
from marsad.errors import Conflict, NotFound
from marsad.ingest import Deliverer, Ledger
from marsad.ingest.stewardship import decide
from marsad.settings import Settings

runner = CliRunner()


def write(path: Path, rows: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dgi_csv(rows), encoding="utf-8")
    return path


def rows_2024(n: int, start: int = 0) -> list[str]:
    return [r.replace("STE ALPHA", f"STE N{start}") for r in good_dgi_rows(2024, n)]


def states(settings: Settings) -> dict[str, str]:
    return {r.id: r.status for r in Ledger(settings.ledger_path).records()}


def cli(settings: Settings, *args: str) -> tuple[int, str]:
    out = runner.invoke(app, ["--home", str(settings.home), *args])
    return out.exit_code, out.stdout


def test_a_bad_file_waits_as_pending_and_the_good_year_stays_current(
    settings: Settings, tmp_path: Path
) -> None:
    good = write(tmp_path / "2024.csv", rows_2024(40))
    code, out = cli(
        settings, "deliver", "--partner", "dgi", "--dataset", "tax_declarations",
        "--period", "2024", str(good), "--json",
    )  # fmt: skip
    first = json.loads(out)
    assert code == 0 and first["status"] == "loaded"
    # five rows, all of another year: every one quarantined for period_mismatch
    bad = write(tmp_path / "bad.csv", good_dgi_rows(2023, 5))
    code, out = cli(
        settings, "deliver", "--partner", "dgi", "--dataset", "tax_declarations",
        "--period", "2024", str(bad), "--json",
    )  # fmt: skip
    held = json.loads(out)
    assert code == 1
    assert (held["status"], held["received"], held["loaded"]) == ("pending", 5, 0)
    assert held["hold"]["rule"] == "nothing_loaded"
    assert held["hold"]["replaces"] == first["delivery_id"]
    assert f"marsad deliveries confirm {held['delivery_id']}" in held["outcome"]
    assert held["supersedes"] is None
    assert [r.id for r in Ledger(settings.ledger_path).current()] == [first["delivery_id"]]
    listed = json.loads(cli(settings, "deliveries", "--all", "--json")[1])
    assert {r["id"]: r["status"] for r in listed} == {
        first["delivery_id"]: "current",
        held["delivery_id"]: "pending",
    }
    assert json.loads(cli(settings, "deliveries", "--json")[1])[0]["id"] == first["delivery_id"]
    # the good file sent again: the current delivery, nothing changes
    code, out = cli(
        settings, "deliver", "--partner", "dgi", "--dataset", "tax_declarations",
        "--period", "2024", str(good), "--json",
    )  # fmt: skip
    again = json.loads(out)
    assert code == 0 and (again["status"], again["duplicate_state"]) == ("duplicate", "current")
    # the bad one sent again stays pending, and says what a data steward can do
    resent = Deliverer(settings).deliver("dgi", "tax_declarations", 2024, bad)
    assert (resent.status, resent.duplicate_state) == ("duplicate", "pending")
    assert resent.hold is not None and resent.hold["rule"] == "nothing_loaded"
    human = runner.invoke(
        app,
        ["--home", str(settings.home), "deliver", "--partner", "dgi", "--dataset",
         "tax_declarations", "--period", "2024", str(bad), "--lang", "ar"],
    )  # fmt: skip
    assert human.exit_code == 0 and "ينتظر" in human.stdout


def test_row_drop_threshold_and_a_later_good_delivery(
    deliverer: Deliverer, settings: Settings, tmp_path: Path
) -> None:
    first = deliverer.deliver(
        "dgi", "tax_declarations", 2024, write(tmp_path / "a.csv", rows_2024(50))
    )
    drop = deliverer.deliver(
        "dgi", "tax_declarations", 2024, write(tmp_path / "b.csv", rows_2024(30, 1))
    )
    assert drop.status == "pending" and drop.hold is not None
    assert (drop.hold["rule"], drop.hold["change_percent"]) == ("row_drop", -40.0)
    assert drop.hold["max_row_drop_percent"] == 20
    assert "-40.0 %" in (drop.outcome("en") or "")
    # -10 % is within the convention's guard: current, and the pending one gives way
    fine = deliverer.deliver(
        "dgi", "tax_declarations", 2024, write(tmp_path / "c.csv", rows_2024(45, 2))
    )
    assert fine.status == "loaded" and fine.supersedes == first.delivery_id
    assert states(settings) == {
        first.delivery_id: "superseded",
        drop.delivery_id: "superseded",
        fine.delivery_id: "current",
    }


def test_the_threshold_is_read_from_the_convention(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "conventions"
    shutil.copytree(shipped_folder(), folder)
    raw = yaml.safe_load((folder / "dgi.yaml").read_text(encoding="utf-8"))
    raw["datasets"]["tax_declarations"]["guard"] = {"max_row_drop_percent": 50}
    (folder / "dgi.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    deliverer = Deliverer(settings, ConventionSet(check_conventions(folder).conventions))
    deliverer.deliver("dgi", "tax_declarations", 2024, write(tmp_path / "a.csv", rows_2024(50)))
    drop = deliverer.deliver(
        "dgi", "tax_declarations", 2024, write(tmp_path / "b.csv", rows_2024(30, 1))
    )
    assert drop.status == "loaded"


def test_confirm_restore_and_withdraw_are_logged_with_their_effects(
    deliverer: Deliverer, settings: Settings, tmp_path: Path
) -> None:
    good = deliverer.deliver(
        "dgi", "tax_declarations", 2024, write(tmp_path / "a.csv", rows_2024(40))
    )
    small = write(tmp_path / "b.csv", rows_2024(4, 1))
    held = deliverer.deliver("dgi", "tax_declarations", 2024, small)
    assert held.status == "pending"
    code, out = cli(
        settings, "deliveries", "confirm", held.delivery_id or "", "--by", "amina",
        "--reason", "the partner closed most files", "--json", "--lang", "en",
    )  # fmt: skip
    confirmed = json.loads(out)
    assert code == 0 and confirmed["delivery"]["status"] == "current"
    assert confirmed["no_longer_current"] == good.delivery_id
    assert confirmed["delivery"]["decisions"][0]["by"] == "amina"
    assert confirmed["delivery"]["decisions"][0]["reason"] == "the partner closed most files"
    effects = {e["effect"]: e["message"] for e in confirmed["effects"]}
    assert "marsad register build" in effects["register"]
    assert "dgi.tax_declarations for 2024" in effects["release"]
    assert states(settings)[good.delivery_id or ""] == "superseded"
    # restore: the earlier delivery is current again, the confirmed one superseded
    code, out = cli(settings, "deliveries", "restore", good.delivery_id or "", "--by", "amina")
    assert code == 0 and "marsad register build" in out and "révisera" in out
    assert [r.id for r in Ledger(settings.ledger_path).current()] == [good.delivery_id]
    assert states(settings)[held.delivery_id or ""] == "superseded"
    # the small file sent again is a superseded delivery: nothing changes, restore is named
    again = deliverer.deliver("dgi", "tax_declarations", 2024, small)
    assert (again.status, again.duplicate_state) == ("duplicate", "superseded")
    assert f"marsad deliveries restore {held.delivery_id}" in (again.outcome("en") or "")
    # a decision the state forbids is refused with a sentence, and changes nothing
    before = settings.ledger_path.read_bytes()
    with pytest.raises(Conflict, match="only a pending delivery"):
        decide(settings, "confirm", good.delivery_id or "", lang="en")
    with pytest.raises(NotFound):
        decide(settings, "restore", "dgi-tax_declarations-2024-nope")
    code, _ = cli(settings, "deliveries", "restore", good.delivery_id or "")
    assert code == 2 and settings.ledger_path.read_bytes() == before
    # withdrawing the current delivery leaves the period without data, and says so
    withdrawn = decide(settings, "withdraw", good.delivery_id or "", by="amina", lang="en")
    assert withdrawn.delivery.status == "withdrawn"
    assert [e["effect"] for e in withdrawn.effects] == ["no_current", "register", "release"]
    assert Ledger(settings.ledger_path).current() == []
    log = [json.loads(line) for line in (settings.home / "audit.jsonl").read_text().splitlines()]
    assert [(e["action"], e["user"]) for e in log] == [
        ("delivery.confirm", "amina"),
        ("delivery.restore", "amina"),
        ("delivery.withdraw", "amina"),
    ]


def test_withdrawing_a_pending_delivery_changes_nothing_downstream(
    deliverer: Deliverer, settings: Settings, tmp_path: Path
) -> None:
    deliverer.deliver("dgi", "tax_declarations", 2024, write(tmp_path / "a.csv", rows_2024(40)))
    bad = write(tmp_path / "bad.csv", good_dgi_rows(2023, 5))
    held = deliverer.deliver("dgi", "tax_declarations", 2024, bad)
    decision = decide(settings, "withdraw", held.delivery_id or "", lang="en")
    assert [e["effect"] for e in decision.effects] == ["none"]
    resent = deliverer.deliver("dgi", "tax_declarations", 2024, bad)
    assert (resent.status, resent.duplicate_state) == ("duplicate", "withdrawn")
    assert "restore" in (resent.outcome("fr") or "")


def test_a_first_delivery_that_loads_nothing_is_not_current(
    deliverer: Deliverer, settings: Settings, tmp_path: Path
) -> None:
    report = deliverer.deliver(
        "dgi", "tax_declarations", 2024, write(tmp_path / "empty.csv", good_dgi_rows(2023, 3))
    )
    assert report.status == "pending" and report.hold is not None
    assert (report.hold["rule"], report.hold["replaces"]) == ("nothing_loaded", None)
    assert Ledger(settings.ledger_path).current() == []
    decision = decide(settings, "confirm", report.delivery_id or "", lang="en")
    assert decision.delivery.status == "current" and decision.no_longer_current is None


def test_concurrent_corrections_leave_exactly_one_current(
    settings: Settings, tmp_path: Path
) -> None:
    Deliverer(settings).deliver(
        "dgi", "tax_declarations", 2024, write(tmp_path / "base.csv", rows_2024(40))
    )
    files = [write(tmp_path / f"{i}.csv", rows_2024(40 + i, i + 1)) for i in range(4)]
    threads = [
        threading.Thread(
            target=Deliverer(settings).deliver, args=("dgi", "tax_declarations", 2024, f)
        )
        for f in files
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    records = Ledger(settings.ledger_path).records()
    assert len(records) == 5
    assert sorted(r.status for r in records) == ["current"] + ["superseded"] * 4


def test_a_decision_killed_before_the_ledger_is_replaced_changes_nothing(
    deliverer: Deliverer, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deliverer.deliver("dgi", "tax_declarations", 2024, write(tmp_path / "a.csv", rows_2024(40)))
    held = deliverer.deliver(
        "dgi", "tax_declarations", 2024, write(tmp_path / "b.csv", rows_2024(3, 1))
    )
    before = settings.ledger_path.read_bytes()
    from marsad.ingest import ledger

    def killed(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(ledger.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        decide(settings, "confirm", held.delivery_id or "")
    monkeypatch.undo()
    assert settings.ledger_path.read_bytes() == before
    assert decide(settings, "confirm", held.delivery_id or "").delivery.status == "current"
    assert dt.date.fromisoformat(Ledger(settings.ledger_path).records()[-1].decisions[0]["at"][:10])
