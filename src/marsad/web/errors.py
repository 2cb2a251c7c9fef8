"""One JSON error shape for every HTTP error, rendered by one set of handlers.

Every error response, whatever raised it, has the body::

    {"error": {"status": 422, "code": "invalid_input", "message": "...",
               "details": [{"field": "query.limit", "message": "..."}]}}

``details`` is always a list (empty when there is nothing per field). A ``MarsadError``
carries its own status and code; FastAPI's request validation becomes ``422
invalid_input`` with one detail per field; Starlette's HTTP errors keep their status; an
unexpected exception is logged and answered ``500 internal`` without a traceback.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Send

from marsad.errors import MarsadError

log = logging.getLogger("marsad.web")

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
}


def error_body(
    status: int, code: str, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The body of every error response."""
    return {"error": {"status": status, "code": code, "message": message, "details": details or []}}


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(status, code, message, details), status, headers=headers)


async def send_error(
    send: Send,
    status: int,
    code: str,
    message: str,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """Answer with the error shape from a pure ASGI middleware, outside the app's handlers."""
    body = json.dumps(error_body(status, code, message), ensure_ascii=False).encode("utf-8")
    raw = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *(headers or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


async def _marsad_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, MarsadError)
    status = exc.status if 400 <= exc.status < 600 else 400
    details = list(getattr(exc, "details", None) or [])
    message = str(exc)
    if status >= 500:
        log.error("server-side error: %s", message)
    wait = getattr(exc, "retry_after", None)
    headers = {"Retry-After": str(wait)} if isinstance(wait, int) else None
    return error_response(status, exc.code, message, details, headers=headers)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        {"field": _field(err.get("loc", ())), "message": str(err.get("msg", ""))}
        for err in exc.errors()
    ]
    return error_response(
        422, "invalid_input", "La requête contient des valeurs invalides.", details
    )


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "error" if exc.status_code < 500 else "internal")
    message = exc.detail if isinstance(exc.detail, str) else code
    headers = dict(exc.headers) if exc.headers else None
    return error_response(exc.status_code, code, message, headers=headers)


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return error_response(500, "internal", "Erreur interne du serveur.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(MarsadError, _marsad_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
