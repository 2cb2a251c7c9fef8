"""Benchmark: cell queries of the API under concurrent load, with Datasette as the reference.

    python benchmarks/bench_api.py --home DIR [--table ID] [--seconds 20] [--connections 16]

The largest table of the latest release of DIR is served twice on this machine, one
server process each: by ``marsad serve`` (rate limit off) and by Datasette over a SQLite
copy of the same cells with an index on every dimension. ``wrk`` sends the same mix of
filtered queries to both (one region, one year, one NMA section or all, 100 cells a page)
and reports throughput and latency percentiles. Needs ``wrk`` (Debian package).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import pandas as pd

LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str) -> None:
    for _ in range(300):
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def _queries(frame: pd.DataFrame, n: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    regions = sorted(set(frame["REGION"]) - {"_T"})
    years = sorted(set(frame["TIME_PERIOD"]))
    sections = sorted(c for c in set(frame["ACTIVITY"]) if len(c) == 1)
    out = []
    for _ in range(n):
        query = {"REGION": rng.choice(regions), "TIME_PERIOD": rng.choice(years)}
        if rng.random() < 0.5:
            query["ACTIVITY"] = rng.choice(sections)
        out.append(query)
    return out


def _wrk(base: str, paths: list[str], seconds: int, connections: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="marsad-wrk-"))
    (folder / "paths.txt").write_text("\n".join(paths) + "\n")
    (folder / "mix.lua").write_text(LUA % (folder / "paths.txt"))
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["-s", str(folder / "mix.lua"), base]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+\w+)", text, re.M))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {
        "requests_per_second": rps,
        "p50": latency.get("50"),
        "p90": latency.get("90"),
        "p99": latency.get("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def _sqlite(frame: pd.DataFrame, dims: list[str], path: Path) -> None:
    with sqlite3.connect(path) as db:
        frame.to_sql("cells", db, index=False)
        for dim in dims:
            db.execute(f'CREATE INDEX "ix_{dim}" ON cells ("{dim}")')
        db.execute(f"CREATE INDEX ix_all ON cells ({', '.join(dims)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--table", default="active_region_activity_size")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()

    from marsad.release import ReleaseStore

    store = ReleaseStore(args.home)
    rid = store.latest()
    if rid is None:
        sys.exit("no release in this data directory")
    frame = store.table(rid, args.table)
    dims = [d["id"] for d in store.table_meta(rid, args.table)["dimensions"]]
    queries = _queries(frame, 500, seed=1)
    results: dict[str, Any] = {"release": rid, "table": args.table, "cells": len(frame)}
    work = Path(tempfile.mkdtemp(prefix="marsad-bench-api-"))
    _sqlite(frame, dims, work / "release.db")

    servers = {
        "marsad": (
            [sys.executable, "-m", "marsad.cli.app", "serve", "--port", "{port}"],
            "/api/health",
            lambda q: (
                f"/api/releases/{rid}/tables/{args.table}/cells?"
                + "&".join(f"{k}={v}" for k, v in q.items())
                + "&limit=100"
            ),
        ),
        "datasette": (
            [
                sys.executable,
                "-m",
                "datasette",
                "serve",
                str(work / "release.db"),
                "--port",
                "{port}",
                "--setting",
                "num_sql_threads",
                "3",
            ],
            "/-/versions.json",
            lambda q: (
                "/release/cells.json?_shape=array&_size=100&"
                + "&".join(f"{k}={v}" for k, v in q.items())
            ),
        ),
    }
    env = {**os.environ, "MARSAD_HOME": str(args.home), "MARSAD_API_RATE_PER_MINUTE": "0"}
    for name, (command, health, path_of) in servers.items():
        port = _port()
        process = subprocess.Popen(
            [part.replace("{port}", str(port)) for part in command],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait(base + health)
            paths = [path_of(q) for q in queries]
            with urllib.request.urlopen(base + paths[0]) as response:  # warm the caches
                response.read()
            results[name] = _wrk(base, paths, args.seconds, args.connections)
        finally:
            process.terminate()
            process.wait(timeout=20)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
