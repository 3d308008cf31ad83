"""Merge: replicas that exchange their changes in any order, any number of times, end equal,
and every concurrent value that lost is kept in the conflict queue."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replicas import fresh_replica
from workteam_desktop.domain.changes import json_value
from workteam_desktop.store import Store
from workteam_desktop.store.changes import all_changes, apply
from workteam_desktop.store.models import Area, Household


def _state(store: Store) -> dict:
    with store.read() as cur:
        return {
            "household": sorted(tuple(r)[:1] + tuple(r)[2:] for r in cur.execute(
                "SELECT * FROM household")),  # all but updated_hlc (order of application)
            "area": sorted(tuple(r)[:1] + tuple(r)[2:] for r in cur.execute("SELECT * FROM area")),
            "facts": sorted(tuple(r) for r in cur.execute("SELECT * FROM household_facts")),
            "log": sorted(r[0] for r in cur.execute("SELECT id FROM change_log")),
        }


def _seed(store: Store) -> tuple[str, list[str]]:
    with store.write() as w:
        [village] = w.insert(Area, [{"id": "00000000-0000-7000-8000-000000000001",
                                     "code": "140215100201", "name": "东村", "level": "village"}])
        ids = w.insert(Household, [{"id": f"00000000-0000-7000-8000-00000000010{i}",
                                    "number": f"000{i}", "head_name": "王喆",
                                    "form_updated_on": dt.date(2026, 1, 1 + i),
                                    "village_id": village} for i in range(3)])
    return village, ids


def _exchange(source: Store, target: Store, rng: random.Random) -> None:
    """Send everything ``source`` knows to ``target``, shuffled, with some duplicates."""
    changes = [c for _, c in all_changes(source)]
    rng.shuffle(changes)
    changes += rng.sample(changes, k=min(len(changes), 3))
    for start in range(0, len(changes), 4):
        apply(target, changes[start:start + 4])


edit = st.tuples(
    st.integers(0, 2),  # replica
    st.integers(0, 2),  # household
    st.sampled_from(["phone", "address", "head_name", "deleted", "note", "form_updated_on"]),
    st.sampled_from(["甲", "乙", "丙", "丁"]),
)


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(edit, min_size=1, max_size=12), seed=st.integers(0, 10_000),
       skews=st.lists(st.integers(-400 * 86400_000, 400 * 86400_000), min_size=3, max_size=3))
def test_replicas_converge_and_keep_every_lost_concurrent_value(tmp_path_factory, edits, seed,
                                                                 skews) -> None:
    rng = random.Random(seed)
    base = tmp_path_factory.mktemp("replicas")
    origin = fresh_replica(base / "origin")
    _, households = _seed(origin)
    replicas = [origin] + [fresh_replica(base / f"r{i}") for i in (1, 2)]
    for r in replicas[1:]:
        _exchange(origin, r, rng)
    for r, skew in zip(replicas, skews, strict=True):
        real = r.wall
        r.wall = lambda real=real, skew=skew: real() + skew  # clocks a year off either way
    written: list[tuple[str, str, object]] = []
    for who, h, name, text in edits:
        value: object = (text != "甲" if name == "deleted" else
                         dt.date(2026, 2, 1 + "甲乙丙丁".index(text) * 3 + who)
                         if name == "form_updated_on" else f"{text}{who}")
        with replicas[who].write() as w:
            if w.update(Household, households[h], {name: value}):
                written.append((households[h], name, value))
        if rng.random() < 0.3:  # sometimes a partial sync in between
            a, b = rng.sample(replicas, 2)
            _exchange(a, b, rng)
    # Everyone talks to everyone until nothing new is learnt.
    for _ in range(2):
        for a in replicas:
            for b in replicas:
                if a is not b:
                    _exchange(a, b, rng)
    states = [_state(r) for r in replicas]
    assert states[0] == states[1] == states[2]

    # Every value ever written is current, or in some replica's conflict queue, or was
    # knowingly overwritten: it lies on the base chain of a later change of that field.
    lost: set[tuple[str, str, object]] = set()
    for store in replicas:
        with store.read() as cur:
            lost |= {(r[0], r[1], json.dumps(json.loads(r[2])["v"])) for r in cur.execute(
                "SELECT row_id, field, lost_value FROM conflict")}
    with origin.read() as cur:
        log = [(r[0], json.loads(r[1]), json.loads(r[2]), r[3]) for r in cur.execute(
            "SELECT row_id, fields, base, hlc FROM change_log")]
        for row_id, name, written_value in written:
            value = json_value(written_value)  # as the log and SQLite hold it
            current = cur.execute(f'SELECT "{name}" FROM household WHERE id = ?',
                                  (row_id,)).fetchone()[0]
            if current == (int(value) if name == "deleted" else value):
                continue
            if (row_id, name, json.dumps(value)) in lost:
                continue
            [made] = [h for r, f, _, h in log if r == row_id and f.get(name, None) == value
                      and h == min(h2 for r2, f2, _, h2 in log
                                   if r2 == row_id and f2.get(name, None) == value)]
            by_hlc = {h: b for r, _, b, h in log if r == row_id}
            informed = False
            for r, f, b, _h in log:
                if r != row_id or name not in f:
                    continue
                link = b.get(name, "")
                while link and not informed:
                    informed = link == made
                    link = by_hlc.get(link, {}).get(name, "")
                if informed:
                    break
            assert informed, (row_id, name, value)
    for r in replicas:
        r.close()


def test_reapplying_changes_changes_nothing(tmp_path: Path) -> None:
    a, b = Store.open(tmp_path / "a"), Store.open(tmp_path / "b")
    _, households = _seed(a)
    with a.write() as w:
        w.update(Household, households[0], {"phone": "13912345678"})
    changes = [c for _, c in all_changes(a)]
    first = apply(b, changes)
    state = _state(b)
    again = apply(b, list(reversed(changes)))
    assert (first.applied, first.duplicate) == (len(changes), 0)
    assert (again.applied, again.duplicate) == (0, len(changes))
    assert _state(b) == state == _state(a)
    a.close()
    b.close()


def test_concurrent_edits_of_one_field_keep_the_loser(tmp_path: Path) -> None:
    a, b = Store.open(tmp_path / "a"), Store.open(tmp_path / "b")
    _, households = _seed(a)
    apply(b, [c for _, c in all_changes(a)])
    # b's edit is the later one: within one millisecond the two stamps would be ordered by
    # counter and device, not by which came first (the test was flaky on a fast machine).
    real = b.wall
    b.wall = lambda: real() + 1000
    with a.write() as w:
        w.update(Household, households[0], {"phone": "13900000001"})
    with b.write() as w:  # b made its change later, without seeing a's
        w.update(Household, households[0], {"phone": "13900000002"})
    apply(a, [c for _, c in all_changes(b)])
    apply(b, [c for _, c in all_changes(a)])
    for store in (a, b):
        with store.read() as cur:
            assert cur.execute("SELECT phone FROM household WHERE id = ?",
                               (households[0],)).fetchone()[0] == "13900000002"
            queued = cur.execute("SELECT lost_value, kept_value FROM conflict").fetchall()
        assert [(json.loads(lost)["v"], json.loads(kept)["v"]) for lost, kept in queued] == [
            ("13900000001", "13900000002")]
    a.close()
    b.close()


def test_merge_writes_update_household_facts(tmp_path: Path) -> None:
    from workteam_desktop.store.models import Income, Member

    a, b = Store.open(tmp_path / "a"), Store.open(tmp_path / "b")
    _, households = _seed(a)
    with a.write() as w:
        w.insert(Member, [{"household_id": households[0], "name": "王喆", "relation": "head"}])
        w.insert(Income, [{"household_id": households[0], "year": dt.date.today().year - 1,
                           "wage": 5000.0}])
    apply(b, [c for _, c in all_changes(a)])
    with b.read() as cur:
        facts = cur.execute("SELECT per_capita_income, observation FROM household_facts "
                            "WHERE household_id = ?", (households[0],)).fetchone()
    assert tuple(facts) == (5000.0, 1)
    a.close()
    b.close()


def _everything(store: Store) -> dict:
    """Every synced row, the log, the conflict queue and the waiting rows of a replica."""
    from workteam_desktop.store.models import MODEL_BY_ENTITY

    with store.read() as cur:
        found = {entity: sorted(tuple(r) for r in cur.execute(f'SELECT * FROM "{entity}"'))
                 for entity in MODEL_BY_ENTITY}
        found["conflict"] = sorted(tuple(r) for r in cur.execute(
            "SELECT entity, row_id, field, kept_value, kept_hlc, lost_value, lost_hlc, "
            "lost_device, lost_user FROM conflict"))
        found["pending_row"] = sorted(tuple(r) for r in cur.execute("SELECT * FROM pending_row"))
        found["log"] = sorted(tuple(r) for r in cur.execute(
            "SELECT id, entity, row_id, fields, base, hlc, device, user FROM change_log"))
        found["facts"] = sorted(tuple(r) for r in cur.execute("SELECT * FROM household_facts"))
    return found


def test_duplicates_within_one_batch_are_applied_once(tmp_path: Path) -> None:
    a, b = fresh_replica(tmp_path / "a"), fresh_replica(tmp_path / "b")
    _, households = _seed(a)
    with a.write() as w:
        w.update(Household, households[0], {"phone": "13912345678"})
    changes = [c for _, c in all_changes(a)]
    doubled = [c for ch in changes for c in (ch, ch)]
    result = apply(b, doubled)
    assert (result.applied, result.duplicate, result.conflicts) == (len(changes), len(changes), 0)
    assert _state(b) == _state(a)
    a.close()
    b.close()


def test_rows_wait_for_parents_and_required_fields_across_batches(tmp_path: Path) -> None:
    a, b = fresh_replica(tmp_path / "a"), fresh_replica(tmp_path / "b")
    with a.write() as w:
        [county] = w.insert(Area, [{"code": "1402", "name": "县", "level": "county"}])
        [town] = w.insert(Area, [{"code": "140215", "name": "镇", "level": "township",
                                  "parent_id": county}])
        [village] = w.insert(Area, [{"code": "140215100201", "name": "东村",
                                     "level": "village", "parent_id": town}])
        [house] = w.insert(Household, [{"number": "0001", "head_name": "王喆",
                                        "form_updated_on": dt.date(2026, 1, 1),
                                        "village_id": village}])
        w.update(Household, house, {"phone": "13900000001"})
    changes = {c.row_id: c for _, c in all_changes(a) if not c.base}
    [update] = [c for _, c in all_changes(a) if c.base]
    # The update alone: the row is not made, it waits.
    assert apply(b, [update]).touched == {}
    # Children first, their parents (a village's own parents among them) later.
    assert apply(b, [changes[house], changes[village]]).touched == {}
    with b.read() as cur:
        assert cur.execute("SELECT count(*) FROM pending_row").fetchone()[0] == 2
    done = apply(b, [changes[town], changes[county]])
    assert done.touched == {"area": {county, town, village}, "household": {house}}
    assert _everything(b)["household"] == _everything(a)["household"]
    assert _state(b) == _state(a)
    with b.read() as cur:
        assert cur.execute("SELECT count(*) FROM pending_row").fetchone()[0] == 0
    # A change without a required field makes nothing until one arrives that has it.
    partial = dataclasses.replace(changes[county], id="00000000-0000-7000-8000-0000000000ff",
                                  row_id="00000000-0000-7000-8000-0000000000fe",
                                  fields={"name": "乡"})
    assert apply(b, [partial]).touched == {}
    with b.read() as cur:
        assert [tuple(r) for r in cur.execute("SELECT entity FROM pending_row")] == [("area",)]
    a.close()
    b.close()


def test_merge_result_does_not_depend_on_batch_memory_sizes(tmp_path: Path, monkeypatch) -> None:
    """Small caches and batches (rows dropped from memory and read again mid-merge) give
    exactly what one pass with everything in memory gives, conflicts included."""
    from workteam_desktop.demo import generate
    from workteam_desktop.store import merge

    a, b = fresh_replica(tmp_path / "a"), fresh_replica(tmp_path / "b")
    generate(a, households=12, seed=3)
    apply(b, [c for _, c in all_changes(a)])
    with a.read() as cur:
        ids = [r[0] for r in cur.execute("SELECT id FROM household ORDER BY id LIMIT 6")]
    for store, phone in ((a, "1390000000"), (b, "1380000000")):  # concurrent: conflicts
        with store.write() as w:
            for i, row_id in enumerate(ids):
                w.update(Household, row_id, {"phone": f"{phone}{i}"})
    with b.write() as w:
        w.update(Household, ids[0], {"address": "新地址"})
    rng = random.Random(7)
    changes = [c for _, c in all_changes(a)] + [c for _, c in all_changes(b)]
    rng.shuffle(changes)
    changes += rng.sample(changes, k=40)
    rng.shuffle(changes)
    results = []
    for name, sizes in (("big", None), ("small", (3, 2, 2))):
        if sizes is not None:
            for attr, size in zip(("_ROW_CACHE", "_PENDING_BATCH", "_INSERT_BATCH"), sizes,
                                  strict=True):
                monkeypatch.setattr(merge, attr, size)
        target = fresh_replica(tmp_path / name)
        first = apply(target, changes[: len(changes) // 2])
        second = apply(target, changes[len(changes) // 2:])
        results.append(((first.applied, first.duplicate, first.conflicts, first.touched),
                        (second.applied, second.duplicate, second.conflicts, second.touched),
                        _everything(target)))
        target.close()
    assert results[0] == results[1]
    assert results[0][1][2] > 0  # the concurrent phones were queued
    a.close()
    b.close()
