"""`marsad training` on a real synthetic register: the demo seeding (deterministic and
idempotent), JSON equal to the API's, exports by role, and errors as sentences."""

from __future__ import annotations

import json
from datetime import date

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from marsad.cli.app import app
from marsad.operational import Database, migrate
from marsad.operational.auth import create_user, issue_token
from marsad.settings import Settings, get_settings
from marsad.training.demo import seed_training
from marsad.web import create_app


def test_demo_cli_and_api_agree(published: Settings, tmp_path_factory: object) -> None:
    url = f"sqlite:///{published.home / 'training-cli.db'}"
    settings = get_settings(published.home, database_url=url, api_rate_per_minute=0)
    migrate(url)
    db = Database(url)
    first = seed_training(settings, db, today=date.today())
    assert first.cohorts == 12 and first.sessions == 48 and len(first.regions) == 8
    assert 0 < first.women < first.participants - first.women  # more men than women
    assert 0 < first.young < first.participants and first.project_holders > 0
    assert 0 < first.certificates < first.enrolments and first.mean_gain is not None
    assert first.coaching_plans > 0 and 0 < first.actions_done < first.actions
    again = seed_training(settings, db, today=date.today())
    assert again == first  # a second run adds nothing
    token = issue_token(db, create_user(db, "gestion", "programme_manager"))
    create_user(db, "analyse", "analyst")
    db.dispose()

    env = {"MARSAD_DATABASE_URL": url}
    runner = CliRunner()
    home = ["--home", str(published.home)]
    shown = runner.invoke(app, [*home, "training", "cohorts", "--as", "gestion", "--json"], env=env)
    assert shown.exit_code == 0, shown.output
    client = TestClient(create_app(settings))
    api = client.get("/api/training/cohorts", headers={"Authorization": f"Bearer {token}"})
    assert json.loads(shown.stdout) == api.json()
    modules = runner.invoke(app, [*home, "training", "modules", "list", "--json"], env=env)
    assert (
        json.loads(modules.stdout)
        == client.get("/api/training/modules", headers={"Authorization": f"Bearer {token}"}).json()
    )
    cohort_id = str(api.json()["cohorts"][0]["id"])
    one = runner.invoke(
        app, [*home, "training", "cohort", cohort_id, "--as", "gestion", "--json"], env=env
    )
    assert json.loads(one.stdout)["participants"][0]["full_name"]

    out = tmp_path_factory.mktemp("exports")  # type: ignore[attr-defined]
    for user, name in (("gestion", "full.csv"), ("analyse", "bare.csv")):
        done = runner.invoke(
            app,
            [
                *home,
                "training",
                "export",
                "--cohort",
                cohort_id,
                "--out",
                str(out / name),
                "--as",
                user,
                "--purpose",
                "bilan de la cohorte",
            ],
            env=env,
        )
        assert done.exit_code == 0, done.output
    assert "Nom et prénom" in (out / "full.csv").read_text("utf-8-sig")
    bare = (out / "bare.csv").read_text("utf-8-sig")
    assert "Nom et prénom" not in bare and "Téléphone" not in bare
    assert "retenues par les droits du rôle : full_name, phone, email, birth_year" in done.output

    unknown = runner.invoke(app, [*home, "training", "cohorts", "--as", "nobody"], env=env)
    assert unknown.exit_code == 2 and "n'existe pas" in unknown.output
    assert "Traceback" not in unknown.output
    forged = runner.invoke(app, [*home, "training", "verify", "2025-00000001-00"], env=env)
    assert forged.exit_code == 2 and "chiffres de contrôle" in forged.output
    bad = runner.invoke(app, [*home, "training", "modules", "check", str(out / "full.csv")])
    assert bad.exit_code == 2 and "expected a mapping" in bad.output
