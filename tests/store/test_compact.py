"""Received changes compacted once applied (issue 17, step 2): a laptop that keeps only
their clocks and ids is the laptop that keeps every change — the same rows, field clocks,
waiting rows and fields, and conflict queue, for any deliveries, delivered again or not.
Existing stores are compacted by migration 0010."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_pending_fields import D1, D2, deliveries
from test_pending_fields import _rows as rows_of

import dbfile
from replicas import fresh_replica
from workteam_desktop.domain.changes import Change
from workteam_desktop.store import Store, compact, merge, migrate, sync_state
from workteam_desktop.store.changes import apply, apply_page
from workteam_desktop.store.merge import ApplyResult
from workteam_desktop.store.models import MODEL_BY_ENTITY, Household


@pytest.fixture(autouse=True)
def always_due(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every store is due here, as a county's is once it logs 20,000 received changes."""
    monkeypatch.setattr(compact, "COMPACT_AT", 0)


def compacting(store: Store, changes: list[Change], cursor: int | None = None, *,
               at_once: bool = False) -> ApplyResult:
    """A merge, then the compaction a sync or an import ends with. ``at_once``: the merge
    keeps the changes that make new rows compacted itself (a county's bundle)."""
    result = (apply(store, changes, compact_new=at_once) if cursor is None
              else apply_page(store, changes, cursor))
    compact.compact_store(store)
    return result


def clocks_of(store: Store) -> dict[str, dict[str, str]]:
    """Every row's field clocks as a local edit's ``base`` reads them."""
    out: dict[str, dict[str, str]] = {}
    with store.write() as w:  # field_clocks is the writer's (nothing is written)
        for entity in MODEL_BY_ENTITY:
            for (row_id,) in w.cursor.execute(f'SELECT id FROM "{entity}"').fetchall():
                out[row_id] = w.field_clocks(entity, row_id)
    return out


def conflicts_of(store: Store) -> Counter[tuple[Any, ...]]:
    """The conflict queue (the user of a compacted value is not kept: left out)."""
    with store.read() as cur:
        return Counter(tuple(r) for r in cur.execute(
            "SELECT entity, row_id, field, kept_value, kept_hlc, lost_value, lost_hlc, "
            "lost_device, resolved FROM conflict"))


def knowingly_overwritten(store: Store, row_id: str, field: str, lost: str, kept: str) -> bool:
    """True when the change that set ``kept`` named ``lost`` on its field's base chain (in
    the log of a laptop that keeps every change): a conflict the compacted laptop queues
    because the compacted clock has no base."""
    with store.read() as cur:
        bases = {h: json.loads(b) for h, b in cur.execute(
            "SELECT hlc, base FROM change_log WHERE row_id = ?", (row_id,))}
    link = bases.get(kept, {}).get(field, "")
    while link:
        if link == lost:
            return True
        link = bases.get(link, {}).get(field, "")
    return False


def remote_logged(store: Store) -> set[str]:
    with store.read() as cur:
        return {r[0] for r in cur.execute("SELECT row_id FROM change_log WHERE origin = 'remote' "
                                          "AND seq < (SELECT max(seq) FROM change_log)")}


def needed_rows(store: Store) -> set[str]:
    """Rows that wait or have waiting fields, and rows of open conflicts."""
    with store.read() as cur:
        return {r[0] for r in cur.execute(compact._NEEDED_ROWS)} | {
            r[0] for r in cur.execute(compact._NEEDED_CLOCKS)}


def compacted(store: Store) -> int:
    with store.read() as cur:
        return int(cur.execute("SELECT count(*) FROM compacted_change").fetchone()[0])


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=deliveries(), chunk=st.sampled_from([1, 3, 5000]), again=st.booleans(),
       wholesale=st.booleans(), at_once=st.booleans())
