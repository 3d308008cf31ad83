"""Helpers for GUI tests."""

from __future__ import annotations

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
