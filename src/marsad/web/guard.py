"""What every request must be before the application spends work on it.

A pure ASGI middleware, outside routing and authentication:

- a body larger than ``max_body_bytes`` (1 MB by default) is refused with 413, from its
  ``Content-Length`` before a byte is read, or as soon as the streamed bytes pass the
  limit; delivery uploads (``/api/deliveries``) have their own limit (``max_upload_bytes``);
- text that a database cannot store (a NUL character, half of a UTF-16 surrogate pair) in
  the path, the query or a JSON or form body is refused with 422.

The body is read (up to the limit) and handed on unchanged. Back-office pages receive
these refusals as an HTML error page, everything else as the one JSON error shape.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote_plus

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marsad.web.errors import send_error

UPLOADS = "/api/deliveries"
PAGES = "/backoffice"
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
ESCAPES = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def unstorable(value: Any) -> bool:
    """Whether a decoded JSON value holds text that a database refuses, keys included."""
    if isinstance(value, str):
        return UNSTORABLE.search(value) is not None
    if isinstance(value, list):
        return any(unstorable(item) for item in value)
    if isinstance(value, dict):
        return any(unstorable(k) or unstorable(v) for k, v in value.items())
    return False


def body_unstorable(content_type: str, body: bytes) -> bool:
    if "json" in content_type:
        if not ESCAPES.search(body):  # NUL and surrogates can only come as \\u escapes
            return False
        try:
            return unstorable(json.loads(body))
        except ValueError:  # not JSON: the route's validation says so
            return False
    if content_type.startswith("application/x-www-form-urlencoded"):
        return unstorable(unquote_plus(body.decode("utf-8", "replace")))
    if content_type.startswith("multipart/form-data"):
        return b"\x00" in body
    return False


class TooLargeBody(Exception):
    pass


class RequestGuard:
    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def refuse(self, scope: Scope, send: Send, status: int, message: str) -> None:
        if scope["path"].startswith(PAGES):
            from marsad.web.backoffice_pages_layout import error_page

            response = error_page(Request(scope), status, message)
            await response(scope, _no_body, send)
            return
        code = "too_large" if status == 413 else "invalid_input"
        await send_error(send, status, code, message)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = unquote_plus(scope.get("query_string", b"").decode("latin-1"))
        if UNSTORABLE.search(scope["path"]) or "\x00" in query:
            message = "L'adresse de la requête contient un caractère nul ou un texte illisible."
            await self.refuse(scope, send, 422, message)
            return
        if scope["path"].startswith(UPLOADS):  # their own limit, streamed to a file
            await self.app(scope, receive, send)
            return
        too_large = (
            f"Corps de requête trop volumineux : la limite est de {self.max_body} octets "
            "(réglage max_body_bytes)."
        )
        headers = dict(scope.get("headers", []))
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_body:
            await self.refuse(scope, send, 413, too_large)
            return
        try:
            body, more = await self._read(receive)
        except TooLargeBody:
            await self.refuse(scope, send, 413, too_large)
            return
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        if body and body_unstorable(content_type, body):
            message = "Le corps de la requête contient un caractère nul ou un texte illisible."
            await self.refuse(scope, send, 422, message)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive() if more else {"type": "http.disconnect"}

        await self.app(scope, replay, send)

    async def _read(self, receive: Receive) -> tuple[bytes, bool]:
        """The whole body, or TooLargeBody as soon as it passes the limit; whether the
        client may still send messages (a disconnect) after it."""
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"".join(chunks), False
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.max_body:
                raise TooLargeBody
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), True


async def _no_body() -> Message:
    return {"type": "http.disconnect"}
