"""Partner deliveries over HTTP: tokens, the same report as the CLI, isolation, limits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import dgi_csv, good_dgi_rows
from marsad.cli.app import app as cli
from marsad.ingest import Deliverer, Ledger
from marsad.ingest.tokens import TokenStore
from marsad.settings import Settings, get_settings
from marsad.web import create_app

BAD_ROW = "9999;not-an-ice;STE BAD;2021;abc;0;4711;Casablanca"


@pytest.fixture
def client(settings: Settings) -> TestClient:
    return TestClient(create_app(settings))


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _upload(client: TestClient, token: str, content: str, name: str = "dgi-2021.csv") -> object:
    return client.post(
        "/api/deliveries",
        headers=_auth(token),
        data={"dataset": "tax_declarations", "period": "2021"},
        files={"file": (name, content.encode("utf-8"), "text/csv")},
    )


def _error(response: object, status: int) -> dict:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message", "details"}
    return dict(body["error"])


def test_no_token_or_a_bad_one_is_refused(client: TestClient, settings: Settings) -> None:
    content = dgi_csv(good_dgi_rows())
    files = {"file": ("a.csv", content.encode(), "text/csv")}
    form = {"dataset": "tax_declarations", "period": "2021"}
    _error(client.post("/api/deliveries", data=form, files=files), 401)
    _error(_upload(client, "msd_not-a-real-token", content), 401)
    _error(client.get("/api/deliveries", headers=_auth("garbage")), 401)
    store = TokenStore(settings.home)
    record, secret = store.create("dgi")
    store.revoke(record.id)
    _error(_upload(client, secret, content), 401)
    # only the hash is kept
    assert secret not in store.path.read_text()


def test_an_upload_gives_the_report_of_the_cli(client: TestClient, tmp_path: Path) -> None:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    _, secret = TokenStore(settings.home).create("dgi", "service statistique")
    content = dgi_csv([*good_dgi_rows(n=4), BAD_ROW])
    response = _upload(client, secret, content)
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["status"] == "loaded" and report["partner"] == "dgi"
    assert report["received"] == report["loaded"] + report["quarantined"] == 5
    assert report["quarantined"] == 1 and report["issues"]
    # the same file delivered with the CLI's engine elsewhere gives the same report
    twin = tmp_path / "twin.csv"
    twin.write_text(content, "utf-8")
    other = Deliverer(get_settings(tmp_path / "other")).deliver(
        "dgi", "tax_declarations", 2021, twin, source_name="dgi-2021.csv"
    )
    expected = json.loads(json.dumps(other.to_dict(), default=str))
    for key in ("status", "received", "loaded", "quarantined", "issues", "delivery_id"):
        assert report[key] == expected[key], key

    again = _upload(client, secret, content)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert len(Ledger(settings.ledger_path).records()) == 1

    detail = client.get(f"/api/deliveries/{report['delivery_id']}", headers=_auth(secret))
    assert detail.status_code == 200
    assert detail.json()["report"]["quarantined"] == 1 and "path" not in detail.json()


def test_a_partner_sees_only_its_own_deliveries(client: TestClient, settings: Settings) -> None:
    store = TokenStore(settings.home)
    _, dgi = store.create("dgi")
    _, cnss = store.create("cnss")
    delivered = _upload(client, dgi, dgi_csv(good_dgi_rows())).json()
    assert [d["id"] for d in client.get("/api/deliveries", headers=_auth(dgi)).json()] == [
        delivered["delivery_id"]
    ]
    assert client.get("/api/deliveries", headers=_auth(cnss)).json() == []
    _error(client.get(f"/api/deliveries/{delivered['delivery_id']}", headers=_auth(cnss)), 404)
    # cnss cannot deliver under the dgi convention: the report says so
    refused = _upload(client, cnss, dgi_csv(good_dgi_rows()))
    assert refused.status_code == 200 and refused.json()["status"] == "refused"


@pytest.fixture
def small_limit(tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    settings = get_settings(tmp_path / "home", max_upload_bytes=2000)
    _, secret = TokenStore(settings.home).create("dgi")
    yield TestClient(create_app(settings)), secret


def test_too_large_uploads_are_refused(small_limit: tuple[TestClient, str]) -> None:
    client, secret = small_limit
    big = dgi_csv(good_dgi_rows(n=200))
    assert len(big) > 2000
    error = _error(_upload(client, secret, big), 413)
    assert "max_upload_bytes" in error["message"]

    boundary = "marsadboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="dataset"\r\n\r\n'
        f"tax_declarations\r\n--{boundary}\r\n"
        f'Content-Disposition: form-data; name="period"\r\n\r\n2021\r\n--{boundary}\r\n'
        'Content-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    )

    def chunks() -> Iterator[bytes]:  # streamed without a length, as chunked uploads are
        yield head.encode()
        for _ in range(10):
            yield big.encode()[:500]
        yield f"\r\n--{boundary}--\r\n".encode()

    streamed = client.post(
        "/api/deliveries",
        headers={**_auth(secret), "Content-Type": f"multipart/form-data; boundary={boundary}"},
        content=chunks(),
    )
    _error(streamed, 413)


def test_token_commands(settings: Settings) -> None:
    runner = CliRunner()
    home = ["--home", str(settings.home)]
    made = runner.invoke(cli, [*home, "token", "create", "--partner", "ompic", "--json"])
    assert made.exit_code == 0, made.output
    created = json.loads(made.output)
    assert created["token"].startswith("msd_")
    listed = json.loads(runner.invoke(cli, [*home, "token", "list", "--json"]).output)
    assert [t["id"] for t in listed] == [created["id"]]
    assert "sha256" not in listed[0] and "token" not in listed[0]
    revoked = runner.invoke(cli, [*home, "token", "revoke", created["id"], "--json"])
    assert json.loads(revoked.output)["revoked_at"]
    bad = runner.invoke(cli, [*home, "token", "create", "--partner", "Bad Partner!"])
    assert bad.exit_code == 2 and "partenaire" in bad.output


def test_a_pending_upload_answers_with_its_state(client: TestClient, settings: Settings) -> None:
    _, secret = TokenStore(settings.home).create("dgi")
    good = _upload(client, secret, dgi_csv(good_dgi_rows(n=20)))
    assert good.status_code == 201 and good.json()["status"] == "loaded"
    # five rows of another year: all quarantined, nothing loaded
    bad = _upload(client, secret, dgi_csv(good_dgi_rows(year=2020, n=5)), name="bad.csv")
    assert bad.status_code == 202, bad.text
    body = bad.json()
    assert (body["status"], body["loaded"], body["quarantined"]) == ("pending", 0, 5)
    assert body["hold"]["rule"] == "nothing_loaded"
    assert body["hold"]["replaces"] == good.json()["delivery_id"]
    assert "confirm" in body["outcome"] and body["supersedes"] is None
    listed = client.get("/api/deliveries", headers=_auth(secret)).json()
    assert {d["id"]: d["status"] for d in listed} == {
        good.json()["delivery_id"]: "current",
        body["delivery_id"]: "pending",
    }
    again = _upload(client, secret, dgi_csv(good_dgi_rows(year=2020, n=5)), name="bad.csv")
    assert again.status_code == 200
    assert (again.json()["status"], again.json()["duplicate_state"]) == ("duplicate", "pending")
    from marsad.ingest.stewardship import decide

    decide(settings, "confirm", body["delivery_id"], by="amina", reason="internal note")
    detail = client.get(f"/api/deliveries/{body['delivery_id']}", headers=_auth(secret)).json()
    assert detail["status"] == "current" and detail["report"]["status"] == "pending"
    assert [set(d) for d in detail["decisions"]] == [{"action", "at"}]  # not who, not why
