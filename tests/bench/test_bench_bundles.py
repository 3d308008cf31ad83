"""Bundles at scale: export and import of ~1,000,000 changes (on demand, `make bench`).

Source: a demo county of ``WORKTEAM_BENCH_BUNDLE_HOUSEHOLDS`` households (default 68,000:
the demo logs ~14.7 changes per household, so ~1M changes), cached under `.bench-cache/`.
Export and import each run in a fresh subprocess, which reports its own time and peak RSS
(VmHWM, see benchlib.peak_rss_mb), so one phase's memory does not hide the other's.

The import ends with the compaction of the received changes (issue 17, step 2: a store
that logs 20,000 or more), timed apart: ``merge_seconds`` is the import without it.

Targets: export < 30 s; import peak RSS < 500 MB; import speed ratio >= 0.33 against a raw
``sqlite3.executemany`` of the same rows (every change_log row, then every row of every
synced table, into an empty store file of the same schema, one transaction; measured in
the same run). The fuzzer of tests/sync runs ``WORKTEAM_BENCH_FUZZ`` (default 1,000)
mutations here.

Encrypted against plain (issue 16): the same bundle imported into a new encrypted store
and into a new plain one, in fresh processes back to back (``WORKTEAM_BENCH_BUNDLE_PAIRS``
pairs, default 1, the order alternating: plain first in odd pairs); ratio plain time /
encrypted time, target >= 0.8. Bundles need the device keys of a keyring, and with a
keyring the program encrypts every store: the plain store is made (and the cached source
opened) with no keyring, and the in-memory keyring is installed after it is open, so the
plain run differs from the encrypted one in the store's encryption only. The encrypted
import is the one reported as ``bundle_export_import``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from benchlib import CACHE, encrypted_vs_plain, record, use_keyring

from workteam_desktop.store import Store, migrate, sqlite
from workteam_desktop.store.home import store_path

ROOT = Path(__file__).resolve().parents[2]
HOUSEHOLDS = int(os.environ.get("WORKTEAM_BENCH_BUNDLE_HOUSEHOLDS", "68000"))
FUZZ = int(os.environ.get("WORKTEAM_BENCH_FUZZ", "1000"))
PAIRS = int(os.environ.get("WORKTEAM_BENCH_BUNDLE_PAIRS", "1"))

# Subprocesses have no keyring service either: they get an in-memory one, as the tests do.
_PRELUDE = """
import json, sys, time
from pathlib import Path
import keyring
from keyring.backend import KeyringBackend
from keyring.backends.fail import Keyring as FailKeyring
class MemoryKeyring(KeyringBackend):
    priority = 1
    def __init__(self):
        super().__init__(); self.s = {}
    def get_password(self, service, user): return self.s.get((service, user))
    def set_password(self, service, user, pw): self.s[(service, user)] = pw
    def delete_password(self, service, user): self.s.pop((service, user), None)
from workteam_desktop.store import Store
sys.path.insert(0, "tests/bench")
from benchlib import peak_rss_mb as peak_mb
def open_store(home, encrypted):
    # encrypted: a new store gets a key (kept in memory); plain: opened with no keyring
    # (a plain store stays plain), then the keyring for the device keys of bundles.
    keyring.set_keyring(MemoryKeyring() if encrypted else FailKeyring())
    store = Store.open(home)
    assert (store.key is not None) == encrypted
    if not encrypted:
        keyring.set_keyring(MemoryKeyring())
    return store
"""

_EXPORT = _PRELUDE + """
from workteam_desktop.sync.bundle import export_bundle
with open_store(sys.argv[1], False) as store:
    t = time.perf_counter()
    r = export_bundle(store, Path(sys.argv[2]), everything=True)
    seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "changes": r.changes, "peak_mb": peak_mb()}))
"""

_IMPORT = _PRELUDE + """
from workteam_desktop.sync.bundle_import import import_bundle
encrypted = sys.argv[3] == "encrypted"
with open_store(sys.argv[1], encrypted) as store:
    t = time.perf_counter(); c = time.process_time()
    r = import_bundle(store, Path(sys.argv[2]), trust=True)
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "applied": r.applied,
                  "compacted": r.compacted, "compact_seconds": r.compact_seconds,
                  "encrypted": store.key is not None, "peak_mb": peak_mb()}))
"""

_RAW = _PRELUDE + """
import sqlite3
from workteam_desktop.store.models import SYNCED_MODELS
src = sqlite3.connect(sys.argv[1])
changes = src.execute("SELECT id, entity, row_id, fields, base, hlc, device, user "
                      "FROM change_log ORDER BY seq").fetchall()
tables = {}
for m in SYNCED_MODELS:
    t = m.__tablename__
    cols = [r[1] for r in src.execute(f'PRAGMA table_info("{t}")')]
    tables[t] = (cols, src.execute(f'SELECT * FROM "{t}"').fetchall())
