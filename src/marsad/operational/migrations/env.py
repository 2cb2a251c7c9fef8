"""Alembic environment of the operational database (every model module imported here)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import pool

import marsad.matchmaking.models
import marsad.operational.people
import marsad.outreach.models
import marsad.programmes.models
import marsad.programmes.support_models
import marsad.training.models  # noqa: F401
from marsad.operational.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    url = str(config.get_main_option("sqlalchemy.url"))
    engine = make_engine(url) if not url.startswith("sqlite") else None
    if engine is None:
        from sqlalchemy import create_engine

        engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
