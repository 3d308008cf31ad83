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
    # The demo county's changes have never been pushed.
    assert window.pending_label.text().startswith("待同步更改：")
    assert int(window.pending_label.text().split("：")[1].replace(",", "")) > 10_000
    assert window.sync_label.text() == "上次同步：从未同步"
