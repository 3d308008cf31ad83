"""Helpers for GUI tests."""

from __future__ import annotations

from workteam_desktop.ui.context import AppContext


def wait_for_tasks(qtbot, ctx: AppContext, timeout: int = 10000) -> None:
    """Wait until every background task of ``ctx`` has finished and delivered its result."""
    qtbot.waitUntil(lambda: ctx.tasks.active_count == 0, timeout=timeout)
