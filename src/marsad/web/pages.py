"""The public web pages: the data explorer and a page per release.

Pages are rendered here in the user's language (``?lang=fr|ar|en``, French by default,
Arabic right to left); the explorer's interactivity is ``static/explorer.js``, which
reads the same public API as everyone else. Every asset is shipped with the package.
"""

from __future__ import annotations

import html
import json
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlencode

import yaml
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from markdown_it import MarkdownIt

from marsad.errors import MarsadError, NotFound
from marsad.web.published import PublishedReleases

LANGS = ("fr", "ar", "en")
router = APIRouter(include_in_schema=False)


@cache
def ui_strings() -> dict[str, dict[str, Any]]:
    text = (resources.files("marsad.web") / "data" / "ui.yaml").read_text("utf-8")
    return dict(yaml.safe_load(text))


def language(request: Request) -> str:
    lang = request.query_params.get("lang", "fr")
    return lang if lang in LANGS else "fr"


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _lang_links(request: Request, lang: str) -> str:
    names = {"fr": "Français", "ar": "العربية", "en": "English"}
    links = []
    for code in LANGS:
        query = urlencode({**dict(request.query_params), "lang": code})
        current = ' aria-current="true"' if code == lang else ""
        links.append(
            f'<a href="?{_e(query)}" lang="{code}" hreflang="{code}" '
            f'data-lang="{code}"{current}>{names[code]}</a>'
        )
    return " ".join(links)


def page(request: Request, lang: str, title: str, body: str, *, script: str = "") -> HTMLResponse:
    t = ui_strings()[lang]
    direction = "rtl" if lang == "ar" else "ltr"
    nav_query = f"?lang={lang}"
    document = f"""<!doctype html>
<html lang="{lang}" dir="{direction}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)} · {_e(t["site"])}</title>
<link rel="stylesheet" href="/static/explorer.css">
<link rel="icon" href="data:,">
</head>
<body>
<a class="skip" href="#main">{_e(t["skip"])}</a>
<header class="site">
  <p class="brand"><a href="/explorer{nav_query}">marsad</a> · {_e(t["site"])}</p>
  <nav aria-label="{_e(t["site"])}">
    <a href="/explorer{nav_query}">{_e(t["explorer"])}</a>
    <a href="/releases{nav_query}">{_e(t["releases"])}</a>
    <a href="/impact{nav_query}">{_e(t.get("impact", "Impact des programmes"))}</a>
    <a href="/api/docs">{_e(t["api_docs"])}</a>
  </nav>
  <nav class="langs" aria-label="{_e(t["language"])}">{_lang_links(request, lang)}</nav>
</header>
<main id="main" tabindex="-1">
{body}
</main>
{script}
</body>
</html>"""
    return HTMLResponse(document, headers={"Content-Language": lang})


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/explorer", status_code=307)


@router.get("/explorer", response_class=HTMLResponse)
def explorer(request: Request) -> HTMLResponse:
    lang = language(request)
    t = ui_strings()[lang]
    body = f"""
<h1>{_e(t["explorer"])}</h1>
<div class="pickers">
  <label for="release">{_e(t["release"])}</label>
  <select id="release"></select>
  <label for="table">{_e(t["table"])}</label>
  <select id="table"></select>
</div>
<p id="status" role="status" aria-live="polite"></p>
<div class="layout">
  <section class="filters" aria-labelledby="filters-title">
    <h2 id="filters-title">{_e(t["filters"])}</h2>
    <p class="help">{_e(t["filter_help"])}</p>
    <form id="filters"></form>
  </section>
  <section class="results" aria-labelledby="table-title">
    <h2 id="table-title"></h2>
    <p id="table-unit" class="unit"></p>
    <div id="views">
      <section aria-labelledby="h-table"><h3 id="h-table">{_e(t["view_table"])}</h3>
        <div id="grid" class="grid" tabindex="0"></div></section>
      <section aria-labelledby="h-chart"><h3 id="h-chart">{_e(t["view_chart"])}</h3>
        <fieldset class="chart-type"><legend>{_e(t["chart_type"])}</legend>
          <label><input type="radio" name="chart" value="bars" checked>
            {_e(t["chart_bars"])}</label>
          <label><input type="radio" name="chart" value="lines"> {_e(t["chart_lines"])}</label>
        </fieldset>
        <div id="chart"></div></section>
      <section id="map-section" aria-labelledby="h-map" hidden>
        <h3 id="h-map">{_e(t["view_map"])}</h3>
        <p class="help">{_e(t["map_note"])}</p><p id="map-for" class="help"></p>
        <div id="map"></div></section>
    </div>
    <section aria-labelledby="h-flags"><h3 id="h-flags">{_e(t["flags"])}</h3>
      <ul class="flags"><li>{_e(t["flag_C"])}</li><li>{_e(t["flag_N"])}</li>
      <li>{_e(t["flag_P"])}</li></ul>
      <div id="table-notes"></div></section>
    <section aria-labelledby="h-dl"><h3 id="h-dl">{_e(t["downloads"])}</h3>
      <ul id="downloads" class="downloads"></ul>
      <h4>{_e(t["downloads_full"])}</h4><ul id="downloads-full" class="downloads"></ul></section>
    <section aria-labelledby="h-api"><h3 id="h-api">{_e(t["api_panel"])}</h3>
      <p>{_e(t["api_help"])}</p>
      <p><code id="api-url"></code>
      <button type="button" id="copy-api">{_e(t["copy"])}</button></p></section>
  </section>
</div>"""
    config = json.dumps({"lang": lang, "ui": ui_strings()[lang]}, ensure_ascii=False)
    config = config.replace("</", "<\\/")
    script = (
        f'<script id="marsad-config" type="application/json">{config}'
        '</script>\n<script src="/static/charts.js"></script>\n'
        '<script src="/static/explorer.js"></script>'
    )
    return page(request, lang, t["explorer"], body, script=script)


