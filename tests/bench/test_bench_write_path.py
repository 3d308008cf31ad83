"""Insert throughput of the store's write path (with change logging) against raw SQLite.

Baseline: `sqlite3.executemany` of the very same household rows into a file with the same
table, indexes and search-index triggers as the store (same PRAGMAs, one transaction) but
no change log. Write path: `Store.write()` + `Writer.insert`, which also logs one change
per row, checks each row against the log (guard trigger) and computes household facts.
Target: ratio (raw time / write-path time) >= 0.25.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from pathlib import Path

from benchlib import record

import dbfile
from workteam_desktop.domain import idnumber
from workteam_desktop.store import Store
from workteam_desktop.store.models import Area, Household

ROWS = 50_000


def _rows(village_id: str) -> list[dict]:
    rng = random.Random(3)
    rows = []
    for i in range(ROWS):
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))
        rows.append({
            "number": f"140215100201{i:06d}", "head_name": rng.choice("王李张刘陈杨赵黄周吴")
            + rng.choice("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"),
            "id_number": idnumber.make("140215", birth, i % 1000),
            "phone": f"139{rng.randrange(10**8):08d}", "address": f"东村{i % 20}组{i}号",
            "village_id": village_id, "type": rng.choice(["alleviated", "ordinary"]),
            "form_updated_on": dt.date(2026, 10, 1),
        })
    return rows


def _write_path(home: Path) -> tuple[float, list[tuple], list[str]]:
    store = Store.open(home)
    with store.write() as w:
        [village] = w.insert(Area, [{"code": "140215100201", "name": "东村", "level": "village"}])
    rows = _rows(village)
    started = time.perf_counter()
    with store.write() as w:
        w.insert(Household, rows)
    elapsed = time.perf_counter() - started
    with store.read() as cur:
        stored = [tuple(r) for r in cur.execute("SELECT * FROM household")]
        schema = [r[0] for r in cur.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND ("
            " (tbl_name = 'household' AND type IN ('table', 'index'))"
            " OR name = 'household_fts'"
            " OR (type = 'trigger' AND name LIKE 'household_fts_%'))"
            " ORDER BY type = 'trigger', type = 'index'")]
    store.close()
    return elapsed, stored, schema


def _raw(path: Path, schema: list[str], rows: list[tuple]) -> float:
    db = dbfile.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=OFF",
                   "cache_size=-65536", "temp_store=MEMORY"):
        db.execute(f"PRAGMA {pragma}")
    for statement in schema:
        db.execute(statement)  # foreign keys stay declared; enforcement is off
    marks = ",".join("?" * len(rows[0]))
    started = time.perf_counter()
    db.execute("BEGIN")
    db.executemany(f"INSERT INTO household VALUES ({marks})", rows)
    db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    assert db.execute("SELECT count(*) FROM household").fetchone()[0] == len(rows)
    db.close()
    return elapsed


def test_write_path_throughput(tmp_path: Path) -> None:
    path_s, stored, schema = _write_path(tmp_path / "store")
    raw_s = _raw(tmp_path / "raw.sqlite3", schema, stored)
    # For transparency: the same rows into the bare table (indexes, no search index).
    bare = [sql for sql in schema if "fts" not in sql]
    bare_s = _raw(tmp_path / "bare.sqlite3", bare, stored)
    ratio = raw_s / path_s
    record("write_path_insert", rows=ROWS, write_path_s=round(path_s, 3),
           raw_executemany_s=round(raw_s, 3),
           write_path_rows_per_s=round(ROWS / path_s), raw_rows_per_s=round(ROWS / raw_s),
           ratio=round(ratio, 3), target=0.25, raw_without_search_index_s=round(bare_s, 3),
           ratio_without_search_index=round(bare_s / path_s, 3))
    assert len(stored) == ROWS
