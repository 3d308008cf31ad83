"""The local store: SQLModel tables on SQLite, alembic migrations, the logged write path."""

from __future__ import annotations

from typing import Any

from .store import Store

__all__ = ["ReadSession", "Store"]


def __getattr__(name: str) -> Any:
    # The ORM session loads the ORM and the models: only when asked for (start-up time).
    if name == "ReadSession":
        from .read_session import ReadSession

        return ReadSession
    raise AttributeError(name)