def test_a_compacting_laptop_is_the_laptop_that_keeps_every_change(
        tmp_path_factory: pytest.TempPathFactory, case, chunk: int, again: bool,
        wholesale: bool, at_once: bool) -> None:
    """Batches of random changes (rows made, edited, moved to rows that come late; bases
    current or stale; some twice), then every row's making changes, then (sometimes) every
    batch again: the compacting laptop skips what it saw as the other does, and holds the
    same rows, waiting rows and fields, field clocks and conflict queue — except conflicts
    whose lost value the kept value's change knowingly overwrote (a compacted clock has no
    base to show it), and only those. It keeps logged only what something still needs.
    Either way of deleting: row by row, or the log emptied and what stays put back; or
    the changes that make rows never logged, kept compacted by the merge itself."""
    batches, everything = case
    base = tmp_path_factory.mktemp("compact")
    deliveries_in_order = [*batches, everything, *(batches if again else [])]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(merge, "_CHUNK", chunk)
        # The log emptied at once and what stays put back, or deleted change by change.
        mp.setattr(compact, "_WHOLESALE_FROM", 0 if wholesale else 10**9)
        folded = fresh_replica(base / "compacting")
        got = [(r.applied, r.duplicate) for r in (compacting(folded, b, at_once=at_once)
                                                   for b in deliveries_in_order)]
        keeping = fresh_replica(base / "keeping")
        expected = [(r.applied, r.duplicate) for r in (apply(keeping, b)
                                                        for b in deliveries_in_order)]
    assert got == expected
    assert rows_of(folded) == rows_of(keeping)
    assert clocks_of(folded) == clocks_of(keeping)
    mine, theirs = conflicts_of(folded), conflicts_of(keeping)
    assert not theirs - mine, "a conflict the keeping laptop queued is missing"
    extra = mine - theirs
    for entity, row_id, field, _kv, kept_hlc, _lv, lost_hlc, _d, _r in extra:
        assert knowingly_overwritten(keeping, row_id, field, lost_hlc, kept_hlc), (
            entity, row_id, field, lost_hlc, kept_hlc)
    assert remote_logged(folded) <= needed_rows(folded)
    event(f"conflicts: {'some' if theirs else 'none'}; extra: {'some' if extra else 'none'}")
    with folded.read() as cur:
        waiting = cur.execute(f"SELECT count(*) FROM ({compact._NEEDED_ROWS})").fetchone()[0]
    event(f"waiting at the end: {bool(waiting)}")
    share = compacted(folded) / max(1, sum(len(b) for b in deliveries_in_order))
    event(f"received changes compacted: {'none' if not share else '< half' if share < .5 else '≥ half'}")
    folded.close()
    keeping.close()


def _change(n: int, entity: str, row_id: str, fields: dict[str, Any], ms: int,
            device: str = D2, base: dict[str, str] | None = None) -> Change:
    return Change(f"00000000-0000-7000-9000-{n:012x}", entity, row_id, fields,
                  f"{1_800_000_000_000 + ms:012x}{n:04x}{device}", device, "王五", base or {})


VILLAGE = "00000000-0000-7000-8000-0000000000a1"
HOUSEHOLD = "00000000-0000-7000-8000-0000000000b1"


def _village_and_household() -> list[Change]:
    return [_change(1, "area", VILLAGE, {"code": "140215100201", "name": "东村",
                                         "level": "village"}, 1),
            _change(2, "household", HOUSEHOLD, {"number": "0001", "head_name": "王喆",
                                                "village_id": VILLAGE}, 2),
            _change(3, "household", HOUSEHOLD, {"phone": "13900000001"}, 3)]


