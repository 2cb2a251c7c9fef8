"""The public API of the releases, in process, on a real release."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from marsad.release import ReleaseStore
from marsad.settings import Settings, get_settings
from marsad.web import create_app


@pytest.fixture(scope="module")
def client(published: Settings) -> TestClient:
    return TestClient(create_app(published))


@pytest.fixture(scope="module")
def release_id(published: Settings) -> str:
    rid = ReleaseStore(published.home).latest()
    assert rid is not None
    return rid


def _is_error(response: object, status: int) -> dict:
    body = response.json()  # type: ignore[attr-defined]
    assert response.status_code == status  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "code", "message", "details"}
    assert body["error"]["status"] == status and isinstance(body["error"]["details"], list)
    return dict(body["error"])


def test_releases_tables_and_codelists(client: TestClient, release_id: str) -> None:
    listing = client.get("/api/releases").json()
    assert [r["id"] for r in listing] == [release_id]
    assert set(listing[0]["title"]) == {"fr", "ar", "en"}
    manifest = client.get(f"/api/releases/{release_id}").json()
    assert manifest["id"] == release_id and manifest["audit"]["exposed_cells"] == 0
    tables = client.get(f"/api/releases/{release_id}/tables").json()
    assert "active_region_section" in {t["id"] for t in tables}
    meta = client.get(f"/api/releases/{release_id}/tables/active_region_section").json()
    assert [d["id"] for d in meta["dimensions"]] == ["REGION", "ACTIVITY", "TIME_PERIOD"]
    assert "_T" in meta["codes"]["REGION"] and "01" in meta["codes"]["REGION"]
    codelist = client.get(f"/api/releases/{release_id}/codelists/CL_REGION").json()
    assert codelist["codes"][0]["id"] == "_T"
    by_code = {c["id"]: c["names"] for c in codelist["codes"]}
    assert by_code["06"]["fr"] == "Casablanca-Settat" and by_code["06"]["ar"]
    notes = client.get(f"/api/releases/{release_id}/notes").json()
    assert notes["markdown"].startswith("# Publication")


def test_cells_are_the_release_cells_filtered(
    client: TestClient, published: Settings, release_id: str
) -> None:
    frame = ReleaseStore(published.home).table(release_id, "active_region_section")
    year = str(frame["TIME_PERIOD"].max())
    url = f"/api/releases/{release_id}/tables/active_region_section/cells"
    body = client.get(url, params={"REGION": "01,06", "TIME_PERIOD": year}).json()
    expected = frame[frame["REGION"].isin(["01", "06"]) & (frame["TIME_PERIOD"] == year)]
    assert body["total"] == len(expected) > 0
    got = pd.DataFrame(body["cells"])
    merged = got.merge(expected, on=["REGION", "ACTIVITY", "TIME_PERIOD"], suffixes=("", "_r"))
    assert len(merged) == len(expected)
    assert (merged["CONF_STATUS"] == merged["CONF_STATUS_r"]).all()
    free = merged[merged["CONF_STATUS"] == "F"]
    assert (free["OBS_VALUE"] == free["OBS_VALUE_r"]).all()
    hidden = merged[merged["CONF_STATUS"] != "F"]
    assert len(hidden) > 0 and hidden["OBS_VALUE"].isna().all()
    sdmx_style = client.get(f"{url}?REGION=01+06&TIME_PERIOD={year}").json()
    assert sdmx_style["total"] == body["total"]
    csv_text = client.get(url, params={"REGION": "01,06", "TIME_PERIOD": year, "format": "csv"})
    assert csv_text.headers["content-type"].startswith("text/csv")
    as_csv = pd.read_csv(io.StringIO(csv_text.text), dtype={"REGION": str, "TIME_PERIOD": str})
    assert len(as_csv) == len(expected)


def test_pages_cover_the_selection_once(client: TestClient, release_id: str) -> None:
    url = f"/api/releases/{release_id}/tables/active_region_section/cells"
    first = client.get(url, params={"limit": 50}).json()
    seen = [json.dumps(c, sort_keys=True) for c in first["cells"]]
    next_url = first["next"]
    while next_url:
        page = client.get(next_url).json()
        seen += [json.dumps(c, sort_keys=True) for c in page["cells"]]
        next_url = page["next"]
    assert len(seen) == len(set(seen)) == first["total"]


def test_responses_carry_validators_and_cache_headers(client: TestClient, release_id: str) -> None:
    url = f"/api/releases/{release_id}/tables/active_legal_form/cells"
    named = client.get(url)
    assert "immutable" in named.headers["cache-control"]
    etag = named.headers["etag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    latest = client.get("/api/releases/latest/tables/active_legal_form/cells")
    assert latest.headers["cache-control"] == "public, max-age=60"
    assert latest.json()["release"] == release_id


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/releases/2020-01-01.1", 404),
        ("/api/releases/not-an-id", 422),
        ("/api/releases/latest/tables/no_such_table", 404),
        ("/api/releases/latest/tables/Bad-Id", 422),
        ("/api/releases/latest/tables/active_legal_form/cells?NOPE=1", 422),
        ("/api/releases/latest/tables/active_legal_form/cells?LEGAL_FORM=XYZ", 422),
        ("/api/releases/latest/tables/active_legal_form/cells?LEGAL_FORM=SA&LEGAL_FORM=PP", 422),
        ("/api/releases/latest/tables/active_legal_form/cells?limit=0", 422),
        ("/api/releases/latest/tables/active_legal_form/cells?format=exe", 422),
        ("/api/releases/latest/codelists/CL_NOPE", 404),
        ("/api/releases/latest/files/../../register/current.json", 404),
        ("/api/releases/latest/files/staging/ledger.json", 404),
        ("/api/nothing-here", 404),
    ],
)
def test_bad_requests_get_the_one_error_shape(client: TestClient, path: str, status: int) -> None:
    _is_error(client.get(path), status)


def test_files_of_the_release_are_downloadable(
    client: TestClient, published: Settings, release_id: str
) -> None:
    manifest = client.get(f"/api/releases/{release_id}").json()
    folder = published.home / "releases" / release_id
    for name in manifest["files"]:
        response = client.get(f"/api/releases/{release_id}/files/{name}")
        assert response.status_code == 200, name
        assert response.content == (folder / name).read_bytes()


def test_the_rate_limit_answers_429_in_the_error_shape(published: Settings) -> None:
    limited = get_settings(published.home, api_rate_per_minute=60)
    client = TestClient(create_app(limited))
    statuses = [client.get("/api/health").status_code for _ in range(30)]
    assert statuses[0] == 200 and statuses[-1] == 429
    response = client.get("/api/health")
    _is_error(response, 429)
    assert int(response.headers["retry-after"]) >= 1


def _enterprise_identifiers(published: Settings) -> tuple[set[str], set[str]]:
    truth = pd.read_parquet(published.home / "synth" / "truth" / "enterprises.parquet")
    ices = {str(v) for v in truth["ice"].dropna()}
    names = {str(v) for v in truth["name"].dropna() if len(str(v)) >= 12}
    return ices, names


def test_public_surfaces_never_show_enterprise_data(
    client: TestClient, published: Settings, release_id: str
) -> None:
    texts: list[str] = []
    folder: Path = published.home / "releases" / release_id
    texts += [p.read_bytes().decode("utf-8", "ignore") for p in folder.rglob("*") if p.is_file()]
    for path in [
        "/api/releases",
        f"/api/releases/{release_id}",
        f"/api/releases/{release_id}/tables",
        "/explorer",
        f"/releases/{release_id}",
    ]:
        texts.append(client.get(path).text)
    for table in client.get(f"/api/releases/{release_id}/tables").json():
        url = f"/api/releases/{release_id}/tables/{table['id']}/cells?format=csv"
        texts.append(client.get(url).text)
    blob = "\n".join(texts)
    ices, names = _enterprise_identifiers(published)
    assert ices and names
    assert not [i for i in ices if i in blob]
    assert not [n for n in names if n in blob]
    for private in ("/api/register", "/api/units", "/api/enterprises"):
        assert client.get(private).status_code == 404
    # partner deliveries exist only behind a partner's token
    assert client.get("/api/deliveries").status_code == 401


def test_selections_download_in_every_format(client: TestClient, release_id: str) -> None:
    from jsonstat_validator import validate_jsonstat
    from openpyxl import load_workbook

    url = f"/api/releases/{release_id}/tables/active_region_section/cells"
    query = {"REGION": "06,07", "ACTIVITY": "_T,C,G"}
    cells = pd.DataFrame(client.get(url, params=query).json()["cells"])
    assert len(cells) > 0
    csv_body = client.get(url, params={**query, "format": "csv"})
    as_csv = pd.read_csv(io.StringIO(csv_body.text), dtype=str, keep_default_na=False)
    assert len(as_csv) == len(cells) and set(as_csv["REGION"]) == {"06", "07"}
    sdmx_csv = client.get(url, params={**query, "format": "sdmx-csv"})
    assert sdmx_csv.headers["content-type"].startswith("application/vnd.sdmx.data+csv")
    as_sdmx = pd.read_csv(io.StringIO(sdmx_csv.text), dtype=str, keep_default_na=False)
    assert len(as_sdmx) == len(cells)
    assert set(as_sdmx["STRUCTURE_ID"]) == {"MARSAD:DF_ACTIVE_REGION_SECTION(1.0)"}
    hidden = as_sdmx[as_sdmx["CONF_STATUS"] != "F"]
    assert (hidden["OBS_VALUE"] == "").all()
    stat = client.get(url, params={**query, "format": "jsonstat"}).json()
    assert validate_jsonstat(stat)
    assert stat["id"] == ["REGION", "ACTIVITY", "TIME_PERIOD"] and stat["size"][0] == 2
    book = client.get(url, params={**query, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(book.content)).worksheets[0]
    texts = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert {"06", "07"} <= texts
    free = cells[cells["CONF_STATUS"] == "F"]["OBS_VALUE"]
    numbers = {
        c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, float | int)
    }
    assert set(free) <= numbers
