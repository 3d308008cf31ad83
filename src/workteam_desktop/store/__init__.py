"""The local store: SQLModel tables on SQLite, alembic migrations, the logged write path."""

from .store import ReadSession, Store

__all__ = ["ReadSession", "Store"]
