"""``sync_once`` against a real server: attachments travel once each way, new form versions
arrive and are used, progress is reported per phase, cancel keeps whole batches."""

from __future__ import annotations

import gc
import json
from collections import Counter
from collections.abc import Iterator

import pytest
from synclib import PASSWORD, add_households, add_village

from serverlib import RunningServer, start_server
from workteam_desktop.domain.forms import HOUSEHOLD_SURVEY, latest_form
from workteam_desktop.paths import forms_dir
from workteam_desktop.store import Store, bulk_load
from workteam_desktop.store.attachments import add_attachment, read_content
from workteam_desktop.store.outbox import pending_count
from workteam_desktop.sync import session
from workteam_desktop.sync.account import login
from workteam_desktop.sync.errors import SyncCancelled
from workteam_desktop.sync.session import form_folder, sync_once

_users = iter(range(1000))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with start_server(tmp_path_factory.mktemp("server")) as s:
        yield s


@pytest.fixture
def user(server: RunningServer) -> str:
    name = f"li{next(_users)}"
    server.add_user(name, "supervisor", ["140215"], PASSWORD)
    return name


def test_attachments_go_up_once_and_come_down_once(tmp_path, server, user) -> None:
    a, b = Store.open(tmp_path / "a"), Store.open(tmp_path / "b")
    add_village(a)
    [hid] = add_households(a, 1)
    photo = tmp_path / "门牌.jpg"
    photo.write_bytes(b"\xff\xd8\xff photo of the door plate " + user.encode() * 1000)
    add_attachment(a, photo, "household", hid, caption="门牌")
    acc_a = login(a, server.url, user, PASSWORD).account
    acc_b = login(b, server.url, user, PASSWORD).account
    assert sync_once(a, acc_a).attachments_up == 1
    assert sync_once(a, acc_a).attachments_up == 0
    report = sync_once(b, acc_b)
    assert report.attachments_down == 1
    with b.read() as cur:
        sha = cur.execute("SELECT sha256 FROM attachment WHERE owner_id = ?", (hid,)).fetchone()[0]
    assert read_content(b.home, sha) == photo.read_bytes()
    assert sync_once(b, acc_b).attachments_down == 0
    a.close()
    b.close()


def test_a_new_form_version_on_the_server_reaches_the_laptop(tmp_path, server, user) -> None:
    shipped = latest_form(forms_dir(), HOUSEHOLD_SURVEY)
    data = json.loads((forms_dir() / HOUSEHOLD_SURVEY / f"v{shipped.version}.json")
                      .read_text(encoding="utf-8"))
    data["version"] = shipped.version + 1
    data["description"] = {"zh": "新版：增加了说明", "en": "New version"}
    target = server.home / "forms" / HOUSEHOLD_SURVEY / f"v{shipped.version + 1}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    store = Store.open(tmp_path / "a")
    account = login(store, server.url, user, PASSWORD).account
    assert sync_once(store, account).forms_updated == 1
    assert sync_once(store, account).forms_updated == 0
    used = latest_form([forms_dir(), form_folder(store.home)], HOUSEHOLD_SURVEY)
    assert used.version == shipped.version + 1
    assert used.description is not None and used.description.zh == "新版：增加了说明"
    store.close()


def test_progress_per_phase_and_cancel_keeps_whole_batches(tmp_path, server, user,
                                                           monkeypatch) -> None:
    monkeypatch.setattr(session, "PUSH_BATCH", 5)
    store = Store.open(tmp_path / "a")
    add_village(store)
    add_households(store, 11)  # 12 changes: batches of 5, 5, 2
    account = login(store, server.url, user, PASSWORD).account
    seen: list[tuple[int, int | None, str]] = []

    def cancel() -> bool:
        return any(phase == "push" and done >= 5 for done, _, phase in seen)

    with pytest.raises(SyncCancelled) as cancelled:
        sync_once(store, account, progress=lambda d, t, p: seen.append((d, t, p)), cancel=cancel)
    assert cancelled.value.message == "同步已取消，已完成的部分已保存"
    # The second batch was already on its way when the first answer came (the server is
    # kept busy): it is answered and marked too, and nothing after it is sent.
    assert seen == [(0, 12, "push"), (5, 12, "push"), (10, 12, "push")]
    assert pending_count(store) == 2  # the answered batches stay sent

    seen.clear()
    report = sync_once(store, account, progress=lambda d, t, p: seen.append((d, t, p)))
    assert (report.pushed, report.duplicates) == (2, 0)  # nothing was sent twice
    phases = [p for _, _, p in seen]
    assert phases.index("push") < phases.index("pull")
    assert (2, 2, "push") in seen
    store.close()


