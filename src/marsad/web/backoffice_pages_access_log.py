"""The access log in the back office: its lines a page at a time, filtered by subject,
actor, purpose and dates, for the roles with ``access_log.read``."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from marsad.errors import InvalidInput
from marsad.operational import access_log
from marsad.web.backoffice_pages_layout import HOME, PageRoute, SignedIn, layout, settings_of
from marsad.web.deps import DB
from marsad.web.templating import render

BASE = f"{HOME}/access-log"
PAGE_SIZE = 50
router = APIRouter(prefix=HOME, route_class=PageRoute, include_in_schema=False)


def _day(text: str, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"Date invalide : « {text[:20]} » (AAAA-MM-JJ attendu).", details=[{"field": name}]
        ) from None


@router.get("/access-log", response_class=HTMLResponse)
async def access_log_page(
    request: Request,
    db: DB,
    visitor: SignedIn,
    subject: str = "",
    actor: str = "",
    purpose: str = "",
    since: str = "",
    until: str = "",
    page: int = 1,
) -> HTMLResponse:
    visitor.actor.require("access_log.read")
    typed = {
        "subject": subject.strip()[:200],
        "actor": actor.strip()[:200],
        "purpose": purpose.strip()[:200],
        "since": since.strip()[:10],
        "until": until.strip()[:10],
    }
    filters = access_log.Filters(
        typed["subject"],
        typed["actor"],
        typed["purpose"],
        _day(typed["since"], "since"),
        _day(typed["until"], "until"),
    )
    page = min(max(page, 1), 10**6)
    home = settings_of(request).home
    found = await run_in_threadpool(
        access_log.read,
        db,
        home,
        visitor.actor,
        filters,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    pages = max(1, -(-found.total // PAGE_SIZE))

    def link(number: int) -> str:
        query = {k: v for k, v in typed.items() if v}
        return f"{BASE}?{urlencode({**query, 'page': number})}"

    body = render(
        "access_log.html",
        base=BASE,
        filters=typed,
        entries=found.entries,
        actions=access_log.ACTION_LABELS,
        total=found.total,
        first=found.offset + 1,
        last=found.offset + len(found.entries),
        page=page,
        pages=pages,
        previous=link(page - 1) if page > 1 else "",
        next=link(page + 1) if page < pages else "",
    )
    return layout(request, visitor, "Journal des accès", body)
