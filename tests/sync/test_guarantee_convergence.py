"""Convergence through the real server: three replicas (real stores) edit the same households
(same fields, deletes), sync in random orders, get deliveries repeated and reordered (pages
pulled again, pulled pages applied shuffled, pushed batches sent again): all replicas end
identical, and every value overwritten by a concurrent change is in a conflict queue.

The server starts once for the module; each example works in a village of its own and its
replicas start from the server's cursor at that moment, so examples do not see each other.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synclib import PASSWORD, synced_tables

from replicas import fresh_replica
from serverlib import RunningServer, start_server
from workteam_desktop.domain.changes import json_value
from workteam_desktop.store import Store, sync_state
from workteam_desktop.store.changes import apply_page
from workteam_desktop.store.models import Area, Household
from workteam_desktop.sync.account import Account, login
from workteam_desktop.sync.session import sync_once

USER = "converge"
_villages = itertools.count(1)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One real server (SQLite) for every example; one supervisor of county 140215."""
    with start_server(tmp_path_factory.mktemp("server")) as s:
        s.add_user(USER, "supervisor", ["140215"], PASSWORD)
        yield s




def join(store: Store, account: Account, cursor: int) -> None:
    """Set the replica up for the server account, pulling from ``cursor`` on."""
    account.save(store)
    sync_state.set_values(store, {sync_state.CURSOR: str(cursor)})


def server_cursor(account: Account, after: int) -> int:
    """The end of the server's log (the cursor a new replica of this example starts at)."""
    with account.connect() as client:
        while True:
            page = client.pull(after, 20000)
            after = page.cursor
            if not page.more:
                return after


def shuffled_pull(store: Store, account: Account, start: int, rng: random.Random) -> None:
    """Pull everything after ``start`` again and apply it shuffled, in small pieces, with
    repeats: reordered and duplicated delivery. The cursor moves only with the last piece."""
    with account.connect() as client:
        changes, after = [], start
        while True:
            page = client.pull(after, 7)
            changes += page.changes
            after = page.cursor
            if not page.more:
                break
    changes += rng.sample(changes, k=min(3, len(changes)))
    rng.shuffle(changes)
    keep = sync_state.cursor(store)
    pieces = [changes[i:i + 3] for i in range(0, len(changes), 3)] or [[]]
    for i, piece in enumerate(pieces):
        apply_page(store, piece, after if i == len(pieces) - 1 else keep)


def repush(store: Store, account: Account, rng: random.Random) -> None:
    """Send already pushed changes again, shuffled: the server must answer duplicate."""
    from workteam_desktop.store.changes import all_changes
    from workteam_desktop.store.outbox import Outgoing

    with store.read() as cur:
        sent = {r[0] for r in cur.execute(
            "SELECT id FROM change_log WHERE origin = 'local' AND pushed = 1")}
    changes = [c for _, c in all_changes(store) if c.id in sent]
    if not changes:
        return
    rng.shuffle(changes)
    lines = [Outgoing(0, c.id, c.entity, c.row_id, c.to_json()) for c in changes]
    with account.connect() as client:
        results, _ = client.push(store.device_id, lines)
    assert {r.status for r in results} == {"duplicate"}


step = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 2), st.integers(0, 2),
              st.sampled_from(["phone", "address", "head_name", "note"]),
              st.sampled_from(["甲", "乙", "丙"])),
    st.tuples(st.just("delete"), st.integers(0, 2), st.integers(0, 2), st.booleans()),
    st.tuples(st.just("sync"), st.integers(0, 2)),
    st.tuples(st.just("repull"), st.integers(0, 2)),  # whole example pulled again
    st.tuples(st.just("shuffled"), st.integers(0, 2)),  # pulled again, applied shuffled
    st.tuples(st.just("repush"), st.integers(0, 2)),  # pushed batches sent again
    st.tuples(st.just("unmark"), st.integers(0, 2)),  # answers lost: the outbox sends again
)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=1, max_size=14), seed=st.integers(0, 10_000),
       skews=st.lists(st.integers(-400 * 86400_000, 400 * 86400_000), min_size=3, max_size=3))
