"""The base of every page in the main window."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from ..context import AppContext


class Page(QWidget):
    """A page of the main window.

    Subclasses set ``name`` (stable, used by ``--page`` and settings) and implement
    :meth:`title`; they load their data in :meth:`activate`, off the GUI thread through
    ``ctx.tasks``.
    """

    name = ""
    # True when typed input is autosaved as a draft that a restart restores: closing the
    # window then loses nothing and need not ask.
    drafts_survive_close = False

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def title(self) -> str:
        """The page's name in the navigation, translated."""
        raise NotImplementedError

    def activate(self, **params: Any) -> None:
        """Called when the page is shown (with navigation parameters); refresh here."""

    def has_unsaved_changes(self) -> bool:
        """True when leaving the page would lose typed input (the window asks first)."""
        return False

    def discard_changes(self) -> None:
        """Throw away unsaved input (after the user agreed)."""
