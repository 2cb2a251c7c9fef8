"""The programme commands: database, users, catalogue, demo seeding, bulk import."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from marsad.cli.app import app
from marsad.programmes.service import build_dir
from marsad.settings import Settings, get_settings


def test_commands_from_an_empty_database(
    published: Settings, database_url: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    env = {"MARSAD_DATABASE_URL": database_url}
    home = ["--home", str(published.home)]

    def run(*args: str, stdin: str | None = None) -> object:
        return runner.invoke(app, [*home, *args], env=env, input=stdin)

    upgraded = run("db", "upgrade")
    assert upgraded.exit_code == 0 and "0007" in upgraded.output  # type: ignore[attr-defined]
    made = run("users", "create", "saida", "--role", "programme_manager", "--password-stdin",
               stdin="un mot de passe long\n")  # fmt: skip
    assert made.exit_code == 0, made.output  # type: ignore[attr-defined]
    token = run("users", "token", "create", "saida")
    assert token.output.strip().startswith("mst_")  # type: ignore[attr-defined]
    bad_role = run("users", "create", "x", "--role", "king", "--password-stdin",
                   stdin="un mot de passe long\n")  # fmt: skip
    assert bad_role.exit_code == 2 and "rôle inconnu" in bad_role.output  # type: ignore[attr-defined]
    bad_envelope = run("programmes", "seed", "--envelope", "MASCIR_RD=beaucoup")
    assert bad_envelope.exit_code == 2  # type: ignore[attr-defined]
    assert "Enveloppe invalide" in bad_envelope.output  # type: ignore[attr-defined]
    listed = json.loads(run("programmes", "list", "--json").output)  # type: ignore[attr-defined]
    assert len(listed) >= 6

    seeded = run("programmes", "seed", "--envelope", "MASCIR_RD=50000000", "--demo", "--json")
    assert seeded.exit_code == 0, seeded.output  # type: ignore[attr-defined]
    summary = json.loads(seeded.output)["demo"]  # type: ignore[attr-defined]
    assert summary["applications"] >= 20
    assert len(summary["by_status"]) >= 4  # drafts, eligible, approved, under agreement, ...
    assert sum(summary["by_status"].values()) == summary["applications"]
    second = run("programmes", "seed", "--demo", "--json")
    assert second.exit_code == 0, second.output  # type: ignore[attr-defined]
    again = json.loads(second.output)  # type: ignore[attr-defined]
    assert again["demo"]["by_status"] == summary["by_status"]  # a second run changes nothing

    settings = get_settings(published.home)
    enterprise = str(
        pd.read_parquet(build_dir(settings) / "enterprises.parquet")["enterprise_id"][0]
    )
    csv_file = tmp_path / "demandes.csv"
    csv_file.write_text(
        "programme;enterprise_id;requested_mad;kind;project_cost_mad\n"
        f"IMTIAZ;{enterprise};100 000,00;investment;500000\n"
        f"IMTIAZ;{enterprise};-5;investment;500000\n"
        f"NOPE;{enterprise};10;investment;1\n"
        ";E404;10;;\n",
        "utf-8",
    )
    imported = run("applications", "import", str(csv_file), "--as", "saida", "--json")
    assert imported.exit_code == 1  # type: ignore[attr-defined]
    report = json.loads(imported.output)  # type: ignore[attr-defined]
    assert report["received"] == report["imported"] + report["refused"] == 4
    assert report["imported"] == 1
    rules = {(i["row"], i["column"], i["rule"]) for i in report["issues"]}
    assert (2, "requested_mad", "not_an_amount") in rules
    assert (3, "", "not_found") in rules
    assert (4, "programme", "missing_value") in rules
