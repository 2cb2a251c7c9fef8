"""What the back-office routes share: the operational database and the acting user.

The database is opened (and migrated to the latest revision) on first use. The actor
comes from an API token (``Authorization: Bearer mst_...``) or from the session cookie
of a signed-in browser; a browser's state-changing request must also carry the
session's CSRF token (form field ``csrf`` or header ``X-CSRF-Token``).
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from marsad.errors import Forbidden, Unauthorized
from marsad.operational import Database, migrate
from marsad.operational.auth import Actor, from_session, from_token
from marsad.operational.throttle import Limits, address_key, count_failure, locked
from marsad.settings import Settings

SESSION_COOKIE = "marsad_session"
bearer = HTTPBearer(auto_error=False, description="User token (mst_...)")
_lock = threading.Lock()


def app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def database(request: Request) -> Database:
    state = request.app.state
    with _lock:
        if getattr(state, "database", None) is None:
            url = state.settings.operational_url
            migrate(url)
            state.database = Database(url)
    db: Database = state.database
    return db


DB = Annotated[Database, Depends(database)]


def client_address(request: Request) -> str:
    """The client's address (a trusted proxy's ``X-Forwarded-For`` already applied)."""
    return request.client.host if request.client else "unknown"


def sign_in_limits(request: Request) -> Limits:
    settings = app_settings(request)
    return Limits(settings.sign_in_max_failures, timedelta(minutes=settings.sign_in_window_minutes))


def _token_actor(request: Request, db: Database, secret: str) -> Actor:
    """The token's user; unknown tokens count as failed sign-ins of the address."""
    keys, limits = [address_key(client_address(request))], sign_in_limits(request)
    locked(db, keys, limits)
    try:
        return from_token(db, secret)
    except Unauthorized:
        count_failure(db, keys, limits)
        raise


async def actor(
    request: Request,
    db: DB,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    if credentials is not None:
        return await run_in_threadpool(_token_actor, request, db, credentials.credentials)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie is None:
        raise Unauthorized("Authentification requise : jeton ou session.")
    who, csrf = from_session(db, cookie)
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        sent = request.headers.get("x-csrf-token")
        if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            sent = str((await request.form()).get("csrf") or "")
        if sent != csrf:
            raise Forbidden("Jeton CSRF absent ou invalide.")
    return who


CurrentActor = Annotated[Actor, Depends(actor)]
