"""Accounts: sign-in throttling held by the database, the second factor (RFC 6238),
expiring and revocable tokens, deactivation, the demo's random password."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from marsad.errors import Conflict, NotFound, Unauthorized
from marsad.operational import Database, migrate
from marsad.operational.accounts import (
    activate,
    deactivate,
    disable_second_factor,
    enable_second_factor,
    revoke_token,
    tokens,
)
from marsad.operational.auth import (
    create_user,
    demo_password,
    from_session,
    from_token,
    issue_token,
    login,
    open_session,
)
from marsad.operational.people import AccessLog, ApiToken, SignInThrottle, User, utcnow
from marsad.operational.throttle import Limits, Locked
from marsad.operational.totp import code_at, current_step, matching_step, provisioning_uri

PASSWORD = "un mot de passe long"


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    migrate(database_url)
    database = Database(database_url)
    yield database
    database.dispose()


def _actions(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(AccessLog.action).order_by(AccessLog.id)))


def test_forty_wrong_passwords_then_the_right_one_is_refused(db: Database) -> None:
    create_user(db, "amina", "administrator", PASSWORD)
    for _ in range(10):
        with pytest.raises(Unauthorized):
            login(db, "amina", "wrong password", address="198.51.100.7")
    for _ in range(30):
        with pytest.raises(Locked):
            login(db, "amina", "wrong password", address="198.51.100.7")
    with pytest.raises(Locked) as locked:  # the right password waits too
        login(db, "amina", PASSWORD, address="203.0.113.9")
    assert 0 < locked.value.retry_after <= 15 * 60 and locked.value.status == 429
    actions = _actions(db)
    assert actions.count("sign_in.failed") == 10 and actions.count("sign_in.refused") == 31
    with db.session() as session:
        line = session.scalar(select(AccessLog).where(AccessLog.action == "sign_in.failed"))
        assert line is not None and line.subject == "user:amina"
        assert line.detail == {"address": "198.51.100.7", "reason": "password"}
        # the wait is over (its end moved to the past): the account may sign in again
        session.execute(update(SignInThrottle).values(locked_until=utcnow() - timedelta(1)))
    assert login(db, "amina", PASSWORD, address="203.0.113.9").role == "administrator"


def test_one_address_trying_many_accounts_is_throttled(db: Database) -> None:
    for name in ("un", "deux", "trois"):
        create_user(db, name, "analyst", PASSWORD)
    for i in range(10):
        with pytest.raises(Unauthorized):
            login(db, ("un", "deux")[i % 2], "wrong password", address="192.0.2.1")
    with pytest.raises(Locked):
        login(db, "trois", PASSWORD, address="192.0.2.1")
    assert login(db, "trois", PASSWORD, address="192.0.2.2").username == "trois"


def test_a_success_starts_the_account_afresh(db: Database) -> None:
    create_user(db, "omar", "analyst", PASSWORD)
    for _ in range(3):
        for k in range(9):
            with pytest.raises(Unauthorized):
                login(db, "omar", "wrong password", address=f"10.0.0.{k}")
        assert login(db, "omar", PASSWORD, address="10.1.0.1").username == "omar"
    small = Limits(max_failures=2, window=timedelta(minutes=1))
    for _ in range(2):
        with pytest.raises(Unauthorized):
            login(db, "omar", "wrong password", limits=small)
    with pytest.raises(Locked):
        login(db, "omar", PASSWORD, limits=small)


def test_concurrent_attempts_cannot_pass_the_limit(db: Database) -> None:
    create_user(db, "salma", "programme_manager", PASSWORD)

    def attempt(_: int) -> str:
        try:
            login(db, "salma", "wrong password", address="198.51.100.1")
        except Locked:
            return "locked"
        except Unauthorized:
            return "checked"
        return "signed in"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, range(30)))
    assert outcomes.count("checked") == 10 and outcomes.count("locked") == 20


def test_rfc_6238_codes_and_the_second_factor(db: Database) -> None:
    # the test vectors of RFC 6238 (SHA-1, secret "12345678901234567890"), on 8 digits
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    vectors = {59: "94287082", 1111111109: "07081804", 1234567890: "89005924"}
    for moment, code in vectors.items():
        assert code_at(secret, current_step(moment), digits=8) == code
    assert matching_step(secret, "287082", now=59) == 1
    assert matching_step(secret, "287082", now=59 + 90) is None

    create_user(db, "admin", "administrator", PASSWORD)
    uri = enable_second_factor(db, "admin")
    assert uri.startswith("otpauth://totp/marsad%3Aadmin?secret=")
    with db.session() as session:
        key = session.scalar(select(User.totp_secret).where(User.username == "admin"))
    assert key and uri == provisioning_uri(key, "admin")
    for code in (None, "000000", "abc"):
        with pytest.raises(Unauthorized, match="Identifiant ou mot de passe incorrect"):
            login(db, "admin", PASSWORD, code=code)
    good = code_at(key, current_step())
    assert login(db, "admin", PASSWORD, code=good).role == "administrator"
    with pytest.raises(Unauthorized):  # a code is used once
        login(db, "admin", PASSWORD, code=good)
    reasons = [
        line.detail["reason"]
        for line in _lines(db)
        if line.action == "sign_in.failed" and line.subject == "user:admin"
    ]
    assert reasons == ["second_factor"] * 4
    disable_second_factor(db, "admin")
    assert login(db, "admin", PASSWORD).username == "admin"
    with pytest.raises(Conflict):
        disable_second_factor(db, "admin")


def _lines(db: Database) -> list[AccessLog]:
    with db.session() as session:
        return list(session.scalars(select(AccessLog).order_by(AccessLog.id)))


def test_tokens_expire_and_are_revoked(db: Database) -> None:
    karim = create_user(db, "karim", "analyst", PASSWORD)
    lasting, short = issue_token(db, karim, "script", days=90), issue_token(db, karim, "essai", 1)
    assert from_token(db, short).username == "karim"
    with db.session() as session:
        session.execute(
            update(ApiToken)
            .where(ApiToken.label == "essai")
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    with pytest.raises(Unauthorized, match="expiré"):
        from_token(db, short)
    listed = tokens(db, "karim")
    assert [(t.label, t.state) for t in listed] == [("essai", "expiré"), ("script", "valide")]
    revoke_token(db, listed[1].id)
    with pytest.raises(Unauthorized, match="révoqué"):
        from_token(db, lasting)
    with pytest.raises(Conflict):
        revoke_token(db, listed[1].id)
    with pytest.raises(NotFound):
        revoke_token(db, 999)
    with db.session() as session:  # a token of before expiries existed is refused
        session.execute(update(ApiToken).values(expires_at=None, revoked_at=None))
    with pytest.raises(Unauthorized):
        from_token(db, lasting)


def test_deactivation_ends_sessions_and_tokens(db: Database) -> None:
    agent = create_user(db, "guichet", "desk_agent", PASSWORD, chamber_code="CCIS06")
    token = issue_token(db, agent)
    cookie, _ = open_session(db, agent)
    assert from_session(db, cookie)[0].username == "guichet"
    done = deactivate(db, "guichet")
    assert (done.sessions_ended, done.tokens_revoked) == (1, 1)
    with pytest.raises(Unauthorized):
        from_session(db, cookie)
    with pytest.raises(Unauthorized):
        from_token(db, token)
    with pytest.raises(Unauthorized):
        login(db, "guichet", PASSWORD)
    with pytest.raises(Conflict):
        deactivate(db, "guichet")
    activate(db, "guichet")
    assert login(db, "guichet", PASSWORD).username == "guichet"
    with pytest.raises(Unauthorized):  # its tokens stay revoked
        from_token(db, token)
    assert {"user.deactivate", "user.activate"} <= set(_actions(db))


def test_the_demo_password_is_random() -> None:
    first = demo_password()
    assert first == demo_password()  # one per run, printed once
    demo_password.cache_clear()
    second = demo_password()
    assert first != second and len(second) >= 16 and "demo-marsad" not in second
