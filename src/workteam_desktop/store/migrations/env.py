"""Alembic environment for the local store; run through workteam_desktop.store.migrate."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from workteam_desktop.store import local, models  # noqa: F401  (register the tables)
from workteam_desktop.store.migrate import include_name

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    """Run on the connection the caller put in ``config.attributes``."""
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things
        include_name=include_name,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
