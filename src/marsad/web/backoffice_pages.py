"""The back office in a browser: sign in and out, the dashboard of each role, and the pages
of programmes, applications and the auto-entrepreneur desk (their own modules).

The pages are plain HTML forms that work without JavaScript; every state-changing form
carries the session's CSRF token, and a refused action comes back on the same page with
its reason and the error of each field.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from marsad.errors import Unauthorized
from marsad.operational.auth import SESSION_HOURS, close_session, login, open_session
from marsad.operational.db import Database
from marsad.operational.people import User
from marsad.operational.throttle import Limits, Locked
from marsad.programmes.models import STATUSES, Application
from marsad.web import (
    backoffice_pages_access_log,
    backoffice_pages_advisers,
    backoffice_pages_applications,
    backoffice_pages_desk,
    backoffice_pages_desk_case,
    backoffice_pages_missions,
    backoffice_pages_new_application,
    backoffice_pages_pilots,
    backoffice_pages_programmes,
    backoffice_pages_register,
)
from marsad.web.backoffice_pages_forms import Form, control, e, field_text, table
from marsad.web.backoffice_pages_layout import (
    HOME,
    LOGIN,
    ROLE_LABELS,
    STATUS_LABELS,
    PageRoute,
    SignedIn,
    Visitor,
    layout,
    safe_next,
    sections,
    settings_of,
)
from marsad.web.deps import DB, SESSION_COOKIE, client_address

router = APIRouter(prefix=HOME, route_class=PageRoute, include_in_schema=False)


def _login_page(request: Request, form: Form, status: int = 200) -> HTMLResponse:
    target = safe_next(form.values.get("next", ""))
    user = control(form, "username", "Identifiant", required=True, extra='autocomplete="username"')
    secret = control(
        form,
        "password",
        "Mot de passe",
        kind="password",
        required=True,
        extra='autocomplete="current-password"',
    )
    code = control(
        form,
        "code",
        "Code à usage unique (si la double authentification est activée)",
        extra='autocomplete="one-time-code" inputmode="numeric" maxlength="6"',
    )
    body = f"""<h1>Connexion à l'espace de gestion</h1>
<form method="post" action="{LOGIN}" class="bo-form narrow">
<input type="hidden" name="next" value="{e(target)}">
{user}
{secret}
{code}
<button type="submit">Se connecter</button>
</form>"""
    message = form.message
    return layout(request, None, "Connexion", body, status=status, notice=message, alert=True)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    target = request.query_params.get("next", HOME)
    return _login_page(request, Form("login", {"next": target}))


def _sign_in(request: Request, db: Database, data: FormData) -> Response:
    """A session for the right name and password (argon2 takes its time: not on the loop)."""
    form = Form("login", {"username": field_text(data, "username", 200)})
    form.values["next"] = field_text(data, "next", 300)
    password = data.get("password")
    settings = settings_of(request)
    limits = Limits(
        settings.sign_in_max_failures, timedelta(minutes=settings.sign_in_window_minutes)
    )
    try:
        if not form.values["username"] or not isinstance(password, str) or not password:
            raise Unauthorized("Identifiant ou mot de passe incorrect.")
        actor = login(
            db,
            form.values["username"],
            password[:1000],
            address=client_address(request),
            code=field_text(data, "code", 20),
            limits=limits,
        )
    except Unauthorized as exc:
        form.message = exc.message
        return _login_page(request, form, status=401)
    except Locked as exc:
        form.message = exc.message
        refused = _login_page(request, form, status=429)
        refused.headers["Retry-After"] = str(exc.retry_after)
        return refused
    secret, _ = open_session(db, actor)
    response = RedirectResponse(safe_next(form.values["next"]), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=SESSION_HOURS * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/login", response_class=HTMLResponse)
async def login_post(request: Request, db: DB) -> Response:
    data = await request.form()
    return await run_in_threadpool(_sign_in, request, db, data)


@router.post("/logout")
def logout(request: Request, db: DB, visitor: SignedIn) -> Response:
    """Close the session (``SignedIn`` has checked the form's CSRF token)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        close_session(db, cookie)
    response = RedirectResponse(LOGIN, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


def status_counts(db: Database, visitor: Visitor) -> dict[str, int]:
    """Applications by status, in the scope of the applications list."""
    who = visitor.actor
    if not (who.can("application.read") or who.can("application.create")):
        return {}
    query = select(Application.status, func.count()).group_by(Application.status)
    if who.role == "desk_agent":
        query = query.where(Application.chamber_code == who.chamber_code)
    with db.session() as session:
        return {str(status): int(n) for status, n in session.execute(query)}


@router.get("", response_class=HTMLResponse)
def dashboard(request: Request, db: DB, visitor: SignedIn) -> HTMLResponse:
    who = visitor.actor
    with db.session() as session:
        user = session.get(User, who.user_id) if who.user_id else None
        name = (user.full_name if user else "") or who.username
    scope = f" · chambre {e(who.chamber_code)}" if who.chamber_code else ""
    links = sections(visitor, menu=False)
    counts = status_counts(db, visitor)
    rows = [
        [
            f'<a href="{HOME}/applications?status={s}">{e(STATUS_LABELS[s])}</a>',
            str(counts.get(s, 0)),
        ]
        for s in STATUSES
        if s in counts
    ]
    counts_html = ""
    if who.can("application.read") or who.can("application.create"):
        total = sum(counts.values())
        counts_html = "<h2>Demandes par statut</h2>" + table(
            f"Demandes par statut ({total} au total)",
            ["Statut", "Nombre"],
            rows,
            "Aucune demande pour le moment.",
        )
    items = "".join(f'<li><a href="{quote(h, safe="/")}">{e(t)}</a></li>' for h, t in links)
    body = f"""<h1>Tableau de bord</h1>
<p class="who">Bonjour <strong>{e(name)}</strong> — rôle :
<strong>{e(ROLE_LABELS.get(who.role, who.role))}</strong>{scope}</p>
{counts_html}
<h2>Accès rapides</h2><ul class="links">{items}</ul>"""
    return layout(request, visitor, "Tableau de bord", body)


def include(app: FastAPI) -> None:
    for pages in (
        router,
        backoffice_pages_programmes.router,
        backoffice_pages_new_application.router,
        backoffice_pages_applications.router,
        backoffice_pages_desk.router,
        backoffice_pages_desk_case.router,
        backoffice_pages_advisers.router,
        backoffice_pages_missions.router,
        backoffice_pages_pilots.router,
        backoffice_pages_register.router,
        backoffice_pages_access_log.router,
    ):
        app.include_router(pages, include_in_schema=False)
