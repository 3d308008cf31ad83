"""workteam's first sync against PouchDB's on the same households (issue 17).

PouchDB side (tests/bench/pouchdb, Node): PouchDB 9 with the leveldb adapter on disk on
both sides, the server express-pouchdb (mode minimumForPouchDB) in a node subprocess on a
free loopback port. The documents: one per household of the demo county, its members and
income rows embedded (tests/bench/pouchdb_docs.py). Timed: a new, empty local database
replicating everything from the server (``db.replicate.from``: *pull*) and a local
database holding every document (loaded untimed) replicating to an empty server database
(``db.replicate.to``: *push*), each with PouchDB's default ``batch_size`` (100) and with
1,000; the comparison takes the better of the two.

workteam side: the real ``workteam-server`` (tests/serverlib.py, SQLite), the laptop a fresh
process timed around ``sync_once``:
- pull: a new, empty laptop pulls the households part (area, household, member, income) and,
  as a second figure, the whole county with its year of history, from a server loaded with
  the county's changes (test_bench_first_sync's loader, cached under .bench-cache/);
- push: a laptop holding the same records with their changes in the outbox, unpushed (the
  generated county's change log and rows, same ids, clocks and fields, copied into a new
  encrypted store), logs in to an empty server and syncs.

Ratios: PouchDB time / workteam time; targets pull >= 2, push >= 1.

``WORKTEAM_BENCH_HOUSEHOLDS`` sets the size (default 20,000). Needs ``node`` and ``npm``
(skipped without them); installs tests/bench/pouchdb/node_modules with ``npm ci`` when
missing. Run:

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest tests/bench/test_bench_pouchdb.py \
        -p no:cacheprovider -s -o addopts=""
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import keyring
import pytest
from benchlib import CACHE, record
from keyring.backends.fail import Keyring as FailKeyring
from pouchdb_docs import write_docs
from test_bench_first_sync import PARTS, PASSWORD, USER, _load_server, county_part

import dbfile
from workteam_desktop.store import Store, migrate
from workteam_desktop.store.home import store_path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from serverlib import RunningServer, start_server  # noqa: E402

HOUSEHOLDS = int(os.environ.get("WORKTEAM_BENCH_HOUSEHOLDS", "20000"))
TODAY = dt.date(2025, 6, 15)
NODE_DIR = Path(__file__).resolve().parent / "pouchdb"
BATCH_SIZES = (100, 1000)  # PouchDB's default batch_size, and a tuned one
TARGET_PULL, TARGET_PUSH = 2.0, 1.0

# The laptop: a fresh process, timed around sync_once. The keyring is the tests' file
# keyring (PYTHON_KEYRING_BACKEND, set by tests/conftest.py): it holds the store keys of
# the homes made by this test. Each phase's first and last progress call is noted, so the
# time is split between push, pull and the index build; the server's CPU seconds over the
# same span are read from /proc (its pid is the fifth argument).
_SYNC = """
import json, os, sys, time
sys.path.insert(0, "tests/bench")
from benchlib import peak_rss_mb
from workteam_desktop.store import Store
from workteam_desktop.sync.account import login
from workteam_desktop.sync.session import sync_once
def server_cpu():  # CPU seconds of the server process so far (Linux /proc)
    with open(f"/proc/{sys.argv[5]}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
phases = {}
def progress(done, total, phase):
    at = time.perf_counter() - started
    phases.setdefault(phase, [at, at])[1] = at
with Store.open(sys.argv[1]) as store:
    account = login(store, sys.argv[2], sys.argv[3], sys.argv[4]).account
    server = server_cpu(); started = time.perf_counter(); cpu = time.process_time()
    report = sync_once(store, account, progress=progress)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    server = server_cpu() - server
    with store.read() as cur:
        households = cur.execute("SELECT count(*) FROM household").fetchone()[0]
        changes = cur.execute("SELECT count(*) FROM change_log").fetchone()[0]
        unsent = cur.execute("SELECT count(*) FROM change_log "
                             "WHERE origin = 'local' AND pushed = 0").fetchone()[0]
counts = {k: v for k, v in report.as_dict().items() if isinstance(v, int)}
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "server_cpu_seconds": server,
                  **counts, "households": households, "changes": changes, "unsent": unsent,
                  "phases": phases, "peak_mb": peak_rss_mb()}))
