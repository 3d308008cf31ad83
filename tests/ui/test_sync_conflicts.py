"""Conflict review against a real server: two laptops edit the same household offline and
sync; the 同步 page shows the count, the dialog shows both values with who and when, and
the person's choice — keep the value in use, or use the other — is what every laptop ends
up with (the other value travels as a new change from the outbox)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from ui_helpers import wait_for_tasks

from serverlib import RunningServer, start_server
from workteam_desktop.store import Store
from workteam_desktop.store.models import Area, Household
from workteam_desktop.sync.account import Account, login
from workteam_desktop.sync.session import sync_once
from workteam_desktop.ui.context import AppContext
from workteam_desktop.ui.pages.sync import SyncPage

PASSWORD = "secret-pass-1"
VILLAGE = "00000000-0000-7000-8000-0000000a0001"
HOUSEHOLD = "00000000-0000-7000-8000-0000000b0001"


@pytest.fixture
def laptops(qapp, tmp_path: Path) -> Iterator[tuple[AppContext, Store, RunningServer]]:
    """Laptop A (in the GUI, 张伟) and laptop B (李娜), both synced with one household."""
    server = start_server(tmp_path / "server")
    server.add_user("zhangwei", "supervisor", ["140215"], PASSWORD)
    server.add_user("lina", "supervisor", ["140215"], PASSWORD)
    a = Store.open(tmp_path / "a")
    a.set_user("张伟")
    with a.write() as w:
        w.insert(Area, [{"id": VILLAGE, "code": "140215100201", "name": "东村",
                         "level": "village"}])
        w.insert(Household, [{"id": HOUSEHOLD, "number": "0007", "head_name": "王喆",
                              "village_id": VILLAGE, "phone": "13800000000",
                              "type": "alleviated", "address": "村东头"}])
    login(a, server.url, "zhangwei", PASSWORD)
    sync_once(a, Account.load(a))
    b = Store.open(tmp_path / "b")
    b.set_user("李娜")
    login(b, server.url, "lina", PASSWORD)
    sync_once(b, Account.load(b))
    ctx = AppContext(a, QSettings(str(tmp_path / "a" / "gui.ini"), QSettings.Format.IniFormat),
                     "zh")
    yield ctx, b, server
    assert ctx.tasks.wait(10000)
    a.close()
    b.close()
    server.stop()


def household(store: Store) -> dict:
    with store.read() as cur:
        return dict(cur.execute("SELECT phone, type, address FROM household WHERE id = ?",
                                (HOUSEHOLD,)).fetchone())


def outbox(store: Store) -> list[dict]:
    with store.read() as cur:
        return [json.loads(r[0]) for r in cur.execute(
            "SELECT fields FROM change_log WHERE origin = 'local' AND pushed = 0 ORDER BY seq")]


def test_review_keeps_each_chosen_value_and_the_choice_reaches_the_other_laptop(
        qtbot, laptops) -> None:
    ctx, b, _server = laptops
    a = ctx.store
    with a.write() as w:  # A first, B later: B's values win the merge
        w.update(Household, HOUSEHOLD, {"phone": "13811111111", "type": "monitored"})
    with b.write() as w:
        w.update(Household, HOUSEHOLD, {"phone": "13922222222", "type": "ordinary"})
    sync_once(b, Account.load(b))

    page = SyncPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.activate()
    wait_for_tasks(qtbot, ctx)
    assert page.conflict_badge.isHidden() and not page.no_conflicts.isHidden()
    with qtbot.waitSignal(page.sync.sig_finished, timeout=60000) as finished:
        qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx)
    assert finished.args[0].conflicts == 2
    assert household(a) == {"phone": "13922222222", "type": "ordinary", "address": "村东头"}
    assert page.conflict_badge.text() == "2 处冲突待处理" and not page.conflict_badge.isHidden()

    qtbot.mouseClick(page.conflicts_button, Qt.MouseButton.LeftButton)
    dialog = page.conflict_dialog
    assert dialog is not None and dialog.isVisible()
    wait_for_tasks(qtbot, ctx)
    rows = {dialog.model.index(r, 1).data(): r for r in range(dialog.model.rowCount())}
    assert set(rows) == {"联系电话", "户类型"}
    assert dialog.model.index(rows["联系电话"], 0).data() == "王喆（0007）"
    # The list masks phone numbers; the panel shows them whole, with who and when.
    assert dialog.model.index(rows["联系电话"], 2).data() == "139****2222"
    assert dialog.model.index(rows["联系电话"], 3).data() == "138****1111"
    assert dialog.model.index(rows["联系电话"], 4).data() == "张伟"

    dialog.table.selectRow(rows["户类型"])
    assert (dialog.kept_value.text(), dialog.lost_value.text()) == ("一般户", "监测户")
    # Who made a received value is what the server vouches for: the account that sent it
    # (not a name the laptop wrote into the change).
    assert dialog.kept_who.text().startswith("lina，设备 ")
    assert dialog.lost_who.text().startswith("张伟，本机，") and dialog.lost_who.text().endswith("修改")
    before = len(outbox(a))
    qtbot.mouseClick(dialog.use_other_button, Qt.MouseButton.LeftButton)  # 改用另一值
    wait_for_tasks(qtbot, ctx)
    assert household(a)["type"] == "monitored"
    assert [c for c in outbox(a)[before:] if "target_entity" not in c] == [{"type": "monitored"}]
    assert dialog.model.rowCount() == 1 and page.conflict_badge.text() == "1 处冲突待处理"

    assert dialog.model.index(0, 1).data() == "联系电话"
    assert (dialog.kept_value.text(), dialog.lost_value.text()) == ("13922222222", "13811111111")
    qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)  # 保留当前值
    wait_for_tasks(qtbot, ctx)
    assert household(a)["phone"] == "13922222222"
    # The value in use is everywhere already: only the two decisions are new besides.
    assert len([c for c in outbox(a)[before:] if "target_entity" not in c]) == 1
    assert len(outbox(a)) == before + 3
    assert dialog.model.rowCount() == 0 and not dialog.empty.isHidden()
    dialog.accept()
    wait_for_tasks(qtbot, ctx)
    assert page.conflict_badge.isHidden() and not page.no_conflicts.isHidden()

    # A's choice syncs: B ends up with exactly what the person chose.
    with qtbot.waitSignal(page.sync.sig_finished, timeout=60000):
        qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx)
    sync_once(b, Account.load(b))
    assert household(b) == household(a) == {
        "phone": "13922222222", "type": "monitored", "address": "村东头"}
    # …and B, which queued the same two conflicts, has them settled by A's decisions.
    with b.read() as cur:
        assert cur.execute("SELECT count(*) FROM conflict WHERE resolved = 0").fetchone()[0] == 0
    page.sync.shutdown()
