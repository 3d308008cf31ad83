"""The 同步 page says when received changes were kept aside (and says nothing otherwise)."""

from __future__ import annotations

import orjson
from ui_helpers import open_page, wait_for_tasks

from workteam_desktop.domain.changes import Change
from workteam_desktop.domain.entities import Problem
from workteam_desktop.store.held import hold
from workteam_desktop.ui.pages.sync import SyncPage


def test_held_changes_are_listed_with_their_reason(qtbot, ctx, tmp_path) -> None:
    page = open_page(qtbot, ctx, SyncPage)
    wait_for_tasks(qtbot, ctx)
    assert page.held_box.isHidden()
    change = Change.from_json(orjson.dumps({
        "id": "c1", "entity": "spaceship", "row_id": "s1", "fields": {"name": "?"},
        "base": {}, "hlc": "0190000000000000abc", "device": "abc", "user": ""}))
    reason = "不认识此类记录（spaceship），可能来自更新版本的程序"
    hold(ctx.store, [(change, Problem("unknown_entity", reason))], "server")
    page.refresh()
    wait_for_tasks(qtbot, ctx)
    assert not page.held_box.isHidden()
    text = page.held_label.text()
    assert "共 1 条" in text and "可能来自更新版本的程序" in text
    page.resize(1024, 600)
    page.grab().save(str(tmp_path / "sync-held.png"))
    page.sync.shutdown()


def test_a_demo_home_says_it_never_syncs(qtbot, ctx) -> None:
    """The demo county's 同步 page: no login, no sync, and why (issue 15)."""
    page = open_page(qtbot, ctx, SyncPage)
    wait_for_tasks(qtbot, ctx)
    assert "演示数据" in page.server_label.text()
    assert not page.login_button.isEnabled() and not page.sync_button.isEnabled()
    page.sync.shutdown()
