"""Every HTTP error has one JSON shape, whatever raised it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import Query
from fastapi.testclient import TestClient

from marsad.errors import Conflict, NotFound
from marsad.settings import get_settings
from marsad.web import create_app


def assert_error_shape(body: dict[str, Any], status: int) -> None:
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "code", "message", "details"}
    assert error["status"] == status
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], list)


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    app = create_app(get_settings(tmp_path))

    @app.get("/api/_test/missing")
    def missing() -> None:
        raise NotFound("Cette publication n'existe pas.")

    @app.get("/api/_test/cap")
    def cap() -> None:
        raise Conflict("Le plafond est atteint.", details=[{"field": "amount", "message": "x"}])

    @app.get("/api/_test/limit")
    def limit(n: int = Query(ge=1, le=10)) -> dict[str, int]:
        return {"n": n}

    @app.get("/api/_test/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    return TestClient(app, raise_server_exceptions=False)


def test_health(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_unknown_route_is_json_404(client: TestClient) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert_error_shape(response.json(), 404)


def test_wrong_method_is_json_405(client: TestClient) -> None:
    response = client.delete("/api/health")
    assert response.status_code == 405
    assert_error_shape(response.json(), 405)


def test_marsad_error_keeps_status_code_and_details(client: TestClient) -> None:
    response = client.get("/api/_test/missing")
    assert response.status_code == 404
    assert_error_shape(response.json(), 404)
    response = client.get("/api/_test/cap")
    assert response.status_code == 409
    body = response.json()
    assert_error_shape(body, 409)
    assert body["error"]["code"] == "conflict"
    assert body["error"]["details"] == [{"field": "amount", "message": "x"}]


@pytest.mark.parametrize("value", ["0", "11", "abc", ""])
def test_validation_error_names_the_field(client: TestClient, value: str) -> None:
    response = client.get("/api/_test/limit", params={"n": value})
    assert response.status_code == 422
    body = response.json()
    assert_error_shape(body, 422)
    assert body["error"]["details"][0]["field"] == "query.n"


def test_unexpected_error_has_the_shape_and_no_traceback(client: TestClient) -> None:
    response = client.get("/api/_test/boom")
    assert response.status_code == 500
    body = response.json()
    assert_error_shape(body, 500)
    assert "secret" not in response.text and "Traceback" not in response.text


def test_openapi_is_published(client: TestClient) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "marsad"
