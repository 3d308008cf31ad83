"""GUI test set-up: one demo county per session, a private copy per test, an AppContext,
a check that no test leaves a background task running (the usual source of flaky Qt
tests), and no modal box that nobody expects (offscreen, nobody would ever close it)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from workteam_desktop.store import Store
from workteam_desktop.ui.app import setup_application
from workteam_desktop.ui.context import AppContext

# The static calls that open a modal box and wait for a click.
_MODAL = {QMessageBox: ("question", "warning", "critical", "information", "about"),
          QFileDialog: ("getOpenFileName", "getOpenFileNames", "getSaveFileName",
                        "getExistingDirectory")}


@pytest.fixture(autouse=True)
def no_unexpected_modal_box(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal box no test expects fails the test with its text, instead of waiting
    forever for a click offscreen (a failed upgrade's message once hung CI this way). A
    test that expects one patches it itself, after this."""
    for owner, names in _MODAL.items():
        for name in names:
            monkeypatch.setattr(owner, name, _unexpected(f"{owner.__name__}.{name}"))


def _unexpected(what: str) -> Callable[..., None]:
    def shown(*args: object, **_kwargs: object) -> None:
        texts = [a for a in args if isinstance(a, str)]
        raise AssertionError(f"unexpected modal box {what}: {' / '.join(texts)}")
    return shown


@pytest.fixture
def ui_home(demo_copy) -> Path:
    """A private copy of the demo county (600 households, seed 1) for one test."""
    return demo_copy()


@pytest.fixture
def ctx(qapp: QApplication, ui_home: Path) -> Iterator[AppContext]:
    """An AppContext over the private demo county, with the app styled as in production."""
    setup_application(qapp, "zh")
    store = Store.open(ui_home)
    settings = QSettings(str(ui_home / "gui.ini"), QSettings.Format.IniFormat)
    context = AppContext(store, settings, "zh")
    yield context
    assert context.tasks.wait(10000), "a background task did not finish"
    store.close()


@pytest.fixture
def ctx_b(qapp: QApplication, tmp_path: Path) -> Iterator[AppContext]:
    """A second laptop: an empty data home, as a supervisor's new machine."""
    home = tmp_path / "laptop-b"
    store = Store.open(home)
    context = AppContext(store, QSettings(str(home / "gui.ini"), QSettings.Format.IniFormat),
                         "zh")
    yield context
    assert context.tasks.wait(10000)
    store.close()
