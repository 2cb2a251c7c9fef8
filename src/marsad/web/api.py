"""The public HTTP API of the releases: metadata, codelists, cells and downloads.

Everything here is read from release folders, which never change: a response for a
named release carries a strong ETag and ``Cache-Control: immutable``; a response for
``latest`` may change when a new release is made, so it is cached for a minute only.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response

from marsad.errors import InvalidInput
from marsad.publish.formats.selection import selection_bytes
from marsad.web.cells import etag_of, parse_filters
from marsad.web.models import (
    CellPage,
    CodelistDocument,
    ErrorBody,
    ReleaseEntry,
    TableEntry,
)
from marsad.web.published import MEDIA_TYPES, TABLE_FORMATS, PublishedReleases

ReleaseId = Annotated[
    str,
    Path(
        pattern=r"^(latest|\d{4}-\d{2}-\d{2}\.\d{1,4})$",
        description="Release id (`2026-11-24.1`) or `latest`.",
        examples=["latest"],
    ),
]
TableId = Annotated[str, Path(pattern=r"^[a-z0-9_]{1,80}$", description="Table id.")]
CodelistId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_]{1,80}$", description="Codelist id.")]

PAGE_PARAMS = {"limit", "offset", "format"}
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in {
        404: "Unknown release, table, codelist or file",
        422: "Invalid parameter or filter",
        429: "Too many requests",
    }.items()
}

router = APIRouter(prefix="/api", tags=["releases"], responses=ERRORS)


def published(request: Request) -> PublishedReleases:
    return request.app.state.published


def _cache_headers(release_id: str, etag: str) -> dict[str, str]:
    if release_id == "latest":
        return {"ETag": etag, "Cache-Control": "public, max-age=60"}
    return {"ETag": etag, "Cache-Control": "public, max-age=31536000, immutable"}


def _json(request: Request, release_id: str, payload: Any, *parts: str) -> Response:
    """A JSON response with validators; 304 when the client already holds it."""
    etag = etag_of(*parts)
    headers = _cache_headers(release_id, etag)
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    body = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return Response(body, media_type="application/json", headers=headers)


@router.get("/releases", summary="List the releases", response_model=list[ReleaseEntry])
async def list_releases(request: Request) -> Response:
    pub = published(request)
    entries = []
    for rid in reversed(pub.ids()):
        m = pub.manifest(rid)
        entries.append(
            {
                "id": rid,
                "created_at": m.get("created_at"),
                "title": m.get("title"),
                "data_years": m.get("data_years", []),
                "previous": m.get("previous"),
                "tables": len(m.get("tables", [])),
            }
        )
    # the list changes with each new release: cached like ``latest``
    return _json(request, "latest", entries, "releases", *[e["id"] for e in entries])


@router.get("/releases/{release_id}", summary="The manifest of a release")
async def release_manifest(request: Request, release_id: ReleaseId) -> Response:
    pub = published(request)
    rid = pub.resolve(release_id)
    return _json(request, release_id, pub.manifest(rid), "manifest", rid)


@router.get("/releases/{release_id}/notes", summary="Release notes (Markdown, French)")
async def release_notes(request: Request, release_id: ReleaseId) -> Response:
    pub = published(request)
    rid = pub.resolve(release_id)
    path, digest = pub.file(rid, "notes.md")
    payload = {"release": rid, "markdown": path.read_text("utf-8")}
    return _json(request, release_id, payload, "notes", digest)


@router.get("/releases/{release_id}/revisions", summary="Cells revised since the last release")
async def release_revisions(request: Request, release_id: ReleaseId) -> Response:
    pub = published(request)
    rid = pub.resolve(release_id)
    path, digest = pub.file(rid, "revisions.json")
    return _json(request, release_id, path.read_text("utf-8"), "revisions", digest)


@router.get(
    "/releases/{release_id}/tables",
    summary="The tables of a release",
    response_model=list[TableEntry],
)
async def release_tables(request: Request, release_id: ReleaseId) -> Response:
    pub = published(request)
    rid = pub.resolve(release_id)
    counts = {t["id"]: t for t in pub.manifest(rid)["tables"]}
    entries = []
    for table_id in pub.table_ids(rid):
        meta = pub.table_meta(rid, table_id)
        entries.append(
            {
                "id": table_id,
                "indicator": meta["indicator"],
                "title": meta["title"],
                "unit": meta["unit"],
                "measure_kind": meta["measure_kind"],
                "dimensions": [d["id"] for d in meta["dimensions"]],
                "cells": counts[table_id].get("cells"),
            }
        )
    return _json(request, release_id, entries, "tables", rid)


@router.get("/releases/{release_id}/tables/{table_id}", summary="Metadata of a table")
async def table_metadata(request: Request, release_id: ReleaseId, table_id: TableId) -> Response:
    pub = published(request)
    rid = pub.resolve(release_id)
    meta = pub.table_meta(rid, table_id)
    loaded = pub.loaded(rid, table_id)
    payload = {
        **meta,
        "release": rid,
        "codes": {dim: sorted(loaded.vocab[dim]) for dim in loaded.dimensions},
        "downloads": {
            fmt: f"/api/releases/{rid}/files/{pattern.format(id=table_id)}"
            for fmt, pattern in TABLE_FORMATS.items()
            if pattern.format(id=table_id) in pub.manifest(rid)["files"]
        },
    }
    return _json(request, release_id, payload, "table", rid, loaded.digest)


@router.get(
    "/releases/{release_id}/tables/{table_id}/cells",
    summary="Cells of a table, filtered by dimension codes",
    description=(
        "Filter with one query parameter per dimension id, codes separated by commas, "
        "e.g. `?REGION=01,02&TIME_PERIOD=2024`. Suppressed cells have a null `OBS_VALUE` "
        "and their `CONF_STATUS` (`C` primary, `N` secondary). `format=csv`, `sdmx-csv`, "
        "`jsonstat` or `xlsx` returns the whole selection (no paging) as a file."
    ),
    response_model=CellPage,
)
async def table_cells(
    request: Request,
    release_id: ReleaseId,
    table_id: TableId,
    limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    format: Annotated[str, Query(pattern="^(json|csv|sdmx-csv|jsonstat|xlsx)$")] = "json",
) -> Response:
    pub = published(request)
    rid = pub.resolve(release_id)
    loaded = pub.loaded(rid, table_id)
    params = dict(request.query_params)
    if len(params) != len(request.query_params.multi_items()):
        raise InvalidInput("Un paramètre est répété : séparez les codes par des virgules.")
    filters = parse_filters(params, PAGE_PARAMS)
    selection = loaded.select(filters)
    canonical = json.dumps(filters, sort_keys=True)
    etag = etag_of("cells", rid, loaded.digest, canonical, str(limit), str(offset), format)
    headers = _cache_headers(release_id, etag)
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if format != "json":
        content, media, suffix = await run_in_threadpool(
            selection_bytes, pub.folder(rid), table_id, filters, format
        )
        name = f"{table_id}-{rid}.{suffix}"
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return Response(content, media_type=media, headers=headers)
    rows = selection.rows[offset : offset + limit]
    following = offset + limit < selection.total
    next_link = None
    if following:
        query = {**params, "offset": str(offset + limit), "limit": str(limit)}
        next_link = str(request.url.replace_query_params(**query))
    head = json.dumps(
        {
            "release": rid,
            "table": table_id,
            "dimensions": loaded.dimensions,
            "filters": filters,
            "total": selection.total,
            "offset": offset,
            "limit": limit,
            "next": next_link,
        },
        ensure_ascii=False,
    )
    body = head[:-1] + ',"cells":' + loaded.page_json(rows) + "}"
    return Response(body, media_type="application/json", headers=headers)


@router.get("/releases/{release_id}/codelists", summary="The codelists of a release")
async def release_codelists(request: Request, release_id: ReleaseId) -> Response:
    pub = published(request)
    rid = pub.resolve(release_id)
    entries = [
        {"id": cid, "names": pub.codelist(rid, cid)["names"]} for cid in pub.codelist_ids(rid)
    ]
    return _json(request, release_id, entries, "codelists", rid)


@router.get(
    "/releases/{release_id}/codelists/{codelist_id}",
    summary="A codelist with French, Arabic and English labels",
    response_model=CodelistDocument,
)
async def release_codelist(
    request: Request, release_id: ReleaseId, codelist_id: CodelistId
) -> Response:
    pub = published(request)
    rid = pub.resolve(release_id)
    return _json(request, release_id, pub.codelist(rid, codelist_id), "codelist", rid, codelist_id)


@router.get(
    "/releases/{release_id}/files/{file_path:path}",
    summary="Download a file of a release (any file listed in its manifest)",
    response_class=FileResponse,
)
async def release_file(request: Request, release_id: ReleaseId, file_path: str) -> Response:
    pub = published(request)
    rid = pub.resolve(release_id)
    path, digest = pub.file(rid, file_path)
    etag = etag_of("file", rid, file_path, digest)
    headers = _cache_headers(release_id, etag)
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    media = MEDIA_TYPES.get(path.suffix, "application/octet-stream")
    return FileResponse(path, media_type=media, headers=headers, filename=path.name)


def include(app: FastAPI) -> None:
    app.state.published = PublishedReleases(app.state.settings.home)
    app.include_router(router)
