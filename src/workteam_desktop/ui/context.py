"""What every page needs, passed in (no globals): the store, the task runner, settings,
and the events pages use to talk to each other."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal

from ..settings import Settings, load_settings, save_settings
from ..store import Store
from .tasks import TaskRunner


class AppContext(QObject):
    """The open data home as the GUI sees it."""

    # Some records changed (entity names); pages showing them refresh.
    sig_data_changed = Signal(set)
    # Go to a page, with parameters (e.g. "households", {"flag": "observation"}).
    sig_navigate = Signal(str, dict)
    # settings.toml was saved (the new Settings).
    sig_settings_changed = Signal(object)

    def __init__(self, store: Store, settings: QSettings, lang: str = "zh",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.settings = settings
        self.lang = lang
        self.tasks = TaskRunner(self)
        # settings.toml: what the user set on the 设置 page (QSettings keeps window state).
        self.app_settings: Settings = load_settings(store.home)
        self._apply_settings()

    def save_app_settings(self, settings: Settings) -> None:
        """Save settings.toml (ValueError with a Chinese message if invalid) and tell pages."""
        save_settings(self.store.home, settings)
        self.app_settings = settings
        self._apply_settings()
        self.sig_settings_changed.emit(settings)

    def _apply_settings(self) -> None:
        from .catalogue_extensions import set_region_extensions

        set_region_extensions(self.app_settings.catalogue_extensions)

    def navigate(self, page: str, **params: Any) -> None:
        """Ask the main window to show ``page`` with ``params``."""
        self.sig_navigate.emit(page, params)

    def data_changed(self, *entities: str) -> None:
        """Tell every page that records of ``entities`` changed."""
        self.sig_data_changed.emit(set(entities))
