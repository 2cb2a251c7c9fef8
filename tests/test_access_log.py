"""The access log: its two stores chained by hashes (a removed or edited line is found),
read with filters on the command line, over the API and on a back-office page; the
sign-in page and the API answer 429 once an account or an address failed too often."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from backoffice_browser import CSRF
from marsad.audit import FILE_NAME, log_access, verify_file
from marsad.cli.app import app as cli
from marsad.operational import Database, migrate
from marsad.operational.access_chain import verify_table
from marsad.operational.auth import SYSTEM, create_user, issue_token, record
from marsad.operational.people import AccessLog, SignInThrottle
from marsad.programmes.desk import list_cases
from marsad.settings import get_settings
from marsad.web import create_app

PASSWORD = "un mot de passe long"


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    migrate(database_url)
    database = Database(database_url)
    yield database
    database.dispose()


def _write(db: Database, home: Path, n: int) -> None:
    for i in range(n):
        record(db, SYSTEM, "enterprise.read", f"E{i:04d}", purpose="instruction", detail={"i": i})
        log_access(home, action="register.show", subject=f"E{i:04d}", purpose="contrôle", user="u")


def test_the_table_chain_finds_a_removed_or_edited_line(db: Database, tmp_path: Path) -> None:
    _write(db, tmp_path, 6)
    clean = verify_table(db)
    assert clean.intact and clean.chained == 6 and clean.pending == 0
    with db.session() as session:
        seqs = list(session.scalars(select(AccessLog.seq).order_by(AccessLog.id)))
        assert seqs == [1, 2, 3, 4, 5, 6]
        session.execute(update(AccessLog).where(AccessLog.seq == 3).values(purpose="autre"))
    edited = verify_table(db)
    assert not edited.intact and edited.problems == [
        "ligne n° 3 : contenu modifié (empreinte fausse)"
    ]
    with db.session() as session:
        session.execute(update(AccessLog).where(AccessLog.seq == 3).values(purpose="instruction"))
        session.execute(delete(AccessLog).where(AccessLog.seq == 4))
    removed = verify_table(db)
    assert "ligne n° 4 à 4 : retirée(s)" in removed.problems
    assert "ligne n° 5 : ne suit pas la ligne précédente" in removed.problems


def test_lines_written_inside_a_service_transaction_are_sealed(db: Database) -> None:
    agent = create_user(db, "agent", "desk_agent", PASSWORD, chamber_code="CCIS06")
    record(db, agent, "enterprise.read", "E0001", purpose="instruction")
    assert list_cases(db, agent, purpose="suivi") == []  # its line is added to its session
    with db.session() as session:
        lines = session.scalars(select(AccessLog).order_by(AccessLog.seq)).all()
        assert [line.action for line in lines] == ["enterprise.read", "desk.list"]
        assert all(line.seq and line.hash for line in lines)
    assert verify_table(db).intact


def test_the_file_chain_finds_a_removed_or_edited_line(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    path.write_text('{"at": "2025-01-01T00:00:00+00:00", "user": "x", "action": "a"}\n')
    for i in range(5):
        log_access(tmp_path, action="register.show", subject=f"E{i}", purpose="contrôle")
    report = verify_file(tmp_path)
    assert report.intact and (report.lines, report.chained, report.before_chain) == (6, 5, 1)
    lines = path.read_text().splitlines()
    edited = json.loads(lines[3])
    edited["subject"] = "E9"
    path.write_text("\n".join([*lines[:3], json.dumps(edited), *lines[4:]]) + "\n")
    assert verify_file(tmp_path).problems == ["ligne 4 : contenu modifié (empreinte fausse)"]
    path.write_text("\n".join([*lines[:3], *lines[4:]]) + "\n")
    assert verify_file(tmp_path).problems == [
        "ligne 4 : ne suit pas la ligne précédente (ligne retirée ou insérée)"
    ]


def test_reading_and_verifying_on_the_command_line(database_url: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"MARSAD_DATABASE_URL": database_url}
    migrate(database_url)
    db = Database(database_url)
    create_user(db, "analyste", "analyst", PASSWORD)
    create_user(db, "agent", "desk_agent", PASSWORD, chamber_code="CCIS06")
    _write(db, home, 3)
    db.dispose()
    runner = CliRunner()

    def run(*args: str) -> object:
        return runner.invoke(cli, ["--home", str(home), *args], env=env)

    shown = run("audit", "log", "--as", "analyste", "--subject", "e0001", "--json")
    assert shown.exit_code == 0, shown.output  # type: ignore[attr-defined]
    page = json.loads(shown.output)  # type: ignore[attr-defined]
    assert page["total"] == 2 and {e["source"] for e in page["entries"]} == {"base", "fichier"}
    refused = run("audit", "log", "--as", "agent")
    assert refused.exit_code != 0 and "access_log.read" in refused.output  # type: ignore[attr-defined]
    checked = run("audit", "verify")
    assert checked.exit_code == 0 and "chaîne intacte" in checked.output  # type: ignore[attr-defined]
    db = Database(database_url)
    with db.session() as session:
        session.execute(delete(AccessLog).where(AccessLog.seq == 2))
    db.dispose()
    broken = run("audit", "verify")
    assert broken.exit_code == 1 and "ROMPUE" in broken.output  # type: ignore[attr-defined]


@pytest.fixture
def site(database_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, Database, Path]]:
    home = tmp_path / "home"
    migrate(database_url)
    db = Database(database_url)
    settings = get_settings(home, database_url=database_url, api_rate_per_minute=0)
    with TestClient(create_app(settings)) as client:
        yield client, db, home
    db.dispose()


def test_the_api_and_the_page_with_filters(site: tuple[TestClient, Database, Path]) -> None:
    client, db, home = site
    analyst = create_user(db, "analyste", "analyst", PASSWORD)
    manager = create_user(db, "gestion", "programme_manager", PASSWORD)
    _write(db, home, 4)
    bearer = {"Authorization": "Bearer " + issue_token(db, analyst)}
    answer = client.get(
        "/api/access-log", params={"purpose": "contr", "limit": 2}, headers=bearer
    ).json()
    assert answer["total"] == 4 and len(answer["entries"]) == 2
    assert {e["source"] for e in answer["entries"]} == {"fichier"}
    by_actor = client.get("/api/access-log", params={"actor": "system"}, headers=bearer).json()
    assert by_actor["total"] == 4
    dated = client.get(
        "/api/access-log", params={"since": "2000-01-01", "until": "2000-12-31"}, headers=bearer
    ).json()
    assert dated["total"] == 0
    verified = client.get("/api/access-log/verify", headers=bearer).json()
    assert [(c["store"], c["intact"]) for c in verified] == [
        ("access_log", True),
        (FILE_NAME, True),
    ]
    other = {"Authorization": "Bearer " + issue_token(db, manager)}
    assert client.get("/api/access-log", headers=other).status_code == 403

    signed = client.post("/backoffice/login", data={"username": "analyste", "password": PASSWORD})
    assert signed.status_code == 200 and CSRF.search(signed.text)
    page = client.get("/backoffice/access-log", params={"subject": "E0002"})
    assert page.status_code == 200 and "Journal des accès" in page.text
    assert "Lignes 1 à 2 sur 2" in page.text and "Consultation d&#39;une entreprise" in page.text
    assert 'href="/backoffice/access-log"' in client.get("/backoffice").text
    assert client.get("/backoffice/access-log", params={"since": "hier"}).status_code == 422
    reads = client.get("/api/access-log", params={"subject": "access_log"}, headers=bearer)
    assert reads.json()["total"] >= 4  # every reading is in the log itself


def test_the_sign_in_page_and_the_api_answer_429(site: tuple[TestClient, Database, Path]) -> None:
    client, db, _ = site
    create_user(db, "amina", "administrator", PASSWORD)
    for _ in range(10):
        wrong = client.post("/backoffice/login", data={"username": "amina", "password": "non"})
        assert wrong.status_code == 401
    right = client.post("/backoffice/login", data={"username": "amina", "password": PASSWORD})
    assert right.status_code == 429 and "Trop de tentatives" in right.text
    assert int(right.headers["retry-after"]) > 0
    with db.session() as session:  # the address starts afresh: unknown tokens alone
        session.execute(delete(SignInThrottle))
    for _ in range(10):
        guessed = client.get("/api/applications", headers={"Authorization": "Bearer mst_guess"})
        assert guessed.status_code == 401
    refused = client.get("/api/applications", headers={"Authorization": "Bearer mst_guess"})
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["retry-after"]) > 0
