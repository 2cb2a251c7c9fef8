"""Every API operation, fuzzed from its OpenAPI description as every role and without
credentials, on PostgreSQL: no answer 5xx, every error in the one shape.

A few examples per operation and role (the whole test stays within a few minutes); the
examples are derived deterministically, so that a failure is reproduced by the next run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from marsad.operational import Database, migrate
from marsad.operational.auth import create_user, issue_token
from marsad.operational.people import ROLES
from marsad.settings import Settings, get_settings
from marsad.web import create_app
from test_web_schema import errors_have_the_one_shape

EXAMPLES = 3
SCOPES = {"desk_agent": {"chamber_code": "CCIS06"}, "data_steward": {"partner_code": "DGI"}}


@pytest.fixture(scope="module")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uuid

    from sqlalchemy import create_engine, text

    from conftest import POSTGRES_ADMIN, _postgres_available

    if not _postgres_available():
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres)")
    name = f"marsad_schema_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def schema_and_roles(
    published: Settings, postgres_url: str
) -> tuple[schemathesis.BaseSchema, dict[str, dict[str, str]]]:
    migrate(postgres_url)
    db = Database(postgres_url)
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for role in ROLES:
        actor = create_user(db, role.replace("_", "."), role, **SCOPES.get(role, {}))
        headers[role] = {"Authorization": f"Bearer {issue_token(db, actor)}"}
    db.dispose()
    # the anonymous requests carry made-up tokens: the address must not be locked by them
    settings = get_settings(
        published.home, database_url=postgres_url, api_rate_per_minute=0, sign_in_max_failures=1000
    )
    app = create_app(settings)
    return schemathesis.openapi.from_asgi("/api/openapi.json", app), headers


@pytest.mark.slow
def test_no_operation_answers_5xx_for_any_role(
    schema_and_roles: tuple[schemathesis.BaseSchema, dict[str, dict[str, str]]],
) -> None:
    schema, roles = schema_and_roles
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 100
    failures: list[str] = []
    statuses: dict[int, int] = {}
    for operation in operations:
        for role, headers in roles.items():
            _fuzz(operation, role, headers, failures, statuses)
    assert sum(statuses.values()) >= len(operations) * len(roles)
    assert failures == [], "\n".join(failures[:40])
    # the requests reached the operations: answered, not all stopped at the door
    assert statuses.get(429, 0) == 0 and sum(statuses.get(s, 0) for s in (200, 201)) > 200


def _fuzz(
    operation: Any,
    role: str,
    headers: dict[str, str],
    failures: list[str],
    statuses: dict[int, int],
) -> None:
    """A few requests of one operation as one role; what failed goes to ``failures``."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        try:
            response = case.call(headers={**(case.headers or {}), **headers})
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            case.validate_response(response, checks=[not_a_server_error, errors_have_the_one_shape])
        except Exception as exc:  # a 5xx, a wrong shape, or an exception out of the app
            failures.append(f"{operation.label} as {role}: {_short(exc)}")

    run()


def _short(exc: Any) -> str:
    return " ".join(str(exc).split())[:300]
