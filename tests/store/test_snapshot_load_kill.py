"""A snapshot load killed with SIGKILL half-way leaves an empty store, with its indexes back,
that loads the snapshot again; a snapshot this program cannot load writes nothing."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from workteam_desktop.domain.hlc import Timestamp
from workteam_desktop.store import Store, bulk_load, row_clock, snapshot_load, sync_state

VILLAGE = "00000000-0000-7000-8000-0000000a0001"
ROWS = 30000  # six progress reports: the kill comes after the first, long before the end


def _snapshot(path: Path, households: int, *, extra: dict | None = None,
              ms: int = 1_700_000_000_000) -> None:
    stamp = Timestamp(ms, 0, "dev-a").encode()
    lines = [{"snapshot": 1, "position": 77, "scope": "*", "rows": households + 1, "changes": 0},
             {"e": "area", "id": VILLAGE, "v": {"code": "140215100201", "name": "东村",
                                                 "level": "village"},
              "c": dict.fromkeys(("code", "name", "level"), stamp)}]
    for i in range(households):
        values = {"number": f"{i:06d}", "head_name": f"户主{i}", "village_id": VILLAGE}
        lines.append({"e": "household", "id": f"00000000-0000-7000-8000-{i:012d}",
                      "v": values, "c": dict.fromkeys(values, stamp)})
    if extra is not None:
        lines.append(extra)
    path.write_bytes(gzip.compress(b"\n".join(orjson.dumps(x) for x in lines) + b"\n"))


_LOAD = """
import sys
from pathlib import Path
from workteam_desktop.store import Store, snapshot_load
def progress(done, total):
    print(done, flush=True)
with Store.open(Path(sys.argv[1])) as store:
    snapshot_load.load(store, Path(sys.argv[2]), progress=progress)
print("done", flush=True)
"""


def _counts(home: Path) -> tuple[int, int, int]:
    with Store.open(home) as store, store.read() as cur:
        return (cur.execute("SELECT count(*) FROM household").fetchone()[0],
                row_clock.loaded_count(cur),
                sync_state.cursor(store))


def test_a_killed_load_leaves_an_empty_store_that_loads_again(tmp_path: Path) -> None:
    snap = tmp_path / "s.ndjson.gz"
    _snapshot(snap, ROWS)
    home = tmp_path / "home"
    Store.open(home).close()
    with Store.open(home) as store, store.read() as cur:
        schema = sorted(tuple(r) for r in cur.execute("SELECT type, name FROM sqlite_master"))
    proc = subprocess.Popen([sys.executable, "-c", _LOAD, str(home), str(snap)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline()  # rows written, not committed
    proc.kill()
    proc.wait()
    assert first.strip().isdigit() and int(first) < ROWS
    assert _counts(home) == (0, 0, 0)  # nothing of it, and the open finished the load
    with Store.open(home) as store:
        assert not bulk_load.pending(store)
        with store.read() as cur:
            assert sorted(tuple(r) for r in cur.execute(
                "SELECT type, name FROM sqlite_master")) == schema
        result = snapshot_load.load(store, snap)
    assert result.rows == ROWS + 1
    assert _counts(home) == (ROWS, ROWS + 1, 77)


@pytest.mark.parametrize("extra", [
    {"e": "visitor_log", "id": "x1", "v": {"a": 1}, "c": {"a": "x"}},  # a type it does not know
    {"e": "household", "id": "h-odd", "v": {"shoe_size": 3}, "c": {"shoe_size": "x"}},
    {"e": "household", "id": "h-no-village", "v": {"number": "1"},  # a required field missing
     "c": {"number": Timestamp(1_700_000_000_000, 1, "dev-a").encode()}},
])
def test_a_snapshot_this_program_cannot_load_writes_nothing(tmp_path: Path, extra: dict) -> None:
    snap = tmp_path / "s.ndjson.gz"
    _snapshot(snap, 10, extra=extra)
    with Store.open(tmp_path / "home") as store:
        with pytest.raises(snapshot_load.SnapshotError):
            snapshot_load.load(store, snap)
        assert not bulk_load.pending(store)
    assert _counts(tmp_path / "home") == (0, 0, 0)
    damaged = tmp_path / "damaged.gz"
    damaged.write_bytes(snap.read_bytes()[:200])
    with Store.open(tmp_path / "home") as store, pytest.raises(snapshot_load.SnapshotError):
        snapshot_load.load(store, damaged)
    assert _counts(tmp_path / "home") == (0, 0, 0)
