"""People and access: argon2 passwords, tokens, sessions, permissions, the access log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from marsad.errors import Conflict, Forbidden, InvalidInput, Unauthorized
from marsad.operational import Database, migrate
from marsad.operational.auth import (
    close_session,
    create_user,
    from_session,
    from_token,
    issue_token,
    login,
    permissions,
    record,
)
from marsad.operational.people import AccessLog, ApiToken, User


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    migrate(database_url)
    database = Database(database_url)
    yield database
    database.dispose()


def test_passwords_are_hashed_and_checked(db: Database) -> None:
    create_user(db, "amina", "programme_manager", "un mot de passe long")
    with db.session() as session:
        stored = session.scalar(select(User.password_hash))
    assert stored and stored.startswith("$argon2id$") and "long" not in stored
    assert login(db, "amina", "un mot de passe long").role == "programme_manager"
    for name, password in [("amina", "wrong password"), ("nobody", "un mot de passe long")]:
        with pytest.raises(Unauthorized, match="Identifiant ou mot de passe incorrect"):
            login(db, name, password)
    with pytest.raises(Conflict):
        create_user(db, "amina", "analyst", "another long one")
    with pytest.raises(InvalidInput) as bad:
        create_user(db, "x y", "king", "short")
    fields = {d["field"] for d in bad.value.details}
    assert fields == {"username", "role", "password"}
    with pytest.raises(InvalidInput, match="Utilisateur invalide"):
        create_user(db, "agent", "desk_agent", "un mot de passe long")


def test_tokens_and_sessions(db: Database) -> None:
    actor = create_user(db, "karim", "desk_agent", "un mot de passe long", chamber_code="CCIS06")
    token = issue_token(db, actor, "script")
    assert from_token(db, token).chamber_code == "CCIS06"
    with db.session() as session:
        assert session.scalar(select(ApiToken.token_sha256)) != token
        session.execute(ApiToken.__table__.update().values(revoked_at=ApiToken.created_at))
    with pytest.raises(Unauthorized, match="révoqué"):
        from_token(db, token)
    from marsad.operational.auth import open_session

    cookie, csrf = open_session(db, actor)
    again, same_csrf = from_session(db, cookie)
    assert again.username == "karim" and same_csrf == csrf
    close_session(db, cookie)
    with pytest.raises(Unauthorized):
        from_session(db, cookie)


def test_roles_and_the_access_log(db: Database) -> None:
    assert set(permissions()) == {
        "administrator", "analyst", "programme_manager", "adviser", "desk_agent",
        "data_steward", "public",
    }  # fmt: skip
    agent = create_user(db, "salma", "desk_agent", "un mot de passe long", chamber_code="CCIS01")
    manager = create_user(db, "omar", "programme_manager", "un mot de passe long")
    assert agent.can("desk.write") and not agent.can("application.decide")
    with pytest.raises(Forbidden, match="desk_agent"):
        agent.require("application.decide")
    manager.require("application.decide")
    record(db, manager, "enterprise.read", "E0001", "instruction de la demande 12")
    with db.session() as session:
        line = session.scalars(select(AccessLog)).one()
    assert (line.actor, line.action, line.subject) == (
        "omar (programme_manager)",
        "enterprise.read",
        "E0001",
    )
    assert line.purpose == "instruction de la demande 12"
