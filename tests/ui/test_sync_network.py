"""The 同步 page against a real server: log in through the dialog, 立即同步 pushes the demo
county and shows the counts while the window stays responsive, a server that is down gives
the Chinese message and a backoff, the household list's 同步 column goes from 待同步 to
已同步, and a refused change shows 被拒绝 with the server's reason."""

from __future__ import annotations

import itertools
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QElapsedTimer, QSettings, Qt, QTimer
from ui_helpers import open_page, wait_for_tasks

from serverlib import RunningServer, start_server
from workteam_desktop.store import Store
from workteam_desktop.store.models import Area, Household
from workteam_desktop.sync.account import login
from workteam_desktop.ui.context import AppContext
from workteam_desktop.ui.models.household_table import COLUMN_INDEX
from workteam_desktop.ui.pages.households import HouseholdsPage
from workteam_desktop.ui.pages.sync import SyncPage
from workteam_desktop.ui.pages.visits import VisitsPage
from workteam_desktop.ui.sync_controller import sync_controller

PASSWORD = "secret-pass-1"
_users = iter(range(1000))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One real server for the module; each test uses its own users."""
    with start_server(tmp_path_factory.mktemp("server")) as s:
        yield s


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[RunningServer]:
    """A server of the test's own, for tests that count what it received (the demo county's
    change ids are the same in every copy: a shared server would answer duplicate)."""
    with start_server(tmp_path / "own-server") as s:
        yield s


@pytest.fixture(autouse=True)
def real_home(ctx: AppContext) -> None:
    """The demo county's data as a real county's home: a demo home refuses every server
    (tests/sync/test_client_cli.py), these tests sync its data."""
    from workteam_desktop.store import sync_state
    from workteam_desktop.store.setup import DEMO

    sync_state.set_values(ctx.store, {DEMO: None})


def new_user(server: RunningServer, role: str = "admin", scope: str = "140215") -> str:
    name = f"cadre{next(_users)}"
    server.add_user(name, role, [scope], PASSWORD)
    return name


def outbox(store: Store) -> int:
    with store.read() as cur:
        return cur.execute("SELECT count(*) FROM change_log "
                           "WHERE origin = 'local' AND pushed = 0").fetchone()[0]


def sync_page(qtbot, ctx: AppContext) -> SyncPage:
    return open_page(qtbot, ctx, SyncPage)


def sync_column(page: HouseholdsPage, row: int) -> tuple[str, str]:
    index = page.model.index(row, COLUMN_INDEX["sync"])
    return index.data(), index.data(Qt.ItemDataRole.ToolTipRole)


def test_login_dialog_then_sync_pushes_the_county_shows_counts_and_stays_responsive(
        qtbot, ctx: AppContext, own_server: RunningServer) -> None:
    server = own_server
    user = new_user(server)
    households = HouseholdsPage(ctx)
    qtbot.addWidget(households)
    households.show()
    households.activate()
    wait_for_tasks(qtbot, ctx)
    assert sync_column(households, 0)[0] == "待同步"  # the demo county was never sent
    visits = VisitsPage(ctx)
    qtbot.addWidget(visits)
    visits.show()
    visits.activate()
    wait_for_tasks(qtbot, ctx)
    assert visits.visit_model.index(0, 7).data() == "待同步"

    page = sync_page(qtbot, ctx)
    assert page.account_label.text() == "未登录" and not page.sync_button.isEnabled()
    page.open_login()
    dialog = page.login_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.server_edit, server.url)
    qtbot.keyClicks(dialog.user_edit, user)
    qtbot.keyClicks(dialog.password_edit, "wrong-password")
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.error.isHidden(), timeout=20000)
    assert dialog.error.text() == "用户名或密码不正确" and dialog.isVisible()

    pending = outbox(ctx.store)
    assert pending > 10_000
    # Count the GUI thread's timer ticks while the sync runs: it must never freeze.
    ticks: list[int] = []
    clock = QElapsedTimer()
    clock.start()
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(clock.elapsed()))
    timer.start(10)
    dialog.password_edit.clear()
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    with qtbot.waitSignal(page.sync.sig_finished, timeout=120000) as finished:
        qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.sync.running, timeout=20000)
        assert not page.sync_button.isEnabled() and page.cancel_button.isVisible()
        assert page.sync.sync_now() is False  # never two syncs at once
    timer.stop()
    wait_for_tasks(qtbot, ctx)
    report = finished.args[0]
    assert report.pushed == pending and report.rejected == 0
    assert outbox(ctx.store) == 0
    assert page.result_label.text() == f"同步完成：上传 {pending:,} 条更改，收到 0 条新更改。"
    assert page.pending_label.text() == "0 条更改"
    assert page.account_label.text() == f"{user}（管理员）"
    assert page.server_label.text() == server.url
    assert page.last_label.text() != "从未同步"
    assert page.sync_button.isEnabled() and page.cancel_button.isHidden()
    # A sync on the GUI thread would stop the ticks for nearly all of it (the push of
    # >10,000 changes is most of the time measured). Run off the GUI thread, the longest
    # pause is scheduling on 2 shared cores: 0.05-0.1 of it on a quiet machine, up to a quarter
    # while benchmarks run beside the tests; half tells the two cases apart without flaking.
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 20 and max(gaps) < max(250, ticks[-1] // 2), (max(gaps), ticks[-1])
    # The server has every change: a second laptop gets them all.
    with server.client(user, PASSWORD) as http:
        assert len(http.get("/api/v1/changes", params={"limit": 20000}).json()["changes"]) == pending

    # The household list's 同步 column follows (the page refreshes on the sync's signal).
    qtbot.waitUntil(lambda: sync_column(households, 0)[0] == "已同步", timeout=10000)
    qtbot.waitUntil(lambda: visits.visit_model.index(0, 7).data() == "已同步", timeout=10000)
    assert sync_controller(ctx).status_text().startswith("已同步 ")
    hid = households.model.household_id(0)
    with ctx.store.write() as w:
        w.update(Household, hid, {"note": "再核实"})
    ctx.data_changed("household")
    qtbot.waitUntil(lambda: sync_column(households, 0)[0] == "待同步", timeout=10000)
    assert "还没有发送" in sync_column(households, 0)[1]
    # The next automatic sync is planned at the normal pace (10 minutes).
    assert page.sync.next_auto_in() == 600
    page.sync.shutdown()


def test_server_down_gives_the_chinese_message_and_backs_off(qtbot, ctx: AppContext,
                                                              tmp_path: Path) -> None:
    down = start_server(tmp_path / "server-down")
    user = new_user(down)
    login(ctx.store, down.url, user, PASSWORD)
    down.stop()
    page = sync_page(qtbot, ctx)
    assert page.sync_button.isEnabled()
    with qtbot.waitSignal(page.sync.sig_failed, timeout=60000) as failed:
        qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx)
    message = failed.args[0].message
    assert message.startswith("无法连接同步服务器")
    assert page.error_label.text() == message and not page.error_label.isHidden()
    assert page.sync.status_text() == "离线"
    assert page.sync_button.isEnabled()
    # The next try comes after a minute, then two: never hammering a dead link.
    assert page.sync.next_auto_in() == 60

    # A server that takes the connection and hangs up after 2 s (a dying mobile link):
    # the window keeps answering while the sync waits, then says so in one line.
    staller = socket.create_server(("127.0.0.1", down.port), reuse_port=False)
    stop = threading.Event()

    def stall() -> None:
        while not stop.is_set():
            try:
                conn, _ = staller.accept()
            except OSError:
                return
            stop.wait(2)
            conn.close()

    thread = threading.Thread(target=stall, daemon=True)
    thread.start()
    ticks: list[int] = []
    clock = QElapsedTimer()
    clock.start()
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(clock.elapsed()))
    timer.start(10)
    try:
        with qtbot.waitSignal(page.sync.sig_failed, timeout=60000) as failed:
            qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    finally:
        timer.stop()
        stop.set()
        staller.close()
        thread.join(10)
    wait_for_tasks(qtbot, ctx)
    assert failed.args[0].message.startswith("与同步服务器")
    assert "连接中断" in page.error_label.text()
    assert ticks[-1] >= 1900  # the sync did wait for the stalled server …
    assert max(b - a for a, b in itertools.pairwise(ticks)) < 1000  # … not the window
    assert page.sync.next_auto_in() == 120  # the second failure in a row: two minutes
    # Switched off, nothing is planned; the setting is remembered.
    page.auto_box.setChecked(False)
    assert page.sync.next_auto_in() is None
    assert page.sync.auto_enabled is False
    assert QSettings(ctx.settings.fileName(), QSettings.Format.IniFormat).value(
        "sync/auto") in (False, "false")
    page.sync.shutdown()


@pytest.fixture
def member_ctx(qapp, tmp_path: Path, server: RunningServer) -> Iterator[AppContext]:
    """A laptop of a member of one village, with a household in a village outside it."""
    home = tmp_path / "member"
    store = Store.open(home)
    with store.write() as w:
        w.insert(Area, [{"id": "00000000-0000-7000-8000-0000000a0001", "code": "140215100201",
                         "name": "东村", "level": "village"},
                        {"id": "00000000-0000-7000-8000-0000000a0002", "code": "140399100201",
                         "name": "外村", "level": "village"}])
    admin = new_user(server)
    login(store, server.url, admin, PASSWORD)  # the county's admin sends the villages first
    from workteam_desktop.sync.account import Account
    from workteam_desktop.sync.session import sync_once

    sync_once(store, Account.load(store))
    with store.write() as w:
        w.insert(Household, [
            {"number": "0001", "head_name": "王喆", "village_id": "00000000-0000-7000-8000-0000000a0001"},
            {"number": "0002", "head_name": "李强", "village_id": "00000000-0000-7000-8000-0000000a0002"}])
    login(store, server.url, new_user(server, "member", "140215100201"), PASSWORD)
    context = AppContext(store, QSettings(str(home / "gui.ini"), QSettings.Format.IniFormat), "zh")
    yield context
    assert context.tasks.wait(10000)
    store.close()


def test_a_refused_change_shows_rejected_with_the_servers_reason(qtbot, member_ctx) -> None:
    ctx = member_ctx
    page = sync_page(qtbot, ctx)
    with qtbot.waitSignal(page.sync.sig_finished, timeout=60000) as finished:
        qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx)
    report = finished.args[0]
    assert (report.pushed, report.rejected) == (1, 1)
    reason = report.rejections[0]["reason"]
    assert reason and not page.rejected_label.isHidden()
    assert reason in page.rejected_label.text() and "1 条更改被服务器拒绝" in page.rejected_label.text()
    # The page lists what was refused, by name, with the reason.
    assert not page.rejections_box.isHidden()
    listed = [[page.rejections_model.index(r, c).data() for c in range(3)]
              for r in range(page.rejections_model.rowCount())]
    assert listed == [["农户", "李强（0002）", reason]]
    households = HouseholdsPage(ctx)
    qtbot.addWidget(households)
    households.show()
    households.activate()
    wait_for_tasks(qtbot, ctx)
    column = {households.model.index(r, COLUMN_INDEX["number"]).data(): sync_column(households, r)
              for r in range(2)}
    assert column["0001"][0] == "已同步"
    assert column["0002"][0] == "被拒绝"
    assert reason in column["0002"][1] and "农户" in column["0002"][1]
    page.sync.shutdown()


def test_cancel_stops_after_the_batch_keeps_what_was_sent_and_the_next_sync_finishes(
        qtbot, ctx: AppContext, own_server: RunningServer) -> None:
    server = own_server
    login(ctx.store, server.url, new_user(server), PASSWORD)
    page = sync_page(qtbot, ctx)
    pending = outbox(ctx.store)

    def cancel_once_sending(done: int, _total: object, phase: str) -> None:
        if phase == "push" and done > 0 and page.cancel_button.isEnabled():
            qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)

    page.sync.sig_progress.connect(cancel_once_sending)
    with qtbot.waitSignal(page.sync.sig_failed, timeout=120000) as failed:
        qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    page.sync.sig_progress.disconnect(cancel_once_sending)
    wait_for_tasks(qtbot, ctx)
    assert failed.args[0].message == "同步已取消，已完成的部分已保存"
    assert page.error_label.text() == failed.args[0].message
    remaining = outbox(ctx.store)
    assert 0 <= remaining < pending  # whole batches were sent and marked
    assert page.sync_button.isEnabled() and page.progress.isHidden()
    assert page.sync.status_text() == "上次同步：从未同步"
    with qtbot.waitSignal(page.sync.sig_finished, timeout=120000) as finished:
        qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx)
    assert outbox(ctx.store) == 0
    assert finished.args[0].pushed == remaining  # nothing sent twice
    page.sync.shutdown()


def test_automatic_sync_runs_by_itself_and_the_status_bar_follows(
        qtbot, ctx: AppContext, server: RunningServer) -> None:
    from workteam_desktop.ui.main_window import MainWindow

    login(ctx.store, server.url, new_user(server), PASSWORD)
    window = MainWindow(ctx)  # plans the first automatic sync after start-up
    qtbot.addWidget(window)
    window.show()
    wait_for_tasks(qtbot, ctx)
    controller = window.sync
    assert controller.next_auto_in() == 15
    assert window.sync_label.text() == "上次同步：从未同步"
    with qtbot.waitSignal(controller.sig_started, timeout=10000) as started:
        controller.start_auto(delay_s=0)  # as when the start-up delay has passed
    assert started.args == [True] and window.sync_label.text() == "同步中…"
    with qtbot.waitSignal(controller.sig_finished, timeout=120000):
        pass
    wait_for_tasks(qtbot, ctx)
    assert outbox(ctx.store) == 0
    assert window.sync_label.text().startswith("已同步 ")
    assert window.pending_label.text() == "待同步更改：0"
    controller.shutdown()
    assert controller.next_auto_in() is None and controller.sync_now() is False


def test_without_a_keyring_the_page_asks_for_the_password_and_syncs(
        qtbot, ctx: AppContext, server: RunningServer, monkeypatch) -> None:
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring
    from PySide6.QtWidgets import QInputDialog

    keyring.set_keyring(FailKeyring())  # the autouse fixture restores the previous one
    # Homes copied from one demo template share a device id: this one becomes a laptop
    # of its own, as `workteam new-device` makes it (the server refuses a taken id).
    ctx.store.take_new_device()
    login(ctx.store, server.url, new_user(server), PASSWORD)  # nothing kept: no keyring
    asked: list[str] = []

    def type_password(_parent, _title, label, *_args, **_kwargs):
        asked.append(label)
        return PASSWORD, True

    monkeypatch.setattr(QInputDialog, "getText", type_password)
    page = sync_page(qtbot, ctx)
    with qtbot.waitSignal(page.sync.sig_finished, timeout=120000):
        qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx)
    assert asked == ["本机无法保存登录，请输入同步密码："]
    assert outbox(ctx.store) == 0
    # An automatic try cannot ask: it waits for a person instead of retrying.
    with qtbot.waitSignal(page.sync.sig_failed, timeout=60000):
        page.sync.sync_now(automatic=True)
    wait_for_tasks(qtbot, ctx)
    assert len(asked) == 1 and page.sync.next_auto_in() is None
    assert page.sync.status_text() == "同步需要输入密码"
    page.sync.shutdown()
