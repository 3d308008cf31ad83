"""What every page needs, passed in (no globals): the store, the task runner, settings,
and the events pages use to talk to each other."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal

from ..store import Store
from .tasks import TaskRunner


class AppContext(QObject):
    """The open data home as the GUI sees it."""

    # Some records changed (entity names); pages showing them refresh.
    sig_data_changed = Signal(set)
    # Go to a page, with parameters (e.g. "households", {"flag": "observation"}).
    sig_navigate = Signal(str, dict)

    def __init__(self, store: Store, settings: QSettings, lang: str = "zh",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.settings = settings
        self.lang = lang
        self.tasks = TaskRunner(self)

    def navigate(self, page: str, **params: Any) -> None:
        """Ask the main window to show ``page`` with ``params``."""
        self.sig_navigate.emit(page, params)

    def data_changed(self, *entities: str) -> None:
        """Tell every page that records of ``entities`` changed."""
        self.sig_data_changed.emit(set(entities))