def test_received_changes_leave_the_log_and_a_local_edit_names_their_clock(
        tmp_path: Path) -> None:
    store = fresh_replica(tmp_path / "home")
    received = _village_and_household()
    compacting(store, received, 7)
    with store.read() as cur:
        assert cur.execute("SELECT count(*) FROM compacted_change").fetchone()[0] == 2
        # The last change stays logged: its seq is the log's highest (see compact).
        assert [r[0] for r in cur.execute("SELECT id FROM change_log")] == [received[2].id]
    with store.write() as w:
        assert w.update(Household, HOUSEHOLD, {"head_name": "王哲"})
        assert w.field_clocks("household", HOUSEHOLD)["number"] == received[1].hlc
    with store.read() as cur:
        [(base, seq)] = cur.execute(
            "SELECT base, seq FROM change_log WHERE origin = 'local'").fetchall()
    assert json.loads(base) == {"head_name": received[1].hlc}
    assert seq > 3  # after every seq the log ever gave: the bundle and upload cursors hold
    again = compacting(store, received)
    assert (again.applied, again.duplicate, again.conflicts) == (0, 3, 0)
    # An id that is not a UUID in canonical text (upper case is not) is kept as text.
    odd = [dataclasses.replace(_change(7 + n, "household", HOUSEHOLD, {name: "东村"}, 7 + n),
                               id=i)
           for n, (i, name) in enumerate([("A1B2-odd", "address"),
                                          ("ABCDEF00-0000-7000-9000-00000000000A", "note")])]
    compacting(store, [*odd, _change(9, "household", HOUSEHOLD, {"phone": "13900000009"}, 9,
                                     base={"phone": received[2].hlc})])
    with store.read() as cur:
        assert compact.known_ids(cur, [o.id for o in odd] + [received[0].id, "A1B2-odd2"]) == {
            odd[0].id, odd[1].id, received[0].id}
        kinds = Counter(r[0] for r in cur.execute("SELECT typeof(id) FROM compacted_change"))
    assert kinds == {"blob": 3, "text": 2}  # and received[2], no longer the last
    again = compacting(store, odd)
    assert (again.applied, again.duplicate) == (0, 2)
    store.close()


def test_a_photo_not_fetched_yet_and_a_waiting_row_stay_logged(tmp_path: Path) -> None:
    store = fresh_replica(tmp_path / "home")
    sha = "ab" * 32
    photo = _change(4, "attachment", "00000000-0000-7000-8000-0000000000d1",
                    {"sha256": sha, "owner_entity": "household", "owner_id": HOUSEHOLD,
                     "mime": "image/jpeg", "size": 10}, 4)
    orphan = _change(5, "member", "00000000-0000-7000-8000-0000000000c1",
                     {"household_id": "00000000-0000-7000-8000-0000000000b9", "name": "王小"}, 5)
    compacting(store, [*_village_and_household(), photo, orphan], 9)
    compacting(store, [_change(6, "household", HOUSEHOLD, {"phone": "13900000002"}, 6)], 10)
    with store.read() as cur:
        logged = {r[0] for r in cur.execute("SELECT id FROM change_log")}
        [(seq,)] = cur.execute("SELECT seq FROM change_log WHERE id = ?", (photo.id,)).fetchall()
    assert photo.id in logged and orphan.id in logged
    with store.write() as w:  # the sync fetched the photo: the download's cursor passed it
        sync_state.put(w.cursor, {sync_state.ATTACHMENTS_DOWN_SEQ: str(seq)})
        compact.compact(w.cursor)
    with store.read() as cur:
        logged = {r[0] for r in cur.execute("SELECT id FROM change_log")}
    assert photo.id not in logged and orphan.id in logged
    store.close()


def test_a_county_bundle_merged_compacted_logs_only_photos_and_waiting_rows(
        tmp_path: Path) -> None:
    """Merged with ``compact_new`` (a county's bundle), the changes that make rows are never
    logged: their ids are known (the same changes again are skipped) and their clocks kept;
    a photo record and a row waiting for its parent are logged, as the compaction keeps
    them."""
    store = fresh_replica(tmp_path / "home")
    made = _village_and_household()
    photo = _change(4, "attachment", "00000000-0000-7000-8000-0000000000d1",
                    {"sha256": "ab" * 32, "owner_entity": "household", "owner_id": HOUSEHOLD,
                     "mime": "image/jpeg", "size": 10}, 4)
    orphan = _change(5, "member", "00000000-0000-7000-8000-0000000000c1",
                     {"household_id": "00000000-0000-7000-8000-0000000000b9", "name": "王小"}, 5)
    result = apply(store, [*made, photo, orphan], compact_new=True)
    assert (result.applied, result.compacted) == (len(made) + 2, len(made))
    with store.read() as cur:
        logged = {r[0] for r in cur.execute("SELECT id FROM change_log")}
        assert compact.known_ids(cur, [c.id for c in made]) == {c.id for c in made}
    assert logged == {photo.id, orphan.id}
    with store.write() as w:
        # Each field's clock is the change that set it last (two changes made the row).
        assert w.field_clocks("household", HOUSEHOLD) == {
            **dict.fromkeys(made[1].fields, made[1].hlc), "phone": made[2].hlc}
    again = apply(store, [*made, photo, orphan], compact_new=True)
    assert (again.applied, again.duplicate) == (0, len(made) + 2)
    store.close()


