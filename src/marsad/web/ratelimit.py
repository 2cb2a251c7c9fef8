"""A per-client rate limit on the API: a token bucket per address, refused with 429.

The limit protects one server process; behind a proxy, put the real limit at the proxy.
"""

from __future__ import annotations

import math
import threading
import time

from starlette.types import ASGIApp, Receive, Scope, Send

from marsad.web.errors import send_error


class RateLimit:
    """ASGI middleware: ``per_minute`` requests per client, bursts of ``burst``."""

    def __init__(self, app: ASGIApp, per_minute: int, burst: int | None = None) -> None:
        self.app = app
        self.rate = per_minute / 60.0
        self.burst = float(burst or max(per_minute // 6, 10))
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _take(self, client: str) -> float:
        """0 when the request may go on, else the seconds until it may."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                if len(self._buckets) > 100_000:
                    self._buckets.clear()
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1.0 - tokens) / self.rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/") or self.rate <= 0:
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self._take(client)
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        retry = str(max(1, math.ceil(wait))).encode()
        message = "Trop de requêtes : réessayez dans un instant."
        await send_error(send, 429, "rate_limited", message, [(b"retry-after", retry)])
