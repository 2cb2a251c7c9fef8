"""The client's address and scheme, believed from a proxy only when it is configured.

By default marsad believes no ``X-Forwarded-For``: the client is the peer of the
connection (``marsad serve`` runs uvicorn without its own proxy headers). When the
addresses of the reverse proxies are set (``trusted_proxies``), a request that comes from
one of them is attributed to the right-most address of ``X-Forwarded-For`` that is not a
trusted proxy, and its scheme to ``X-Forwarded-Proto``; a client cannot choose its address
by sending the header itself, since its own hop is appended by the proxy.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(entries: Iterable[str]) -> list[Network]:
    """Addresses or networks, as written in the settings (``10.0.0.5``, ``10.0.0.0/24``)."""
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries]


def _trusted(address: str, trusted: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_of(peer: str, forwarded_for: str | None, trusted: list[Network]) -> str:
    """The address a request is attributed to."""
    if not forwarded_for or not _trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            return hop[:64]
    return peer


class ClientAddress:
    """ASGI middleware: sets ``client`` and ``scheme`` of the scope from trusted proxies."""

    def __init__(self, app: ASGIApp, trusted: list[str]) -> None:
        self.app = app
        self.trusted = networks(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.trusted:
            peer = (scope.get("client") or ("", 0))[0]
            if _trusted(peer, self.trusted):
                headers = dict(scope.get("headers", []))
                forwarded = headers.get(b"x-forwarded-for", b"").decode("latin-1")
                scope = dict(scope)
                scope["client"] = (client_of(peer, forwarded, self.trusted), 0)
                proto = headers.get(b"x-forwarded-proto", b"").decode("latin-1").strip().lower()
                if proto in ("http", "https"):
                    scope["scheme"] = proto
        await self.app(scope, receive, send)
