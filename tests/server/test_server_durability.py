"""Nothing lost: across server restarts and crashes, and with pushes racing pulls (the
seq-ordering trap: a late commit of a lower seq must never be skipped by a cursor)."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from serverlib import RunningServer, area_changes, household_changes, pull_all, push, start_server

PASSWORD = "durable-pass-1"


def test_restart_and_crash_between_push_and_pull_lose_nothing(server: RunningServer) -> None:
    server.add_user("root", "admin", "", PASSWORD)
    token = server.login("root", PASSWORD)["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    sent = area_changes() + household_changes("h1", "village1", members=50)
    with httpx.Client(base_url=server.url, headers=auth) as c:
        assert {r["status"] for r in push(c, sent)} == {"accepted"}
    server.restart()  # a clean restart
    with httpx.Client(base_url=server.url, headers=auth) as c:  # the token survives: it is in the DB
        assert [ch["id"] for ch in pull_all(c)[0]] == [ch["id"] for ch in sent]
        more = household_changes("h2", "village2", members=50)
        assert {r["status"] for r in push(c, more)} == {"accepted"}
    server.kill()  # SIGKILL right after the answer: an answer means stored
    server.start()
    with httpx.Client(base_url=server.url, headers=auth) as c:
        got = [ch["id"] for ch in pull_all(c)[0]]
        assert got == [ch["id"] for ch in sent + more]
        assert {r["status"] for r in push(c, more)} == {"duplicate"}


@pytest.fixture
def two_workers(tmp_path: Path, server_db: str | None):  # type: ignore[no-untyped-def]
    with start_server(tmp_path / "server", server_db, workers=2) as s:
        yield s


def test_concurrent_pushes_and_pulls_see_every_change_once(two_workers: RunningServer) -> None:
    server = two_workers
    server.add_user("root", "admin", "", PASSWORD)
    token = server.login("root", PASSWORD)["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.url, headers=auth) as c:
        push(c, area_changes())
    pushers, batches, size = 4, 4, 200
    accepted: list[str] = []
    lock = threading.Lock()
    done = threading.Event()
    errors: list[BaseException] = []

    def pusher(n: int) -> None:
        try:
            with httpx.Client(base_url=server.url, headers=auth, timeout=120) as c:
                for b in range(batches):
                    batch = household_changes(f"p{n}-b{b}", "village1", members=size - 1)
                    results = push(c, batch)
                    with lock:
                        accepted.extend(r["id"] for r in results if r["status"] == "accepted")
        except BaseException as e:  # reported by the test below
            errors.append(e)

    seen: list[Counter[str]] = [Counter() for _ in range(3)]

    def puller(k: int) -> None:
        try:
            with httpx.Client(base_url=server.url, headers=auth, timeout=120) as c:
                cursor = 0
                while True:
                    finishing = done.is_set()
                    changes, cursor = pull_all(c, after=cursor, limit=100)
                    seen[k].update(ch["id"] for ch in changes)
                    if finishing:
                        return
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=pusher, args=(n,)) for n in range(pushers)]
    readers = [threading.Thread(target=puller, args=(k,)) for k in range(len(seen))]
    for t in threads + readers:
        t.start()
    for t in threads:
        t.join()
    done.set()
    for t in readers:
        t.join()
    assert not errors, errors
    assert len(accepted) == pushers * batches * size
    expected = set(accepted)
    for counts in seen:
        mine = {i: n for i, n in counts.items() if i in expected}
        assert set(mine) == expected, f"{len(expected - set(mine))} changes never pulled"
        assert max(counts.values()) == 1  # none twice


def test_a_late_commit_of_a_lower_seq_is_not_skipped(pg_cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The trap, made to happen: push A takes its seqs and has not committed yet when push B
    comes; a pull in between must not move its cursor past A. (PostgreSQL, where pushes could
    run side by side; SQLite has a single writer.)"""

    from workteam_server.store import ServerStore

    server = start_server(tmp_path / "server", pg_cluster.database(), workers=2)
    try:
        server.add_user("root", "admin", "", PASSWORD)
        token = server.login("root", PASSWORD)["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        c = httpx.Client(base_url=server.url, headers=auth, timeout=120)
        push(c, area_changes())
        _, cursor = pull_all(c)
        slow = ServerStore.open(server.database_url, pool_size=2)
        a = household_changes("ha", "village1")[0]
        b = household_changes("hb", "village1")[0]
        pushed_b: list[dict] = []
        with slow.pushing() as conn:  # push A, in the server's own push transaction
            slow.insert_changes(conn, [{"id": a["id"], "entity": "household", "row_id": "ha",
                                        "area_code": "140215101201", "account": "root",
                                        "body": json.dumps(a)}], {}, set())
            t = threading.Thread(target=lambda: pushed_b.extend(push(c, [b])))
            t.start()
            _wait_until_blocked_or_done(slow, t)
            between, cursor_between = pull_all(c, after=cursor)
        t.join()
        assert pushed_b[0]["status"] == "accepted"
        after, _ = pull_all(c, after=cursor_between)
        got = [ch["id"] for ch in between + after]
        assert sorted(got) == sorted([a["id"], b["id"]])  # A is not skipped, nothing twice
        slow.close()
        c.close()
    finally:
        server.stop()


def _wait_until_blocked_or_done(store, thread: threading.Thread) -> None:  # type: ignore[no-untyped-def]
    """Until push B waits for the push lock (or, without one, has finished)."""
    import sqlalchemy as sa

    deadline = time.monotonic() + 60
    with store.engine.connect() as conn:
        while thread.is_alive() and time.monotonic() < deadline:
            waiting = conn.execute(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND wait_event = 'advisory'")).scalar()
            conn.rollback()
            if waiting:
                return
            thread.join(0.05)
    assert time.monotonic() < deadline, "push B neither waited nor finished"