@pytest.mark.parametrize("wholesale", [False, True], ids=["row-by-row", "wholesale"])
def test_migration_0010_compacts_an_existing_store_and_gives_the_space_back(
        tmp_path: Path, wholesale: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store that kept every received change (as 0009 did) opened by this version: the
    same rows and clocks, the received changes gone from the log, a smaller file."""
    monkeypatch.setattr(compact, "_WHOLESALE_FROM", 0 if wholesale else 10**9)
    home = tmp_path / "home"
    store = fresh_replica(home)
    received = _village_and_household()
    households = [_change(100 + i, "household", f"00000000-0000-7000-8000-{i:012x}",
                          {"number": f"{i:04d}", "head_name": "户主" * 20, "village_id": VILLAGE,
                           "address": "东村" * 40}, 10 + i, D1) for i in range(3000)]
    apply_page(store, received + households, 20)  # as 0009 kept them: all logged
    with store.write() as w:
        w.update(Household, HOUSEHOLD, {"head_name": "王哲"})  # a local change stays
    before_rows, before_clocks = rows_of(store), clocks_of(store)
    store.close()
    path = home / "workteam.sqlite3"
    dbfile.downgrade(path, "0009")
    size_before = path.stat().st_size

    store = Store.open(home)
    assert store.last_backup is not None and "0009" in store.last_backup.name
    assert migrate.current_revision(store.engine) == migrate.HEAD_REVISION
    assert rows_of(store) == before_rows
    assert clocks_of(store) == before_clocks
    with store.read() as cur:
        left = cur.execute("SELECT origin, count(*) FROM change_log GROUP BY origin").fetchall()
        assert sorted(tuple(r) for r in left) == [("local", 1)]  # the last received one is not last any more
        assert cur.execute("SELECT count(*) FROM compacted_change").fetchone()[0] == 3003
    again = compacting(store, received + households[:10])
    assert (again.applied, again.duplicate) == (0, 13)
    store.close()
    assert path.stat().st_size < size_before * 0.75, (path.stat().st_size, size_before)
    db = dbfile.connect(path)
    assert db.execute("PRAGMA freelist_count").fetchone()[0] == 0  # vacuumed
    db.close()


def test_an_all_bundle_of_a_compacted_store_carries_its_rows_and_clocks(tmp_path: Path) -> None:
    """A supervisor's store that compacted what it imported hands everything on: the other
    store gets the same rows and field clocks, with no conflict; again, nothing."""
    from workteam_desktop.sync.bundle import export_bundle
    from workteam_desktop.sync.bundle_import import import_bundle

    store = Store.open(tmp_path / "supervisor")
    received = _village_and_household() + [
        _change(10 + i, "household", f"00000000-0000-7000-8000-{i:012x}",
                {"number": f"{i:04d}", "head_name": "户主", "village_id": VILLAGE}, 10 + i, D1)
        for i in range(20)]
    received.append(_change(40, "household", HOUSEHOLD, {"phone": "13900000004"}, 40,
                            base={"phone": received[2].hlc}))
    compacting(store, received)
    with store.write() as w:
        w.update(Household, HOUSEHOLD, {"head_name": "王哲"})
    assert compacted(store) == len(received) - 1
    out = export_bundle(store, tmp_path / "all.wtb", everything=True)
    assert out is not None
    other = Store.open(tmp_path / "other")
    result = import_bundle(other, out.path, trust=True)
    # Every change made a row the merge kept compacted at once: none was logged.
    assert result.conflicts == 0 and result.compacted == result.applied
    with other.read() as cur:
        assert cur.execute("SELECT count(*) FROM change_log WHERE origin = 'remote'"
                           ).fetchone()[0] == 0
    assert rows_of(other) == rows_of(store)
    assert clocks_of(other) == clocks_of(store)
    again = import_bundle(other, out.path, trust=True)
    assert (again.applied, again.replay) == (0, True)
    store.close()
    other.close()
