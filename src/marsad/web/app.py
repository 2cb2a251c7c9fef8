"""The application factory: one FastAPI app for the API, the explorer and the back office.

Each face adds its routes in its own module (``marsad.web.<face>``) through a function
``include(app, settings)``; the factory calls them, so that tests build the same app as
``marsad serve``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

import marsad
from marsad.settings import Settings, get_settings
from marsad.web import (
    access_log_api,
    api,
    apidocs,
    backoffice_applications,
    backoffice_desk,
    backoffice_pages,
    backoffice_pages_outreach,
    backoffice_services,
    events_api,
    impact_pages,
    matchmaking_api,
    outreach_api,
    pages,
    training_api,
    uploads,
)
from marsad.web.errors import install_error_handlers
from marsad.web.guard import RequestGuard
from marsad.web.headers import SecurityHeaders
from marsad.web.proxies import ClientAddress
from marsad.web.ratelimit import RateLimit

REFUSALS: dict[int, str] = {
    413: "Request body larger than max_body_bytes",
    429: "Too many requests, or too many failed sign-ins from this address (Retry-After)",
}


def document_refusals(app: FastAPI) -> None:
    """Every API operation may be refused before it runs (``marsad.web.guard``, the rate
    limit, the sign-in throttling): its description says so."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        spec = generate()
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
        for path, operations in spec["paths"].items():
            if not path.startswith("/api/"):
                continue
            for method, operation in operations.items():
                for status, text in REFUSALS.items():
                    if status == 413 and method not in ("post", "put", "patch"):
                        continue
                    answers = operation.setdefault("responses", {})
                    answers.setdefault(str(status), {"description": text, "content": error})
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the web application for one data directory."""
    settings = settings or get_settings()
    app = FastAPI(
        title="marsad",
        version=marsad.__version__,
        description="API de l'observatoire des TPME : publications, nomenclatures, cellules.",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    api.include(app)
    access_log_api.include(app)
    uploads.include(app)
    backoffice_applications.include(app)
    backoffice_desk.include(app)
    backoffice_services.include(app)
    backoffice_pages.include(app)
    backoffice_pages_outreach.include(app)
    matchmaking_api.include(app)
    impact_pages.include(app)
    outreach_api.include(app)
    events_api.include(app)
    training_api.include(app)
    pages.include(app)
    apidocs.include(app)

    @app.get("/api/health", tags=["service"], summary="Service status")
    def health() -> dict[str, Any]:
        return {"status": "ok", "version": marsad.__version__}

    document_refusals(app)
    # the last added runs first: the client's address, then the headers of every answer,
    # the rate limit, and the body's size and text before any route or authentication
    app.add_middleware(RequestGuard, max_body=settings.max_body_bytes)
    app.add_middleware(RateLimit, per_minute=settings.api_rate_per_minute)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(ClientAddress, trusted=settings.trusted_proxies)

    return app
