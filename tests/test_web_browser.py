"""The explorer in a real browser (Debian's Chromium through Playwright), served by a real
``marsad serve`` process: filtering, the chart and the map, a download, the languages."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from marsad.release import ReleaseStore
from marsad.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(published: Settings) -> Iterator[str]:
    """``marsad serve`` in its own process, as a user starts it."""
    port = _free_port()
    env = {**os.environ, "MARSAD_HOME": str(published.home)}
    process = subprocess.Popen(
        [sys.executable, "-m", "marsad.cli.app", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(base + "/api/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("marsad serve did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_real_server_answers(server: str) -> None:
    with urllib.request.urlopen(server + "/api/releases", timeout=5) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("application/json")
    try:
        urllib.request.urlopen(server + "/api/releases/nope", timeout=5)
    except urllib.error.HTTPError as error:
        assert error.code == 422
        assert b'"error"' in error.read()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (apt-get install chromium): browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        yield instance
        instance.close()


def test_explore_filter_chart_map_download_and_languages(
    server: str, browser: object, published: Settings
) -> None:
    from playwright.sync_api import expect

    store = ReleaseStore(published.home)
    rid = store.latest()
    assert rid is not None
    frame = store.table(rid, "active_region_section")
    year = str(frame["TIME_PERIOD"].max())
    context = browser.new_context(accept_downloads=True, viewport={"width": 1300, "height": 1600})  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console", lambda m: errors.extend([m.text] if "Content Security Policy" in m.text else [])
    )
    page.goto(f"{server}/explorer?table=active_region_section")
    page.wait_for_selector("table.cells tbody tr")
    assert page.locator("html").get_attribute("lang") == "fr"
    # the default view: every region, all activities together, every year; a map of 12 tiles
    assert page.locator("#map-section").is_visible()
    assert page.locator("#map g.tile").count() == 12
    assert page.locator("#chart svg rect").count() > 5

    # filter: Casablanca-Settat only, then check the row against the release
    page.select_option("#f-REGION", ["06"])
    # a locator, not wait_for_function: the page's policy forbids evaluating strings
    expect(page.locator("table.cells tbody tr")).to_have_count(1)
    row = page.locator("table.cells tbody tr").first
    assert "Casablanca" in row.locator("th").inner_text()
    expected = frame[
        (frame["REGION"] == "06") & (frame["ACTIVITY"] == "_T") & (frame["TIME_PERIOD"] == year)
    ].iloc[0]
    shown = row.locator("td.num").last.inner_text()
    assert int("".join(ch for ch in shown if ch.isdigit())) == int(expected["OBS_VALUE"])
    assert "REGION=06" in page.locator("#api-url").inner_text()
    assert "REGION=06" in page.url

    # lines over the years
    page.check("input[name=chart][value=lines]")
    page.wait_for_selector("#chart svg path")

    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "explorer-fr.png"), full_page=True)

    # the CSV of the selection is the selection
    with page.expect_download() as caught:
        page.locator("#downloads a", has_text="CSV").first.click()
    downloaded = Path(caught.value.path()).read_text("utf-8")
    selection = pd.read_csv(io.StringIO(downloaded), dtype=str)
    assert set(selection["REGION"]) == {"06"} and set(selection["ACTIVITY"]) == {"_T"}
    assert len(selection) == len(frame[(frame["REGION"] == "06") & (frame["ACTIVITY"] == "_T")])

    # Arabic, right to left, keeping the view
    page.click("a[data-lang=ar]")
    page.wait_for_selector("table.cells tbody tr")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert "المقاولات" in page.locator("#table-title").inner_text()
    assert page.locator("table.cells tbody tr").count() == 1
    page.screenshot(path=str(OUTPUT / "explorer-ar.png"), full_page=True)

    page.click("a[data-lang=en]")
    page.wait_for_selector("table.cells tbody tr")
    assert page.locator("h1").inner_text() == "Data explorer"
    assert not errors, errors
    context.close()


def test_keyboard_reaches_the_filters_and_the_release_page_renders(
    server: str, browser: object, published: Settings
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(f"{server}/explorer?table=active_legal_form")
    page.wait_for_selector("table.cells tbody tr")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    for element in page.locator("select").all():
        element_id = element.get_attribute("id")
        assert page.locator(f"label[for='{element_id}']").count() == 1
    rid = ReleaseStore(published.home).latest()
    page.goto(f"{server}/releases/{rid}?lang=en")
    assert "confidential" in page.locator(".audit").inner_text().lower()
    assert page.locator("a[href*='/explorer?']").count() >= 4
    page.close()