def test_replicas_converge_through_the_server(server: RunningServer, tmp_path_factory,
                                              steps: list[tuple[Any, ...]], seed: int,
                                              skews: list[int]) -> None:
    rng = random.Random(seed)
    base = tmp_path_factory.mktemp("replicas")
    replicas = [fresh_replica(base / f"r{i}") for i in range(3)]
    # Each laptop logs in itself: the server tells them apart by their device ids (a pull
    # leaves out what the pulling laptop pushed itself).
    accounts = [login(r, server.url, USER, PASSWORD).account for r in replicas]
    start = server_cursor(accounts[0], 0)
    for r, account in zip(replicas, accounts, strict=True):
        join(r, account, start)
    n = next(_villages)
    with replicas[0].write() as w:
        [village] = w.insert(Area, [{"code": f"140215{n:06d}", "name": f"村{n}",
                                     "level": "village"}])
        households = w.insert(Household, [{"number": f"{i:04d}", "head_name": "王喆",
                                           "village_id": village} for i in range(3)])
    for r, account in zip(replicas, accounts, strict=True):
        sync_once(r, account)
    for r, skew in zip(replicas, skews, strict=True):
        real = r.wall
        r.wall = lambda real=real, skew=skew: real() + skew  # clocks up to 400 days off

    written: list[tuple[str, str, object]] = []
    for s in steps:
        kind, who = s[0], s[1]
        store, account = replicas[who], accounts[who]
        if kind == "edit":
            _, _, h, name, text = s
            value = f"{text}{who}"
            with store.write() as w:
                if w.update(Household, households[h], {name: value}):
                    written.append((households[h], name, value))
        elif kind == "delete":
            _, _, h, deleted = s
            with store.write() as w:
                if w.update(Household, households[h], {"deleted": deleted}):
                    written.append((households[h], "deleted", deleted))
        elif kind == "sync":
            sync_once(store, account)
        elif kind == "repull":
            sync_state.set_values(store, {sync_state.CURSOR: str(start)})
            report = sync_once(store, account)
            assert report.pulled >= report.applied
        elif kind == "shuffled":
            shuffled_pull(store, account, start, rng)
        elif kind == "repush":
            repush(store, account, rng)
        elif kind == "unmark":
            with store.read() as cur:
                unsent = cur.execute("SELECT count(*) FROM change_log "
                                     "WHERE origin = 'local' AND pushed = 0").fetchone()[0]
            with store.engine.begin() as conn:
                conn.exec_driver_sql("UPDATE change_log SET pushed = 0 "
                                     "WHERE origin = 'local' AND pushed = 1")
            report = sync_once(store, account)
            assert report.pushed == unsent  # what it sends again is a duplicate
    # Everyone syncs until nothing new is learnt: push all, then pull all.
    for i in [0, 1, 2, 0, 1]:
        sync_once(replicas[i], accounts[i])

    states = [synced_tables(r) for r in replicas]
    assert states[0] == states[1] == states[2]
    logs = [sorted(_ids(r)) for r in replicas]
    assert logs[0] == logs[1] == logs[2]
    _every_overwritten_concurrent_value_is_queued(replicas, written)
    for r in replicas:
        r.close()


def _ids(store: Store) -> list[str]:
    with store.read() as cur:
        return [r[0] for r in cur.execute("SELECT id FROM change_log")]


def _every_overwritten_concurrent_value_is_queued(
        replicas: list[Store], written: list[tuple[str, str, object]]) -> None:
    """Every value ever written is current, in some replica's conflict queue, or was
    knowingly overwritten (it lies on the base chain of a later change of that field)."""
    lost: set[tuple[str, str, str]] = set()
    for store in replicas:
        with store.read() as cur:
            lost |= {(r[0], r[1], _norm(r[1], json.loads(r[2])["v"])) for r in cur.execute(
                "SELECT row_id, field, lost_value FROM conflict")}
    with replicas[0].read() as cur:
        log = [(r[0], json.loads(r[1]), json.loads(r[2]), r[3]) for r in cur.execute(
            "SELECT row_id, fields, base, hlc FROM change_log")]
        for row_id, name, written_value in written:
            value = json_value(written_value)
            current = cur.execute(f'SELECT "{name}" FROM household WHERE id = ?',
                                  (row_id,)).fetchone()[0]
            if current == (int(value) if name == "deleted" else value):
                continue
            if (row_id, name, _norm(name, value)) in lost:
                continue
            made = min(h for r, f, _, h in log if r == row_id and f.get(name, None) == value)
            by_hlc = {h: b for r, _, b, h in log if r == row_id}
            informed = False
            for r, f, b, _h in log:
                if r != row_id or name not in f:
                    continue
                link = b.get(name, "")
                while link and not informed:
                    informed = link == made
                    link = by_hlc.get(link, {}).get(name, "")
                if informed:
                    break
            assert informed, (row_id, name, value, dt.datetime.now())


def _norm(name: str, value: Any) -> str:
    # A tombstone flag is stored as 0/1 and travels as false/true.
    return json.dumps(bool(value) if name == "deleted" else value)
