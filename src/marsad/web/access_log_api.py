"""The access log over HTTP, for the roles with ``access_log.read``: its lines (both
stores, newest first, with filters) and the verification of its hash chains."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Query, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from marsad.operational import access_log
from marsad.web.deps import DB, CurrentActor
from marsad.web.models import ErrorBody

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in {
        401: "Not signed in",
        403: "The role does not allow reading the access log",
        422: "Invalid filter or page",
    }.items()
}
router = APIRouter(prefix="/api/access-log", tags=["access log"], responses=ERRORS)
Text = Annotated[str, Query(max_length=200, description="lines whose field contains this")]
Day = Annotated[date | None, Query(ge=date(2000, 1, 1), le=date(2100, 12, 31))]


class EntryOut(BaseModel):
    at: datetime
    actor: str
    action: str
    subject: str
    purpose: str
    source: Literal["base", "fichier"]
    detail: dict[str, Any]


class PageOut(BaseModel):
    total: int
    offset: int
    limit: int
    entries: list[EntryOut]


class ChainOut(BaseModel):
    store: str
    lines: int
    chained: int
    before_chain: int
    pending: int
    head: str
    intact: bool
    problems: list[str]


def page_out(page: access_log.Page) -> PageOut:
    return PageOut(
        total=page.total,
        offset=page.offset,
        limit=page.limit,
        entries=[
            EntryOut(
                at=e.at,
                actor=e.actor,
                action=e.action,
                subject=e.subject,
                purpose=e.purpose,
                source="base" if e.source == "base" else "fichier",
                detail=e.detail,
            )
            for e in page.entries
        ],
    )


@router.get("", summary="Lines of the access log, newest first (the reading is logged)")
async def read_log(
    request: Request,
    db: DB,
    actor: CurrentActor,
    subject: Text = "",
    actor_name: Annotated[str, Query(alias="actor", max_length=200)] = "",
    purpose: Text = "",
    since: Day = None,
    until: Day = None,
    limit: Annotated[int, Query(ge=1, le=access_log.MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> PageOut:
    filters = access_log.Filters(subject, actor_name, purpose, since, until)
    home = request.app.state.settings.home
    page = await run_in_threadpool(
        access_log.read, db, home, actor, filters, offset=offset, limit=limit
    )
    return page_out(page)


@router.get("/verify", summary="Verify the hash chains of the access log")
async def verify_log(request: Request, db: DB, actor: CurrentActor) -> list[ChainOut]:
    actor.require("access_log.read")
    reports = await run_in_threadpool(access_log.verify, db, request.app.state.settings.home)
    return [
        ChainOut(
            store=r.store,
            lines=r.lines,
            chained=r.chained,
            before_chain=r.before_chain,
            pending=r.pending,
            head=r.head,
            intact=r.intact,
            problems=r.problems,
        )
        for r in reports
    ]


def include(app: FastAPI) -> None:
    app.include_router(router)
