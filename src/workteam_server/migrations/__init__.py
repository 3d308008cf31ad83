"""Alembic migrations of the server's database (run by workteam_server.store.upgrade)."""