"""


# ---------------------------------------------------------------- set-up


def _county() -> Path:
    """The demo county of HOUSEHOLDS households (seed 1, today 2025-06-15), generated once
    into a plain store (no keyring: it opens in any later run) and cached."""
    from workteam_desktop.demo import generate

    home = CACHE / f"pouchdb-county-{HOUSEHOLDS}-seed1-{TODAY:%Y%m%d}-{migrate.head_revision()}"
    if (home / "complete").exists():
        return home
    shutil.rmtree(home, ignore_errors=True)
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())  # no keyring: the program keeps a plain file
    try:
        started = time.perf_counter()
        with Store.open(home) as store:
            counts = generate(store, HOUSEHOLDS, seed=1, today=TODAY)
        record("pouchdb_bench_county", households=HOUSEHOLDS,
               seconds=round(time.perf_counter() - started, 1), rows=counts)
    finally:
        keyring.set_keyring(previous)
    (home / "complete").write_text("ok")
    return home


def _node_ready() -> None:
    """node and npm on PATH (else skip), and the packages installed (npm ci when missing)."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not found: the PouchDB comparison needs Node.js "
                    "20 and npm (apt-get install nodejs npm)")
    if not (NODE_DIR / "node_modules" / "pouchdb").is_dir() or \
            not (NODE_DIR / "node_modules" / "express-pouchdb").is_dir():
        command = ["npm", "ci" if (NODE_DIR / "package-lock.json").exists() else "install",
                   "--no-audit", "--no-fund"]
        done = subprocess.run(command, cwd=NODE_DIR, capture_output=True, text=True,
                              timeout=900, check=False)
        assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stderr[-3000:]}"