dst = sqlite3.connect(sys.argv[2], isolation_level=None)
dst.execute("PRAGMA journal_mode=WAL"); dst.execute("PRAGMA synchronous=NORMAL")
dst.execute("PRAGMA defer_foreign_keys=ON")
t0 = time.perf_counter()
dst.execute("BEGIN IMMEDIATE")
dst.executemany("INSERT INTO change_log (id, entity, row_id, fields, base, hlc, device, user, "
                "origin, pushed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'remote', 1)", changes)
for t, (cols, rows) in tables.items():
    marks = ", ".join("?" for _ in cols)
    names = ", ".join(f'"{c}"' for c in cols)
    dst.executemany(f'INSERT INTO "{t}" ({names}) VALUES ({marks})', rows)
dst.execute("COMMIT")
print(json.dumps({"seconds": time.perf_counter() - t0, "rows": len(changes)}))
"""


def _run(code: str, *args: object) -> dict:
    done = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def bundle_source() -> Path:
    """A demo home of ~1M changes (cached between runs)."""
    from workteam_desktop.demo import generate

    home = CACHE / f"bundle-source-{HOUSEHOLDS}-seed1-{migrate.head_revision()}"
    if (home / "complete").exists() and not sqlite.is_plain(store_path(home)):
        (home / "complete").unlink()  # encrypted by a run with a keyring, its key since lost
    if not (home / "complete").exists():
        shutil.rmtree(home, ignore_errors=True)
        with use_keyring(None), Store.open(home) as store:  # plain: the raw baseline reads it
            generate(store, households=HOUSEHOLDS, seed=1)
        (home / "complete").write_text("ok")
    return home


def _import(receiver: Path, bundle: Path, mode: str) -> dict:
    """Import ``bundle`` into a new store (``mode``: "encrypted" or "plain") made by a fresh
    process: its figures, with ``process_seconds`` the whole process's."""
    started = time.perf_counter()
    imported = _run(_IMPORT, receiver, bundle, mode)
    imported["process_seconds"] = time.perf_counter() - started
    assert imported["encrypted"] == (mode == "encrypted")
    shutil.rmtree(receiver)
    return imported


def test_bundle_export_import_million(bundle_source: Path, tmp_path: Path) -> None:
    out = tmp_path / "county.wtb"
    exported = _run(_EXPORT, bundle_source, out)
    baseline_home = tmp_path / "raw"
    with use_keyring(None):
        Store.open(baseline_home).close()  # plain: sqlite3 writes it
    load_before = os.getloadavg()[0]
    runs: dict[str, list[dict]] = {"encrypted": [], "plain": []}
    for i in range(PAIRS):
        for mode in ("plain", "encrypted") if i % 2 == 0 else ("encrypted", "plain"):
            runs[mode].append(_import(tmp_path / f"receiver-{mode}-{i}", out, mode))
    imported = runs["encrypted"][0]
    raw = _run(_RAW, bundle_source / "workteam.sqlite3", baseline_home / "workteam.sqlite3")
    shutil.rmtree(baseline_home)
    n = exported["changes"]
    figures = {
        "changes": n, "bundle_mb": round(out.stat().st_size / 2**20, 1),
        "export_seconds": round(exported["seconds"], 1),
        "export_peak_rss_mb": round(exported["peak_mb"], 1),
        "import_seconds": round(imported["seconds"], 1),
        "import_process_seconds": round(imported["process_seconds"], 1),
        "import_changes_per_second": round(n / imported["seconds"]),
        "raw_executemany_seconds": round(raw["seconds"], 1),
        "raw_rows_per_second": round(n / raw["seconds"]),
        "ratio_to_raw": round(raw["seconds"] / imported["seconds"], 3),
        # The compaction that follows the merge (a county's store, store/compact.py):
        "compacted": imported["compacted"],
        "compact_seconds": round(imported["compact_seconds"], 1),
        "merge_seconds": round(imported["seconds"] - imported["compact_seconds"], 1),
        "merge_ratio_to_raw": round(
            raw["seconds"] / (imported["seconds"] - imported["compact_seconds"]), 3),
        "import_peak_rss_mb": round(imported["peak_mb"], 1),
        "load_1min": round(os.getloadavg()[0], 2),
    }
    record("bundle_export_import", **figures)
    record("bundle_import_encrypted_vs_plain", households=HOUSEHOLDS, changes=n,
           pairs=PAIRS, **encrypted_vs_plain(runs),
           raw_executemany_seconds=round(raw["seconds"], 1),
           load_1min_before=round(load_before, 2), load_1min=round(os.getloadavg()[0], 2))
    assert all(r["applied"] == n for v in runs.values() for r in v)
    assert exported["seconds"] < 30
    assert imported["peak_mb"] < 500


def test_bundle_fuzz_long() -> None:
    """The tests/sync fuzzer at benchmark length."""
    env = {**os.environ, "WORKTEAM_FUZZ_MUTATIONS": str(FUZZ), "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
         "tests/sync/test_bundle_bad_input.py::test_fuzzed_bundles_are_refused_or_imported_correctly"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:]
    line = next((x for x in done.stdout.splitlines() if "fuzz outcomes" in x), "")
    record("bundle_fuzz", mutations=FUZZ, seconds=round(time.perf_counter() - started, 1),
           outcomes=line.split("fuzz outcomes", 1)[-1].strip())
