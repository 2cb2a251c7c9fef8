"""The API against its own OpenAPI description (schemathesis): no 5xx, one error shape."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from marsad.settings import Settings, get_settings
from marsad.web import create_app


@schemathesis.check
def errors_have_the_one_shape(ctx: object, response: schemathesis.Response, case: object) -> None:
    if response.status_code < 400:
        return None
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"status", "code", "message", "details"}, body
    assert body["error"]["status"] == response.status_code
    assert isinstance(body["error"]["details"], list)
    return None


@pytest.fixture(scope="module")
def api_schema(published: Settings) -> schemathesis.BaseSchema:
    app = create_app(get_settings(published.home, api_rate_per_minute=0))
    return schemathesis.openapi.from_asgi("/api/openapi.json", app)


def test_the_api_honours_its_schema(api_schema: schemathesis.BaseSchema) -> None:
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
        errors_have_the_one_shape,
    ]
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 9
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=checks)

        run()
