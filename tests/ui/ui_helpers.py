"""Helpers for GUI tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from workteam_desktop.ui.context import AppContext

P = TypeVar("P")


def wait_for_tasks(qtbot, ctx: AppContext, timeout: int = 10000) -> None:
    """Wait until every background task of ``ctx`` has finished and delivered its result."""
    qtbot.waitUntil(lambda: ctx.tasks.active_count == 0, timeout=timeout)


def open_page(qtbot, ctx: AppContext, page_class: type[P], **params) -> P:
    """A page as the main window shows it (the content area at 1366×768), activated with
    ``params`` and with its first loads done."""
    page = page_class(ctx)
    qtbot.addWidget(page)
    page.resize(1216, 720)
    page.show()
    page.activate(**params)
    wait_for_tasks(qtbot, ctx)
    return page


@contextmanager
def context_in(qapp, home: Path, lang: str) -> Iterator[AppContext]:
    """An AppContext over ``home`` with the app set up in ``lang`` ("zh" or "en": the
    English translator loaded); afterwards the app is Chinese again for the other tests."""
    from PySide6.QtCore import QCoreApplication, QLocale, QSettings, QTranslator

    from workteam_desktop.store import Store
    from workteam_desktop.ui.app import setup_application

    before = set(qapp.findChildren(QTranslator))
    setup_application(qapp, lang)
    ours = [t for t in qapp.findChildren(QTranslator) if t not in before]
    assert lang == "zh" or ours, "the English translation did not load"
    store = Store.open(home)
    context = AppContext(store, QSettings(str(home / "gui.ini"), QSettings.Format.IniFormat),
                         lang)
    try:
        yield context
        assert context.tasks.wait(10000), "a background task did not finish"
    finally:
        store.close()
        for translator in ours:
            QCoreApplication.removeTranslator(translator)
            translator.deleteLater()
        setup_application(qapp, "zh")
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
