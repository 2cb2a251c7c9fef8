"""Shared fixtures: a fresh data directory and a deliverer on it."""

from __future__ import annotations

from collections.abc import Iterator
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


# tables of the shared published release: a map table, a small one, a ratio and a magnitude
PUBLISHED_TABLES = [
    "active_region_section",
    "active_legal_form",
    "birth_rate_region_section",
    "turnover_region_section_size",
]


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A data directory with one real release (synthetic economy, register, protection)."""
    from marsad.ingest import ingest_folder
    from marsad.register.build import build_register
    from marsad.release import make_release
    from marsad.synth import generate

    root = tmp_path_factory.mktemp("published")
    settings = get_settings(root, release_years=2)
    generate(out=root / "synth", scale=0.002, seed=11, progress=False)
    ingest_folder(Deliverer(settings), root / "synth")
    build_register(settings)
    make_release(settings, table_ids=PUBLISHED_TABLES)
    return settings


POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _postgres_available() -> bool:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(POSTGRES_ADMIN, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty operational database on each backend (PostgreSQL: a fresh database)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'operational.db'}"
        return
    if not _postgres_available():
        pytest.skip(
            "PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres): "
            "the PostgreSQL variant of the database tests is skipped"
        )
    import uuid

    from sqlalchemy import create_engine, text

    name = f"marsad_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def impact_economy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Path]:
    """A data directory with a register built on a synthetic economy whose programmes have
    known effects; returns its settings and the economy's truth/ folder."""
    from marsad.ingest import ingest_folder
    from marsad.register.build import build_register
    from marsad.synth import generate

    root = tmp_path_factory.mktemp("impact")
    settings = get_settings(root / "home")
    generate(out=root / "synth", scale=0.02, seed=7, progress=False)
    ingest_folder(Deliverer(settings), root / "synth")
    build_register(settings)
    return settings, root / "synth" / "truth"
