"""The bulk first push (issue 17): the laptop that holds the whole demo county (every row
unpushed in its outbox: a county's roster just imported, a supervisor's merged bundles)
pushes it to an empty real server over loopback HTTP, in one ``sync_once``.

Timed in a fresh process around ``sync_once`` (push, attachments, the pull that follows):
seconds, changes/s, client CPU, peak RSS, and how many changes the pull brought back (0:
no echo). The server is the real ``workteam-server`` with SQLite in its home. The county
is the cached plain one (tests/bench/conftest.py), copied; the copy stays plain (no
keyring: the password is given to the sync, as on a machine without one).

Issue 17 measured the same push before this work at 328.6 s, of which a download of all
3,188,769 of its own changes back was a part.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from benchlib import record

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from serverlib import start_server  # noqa: E402

USER, PASSWORD = "bench", "bench-password-1"

_PUSH = """
import json, sys, time
sys.path.insert(0, "tests/bench")
from benchlib import peak_rss_mb
import keyring
from keyring.backends.fail import Keyring as FailKeyring
keyring.set_keyring(FailKeyring())  # the cached county is plain and stays plain
from workteam_desktop.store import Store, sync_state
from workteam_desktop.store.outbox import pending_count
from workteam_desktop.store.setup import DEMO
from workteam_desktop.sync.account import login
from workteam_desktop.sync.session import sync_once
with Store.open(sys.argv[1]) as store:
    sync_state.set_values(store, {DEMO: None})  # a demo never syncs: this one is the county
    pending = pending_count(store)
    result = login(store, sys.argv[2], sys.argv[3], sys.argv[4])
    t = time.perf_counter(); c = time.process_time()
    report = sync_once(store, result.account, password=sys.argv[4])
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    left = pending_count(store)
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "pending": pending, "left": left,
                  "pushed": report.pushed, "rejected": report.rejected,
                  "pulled": report.pulled, "peak_mb": peak_rss_mb()}))
"""


def test_bulk_first_push_of_the_county(county_home: Path, tmp_path: Path) -> None:
    laptop = tmp_path / "laptop"
    shutil.copytree(county_home, laptop, ignore=shutil.ignore_patterns("complete", "gui.ini"))
    load_before = os.getloadavg()[0]
    with start_server(tmp_path / "server") as server:
        server.add_user(USER, "admin", [], PASSWORD)
        done = subprocess.run([sys.executable, "-c", _PUSH, str(laptop), server.url, USER,
                               PASSWORD], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["left"] == 0 and figures["rejected"] == 0
    assert figures["pushed"] == figures["pending"]
    assert figures["pulled"] == 0  # no echo: nothing of its own comes back
    per_second = figures["pending"] / figures["seconds"]
    record("bulk_first_push", changes=figures["pending"], seconds=round(figures["seconds"], 1),
           changes_per_s=round(per_second), cpu_seconds=round(figures["cpu_seconds"], 1),
           peak_mb=figures["peak_mb"], pulled=figures["pulled"],
           load_before=round(load_before, 2), load_after=round(os.getloadavg()[0], 2))
    print(f"\nbulk first push: {figures['pending']:,} changes in {figures['seconds']:.1f} s "
          f"({per_second:,.0f}/s; client CPU {figures['cpu_seconds']:.1f} s, peak "
          f"{figures['peak_mb']} MB); pulled back {figures['pulled']}; load "
          f"{load_before:.2f} → {os.getloadavg()[0]:.2f}")
