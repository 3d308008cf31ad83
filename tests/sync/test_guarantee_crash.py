"""Crash safety: ``workteam sync`` killed with SIGKILL at random moments of a large sync (the
600-household demo county pushed by one laptop, pulled by another), many times. After every
kill the store passes ``PRAGMA integrity_check``; afterwards the sync completes and every
change is on the server and on both laptops exactly once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from synclib import PASSWORD, server_changes, synced_tables

import dbfile
from faultproxy import FaultProxy
from serverlib import start_server
from store_content import schema
from workteam_desktop.store import Store
from workteam_desktop.store.models import Household

KILLS = 20  # trials whose process was really killed mid-way
ADMIN = "county-admin"


def _workteam(*args: object) -> subprocess.Popen[str]:
    """``workteam ARGS`` as its own process, with the tests' keyring (the store's key is
    there; the machine's real keyring is never touched) and the password on stdin."""
    env = dict(os.environ)
    process = subprocess.Popen([sys.executable, "-m", "workteam_desktop", *map(str, args)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    assert process.stdin is not None
    process.stdin.write(PASSWORD + "\n")
    process.stdin.close()
    process.stdin = None  # written and closed: communicate() must not flush it again
    return process


def _finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def _integrity(home: Path) -> str:
    db = dbfile.connect(home / "workteam.sqlite3")
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def _edit(home: Path, rng: random.Random) -> None:
    """More local work, so that every push trial has something to send."""
    with Store.open(home) as store:
        with store.read() as cur:
            ids = [r[0] for r in cur.execute("SELECT id FROM household LIMIT 2000")]
        with store.write() as w:
            for hid in rng.sample(ids, k=300):
                w.update(Household, hid, {"note": f"走访{rng.randrange(10**6)}"})


@pytest.mark.slow
def test_kill_9_during_sync_never_damages_the_store(tmp_path, demo_copy) -> None:
    rng = random.Random(9)
    a, b = demo_copy(600, name="a"), tmp_path / "b"
    # Its data as a real county's: a demo home refuses every server (test_client_cli.py).
    with dbfile.connect(a / "workteam.sqlite3") as db:
        db.execute("DELETE FROM sync_state WHERE key = 'demo'")
    with start_server(tmp_path / "server") as server:
        server.add_user(ADMIN, "admin", "", PASSWORD)
        # The laptops reach the server through a (never cutting) proxy, which tells when a
        # sync process has started talking: the crash moment is counted from there.
        proxy = FaultProxy(server.port).start()
        for home in (a, b):
            code, _out, err = _finish(_workteam("login", "--home", home, "--server", proxy.url,
                                                "--user", ADMIN, "--password-stdin"))
            assert code == 0, err
        kills = trials = 0
        # The crash moment is drawn from the length of a sync as measured here: a fixed window
        # would let a fast machine finish every sync before the kill (and test nothing).
        horizon = 3.0
        while kills < KILLS:
            trials += 1
            assert trials <= 3 * KILLS, "the sync finished before every kill: make it larger"
            home = a if trials % 2 else b
            if home == a:
                _edit(a, rng)
            proxy.connected.clear()
            process = _workteam("sync", "--home", home, "--password-stdin")
            assert proxy.connected.wait(120), "the sync process never connected"
            started = time.monotonic()
            try:
                process.wait(timeout=rng.uniform(0.0, horizon))  # the random moment of the crash
                horizon = max(0.05, 0.9 * (time.monotonic() - started))
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGKILL)
                kills += 1
            code, _out, err = _finish(process)
            assert code in (0, -signal.SIGKILL), err
            assert _integrity(home) == "ok"

        for home in (a, b, a):
            code, out, err = _finish(_workteam("sync", "--home", home, "--password-stdin"))
            assert code == 0, err
            assert out.startswith("上传")
        on_server = Counter(c["id"] for c in server_changes(server.url, ADMIN))
        assert max(on_server.values()) == 1  # nothing stored twice
        with Store.open(a) as sa, Store.open(b) as sb:
            with sa.read() as cur:
                local = {r[0] for r in cur.execute("SELECT id FROM change_log")}
                assert cur.execute("SELECT count(*) FROM change_log WHERE pushed != 1"
                                   ).fetchone()[0] == 0
            with sb.read() as cur:
                received = [r[0] for r in cur.execute("SELECT id FROM change_log")]
                # b's first syncs were bulk loads cut by kills: the next open rebuilt every
                # index and trigger they went without, and the facts of every household.
                assert schema(b) == schema(a)
                assert cur.execute("SELECT count(*) FROM household_facts").fetchone()[0] == \
                    cur.execute("SELECT count(*) FROM household").fetchone()[0]
            assert set(on_server) == local == set(received)
            assert synced_tables(sa) == synced_tables(sb)
        proxy.stop()