def _published(request: Request) -> PublishedReleases:
    return request.app.state.published


@router.get("/releases", response_class=HTMLResponse)
def releases_page(request: Request) -> HTMLResponse:
    lang = language(request)
    t = ui_strings()[lang]
    pub = _published(request)
    items = []
    for rid in reversed(pub.ids()):
        m = pub.manifest(rid)
        title = (m.get("title") or {}).get(lang, rid)
        years = m.get("data_years") or []
        span = f"{years[0]}–{years[-1]}" if years else ""
        items.append(
            f'<li><a href="/releases/{_e(rid)}?lang={lang}">{_e(title)}</a> '
            f"<span class=help>{_e(t['years'])} : {_e(span)}</span></li>"
        )
    body = f"<h1>{_e(t['releases'])}</h1>" + (
        f"<ul>{''.join(items)}</ul>" if items else f"<p>{_e(t['no_release'])}</p>"
    )
    return page(request, lang, t["releases"], body)


@router.get("/releases/{release_id}", response_class=HTMLResponse)
def release_page(request: Request, release_id: str) -> HTMLResponse:
    lang = language(request)
    t = ui_strings()[lang]
    pub = _published(request)
    try:
        rid = pub.resolve(release_id)
    except MarsadError as exc:  # a malformed id is a missing page too
        raise NotFound(f"La publication {release_id} n'existe pas.") from exc
    m = pub.manifest(rid)
    folder = pub.folder(rid)
    notes = MarkdownIt("js-default").render((folder / "notes.md").read_text("utf-8"))
    revisions = json.loads((folder / "revisions.json").read_text("utf-8"))
    revised = [
        f"<li>{_e(r['table'])} : {r.get('changed', 0)} {_e(t['revised_cells'])}"
        f" (+{r.get('added', 0)} / −{r.get('removed', 0)})</li>"
        for r in revisions.get("tables", [])
        if r.get("changed") or r.get("added") or r.get("removed")
    ]
    tables = []
    for entry in m["tables"]:
        meta = pub.table_meta(rid, entry["id"])
        link = f"/explorer?{urlencode({'lang': lang, 'release': rid, 'table': entry['id']})}"
        tables.append(
            f'<li><a href="{_e(link)}">{_e(meta["title"][lang])}</a> '
            f"<span class=help>({_e(entry['id'])}, {entry['cells']} {_e(t['cells'])})</span></li>"
        )
    audit = m.get("audit", {})
    files = [
        name
        for name in ("sdmx/structure.xml", "datapackage/datapackage.json", "notes.md")
        if name in m["files"]
    ]
    file_links = "".join(
        f'<li><a href="/api/releases/{_e(rid)}/files/{_e(n)}">{_e(n)}</a></li>'
        for n in ["manifest.json", *files]
    )
    previous = m.get("previous")
    previous_html = (
        f'<p>{_e(t["previous"])} : <a href="/releases/{_e(previous)}?lang={lang}">'
        f"{_e(previous)}</a></p>"
        if previous
        else ""
    )
    audit_text = t["audit"].format(
        exposed=audit.get("exposed_cells", "?"), checked=audit.get("primary_cells_checked", "?")
    )
    body = f"""
<h1>{_e(m["title"][lang])}</h1>
<p>{_e(t["created"])} : <time datetime="{_e(m["created_at"])}">{_e(m["created_at"][:10])}</time>
 · {_e(t["years"])} : {_e(", ".join(str(y) for y in m.get("data_years", [])))}</p>
{previous_html}
<p class="audit">{_e(audit_text)}</p>
<h2>{_e(t["table"])}</h2><ul>{"".join(tables)}</ul>
<h2>{_e(t["revisions"])}</h2>
{f"<ul>{''.join(revised)}</ul>" if revised else f"<p>{_e(t['no_revisions'])}</p>"}
<h2>{_e(t["files"])}</h2><ul>{file_links}</ul>
<h2>{_e(t["notes"])}</h2>
<div class="notes" lang="fr" dir="ltr">{notes}</div>"""
    return page(request, lang, m["title"][lang], body)


def include(app: FastAPI) -> None:
    static = resources.files("marsad.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.include_router(router)
