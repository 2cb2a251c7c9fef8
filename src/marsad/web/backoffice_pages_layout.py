"""What the back-office pages share: the signed-in visitor, the layout and the labels.

A page needs a browser session (the ``marsad_session`` cookie); without a valid one it
redirects to the sign-in page. Every state-changing form carries the session's CSRF token
in a hidden ``csrf`` field. Errors of a page (unknown item, refused role, bad CSRF token)
are answered as an HTML page with their status, never as JSON.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute

from marsad.errors import Forbidden, MarsadError, Unauthorized
from marsad.operational.auth import Actor, from_session
from marsad.programmes import text
from marsad.settings import Settings
from marsad.web.backoffice_pages_forms import e, field_text
from marsad.web.deps import DB, SESSION_COOKIE
from marsad.web.pages import page

HOME = "/backoffice"
LOGIN = "/backoffice/login"
MAX_ID = 2**31 - 1

ROLE_LABELS = {
    "administrator": "Administrateur",
    "analyst": "Analyste",
    "programme_manager": "Gestionnaire de programme",
    "adviser": "Conseiller",
    "desk_agent": "Agent de guichet",
    "data_steward": "Responsable des livraisons de données",
    "public": "Public",
}
STATUS_LABELS = {
    "draft": "Brouillon",
    "submitted": "Soumise",
    "eligible": "Éligible",
    "ineligible": "Non éligible",
    "appraised": "Évaluée",
    "approved": "Approuvée",
    "rejected": "Rejetée",
    "agreement": "Sous convention",
    "closed": "Clôturée",
    "clawed_back": "Aide récupérée",
}
NOTICES = {
    "created": "La demande a été créée (brouillon).",
    "submitted": "La demande a été soumise ; son éligibilité a été vérifiée.",
    "appraised": "L'évaluation a été enregistrée.",
    "approved": "La demande a été approuvée.",
    "rejected": "La demande a été rejetée.",
    "agreement": "La convention a été signée ; les tranches sont planifiées.",
    "paid": "La tranche a été payée.",
    "closed": "La demande a été clôturée.",
    "case": "Le dossier a été ouvert.",
    "checked": "L'éligibilité du dossier a été vérifiée.",
    "step": "L'étape a été enregistrée.",
    "outcome": "L'issue du dossier a été enregistrée.",
}


def mad(value: Decimal | None) -> str:
    return "—" if value is None else text.mad(value)


def when(value: Any) -> str:
    return "—" if value is None else value.strftime("%d/%m/%Y %H:%M")


@dataclass(frozen=True)
class Visitor:
    actor: Actor
    csrf: str


class LoginRequired(Exception):
    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


async def signed_in(request: Request, db: DB) -> Visitor:
    """The user of the session; a state-changing request must carry the session's CSRF."""
    try:
        who, csrf = from_session(db, request.cookies.get(SESSION_COOKIE))
    except Unauthorized:
        raise LoginRequired(request.url.path) from None
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        sent = request.headers.get("x-csrf-token")
        if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            sent = field_text(await request.form(), "csrf")
        if not sent or not hmac.compare_digest(sent.encode(), csrf.encode()):
            raise Forbidden("Jeton CSRF absent ou invalide : rechargez la page et recommencez.")
    return Visitor(who, csrf)


SignedIn = Annotated[Visitor, Depends(signed_in)]


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def safe_next(target: str) -> str:
    """Where to go after signing in: a back-office path only, never another site."""
    ok = target.startswith(HOME) and "//" not in target and "\\" not in target
    return target if ok and len(target) < 300 else HOME


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    body = f'<h1>Erreur {status}</h1>\n<p><a href="{HOME}">Retour au tableau de bord</a></p>'
    title = f"Erreur {status}"
    return layout(request, None, title, body, status=status, notice=message, alert=True)


