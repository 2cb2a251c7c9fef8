"""A signed-in browser of the back office for the page tests: sign-in, the session's
CSRF token, form posts, and the status region every page has."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

PASSWORD = "un mot de passe long"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
Value = str | list[str]


def sign_in(client: TestClient, username: str) -> str:
    """Sign ``username`` in on ``client``; the session's CSRF token."""
    signed = client.post(
        "/backoffice/login",
        data={"username": username, "password": PASSWORD},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text
    found = CSRF.search(client.get("/backoffice").text)
    assert found
    return found.group(1)


class User:
    """A browser of one user: signed in, with the session's CSRF token."""

    def __init__(self, app: FastAPI, username: str) -> None:
        self.client = TestClient(app)
        self.csrf = sign_in(self.client, username)

    def get(self, url: str, expect: int = 200) -> str:
        response = self.client.get(url)
        assert response.status_code == expect, response.text
        return response.text

    def post(self, url: str, expect: int = 303, **data: Value) -> str:
        response = self.client.post(url, data={"csrf": self.csrf, **data}, follow_redirects=False)
        assert response.status_code == expect, response.text
        return response.headers.get("location", "") if expect == 303 else response.text


def status_region(html: str) -> str:
    found = re.search(r'<div id="status"[^>]*role="status"[^>]*>(.*?)</div>', html, re.S)
    assert found, "every page has a status region"
    return found.group(1)


@contextmanager
def served(home: Path, database_url: str) -> Iterator[str]:
    """``marsad serve`` on ``home`` and its database, as a user starts it; its address."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {**os.environ, "MARSAD_HOME": str(home), "MARSAD_DATABASE_URL": database_url}
    process = subprocess.Popen(
        [sys.executable, "-m", "marsad.cli.app", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(base + "/api/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("marsad serve did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
