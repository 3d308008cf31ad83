"""Resumability: the link drops at random points of pushes and pulls (a real TCP proxy that
cuts the connection after N bytes of a request or of its answer), many times, while two
laptops keep working; then they sync again. The server holds every change exactly once and
each laptop holds every change exactly once, all laptops equal."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator

import pytest
from synclib import (
    PASSWORD,
    add_households,
    add_village,
    change_ids,
    server_changes,
    synced_tables,
)

from faultproxy import FaultProxy
from serverlib import RunningServer, start_server
from workteam_desktop.store import Store
from workteam_desktop.store.models import Household
from workteam_desktop.sync import session
from workteam_desktop.sync.account import login
from workteam_desktop.sync.errors import ServerUnreachable
from workteam_desktop.sync.session import sync_once

USER = "roaming"
PUSH = b"POST /api/v1/changes/push"
PULL = b"GET /api/v1/changes?"


@pytest.fixture
def proxied(tmp_path) -> Iterator[tuple[RunningServer, FaultProxy]]:
    """A real server and a cutting proxy in front of it."""
    with start_server(tmp_path / "server") as server:
        server.add_user(USER, "supervisor", ["140215"], PASSWORD)
        proxy = FaultProxy(server.port).start()
        yield server, proxy
        proxy.stop()


def _edit(store: Store, rng: random.Random, n: int) -> None:
    with store.read() as cur:
        ids = [r[0] for r in cur.execute("SELECT id FROM household")]
    with store.write() as w:
        for hid in rng.sample(ids, k=min(n, len(ids))):
            w.update(Household, hid, {"address": f"地址{rng.randrange(10**6)}"})


def test_cut_pushes_and_pulls_lose_and_double_nothing(proxied, tmp_path, monkeypatch) -> None:
    server, proxy = proxied
    # Small batches and pages: many transactions, many places to cut between and inside.
    monkeypatch.setattr(session, "PUSH_BATCH", 40)
    monkeypatch.setattr(session, "PULL_PAGE", 30)
    monkeypatch.setattr(session, "PULL_PAGE_MAX", 30)
    rng = random.Random(5)
    a, b = Store.open(tmp_path / "a"), Store.open(tmp_path / "b")
    add_village(a)
    add_households(a, 150)
    account_a = login(a, proxy.url, USER, PASSWORD).account
    account_b = login(b, proxy.url, USER, PASSWORD).account
    failures = 0
    for trial in range(40):
        store, account = [(a, account_a), (b, account_b)][trial % 2]
        if trial >= 2:
            _edit(store, rng, rng.randrange(1, 60))
        match = rng.choice([PUSH, PULL])
        proxy.arm(match, rng.choice(["request", "response"]), rng.randrange(1, 6000))
        try:
            sync_once(store, account)
        except ServerUnreachable as exc:
            assert "连接中断" in exc.message or "无法连接" in exc.message
            failures += 1
        proxy.disarm()
    assert proxy.cuts >= 15 and failures >= 10  # the faults did happen

    for store, account in [(a, account_a), (b, account_b), (a, account_a)]:
        sync_once(store, account)

    on_server = server_changes(server.url, USER)
    counts = Counter(c["id"] for c in on_server)
    assert [i for i, n in counts.items() if n > 1] == []
    with a.read() as cur:
        local_a = {r[0] for r in cur.execute("SELECT id FROM change_log WHERE origin = 'local'")}
        assert cur.execute("SELECT count(*) FROM change_log WHERE pushed != 1 "
                           "AND origin = 'local'").fetchone()[0] == 0
    with b.read() as cur:
        local_b = {r[0] for r in cur.execute("SELECT id FROM change_log WHERE origin = 'local'")}
    assert set(counts) == local_a | local_b
    for store in (a, b):
        ids = change_ids(store)
        assert len(ids) == len(set(ids)) and set(ids) == set(counts)
    assert synced_tables(a) == synced_tables(b)
    a.close()
    b.close()


@pytest.mark.parametrize("how", ["restart", "kill"])
def test_a_server_restart_between_push_and_pull_loses_nothing(tmp_path, how) -> None:
    with start_server(tmp_path / "server") as server:
        server.add_user(USER, "supervisor", ["140215"], PASSWORD)
        a, b = Store.open(tmp_path / "a"), Store.open(tmp_path / "b")
        add_village(a)
        add_households(a, 30)
        account_a = login(a, server.url, USER, PASSWORD).account
        account_b = login(b, server.url, USER, PASSWORD).account
        sync_once(b, account_b)

        def between(_done: int, _total: int | None, phase: str) -> None:
            if phase == "pull" and not restarted:
                restarted.append(phase)
                if how == "kill":
                    server.kill()  # a crash: nothing finishes cleanly
                    server.start()
                else:
                    server.restart()

        restarted: list[str] = []
        try:
            first = sync_once(a, account_a, progress=between)
            assert first.pushed == 31
        except ServerUnreachable:
            pass  # the pull met the restart; the push was answered, so it is stored
        assert restarted
        second = sync_once(a, account_a)
        assert second.pushed == 0  # nothing to send again: the answer meant stored
        third = sync_once(b, account_b)
        assert third.applied == 31
        assert len(server_changes(server.url, USER)) == 31
        assert synced_tables(a) == synced_tables(b)
        a.close()
        b.close()
