"""The 同步 page groups refused changes by reason, as `workteam sync` prints them: one line
per reason with its count and up to three examples, the largest first; the whole list is
behind a button."""

from __future__ import annotations

from PySide6.QtCore import Qt
from ui_helpers import open_page

from workteam_desktop.store.outbox import Rejection, record_push
from workteam_desktop.ui.context import AppContext
from workteam_desktop.ui.pages.sync import SyncPage

OUTSIDE = "农户所在的村不在您的管辖范围内"
ROLE = "您的角色不能修改成员"


def refuse(ctx: AppContext) -> None:
    with ctx.store.read() as cur:
        households = [r[0] for r in cur.execute(
            "SELECT id FROM change_log WHERE entity = 'household' ORDER BY id LIMIT 5")]
        members = [r[0] for r in cur.execute(
            "SELECT id FROM change_log WHERE entity = 'member' ORDER BY id LIMIT 2")]
    record_push(ctx.store, [], [Rejection(i, "out_of_scope", OUTSIDE) for i in households]
                + [Rejection(i, "forbidden", ROLE) for i in members])


def test_refusals_are_grouped_by_reason_with_examples(qtbot, ctx: AppContext) -> None:
    page = open_page(qtbot, ctx, SyncPage)
    assert page.rejections_box.isHidden()  # nothing refused: nothing shown
    refuse(ctx)
    page.refresh()
    qtbot.waitUntil(lambda: ctx.tasks.active_count == 0)
    assert not page.rejections_box.isHidden()
    lines = [label.text() for label in page.group_labels]
    assert len(lines) == 2
    assert lines[0].startswith(f"5 条：{OUTSIDE}（例如 农户 ")
    assert lines[0].count("；") == 2  # three examples, no more
    assert lines[1].startswith(f"2 条：{ROLE}（例如 家庭成员 ")
    # The whole list, one row per record, behind the button.
    assert page.rejections_table.isHidden()
    assert page.all_rejections_button.text() == "逐条查看（7 条记录）…"
    qtbot.mouseClick(page.all_rejections_button, Qt.MouseButton.LeftButton)
    assert not page.rejections_table.isHidden()
    assert page.rejections_model.rowCount() == 7
    assert page.all_rejections_button.text() == "收起逐条列表"
    page.sync.shutdown()
