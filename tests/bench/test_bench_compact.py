"""A county's store that pulled its county change by change, compacted by migration 0010
(issue 17, step 2): size, upgrade time, daily backup before and after.

The laptop is made from the cached county (conftest.py, 200,000 households with a year of
history, 3,188,769 changes): a copy whose changes are marked received (``origin =
'remote'``, pushed), as the merge logs what it pulls, and whose schema is put back to
0009. Opening it runs the upgrade a real laptop runs: the backup before the upgrade, the
compaction (``store/compact.py``) in the migration's transaction, and the VACUUM that
gives the space back. Measured: the file before and after, the upgrade's seconds (and its
steps') and peak memory (from the upgrade's start), ``make_backup(store, "daily")``
seconds and size before (on the 0009 copy) and after, and that the rows and every field
clock are what they were (a sample of 2,000 households and their members).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchlib import record

import dbfile
from workteam_desktop.store import Store
from workteam_desktop.store.backups import make_backup
from workteam_desktop.store.home import store_path

ROOT = Path(__file__).resolve().parents[2]


def _daily(home: Path) -> tuple[float, int]:
    started = time.perf_counter()
    backup = make_backup(home, "daily")
    seconds = time.perf_counter() - started
    size = backup.stat().st_size
    shutil.rmtree(backup.parent)
    return seconds, size


def _sample(store: Store, ids: list[str]) -> dict[str, object]:
    out: dict[str, object] = {}
    with store.write() as w:
        cur = w.cursor
        for row_id in ids:
            row = cur.execute("SELECT * FROM household WHERE id = ?", (row_id,)).fetchone()
            members = cur.execute("SELECT id FROM member WHERE household_id = ?",
                                  (row_id,)).fetchall()
            out[row_id] = (tuple(row), w.field_clocks("household", row_id),
                           [w.field_clocks("member", m[0]) for m in members])
    return out


# The upgrade in a fresh process (its peak memory its own: a process that ran the set-up's
# UPDATE keeps that memory), its steps timed apart.
_UPGRADE = """
import json, sys, time
sys.path.insert(0, "tests/bench")
from benchlib import peak_rss_mb
from workteam_desktop.store import Store, compact, migrate
steps = {}
def timed(name, fn):
    def run(*args, **kwargs):
        began = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            steps[name] = round(time.perf_counter() - began, 1)
    return run
migrate.backup_file = timed("backup_s", migrate.backup_file)
compact.compact = timed("compact_s", compact.compact)
migrate._give_space_back = timed("vacuum_s", migrate._give_space_back)
began = time.perf_counter()
store = Store.open(sys.argv[1])
seconds = time.perf_counter() - began
print(json.dumps({"upgrade_s": round(seconds, 1), **steps, "upgrade_peak_rss_mb":
                  round(peak_rss_mb()), "revision": migrate.current_revision(store.engine),
                  "backup": str(store.last_backup)}))
store.close()
"""

_AT_0009 = """
import sys
sys.path.insert(0, "tests")
import dbfile
db = dbfile.connect(sys.argv[1])
db.execute("UPDATE change_log SET origin = 'remote', pushed = 1")
db.commit()
db.close()
dbfile.downgrade(sys.argv[1], "0009")
"""


def _python(code: str, *args: object) -> str:
    done = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, check=False,
                          env={**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_migration_compacts_a_county_that_pulled_change_by_change(
        county_home: Path, tmp_path: Path) -> None:
    home = tmp_path / "laptop"
    home.mkdir()
    shutil.copy(store_path(county_home), store_path(home))
    shutil.copy(county_home / "home-id", home / "home-id")
    _python(_AT_0009, store_path(home))
    db = dbfile.connect(store_path(home))
    [(changes,)] = db.execute("SELECT count(*) FROM change_log").fetchall()
    ids = [r[0] for r in db.execute("SELECT id FROM household").fetchall()]
    db.close()
    sample = random.Random(1).sample(ids, 2000)
    with Store.open(county_home) as county:  # the same rows and clocks, nothing written
        expected = _sample(county, sample)
    before_size = store_path(home).stat().st_size
    before_backup = _daily(home)

    upgrade = json.loads(_python(_UPGRADE, home).strip().splitlines()[-1])
    assert upgrade.pop("revision") == "0010"
    shutil.rmtree(Path(upgrade.pop("backup")).parent)  # the copy before the upgrade
    with Store.open(home) as store:
        with store.read() as cur:
            left = cur.execute("SELECT count(*) FROM change_log").fetchone()[0]
            folded = cur.execute("SELECT count(*) FROM compacted_change").fetchone()[0]
            clocks = cur.execute("SELECT count(*) FROM row_clock").fetchone()[0]
        assert _sample(store, sample) == expected
    after_size = store_path(home).stat().st_size
    after_backup = _daily(home)
    figures = {
        "changes": changes, "left_in_log": left, "compacted": folded, "row_clocks": clocks,
        "store_before_mib": round(before_size / 2**20), "store_after_mib": round(after_size / 2**20),
        **upgrade,
        "daily_backup_before_s": round(before_backup[0], 1),
        "daily_backup_before_mib": round(before_backup[1] / 2**20),
        "daily_backup_after_s": round(after_backup[0], 1),
        "daily_backup_after_mib": round(after_backup[1] / 2**20),
    }
    record("compact_migration_county", **figures)
    assert left == 1 and folded == changes - 1
    assert after_size < before_size / 2, figures
