"""Incremental sync (issue 5): a laptop pushes and pulls 10 or 100 new changes against a real
server that already holds the 600-household demo county. Targets: p50 < 50 ms (10 changes),
p50 < 80 ms (100 changes).

Untimed set-up: laptop A (the demo county) pushes everything; laptop B pulls everything.
Timed, per run: A edits n households (untimed), then ``sync_once(A)`` — log in by the kept
refresh token, push the n changes, pull (its own n come back and are skipped by id), the
attachment and form checks — and then ``sync_once(B)``, which pulls and applies the n changes.
Over loopback HTTP to ``workteam-server`` (SQLite), in this process.

``compacting``: the laptops compact received changes on every merge (``store/compact.py``;
a county's store does once it logs 20,000 of them): laptop B's pull then also folds the n
changes it applied into their row clocks.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

import pytest
from benchlib import record

from workteam_desktop.store import Store
from workteam_desktop.store.models import Household
from workteam_desktop.sync.account import login
from workteam_desktop.sync.session import sync_once

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from serverlib import start_server  # noqa: E402
from workteam_desktop.store import compact, sync_state  # noqa: E402
from workteam_desktop.store.setup import DEMO  # noqa: E402

RUNS = 60
USER, PASSWORD = "bench", "bench-password-1"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@pytest.mark.parametrize("compacting", [False, True], ids=["", "compacting"])
@pytest.mark.parametrize("n", [10, 100])
def test_incremental_sync(tmp_path: Path, demo_copy, n: int, compacting: bool,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    if compacting:
        monkeypatch.setattr(compact, "COMPACT_AT", 0)
    rng = random.Random(n)
    with start_server(tmp_path / "server") as server:
        server.add_user(USER, "admin", "", PASSWORD)
        a = Store.open(demo_copy(600, name="a"))
        sync_state.set_values(a, {DEMO: None})  # its data as a real county's: demo homes never sync
        b = Store.open(tmp_path / "b")
        acc_a = login(a, server.url, USER, PASSWORD).account
        acc_b = login(b, server.url, USER, PASSWORD).account
        first = sync_once(a, acc_a)
        sync_once(b, acc_b)
        with a.read() as cur:
            ids = [r[0] for r in cur.execute("SELECT id FROM household")]

        both, push_pull, pull_only, cpu = [], [], [], []
        for run in range(RUNS):
            with a.write() as w:
                for hid in rng.sample(ids, n):
                    w.update(Household, hid, {"note": f"第{run}次走访"})
            t0, c0 = time.perf_counter(), time.process_time()
            ra = sync_once(a, acc_a)
            t1 = time.perf_counter()
            cpu.append((time.process_time() - c0) * 1000)  # the laptop's share of the time
            rb = sync_once(b, acc_b)
            t2 = time.perf_counter()
            assert (ra.pushed, rb.applied) == (n, n)
            push_pull.append((t1 - t0) * 1000)
            pull_only.append((t2 - t1) * 1000)
            both.append((t2 - t0) * 1000)
        a.close()
        b.close()
    record(f"incremental_sync_{n}" + ("_compacting" if compacting else ""), changes=n,
           runs=RUNS, server_holds=first.pushed,
           push_and_pull_p50_ms=round(statistics.median(push_pull), 1),
           push_and_pull_p95_ms=round(_pct(push_pull, 0.95), 1),
           other_laptop_pull_p50_ms=round(statistics.median(pull_only), 1),
           other_laptop_pull_p95_ms=round(_pct(pull_only, 0.95), 1),
           push_and_pull_client_cpu_p50_ms=round(statistics.median(cpu), 1),
           target_p50_ms=50 if n == 10 else 80)
