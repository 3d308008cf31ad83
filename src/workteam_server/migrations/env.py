"""Alembic environment of the server; run through workteam_server.store.upgrade."""

from __future__ import annotations

from alembic import context

from workteam_server.models import metadata

config = context.config


def run_migrations_online() -> None:
    """Run on the connection the caller put in ``config.attributes``."""
    connection = config.attributes["connection"]
    context.configure(connection=connection, target_metadata=metadata, compare_type=True,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
