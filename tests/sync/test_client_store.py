"""The store side of network sync: the outbox in batches, answers marked in one transaction,
a pulled page applied with its cursor in one transaction, the sync state."""

from __future__ import annotations

import orjson
import pytest

import dbfile
from workteam_desktop.store import Store, sync_state
from workteam_desktop.store.changes import all_changes, apply_page
from workteam_desktop.store.models import Area, Household
from workteam_desktop.store.outbox import (
    Rejection,
    next_batch,
    pending_count,
    record_push,
    rejections,
)


def _village(store: Store, code: str = "140215100201") -> str:
    with store.write() as w:
        [village] = w.insert(Area, [{"code": code, "name": "东村", "level": "village"}])
    return village


def _households(store: Store, village: str, n: int, start: int = 0) -> list[str]:
    with store.write() as w:
        return w.insert(Household, [{"number": f"{start + i:04d}", "head_name": "王喆",
                                     "village_id": village} for i in range(n)])


def test_outbox_batches_in_log_order_and_marks_answers(store: Store) -> None:
    village = _village(store)
    _households(store, village, 5)
    first = next_batch(store, 3)
    assert [c.entity for c in first] == ["area", "household", "household"]
    assert [c.seq for c in first] == sorted(c.seq for c in first)
    rest = next_batch(store, 3, after_seq=first[-1].seq)
    assert len(rest) == 3

    record_push(store, [c.id for c in first[:2]],
                [Rejection(first[2].id, "out_of_scope", "户所在村不在您的管辖范围内")])
    assert pending_count(store) == 3
    assert [c.id for c in next_batch(store, 10)] == [c.id for c in rest]
    [rejected] = rejections(store)
    assert rejected["change_id"] == first[2].id
    assert rejected["row_id"] == first[2].row_id
    assert rejected["reason"] == "户所在村不在您的管辖范围内"
    with store.read() as cur:
        marks = dict(cur.execute("SELECT id, pushed FROM change_log").fetchall())
    assert marks[first[0].id] == 1 and marks[first[2].id] == 2


def test_outbox_lines_are_the_logged_changes_and_batches_keep_to_the_byte_cap(
        store: Store) -> None:
    from workteam_desktop.store.changes import all_changes

    village = _village(store)
    with store.write() as w:  # non-ASCII text, a null and nested values on the wire
        w.insert(Household, [{"number": "0001", "head_name": "王喆\u3000“引号”",
                              "village_id": village, "address": "三号院\\\"北\\"}])
    _households(store, village, 4, start=1)
    logged = {c.id: c for _, c in all_changes(store)}
    batch = next_batch(store, 100)
    assert len(batch) == len(logged) == 6
    assert [orjson.loads(o.line) for o in batch] == [
        orjson.loads(logged[o.id].to_json()) for o in batch]
    assert next_batch(store, 100, max_bytes=1) == batch[:1]  # one change at least
    three = sum(len(o.line.encode()) for o in batch[:3])
    assert next_batch(store, 100, max_bytes=three) == batch[:3]
    assert next_batch(store, 100, max_bytes=three - 1) == batch[:2]


def test_record_push_is_all_or_nothing(store: Store) -> None:
    village = _village(store)
    _households(store, village, 2)
    batch = next_batch(store, 10)
    # The disk fills up (here: a trigger refuses) while the rejection is written: the
    # accepted marks of the same answer must not stay either.
    db = dbfile.connect(store.path)
    db.execute("CREATE TRIGGER full_disk BEFORE INSERT ON sync_rejection "
               "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    db.commit()
    db.close()
    with pytest.raises(Exception, match="disk full"):
        record_push(store, [c.id for c in batch[:2]],
                    [Rejection(batch[2].id, "read_only", "只读")])
    assert pending_count(store) == 3


def test_apply_page_stores_the_cursor_with_the_page_and_never_moves_it_back(tmp_path) -> None:
    source = Store.open(tmp_path / "a")
    target = Store.open(tmp_path / "b")
    village = _village(source)
    _households(source, village, 3)
    changes = [c for _, c in all_changes(source)]

    result = apply_page(target, changes[:2], 2)
    assert result.applied == 2
    assert sync_state.cursor(target) == 2
    again = apply_page(target, changes[:2], 2)  # the same page answered twice
    assert (again.applied, again.duplicate) == (0, 2)
    apply_page(target, changes[2:], 4)
    assert sync_state.cursor(target) == 4
    apply_page(target, [], 3)  # a late answer from before a server restart
    assert sync_state.cursor(target) == 4
    with target.read() as cur:
        assert cur.execute("SELECT count(*) FROM household").fetchone()[0] == 3
        # received changes are never pushed back
        assert pending_count(target) == 0
    source.close()
    target.close()


def test_apply_page_of_a_bad_change_keeps_the_old_cursor(tmp_path) -> None:
    from workteam_desktop.domain.changes import Change
    from workteam_desktop.store.merge import UnknownEntity

    store = Store.open(tmp_path / "a")
    apply_page(store, [], 7)
    bad = Change("0190d5f0-0000-7000-8000-000000000001", "spaceship", "r1", {"x": 1},
                 "0190d5f0000000000abc", "abc", "")
    with pytest.raises(UnknownEntity):
        apply_page(store, [bad], 9)
    assert sync_state.cursor(store) == 7
    store.close()


def test_sync_state_values(store: Store) -> None:
    assert list(sync_state.read_all(store)) == ["home_id"]  # a new store knows only its home
    sync_state.set_values(store, {"server_url": "http://127.0.0.1:8800", "scopes": '["1402"]'})
    assert sync_state.get(store, "server_url") == "http://127.0.0.1:8800"
    assert sync_state.scopes(store) == ["1402"]
    sync_state.set_values(store, {"server_url": None})
    assert sync_state.get(store, "server_url") is None
    assert sync_state.cursor(store) == 0


def test_a_form_version_received_into_the_home_is_the_one_used(tmp_path) -> None:
    import json

    from workteam_desktop.domain.forms import HOUSEHOLD_SURVEY, form_version, latest_form
    from workteam_desktop.paths import forms_dir
    from workteam_desktop.sync.session import form_folder

    shipped = latest_form(forms_dir(), HOUSEHOLD_SURVEY)
    home = tmp_path / "home"
    data = json.loads((forms_dir() / HOUSEHOLD_SURVEY / f"v{shipped.version}.json").read_text("utf-8"))
    data["version"] = shipped.version + 1
    target = form_folder(home) / HOUSEHOLD_SURVEY / f"v{shipped.version + 1}.json"
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    folders = [forms_dir(), form_folder(home)]
    assert latest_form(folders, HOUSEHOLD_SURVEY).version == shipped.version + 1
    assert form_version(folders, HOUSEHOLD_SURVEY, shipped.version).version == shipped.version
    assert latest_form(forms_dir(), HOUSEHOLD_SURVEY).version == shipped.version
