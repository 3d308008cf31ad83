"""The main window: navigation, status bar, unsaved-input guard, remembered state."""

from __future__ import annotations

from ui_helpers import wait_for_tasks

from workteam_desktop.ui.context import AppContext
from workteam_desktop.ui.main_window import MANAGER_PAGES, PAGE_SPECS, SUPERVISOR_PAGES, MainWindow


def test_main_window_has_the_navigation_and_status_bar(qtbot, ctx: AppContext) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    wait_for_tasks(qtbot, ctx)
    assert window.windowTitle() == "驻村工作队工作平台"
    nav = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert nav == ["首页", "农户档案", "走访日志", "十送行动", "帮扶记录", "培训", "信息采集", "报表",
                   "同步", "备份与恢复", "设置"]
    # A team member's window: the supervisor and account pages are not in the navigation.
    assert len(nav) == sum(1 for spec in PAGE_SPECS if spec[3] and spec[0] not in SUPERVISOR_PAGES
                           and spec[0] not in MANAGER_PAGES)
    assert str(ctx.store.home) in window.home_label.text()
    # A demo home says it holds made-up households, and counts nothing "to sync": it never
    # syncs (issue 15).
    assert window.home_label.text().startswith("演示数据（虚构农户，不会同步）")
    assert window.pending_label.text() == "" and window.sync_label.text() == ""


def test_a_real_homes_status_bar_counts_what_waits_to_be_sent(qtbot, ctx: AppContext) -> None:
    from workteam_desktop.store import sync_state
    from workteam_desktop.store.setup import DEMO

    sync_state.set_values(ctx.store, {DEMO: None})  # the same data, as a real county's
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    wait_for_tasks(qtbot, ctx)
    assert window.home_label.text().startswith("数据目录： ")
    assert window.pending_label.text().startswith("待同步更改：")
    assert int(window.pending_label.text().split("：")[1].replace(",", "")) > 10_000
    assert window.sync_label.text() == "上次同步：从未同步"
