"""Shared fixtures: a fresh data directory and a deliverer on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.ingest import Deliverer
from marsad.settings import Settings, get_settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return get_settings(tmp_path / "home")


@pytest.fixture
def deliverer(settings: Settings) -> Deliverer:
    return Deliverer(settings)


def make_ice(enterprise: int, establishment: int = 0) -> str:
    """A valid ICE: 9 + 4 digits, then 2 control digits making the number divisible by 97."""
    base = int(f"{enterprise:09d}{establishment:04d}") * 100
    return f"{base + (97 - base % 97) % 97:015d}"


DGI_HEADER = "if_number;ice;denomination;fiscal_year;turnover_mad;net_result_mad;activity_code;city"


def dgi_csv(rows: list[str], header: str = DGI_HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def good_dgi_rows(year: int = 2021, n: int = 3) -> list[str]:
    return [
        f"{1000 + i};{make_ice(5000 + i)};STE ALPHA {i} SARL;{year};1 234 567,89;-12 000,50;"
        f"4711;Casablanca"
        for i in range(n)
    ]
