"""The encrypted store against the plain one, measured in the same run (issue 16).

- write path: the demo county of ``HOUSEHOLDS`` households generated into a plain home
  (no keyring: the program keeps a plain file) and into an encrypted one; ratio plain
  time / encrypted time, target >= 0.8;
- household search p95 on the encrypted county (target < 50 ms);
- the one-time encryption in place of the plain county: time and peak disk (the plain
  file and its encrypted copy side by side);
- the daily backup (``make_backup(store, "daily")`` on the open store, as at the first
  start of a day: copy, integrity check, fsync) of the cached county (conftest.py, 200,000
  households) plain and encrypted: seconds and size, each twice (plain, encrypted,
  encrypted, plain); the backups are removed afterwards.

``WORKTEAM_BENCH_HOUSEHOLDS`` sets the size (default 50,000 for the first test; the issue's
county is 200,000, the cached county's default).
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
from benchlib import county_keyring, record, use_keyring
from keyring.backends.fail import Keyring as FailKeyring

from workteam_desktop.demo import generate
from workteam_desktop.store import Store, sqlite
from workteam_desktop.store.backups import make_backup
from workteam_desktop.store.encrypt import encrypt_home
from workteam_desktop.store.home import backups_dir, store_path
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


def _daily_backup(home: Path, keyring_file: Path | None) -> dict:
    """One daily backup of ``home`` opened with that keyring (None: none); removed after."""
    folder = backups_dir(home)
    made_folder = not folder.exists()
    with use_keyring(keyring_file), Store.open(home) as store:
        encrypted = store.key is not None
        with store.read() as cur:
            households = cur.execute("SELECT count(*) FROM household").fetchone()[0]
        started, cpu = time.perf_counter(), time.process_time()
        backup = make_backup(store, "daily")
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    try:
        assert sqlite.is_plain(backup) is not encrypted
        return {"seconds": seconds, "cpu_seconds": cpu, "bytes": backup.stat().st_size,
                "encrypted": encrypted, "households": households,
                "store_bytes": store_path(home).stat().st_size}
    finally:
        backup.unlink(missing_ok=True)
        if made_folder:
            shutil.rmtree(folder, ignore_errors=True)


def test_daily_backup_plain_and_encrypted(county_home: Path, encrypted_county_home: Path) -> None:
    homes = {"plain": (county_home, None),
             "encrypted": (encrypted_county_home, county_keyring(encrypted_county_home))}
    load_before = os.getloadavg()[0]
    runs: dict[str, list[dict]] = {"plain": [], "encrypted": []}
    for kind in ("plain", "encrypted", "encrypted", "plain"):
        runs[kind].append(_daily_backup(*homes[kind]))
    assert not any(r["encrypted"] for r in runs["plain"])
    assert all(r["encrypted"] for r in runs["encrypted"])
    median = {k: statistics.median(r["seconds"] for r in v) for k, v in runs.items()}
    record("daily_backup_encrypted", households=runs["encrypted"][0]["households"],
           plain_s=round(median["plain"], 2), encrypted_s=round(median["encrypted"], 2),
           ratio_plain_to_encrypted=round(median["plain"] / median["encrypted"], 3),
           plain_runs_s=[round(r["seconds"], 2) for r in runs["plain"]],
           encrypted_runs_s=[round(r["seconds"], 2) for r in runs["encrypted"]],
           plain_cpu_s=[round(r["cpu_seconds"], 2) for r in runs["plain"]],
           encrypted_cpu_s=[round(r["cpu_seconds"], 2) for r in runs["encrypted"]],
           plain_backup_mb=round(runs["plain"][0]["bytes"] / 2**20, 1),
           encrypted_backup_mb=round(runs["encrypted"][0]["bytes"] / 2**20, 1),
           plain_store_mb=round(runs["plain"][0]["store_bytes"] / 2**20, 1),
           encrypted_store_mb=round(runs["encrypted"][0]["store_bytes"] / 2**20, 1),
           load_average_before=round(load_before, 2),
           load_average=round(os.getloadavg()[0], 2))
    assert runs["plain"][0]["households"] == runs["encrypted"][0]["households"]
