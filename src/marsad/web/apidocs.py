"""``/api/docs``: a readable reference of the API, rendered from its OpenAPI description.

The page is built on the server from ``app.openapi()`` so that it needs no script or
stylesheet from elsewhere; the machine-readable description stays at ``/api/openapi.json``.
"""

from __future__ import annotations

import html
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from marsad.web.pages import language, page


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _schema_text(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_schema_text(s) for s in schema["anyOf"])
    kind = str(schema.get("type", "object"))
    if kind == "array":
        return f"array of {_schema_text(schema.get('items', {}))}"
    limits = [
        f"{key} {schema[key]}"
        for key in ("pattern", "minimum", "maximum", "default")
        if key in schema
    ]
    return kind + (f" ({', '.join(limits)})" if limits else "")


def _operation(path: str, method: str, op: dict[str, Any]) -> str:
    params = op.get("parameters", [])
    rows = "".join(
        f"<tr><td><code>{_e(p['name'])}</code></td><td>{_e(p['in'])}</td>"
        f"<td>{'oui' if p.get('required') else 'non'}</td>"
        f"<td>{_e(_schema_text(p.get('schema', {})))}</td>"
        f"<td>{_e(p.get('description', ''))}</td></tr>"
        for p in params
    )
    table = (
        "<table class=cells><thead><tr><th scope=col>paramètre</th><th scope=col>où</th>"
        "<th scope=col>requis</th><th scope=col>type</th><th scope=col>description</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
        if rows
        else ""
    )
    responses = ", ".join(
        f"{_e(code)} {_e(r.get('description', ''))}" for code, r in op.get("responses", {}).items()
    )
    return (
        f'<section class="operation"><h3><code>{method.upper()} {_e(path)}</code></h3>'
        f"<p>{_e(op.get('summary', ''))}</p><p class=help>{_e(op.get('description', ''))}</p>"
        f"{table}<p class=help>Réponses : {responses}</p></section>"
    )


def include(app: FastAPI) -> None:
    @app.get("/api/docs", include_in_schema=False, response_class=HTMLResponse)
    def api_docs(request: Request) -> HTMLResponse:
        spec = app.openapi()
        parts = [
            f"<h1>{_e(spec['info']['title'])} {_e(spec['info']['version'])}</h1>",
            f"<p>{_e(spec['info'].get('description', ''))}</p>",
            '<p>Description OpenAPI : <a href="/api/openapi.json">/api/openapi.json</a>. '
            "Toute erreur a la forme "
            '<code>{"error": {"status", "code", "message", "details": []}}</code>.</p>',
        ]
        for path, methods in spec["paths"].items():
            for method, op in methods.items():
                parts.append(_operation(path, method, op))
        return page(request, language(request), "API", "\n".join(parts))
