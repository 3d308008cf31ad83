"""The encrypted store against the plain one, measured in the same run (issue 16).

- write path: the demo county of ``HOUSEHOLDS`` households generated into a plain home
  (no keyring: the program keeps a plain file) and into an encrypted one; ratio plain
  time / encrypted time, target >= 0.8;
- household search p95 on the encrypted county (target < 50 ms);
- the one-time encryption in place of the plain county: time and peak disk (the plain
  file and its encrypted copy side by side).

``WORKTEAM_BENCH_HOUSEHOLDS`` sets the size (default 50,000; the issue's county is 200,000).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import statistics
import time
from pathlib import Path

import keyring
from benchlib import record
from keyring.backends.fail import Keyring as FailKeyring

from workteam_desktop.demo import generate
from workteam_desktop.store import Store, sqlite
from workteam_desktop.store.encrypt import encrypt_home
from workteam_desktop.store.home import store_path
from workteam_desktop.store.households import HouseholdFilter, list_households

HOUSEHOLDS = int(os.environ.get("WORKTEAM_BENCH_HOUSEHOLDS", "50000"))
TODAY = dt.date(2025, 6, 15)


def _generate(home: Path) -> float:
    store = Store.open(home)
    started = time.perf_counter()
    generate(store, HOUSEHOLDS, seed=1, today=TODAY)
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed


def _size(home: Path) -> int:
    return sum(p.stat().st_size for p in home.rglob("*") if p.is_file())


def test_encrypted_store_against_plain(tmp_path: Path) -> None:
    encrypted_s = _generate(tmp_path / "encrypted")
    assert not sqlite.is_plain(store_path(tmp_path / "encrypted"))
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())  # no keyring: the program keeps a plain file
    try:
        plain_s = _generate(tmp_path / "plain")
    finally:
        keyring.set_keyring(previous)
    assert sqlite.is_plain(store_path(tmp_path / "plain"))

    rng = random.Random(7)
    with Store.open(tmp_path / "encrypted") as store:
        rows = list_households(store, limit=2000)
        queries = [rng.choice(rows)["head_name"][:2] for _ in range(100)] + \
                  [rng.choice(rows)["number"][-6:] for _ in range(100)]
        times = []
        for q in queries:
            started = time.perf_counter()
            list_households(store, HouseholdFilter(search=q), limit=50)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()

    migrated = tmp_path / "migrated"
    shutil.copytree(tmp_path / "plain", migrated)
    plain_bytes = store_path(migrated).stat().st_size
    peak = [0]

    def progress(done: int, total: int) -> bool:
        peak[0] = max(peak[0], plain_bytes + done)
        return False

    started = time.perf_counter()
    encrypt_home(migrated, progress)
    migrate_s = time.perf_counter() - started
    assert not sqlite.is_plain(store_path(migrated))

    record("encrypted_store", households=HOUSEHOLDS,
           write_plain_s=round(plain_s, 2), write_encrypted_s=round(encrypted_s, 2),
           write_ratio=round(plain_s / encrypted_s, 3), write_target=0.8,
           search_p50_ms=round(statistics.median(times), 2),
           search_p95_ms=round(times[int(0.95 * (len(times) - 1))], 2), search_target_ms=50,
           store_plain_mb=round(_size(tmp_path / "plain") / 2**20, 1),
           store_encrypted_mb=round(_size(tmp_path / "encrypted") / 2**20, 1),
           migrate_s=round(migrate_s, 2), migrate_peak_disk_mb=round(peak[0] / 2**20, 1))
