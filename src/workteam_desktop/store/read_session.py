"""The ORM session for reads (``Store.session()``).

Its own module so that opening a store and showing the first households never imports
the ORM and the model classes (a third of the GUI's start-up time): they load on the
first ORM read (or when the GUI imports this module on a background thread once its
window is up: ui/app.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlmodel import Session

from .models import Synced


class ReadSession(Session):
    """A session for reading. Flushing a synced row through it is a bug: use ``write()``."""


@event.listens_for(ReadSession, "before_flush")
def _refuse_synced_flush(session: Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Synced):
            raise RuntimeError(
                f"{type(obj).__name__} must be written through Store.write(), "
                "which logs the change for sync")