class PouchServer:
    """express-pouchdb (tests/bench/pouchdb/server.js) in a node subprocess on 127.0.0.1."""

    def __init__(self, data: Path) -> None:
        self.process = subprocess.Popen(
            ["node", str(NODE_DIR / "server.js"), "--dir", str(data), "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.log: list[str] = []
        self.port = 0
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.log.append(line)
            if line.startswith("{") and "listening" in line:
                self.port = int(json.loads(line)["listening"])
                break
        else:
            self.process.wait()
            raise RuntimeError("express-pouchdb did not start:\n" + "".join(self.log[-30:]))
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.log.append(line)

    @property
    def pid(self) -> str:
        return str(self.process.pid)

    def url(self, db: str) -> str:
        return f"http://127.0.0.1:{self.port}/{db}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _node(*args: str) -> dict:
    """Run replicate.js; its JSON answer."""
    done = subprocess.run(["node", str(NODE_DIR / "replicate.js"), *args], cwd=NODE_DIR,
                          capture_output=True, text=True, timeout=3600, check=False)
    assert done.returncode == 0, f"replicate.js {args[0]} failed:\n{done.stderr[-3000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def _sync(laptop: Path, server: RunningServer) -> dict:
    """Log in and run sync_once in a fresh process; its figures."""
    assert server.process is not None
    done = subprocess.run([sys.executable, "-c", _SYNC, str(laptop), server.url, USER, PASSWORD,
                           str(server.process.pid)],
                          capture_output=True, text=True, cwd=ROOT, timeout=3600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _push_home(county: Path, entities: tuple[str, ...], target: Path) -> int:
    """A new (encrypted) home holding ``entities``' rows of the county and their changes,
    all in the outbox (origin local, unsent): the same change ids, clocks and fields as
    generated. The number of changes."""
    changes, tables = county_part(county, entities)
    Store.open(target).close()
    dst = dbfile.connect(store_path(target), isolation_level=None)
    dst.execute("PRAGMA defer_foreign_keys=ON")
    dst.execute("BEGIN IMMEDIATE")
    dst.executemany("INSERT INTO change_log (id, entity, row_id, fields, base, hlc, device, "
                    "user, origin, pushed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'local', 0)", changes)
    for entity, (cols, rows) in tables.items():
        names = ", ".join(f'"{c}"' for c in cols)
        dst.executemany(f'INSERT INTO "{entity}" ({names}) VALUES ({", ".join("?" * len(cols))})',
                        rows)
    dst.execute("COMMIT")
    dst.close()
    return len(changes)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _phases(result: dict) -> dict[str, float]:
    """Seconds spent in each phase of the sync (from one phase's start to the next's)."""
    starts = sorted((at[0], name) for name, at in result["phases"].items())
    out = {}
    for i, (at, name) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else result["seconds"]
        out[name] = round(end - at, 2)
    return out


# ---------------------------------------------------------------- the measurements


def _pouchdb(docs: Path, tmp: Path) -> dict[str, dict]:
    server = PouchServer(tmp / "pouch-server")
    try:
        loaded = _node("load", "--db", server.url("households"), "--file", str(docs))
        results: dict[str, dict] = {}
        for size in BATCH_SIZES:
            pull = _node("pull", "--url", server.url("households"),
                         "--local", str(tmp / f"pouch-pull-{size}"), "--batch-size", str(size),
                         "--server-pid", server.pid)
            assert pull["ok"] and pull["doc_count"] == loaded["docs"], pull
            push = _node("push", "--file", str(docs), "--local", str(tmp / f"pouch-push-{size}"),
                         "--url", server.url(f"push-{size}"), "--batch-size", str(size),
                         "--server-pid", server.pid)
            assert push["ok"] and push["doc_count"] == loaded["docs"], push
            results[f"pull_{size}"], results[f"push_{size}"] = pull, push
            record("pouchdb_first_sync", households=HOUSEHOLDS, batch_size=size,
                   docs=loaded["docs"], pull_s=round(pull["seconds"], 2),
                   push_s=round(push["seconds"], 2),
                   pull_cpu_s=round(pull["cpu_seconds"], 2),
                   pull_server_cpu_s=_round(pull["server_cpu_seconds"]),
                   push_cpu_s=round(push["cpu_seconds"], 2),
                   push_server_cpu_s=_round(push["server_cpu_seconds"]),
                   load_1min=round(os.getloadavg()[0], 2))
    finally:
        server.stop()
    return results


def _workteam_pull(county: Path, tmp: Path, part: str) -> dict:
    server = start_server(_load_server(county, part))
    try:
        # The scope's snapshot (with its store file) is built once and reused by the next
        # laptops: built here, timed apart (a cached server home may have it already).
        with server.client(USER, PASSWORD, device="bench-warm") as c:
            started = time.perf_counter()
            c.get("/api/v1/snapshot", params={"store": migrate.HEAD_REVISION},
                  timeout=1800).raise_for_status()
            snapshot_seconds = time.perf_counter() - started
        laptop = tmp / f"wt-pull-{part}"
        Store.open(laptop).close()
        result = _sync(laptop, server)
    finally:
        server.stop()
    # Every row arrived once: loaded from the snapshot (no change logged for it), or the
    # changes of the rows it could not make merged after it.
    assert result["rejected"] == 0 and result["applied"] == result["changes"], result
    assert result["snapshot_rows"] > 0 and result["households"] == HOUSEHOLDS, result
    assert result["snapshot_copied"], result  # its store file copied, not the lines loaded
    record("pouchdb_workteam_pull", households=HOUSEHOLDS, part=part, changes=result["changes"],
           snapshot_rows=result["snapshot_rows"], snapshot_copied=result["snapshot_copied"],
           snapshot_answer_seconds=round(snapshot_seconds, 2),
           seconds=round(result["seconds"], 2), cpu_seconds=round(result["cpu_seconds"], 2),
           server_cpu_seconds=round(result["server_cpu_seconds"], 2),
           pulled=result["pulled"], phases=_phases(result),
           peak_rss_mb=round(result["peak_mb"], 1), load_1min=round(os.getloadavg()[0], 2))
    return result


def _workteam_push(county: Path, tmp: Path, part: str) -> dict:
    laptop = tmp / f"wt-push-{part}"
    changes = _push_home(county, PARTS[part], laptop)
    server = start_server(tmp / f"wt-push-server-{part}")
    try:
        server.add_user(USER, "admin", [], PASSWORD)
        result = _sync(laptop, server)
    finally:
        server.stop()
    assert result["rejected"] == 0 and result["unsent"] == 0, result
    assert result["pushed"] + result["duplicates"] == changes, (changes, result)
    record("pouchdb_workteam_push", households=HOUSEHOLDS, part=part, changes=changes,
           seconds=round(result["seconds"], 2), cpu_seconds=round(result["cpu_seconds"], 2),
           server_cpu_seconds=round(result["server_cpu_seconds"], 2),
           pushed=result["pushed"], pulled_back=result["pulled"],
           restamped=result["restamped"], phases=_phases(result),
           peak_rss_mb=round(result["peak_mb"], 1), load_1min=round(os.getloadavg()[0], 2))
    return result


def test_first_sync_against_pouchdb(tmp_path: Path) -> None:
    _node_ready()
    county = _county()
    docs = tmp_path / "households.jsonl"
    doc_stats = write_docs(county, docs)
    assert doc_stats["docs"] == HOUSEHOLDS

    load_start = os.getloadavg()  # as the measurements begin (others' work and ours)
    pouch = _pouchdb(docs, tmp_path)
    wt_pull: dict[str, dict] = {}
    wt_push: dict[str, dict] = {}
    for part in PARTS:  # the households first: the figures compared, near PouchDB's in time
        wt_pull[part] = _workteam_pull(county, tmp_path, part)
        wt_push[part] = _workteam_push(county, tmp_path, part)

    pull_best = min(pouch[f"pull_{s}"]["seconds"] for s in BATCH_SIZES)
    push_best = min(pouch[f"push_{s}"]["seconds"] for s in BATCH_SIZES)
    ratios = {
        f"{way}_ratio_{part}": round(best / wt[part]["seconds"], 2)
        for way, best, wt in (("pull", pull_best, wt_pull), ("push", push_best, wt_push))
        for part in PARTS}
    figures = {
        "households": HOUSEHOLDS, "docs": doc_stats["docs"],
        "doc_average_bytes": doc_stats["average_bytes"],
        **{f"pouchdb_{way}_{s}_s": round(pouch[f"{way}_{s}"]["seconds"], 2)
           for way in ("pull", "push") for s in BATCH_SIZES},
        **{f"workteam_pull_{p}_s": round(wt_pull[p]["seconds"], 2) for p in PARTS},
        **{f"workteam_push_{p}_s": round(wt_push[p]["seconds"], 2) for p in PARTS},
        **{f"workteam_changes_{p}": wt_pull[p]["changes"] for p in PARTS},
        **ratios, "target_pull_ratio": TARGET_PULL, "target_push_ratio": TARGET_PUSH,
        "load_1min_start": round(load_start[0], 2), "load_1min_end": round(os.getloadavg()[0], 2),
    }
    record("pouchdb_comparison", **figures)

    rows = [("PouchDB 9 / express-pouchdb", "", "")]
    rows += [(f"  batch_size {s}", f"{pouch[f'pull_{s}']['seconds']:.2f}",
              f"{pouch[f'push_{s}']['seconds']:.2f}") for s in BATCH_SIZES]
    rows += [("workteam", "", "")]
    rows += [(f"  {p} ({wt_pull[p]['changes']:,} changes)", f"{wt_pull[p]['seconds']:.2f}",
              f"{wt_push[p]['seconds']:.2f}") for p in PARTS]
    rows += [("ratio PouchDB best / workteam", "", "")]
    rows += [(f"  {p}", f"{ratios[f'pull_ratio_{p}']:.2f}", f"{ratios[f'push_ratio_{p}']:.2f}")
             for p in PARTS]
    rows += [("  target", f">= {TARGET_PULL:g}", f">= {TARGET_PUSH:g}")]
    print(f"\nFirst sync, {HOUSEHOLDS:,} households ({doc_stats['average_bytes']} bytes a "
          f"document), load {load_start[0]:.2f} -> {os.getloadavg()[0]:.2f}")
    print(f"{'':36} {'pull s':>9} {'push s':>9}")
    for name, pull_s, push_s in rows:
        print(f"{name:36} {pull_s:>9} {push_s:>9}")