class PageRoute(APIRoute):
    """A page route: no session → the sign-in page; an error → an HTML page, not JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired as exc:
                return RedirectResponse(f"{LOGIN}?next={quote(exc.path)}", status_code=303)
            except MarsadError as exc:
                return error_page(request, exc.status, exc.message)
            except RequestValidationError:
                return error_page(request, 422, "La requête contient des valeurs invalides.")

        return guarded


# the sections of the back office: (path, menu label, dashboard label, any of these permissions)
SECTIONS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("/programmes", "Programmes", "Consulter le catalogue des programmes", ()),
    ("/applications", "Demandes", "Voir les demandes", ("application.read", "application.create")),
    ("/applications/new", "", "Nouvelle demande", ("application.create",)),
    ("/desk", "Guichet auto-entrepreneur", "Guichet auto-entrepreneur : dossiers", ("desk.read",)),
    ("/desk/new", "", "Ouvrir un dossier au guichet", ("desk.write",)),
    ("/advisers", "Conseillers", "Conseillers", ("adviser.read",)),
    ("/missions", "Missions", "Missions de conseil", ("mission.read",)),
    ("/pilots", "Pilotage régional", "Pilotage régional", ("pilot.read",)),
    ("/match", "Mise en relation", "Mise en relation", ("match.read", "match.broker", "match.own")),
    ("/events", "Événements", "Événements : forums et journées B2B", ("event.read",)),
    ("/campaigns", "Mobilisation", "Mobilisation des entreprises cibles", ("campaign.read",)),
    ("/outreach", "Tableau de bord partenaire", "Tableau de bord partenaire", ("outreach.read",)),
    (
        "/register/review",
        "Registre : revue",
        "Registre : paires incertaines à revoir",
        ("register.review",),
    ),
    (
        "/training",
        "Formation et accompagnement",
        "Formation et accompagnement",
        ("training.read", "coaching.read"),
    ),
    ("/access-log", "Journal des accès", "Journal des accès", ("access_log.read",)),
]


def sections(visitor: Visitor, *, menu: bool) -> list[tuple[str, str]]:
    """The (address, label) of each section the visitor may open, for the menu or the
    dashboard (the dashboard also lists the forms that start something)."""
    who = visitor.actor
    out = []
    for path, menu_label, dashboard_label, needs in SECTIONS:
        label = menu_label if menu else dashboard_label
        if label and (not needs or any(who.can(n) for n in needs)):
            out.append((f"{HOME}{path}", label))
    return out


def nav(visitor: Visitor) -> str:
    who = visitor.actor
    links = [(HOME, "Tableau de bord"), *sections(visitor, menu=True)]
    items = "".join(f'<li><a href="{href}">{e(label)}</a></li>' for href, label in links)
    return f"""<nav class="bo-nav" aria-label="Espace de gestion">
<ul>{items}</ul>
<p class="bo-user">{e(who.username)} · {e(ROLE_LABELS.get(who.role, who.role))}</p>
<form method="post" action="{HOME}/logout" class="inline">{csrf_field(visitor)}
<button type="submit">Se déconnecter</button></form>
</nav>"""


def layout(
    request: Request,
    visitor: Visitor | None,
    title: str,
    body: str,
    *,
    status: int = 200,
    notice: str = "",
    alert: bool = False,
) -> HTMLResponse:
    """A back-office page in the site's layout, never cached (it shows personal data).

    ``notice`` goes to the page's status region, read out by screen readers."""
    top = nav(visitor) if visitor else ""
    kind = "alert" if alert else "notice"
    region = f'<div id="status" class="{kind}" role="status" aria-live="polite">{e(notice)}</div>'
    head, h1, rest = body.partition("</h1>")  # the region follows the page's title
    body = f"{head}{h1}\n{region}{rest}" if h1 else region + body
    style = '<link rel="stylesheet" href="/static/backoffice.css">'
    response = page(request, "fr", title, f"{top}\n{body}", script=style)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def csrf_field(visitor: Visitor) -> str:
    return f'<input type="hidden" name="csrf" value="{e(visitor.csrf)}">'
