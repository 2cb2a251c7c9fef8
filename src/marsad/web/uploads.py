"""Partner deliveries over HTTP: the same ingestion as ``marsad deliver``, the same report.

A partner authenticates with its token (``Authorization: Bearer msd_...``) and sees only
its own deliveries and its own scorecard; another partner's delivery is "not found", not
"forbidden", so that its existence is not revealed. A body larger than ``max_upload_bytes``
is refused with 413 before it is read to the end.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, File, Form, Path, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marsad.audit import log_access
from marsad.errors import NotFound
from marsad.ingest import Deliverer, Ledger
from marsad.ingest.ledger import DeliveryRecord
from marsad.ingest.scorecard import Scorecard, scorecard
from marsad.ingest.tokens import PartnerToken, TokenStore
from marsad.web.delivery_models import (
    DeliveryDetailOut,
    DeliveryRecordOut,
    DeliveryReportOut,
)
from marsad.web.deps import app_settings
from marsad.web.errors import send_error
from marsad.web.models import ErrorBody

PREFIX = "/api/deliveries"
bearer = HTTPBearer(auto_error=False, description="Partner token (msd_...)")
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in {
        401: "Missing, unknown or revoked token",
        404: "No such delivery for this partner",
        413: "File larger than the limit",
        422: "Invalid form field",
    }.items()
}
router = APIRouter(prefix=PREFIX, tags=["deliveries"], responses=ERRORS)


def partner_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> PartnerToken:
    secret = credentials.credentials if credentials else None
    return TokenStore(app_settings(request).home).authenticate(secret)


Partner = Annotated[PartnerToken, Depends(partner_token)]


def _public(record: DeliveryRecord) -> dict[str, Any]:
    """A record as its partner sees it: no staging path, decisions without who and why."""
    body = {k: v for k, v in record.to_dict().items() if k != "path"}
    body["decisions"] = [{"action": d["action"], "at": d["at"]} for d in record.decisions]
    return body


@router.post(
    "",
    summary="Deliver a file under the partner's convention",
    description=(
        "Runs the same checks as `marsad deliver` and returns the same report: 201 when "
        "the file was loaded and is current (rows that broke a rule are quarantined and "
        "listed), 202 when it was loaded but waits as `pending` for a data steward of the "
        "observatory (it loads no row, or far fewer than the current delivery: see `hold` "
        "and `outcome`), 200 when it was refused as a whole (`errors`) or this very file is "
        "already on record (`duplicate_state` says in which state)."
    ),
    status_code=201,
    response_model=DeliveryReportOut,
    responses={
        202: {"model": DeliveryReportOut, "description": "Loaded, waiting as pending"},
        200: {"model": DeliveryReportOut, "description": "Refused, or already on record"},
    },
)
async def deliver(
    request: Request,
    token: Partner,
    dataset: Annotated[str, Form(pattern=r"^[a-z][a-z0-9_]{1,60}$")],
    period: Annotated[int, Form(ge=1990, le=2100)],
    file: Annotated[UploadFile, File(description="The delivery file (CSV, XLSX, ...)")],
) -> JSONResponse:
    settings = app_settings(request)
    folder = settings.home / "tmp" / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    name = re.sub(r"[^A-Za-z0-9._-]", "_", (file.filename or "delivery"))[-120:] or "delivery"
    try:
        target = folder / name
        with target.open("wb") as out:
            await run_in_threadpool(shutil.copyfileobj, file.file, out, 1 << 20)
        report = await run_in_threadpool(
            Deliverer(settings).deliver, token.partner, dataset, period, target, source_name=name
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    log_access(
        settings.home,
        action="delivery.upload",
        subject=report.delivery_id or name,
        purpose="partner delivery",
        user=f"partner:{token.partner}:{token.id}",
        detail={"status": report.status, "dataset": dataset, "period": period},
    )
    body = DeliveryReportOut.model_validate(report.to_dict()).model_dump(mode="json")
    return JSONResponse(body, status_code={"loaded": 201, "pending": 202}.get(report.status, 200))


@router.get(
    "",
    summary="The partner's own deliveries, with their state",
    response_model=list[DeliveryRecordOut],
)
def own_deliveries(request: Request, token: Partner) -> list[dict[str, Any]]:
    ledger = Ledger(app_settings(request).ledger_path)
    return [_public(r) for r in ledger.records() if r.partner == token.partner]


@router.get(
    "/scorecard",
    summary="The partner's scorecard",
    description=(
        "The feedback report of `marsad deliveries scorecard --partner P --json` for the "
        "token's partner: timeliness against the convention's calendar, rows per period, "
        "quarantined rows and refused files by rule, identifier quality per period, and the "
        "enterprises of the current register build known only through this partner (counts "
        "only). Rule names and sentences in `lang` (fr, ar or en)."
    ),
    response_model=Scorecard,
)
def own_scorecard(
    request: Request,
    token: Partner,
    lang: Annotated[Literal["fr", "ar", "en"], Query(description="fr, ar or en")] = "fr",
) -> Scorecard:
    return scorecard(app_settings(request), token.partner, lang=lang)


@router.get(
    "/{delivery_id}",
    summary="One of the partner's deliveries, with its state and report",
    response_model=DeliveryDetailOut,
)
def own_delivery(
    request: Request,
    token: Partner,
    delivery_id: Annotated[str, Path(pattern=r"^[a-z0-9_-]{1,160}$")],
) -> dict[str, Any]:
    settings = app_settings(request)
    record = Ledger(settings.ledger_path).get(delivery_id)
    if record is None or record.partner != token.partner:
        raise NotFound(f"Aucune livraison {delivery_id} pour ce partenaire.")
    body = _public(record)
    if record.path:
        report = settings.home / record.path / "report.json"
        if report.is_file():
            body["report"] = json.loads(report.read_text("utf-8"))
    return body


class BodyLimit:
    """Refuse delivery bodies over the limit, by header or while they stream in."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        message = (
            f"Fichier trop volumineux : la limite est de {self.limit} octets "
            "(réglage max_upload_bytes)."
        )
        for key, value in scope.get("headers", []):
            if key == b"content-length" and value.isdigit() and int(value) > self.limit:
                await send_error(send, 413, "too_large", message)
                return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            incoming = await receive()
            seen += len(incoming.get("body", b""))
            if seen > self.limit:  # rendered by the app's handlers, in the one error shape
                raise HTTPException(413, message)
            return incoming

        await self.app(scope, counted, send)


def include(app: FastAPI) -> None:
    app.include_router(router)
    app.add_middleware(BodyLimit, limit=app.state.settings.max_upload_bytes)