def test_pull_pages_and_push_batches_grow_on_a_fast_link_and_shrink_on_a_slow_one() -> None:
    """A full page that came in under two seconds doubles the next; one that took over ten
    halves it; the size stays between the bounds (20,000 is the server's most, for a pull
    page and a push batch alike)."""
    bounds = session.PULL_PAGE_MIN, session.PULL_PAGE_MAX

    def grown(*args: float) -> int:
        return session._next_limit(*args, *bounds)  # type: ignore[arg-type]

    assert grown(5000, 5000, 0.4) == 10000
    assert grown(16000, 16000, 0.4) == session.PULL_PAGE_MAX == 20000
    assert grown(5000, 1200, 0.4) == 5000  # the last, short page: no news
    assert grown(5000, 5000, 5.0) == 5000
    assert grown(5000, 5000, 30.0) == 2500
    assert grown(600, 600, 30.0) == session.PULL_PAGE_MIN == 500
    assert grown(30, 30, 30.0) == 30  # never below a smaller start
    push = session.PUSH_BATCH, session.PUSH_BATCH_MAX
    assert session._next_limit(2000, 2000, 0.4, *push) == 4000
    assert session._next_limit(16000, 16000, 0.4, *push) == session.PUSH_BATCH_MAX == 20000
    assert session._next_limit(8000, 8000, 30.0, *push) == 4000
    assert session._next_limit(2000, 2000, 30.0, *push) == session.PUSH_BATCH  # its floor
    # A batch read ahead before the size grew: full at the size it was read with, so the
    # size grows again (2,000, 2,000, 4,000, 8,000 … instead of doubling every other batch).
    assert session._next_limit(4000, 2000, 0.4, *push, asked=2000) == 8000
    assert session._next_limit(4000, 1500, 0.4, *push, asked=2000) == 4000  # the last, short


def test_a_pull_of_many_pages_fetched_ahead_brings_every_change_once(
        tmp_path, server, user, monkeypatch) -> None:
    """Pages of 7 that grow to 20 (the next fetched while one is merged): the second laptop
    ends with every household and every change of the first, each change logged once."""
    monkeypatch.setattr(session, "PULL_PAGE", 7)
    monkeypatch.setattr(session, "PULL_PAGE_MAX", 20)
    a, b = Store.open(tmp_path / "a"), Store.open(tmp_path / "b")
    add_village(a)
    add_households(a, 120)
    sync_once(a, login(a, server.url, user, PASSWORD).account)
    pages: list[int] = []
    real = session._fetch

    def counting(client, after, limit, waiting=None, own=False):
        pages.append(limit)
        return real(client, after, limit, waiting, own)

    monkeypatch.setattr(session, "_fetch", counting)
    phases: list[str] = []
    report = sync_once(b, login(b, server.url, user, PASSWORD).account,
                       progress=lambda _d, _t, phase: phases.append(phase))
    # b was empty: its first sync was a bulk load, finished after the last page.
    assert phases.index("index") > len(phases) - 1 - phases[::-1].index("pull")
    assert not bulk_load.pending(b) and not b.facts_deferred
    # The server is shared with this module's other tests: their changes in the same
    # villages come down too. Every change arrives once; all of the first laptop's are there.
    assert report.applied == report.pulled >= 121
    assert pages[:3] == [7, 14, 20] and set(pages[2:]) == {20}
    with a.read() as ca, b.read() as cb:
        ids = [r[0] for r in cb.execute("SELECT id FROM change_log")]
        assert len(ids) == len(set(ids)) == report.pulled
        assert {r[0] for r in ca.execute("SELECT id FROM change_log")} <= set(ids)
        assert {r[0] for r in ca.execute("SELECT id FROM household")} <= \
            {r[0] for r in cb.execute("SELECT id FROM household")}
        assert cb.execute("SELECT count(*) FROM household_facts").fetchone()[0] == \
            cb.execute("SELECT count(*) FROM household").fetchone()[0]
    a.close()
    b.close()


def test_a_pull_leaves_nothing_to_the_cyclic_collector(tmp_path, server, user) -> None:
    """The pull runs with the collector off (it would only rescan the pages being
    decoded), so nothing it makes may sit in a reference cycle: an HTTP response would
    keep a whole page's body alive until the collector ran."""
    a, b = Store.open(tmp_path / "a"), Store.open(tmp_path / "b")
    add_village(a)
    add_households(a, 30)
    sync_once(a, login(a, server.url, user, PASSWORD).account)
    account = login(b, server.url, user, PASSWORD).account
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        report = sync_once(b, account)
        gc.collect()
        left = Counter(type(o).__name__ for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert report.pulled >= 31
    assert left["Response"] == 0 and left["Change"] == 0, left.most_common(8)
    assert gc.isenabled()  # switched on again after the pull
    a.close()
    b.close()
