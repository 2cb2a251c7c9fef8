"""Requests the server must refuse before it works on them, security headers, and the
client's address behind a proxy."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from marsad.cli.serve import server_config
from marsad.operational import Database, migrate
from marsad.operational.auth import create_user, issue_token
from marsad.settings import get_settings
from marsad.web import create_app
from marsad.web.headers import HSTS


def _error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["status"] == status
    assert isinstance(body["error"]["details"], list) and body["error"]["message"]
    return dict(body["error"])


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Iterator[tuple[TestClient, dict[str, str]]]:
    migrate(database_url)
    db = Database(database_url)
    manager = create_user(db, "manager", "programme_manager", "un mot de passe long")
    headers = {"Authorization": "Bearer " + issue_token(db, manager)}
    db.dispose()
    settings = get_settings(tmp_path / "home", database_url=database_url, api_rate_per_minute=0)
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client, headers


def test_a_nul_character_is_refused_not_a_server_error(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    http, manager = client
    _error(http.get("/api/applications?status=dra%00ft", headers=manager), 422)
    _error(http.get("/api/applications/1%00", headers=manager), 422)
    body = {"code": "NUL-1", "trainer": "Sal\u0000ma", "capacity": 3}
    sent = http.post("/api/training/cohorts", json=body, headers=manager)
    assert "caractère nul" in _error(sent, 422)["message"]
    half = '{"code": "SUR-1", "trainer": "\\ud800", "capacity": 3}'
    json_header = {**manager, "Content-Type": "application/json"}
    _error(http.post("/api/training/cohorts", content=half, headers=json_header), 422)
    # an escaped backslash before u0000 is ordinary text, and a real pair is an emoji
    fine = json.dumps({"code": "x", "trainer": "\\u0000 \U0001f600"})
    assert "\\\\u0000" in fine and b"\\ud83d" in fine.encode()
    answered = http.post("/api/training/cohorts", content=fine, headers=json_header)
    assert "caractère nul" not in _error(answered, 422)["message"]
    page = http.post(
        "/backoffice/login",
        content="username=a%00b&password=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")


def test_an_unknown_commune_is_a_field_error(client: tuple[TestClient, dict[str, str]]) -> None:
    http, manager = client
    http.post("/api/training/modules/import", headers=manager).raise_for_status()
    body = {
        "code": "COM-1",
        "module_code": "FACTURE-1",
        "partner_code": "CCIS01",
        "region_code": "01",
        "commune_code": "99999999",
        "trainer": "Salma Tazi",
        "capacity": 2,
        "starts_on": "2026-01-05",
        "ends_on": "2026-01-20",
    }
    error = _error(http.post("/api/training/cohorts", json=body, headers=manager), 422)
    assert {d["field"] for d in error["details"]} == {"commune_code"}


def test_a_body_over_the_limit_is_refused_before_authentication(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    http, manager = client
    many_keys = json.dumps({f"k{i}": i for i in range(150_000)})  # 2 MB
    assert len(many_keys) > 1024**2
    json_header = {"Content-Type": "application/json"}
    # no token at all: the size is refused first, not the missing authentication
    error = _error(http.post("/api/applications", content=many_keys, headers=json_header), 413)
    assert "max_body_bytes" in error["message"]

    def streamed() -> Iterator[bytes]:  # no Content-Length: counted while it arrives
        for _ in range(40):
            yield b" " * 65536

    sent = http.post("/api/applications", content=streamed(), headers={**manager, **json_header})
    _error(sent, 413)
    page = http.post(
        "/backoffice/login",
        content=b"username=" + b"a" * (2 * 1024**2),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert page.status_code == 413 and "<html" in page.text
    small = http.post("/api/applications", json={"programme": "X"}, headers=manager)
    assert small.status_code == 422  # under the limit, the route's own validation answers


def test_every_answer_carries_the_security_headers(tmp_path: Path) -> None:
    http = TestClient(create_app(get_settings(tmp_path)))
    for path in ["/explorer", "/backoffice/login", "/api/health", "/api/nothing", "/api/docs"]:
        headers = http.get(path).headers
        policy = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
        assert "'unsafe-inline'" not in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in headers  # plain http
    assert http.get("https://testserver/api/health").headers["strict-transport-security"] == HSTS


def _through_uvicorn(settings: Any, peer: str, headers: list[dict[str, str]]) -> list[Any]:
    """Requests through the application as ``marsad serve`` gives it to uvicorn."""
    config = server_config(create_app(settings), "127.0.0.1", 8000)
    config.load()
    transport = httpx.ASGITransport(app=config.loaded_app, client=(peer, 40000))

    async def run() -> list[Any]:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return [await c.get("/api/health", headers=h) for h in headers]

    return asyncio.run(run())


def test_a_rotating_forwarded_for_does_not_escape_the_rate_limit(tmp_path: Path) -> None:
    settings = get_settings(tmp_path, api_rate_per_minute=6)  # a burst of 10
    rotating = [{"X-Forwarded-For": f"203.0.113.{i}"} for i in range(30)]
    answers = _through_uvicorn(settings, "127.0.0.1", rotating)
    assert [a.status_code for a in answers].count(429) == 20
    assert answers[-1].json()["error"]["code"] == "rate_limited"


def test_a_configured_proxy_is_believed_and_only_it(tmp_path: Path) -> None:
    settings = get_settings(tmp_path, api_rate_per_minute=6, trusted_proxies=["10.0.0.0/24"])
    # behind the proxy, each client has its own bucket, whatever it puts in the header
    clients = [
        {"X-Forwarded-For": f"1.2.3.4, 203.0.113.{i % 2}", "X-Forwarded-Proto": "https"}
        for i in range(30)
    ]
    answers = _through_uvicorn(settings, "10.0.0.7", clients)
    assert [a.status_code for a in answers].count(429) == 10
    assert answers[0].headers["strict-transport-security"] == HSTS
    # the same header from a peer that is not a proxy is ignored
    direct = _through_uvicorn(settings, "198.51.100.9", clients[:12])
    assert [a.status_code for a in direct].count(429) == 2
    assert "strict-transport-security" not in direct[0].headers
    with pytest.raises(ValueError, match="ni une adresse"):
        get_settings(tmp_path, trusted_proxies=["proxy.example"])
