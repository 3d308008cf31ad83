"""The conflict queue: real conflicts made by two laptops editing the same household, shown
in the words of the record pages, and settled either way as a change that syncs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from workteam_desktop.store import Store
from workteam_desktop.store.changes import all_changes, apply
from workteam_desktop.store.conflicts import ConflictError, count_open, list_conflicts, resolve
from workteam_desktop.store.models import Area, Household, Income, Member

DAY = 86_400_000


def _outbox(store: Store) -> list[tuple[str, dict, str]]:
    with store.read() as cur:
        return [(r[0], json.loads(r[1]), r[2]) for r in cur.execute(
            "SELECT row_id, fields, user FROM change_log WHERE origin = 'local' AND pushed = 0 "
            "ORDER BY seq")]


def _send(source: Store, target: Store) -> None:
    apply(target, [c for _, c in all_changes(source)])


@pytest.fixture
def laptops(tmp_path: Path):
    """Two laptops with the same household; B's clock runs a day ahead, so B's edits win."""
    a = Store.open(tmp_path / "a")
    b = Store.open(tmp_path / "b")
    a.set_user("李娜")
    b.set_user("张伟")
    real = b.wall
    b.wall = lambda: real() + DAY
    with a.write() as w:
        [village] = w.insert(Area, [{"code": "140215100201", "name": "东村", "level": "village"}])
        [household] = w.insert(Household, [{
            "number": "0007", "head_name": "王喆", "village_id": village, "phone": "13800000001",
            "type": "alleviated", "form_updated_on": dt.date(2026, 1, 5)}])
        [member] = w.insert(Member, [{"household_id": household, "name": "王小明"}])
        w.insert(Income, [{"id": "00000000-0000-7000-8000-0000000000a1",
                           "household_id": household, "year": 2025, "wage": 10000.0}])
    _send(a, b)
    with a.read() as cur:
        cur.execute("UPDATE change_log SET pushed = 1")  # as if synced: only new edits count
    yield a, b, household, member
    a.close()
    b.close()


def _edit_both(a: Store, b: Store, entity, row_id: str, a_fields: dict, b_fields: dict) -> None:
    """Both laptops edit offline, then exchange everything both ways."""
    with a.write() as w:
        assert w.update(entity, row_id, a_fields)
    with b.write() as w:
        assert w.update(entity, row_id, b_fields)
    _send(a, b)
    _send(b, a)


def test_both_laptops_queue_the_same_conflict_in_the_words_of_the_record_pages(laptops) -> None:
    a, b, household, member = laptops
    _edit_both(a, b, Household, household,
               {"type": "monitored", "form_updated_on": dt.date(2026, 3, 1)},
               {"type": "ordinary", "form_updated_on": dt.date(2026, 3, 9)})
    _edit_both(a, b, Member, member, {"employment_place": "太原"},
               {"employment_place": "北京", "name": "王晓明"})
    _edit_both(a, b, Income, "00000000-0000-7000-8000-0000000000a1", {"wage": 12000.0},
               {"wage": 15000.5})
    for store in (a, b):
        views = {v.field: v for v in list_conflicts(store)}
        assert set(views) == {"type", "form_updated_on", "employment_place", "wage"}
        wage = views["wage"]
        assert (wage.entity_label, wage.row_label, wage.field_label) == (
            "收入", "王喆（0007） · 2025", "工资性收入")
        assert (wage.kept.text, wage.lost.text) == ("15,000.50 元", "12,000.00 元")
        kind = views["type"]
        assert (kind.entity_label, kind.row_label, kind.field_label) == ("农户", "王喆（0007）", "户类型")
        # B's clock is ahead: its value won everywhere; A's is kept for review.
        assert (kind.kept.text, kind.kept.user) == ("一般户", "张伟")
        assert (kind.lost.text, kind.lost.user) == ("监测户", "李娜")
        assert kind.kept.device == b.device_id and kind.lost.device == a.device_id
        assert kind.kept.this_device == (store is b) and kind.lost.this_device == (store is a)
        assert kind.current_text == "一般户"
        assert kind.kept.at is not None and kind.lost.at is not None
        assert kind.kept.at - kind.lost.at > dt.timedelta(hours=23)  # B's clock: a day ahead
        dates = views["form_updated_on"]
        assert (dates.field_label, dates.kept.text, dates.lost.text) == (
            "信息更新日期", "2026-03-09", "2026-03-01")
        place = views["employment_place"]
        assert place.row_label == "王喆（0007） · 王晓明"
        assert (place.field_label, place.kept.text, place.lost.text) == ("务工地点", "北京", "太原")
        assert count_open(store) == 4


def test_restoring_the_lost_value_is_a_new_change_that_syncs_and_wins(laptops) -> None:
    a, b, household, _ = laptops
    _edit_both(a, b, Household, household,
               {"type": "monitored", "form_updated_on": dt.date(2026, 3, 1)},
               {"type": "ordinary", "form_updated_on": dt.date(2026, 3, 9)})
    a.set_user("")
    before = _outbox(a)
    [kind] = [v for v in list_conflicts(a) if v.field == "type"]
    [date] = [v for v in list_conflicts(a) if v.field == "form_updated_on"]
    assert resolve(a, kind.id, "lost", "赵敏") is True
    assert resolve(a, date.id, "lost", "赵敏") is True
    new = _outbox(a)[len(before):]
    assert [n for n in new if n[0] == household] == [
        (household, {"type": "monitored"}, "赵敏"),
        (household, {"form_updated_on": "2026-03-01"}, "赵敏")]
    # Each decision is a record too, so the laptops that queued the conflict settle it.
    assert sorted(n[1]["field"] for n in new if n[0] != household) == ["form_updated_on", "type"]
    with a.read() as cur:
        row = cur.execute("SELECT type, form_updated_on FROM household WHERE id = ?",
                          (household,)).fetchone()
    assert tuple(row) == ("monitored", "2026-03-01")
    assert [v.field for v in list_conflicts(a)] == []
    settled = {v.field: v for v in list_conflicts(a, include_resolved=True)}
    assert settled["type"].resolved and settled["type"].resolution == "restored"

    # The choice reaches B and wins there too, without a new conflict (it knew B's value),
    # and B's own queue of the same two conflicts is settled by the decisions.
    open_on_b = count_open(b)
    _send(a, b)
    with b.read() as cur:
        row = cur.execute("SELECT type, form_updated_on FROM household WHERE id = ?",
                          (household,)).fetchone()
    assert tuple(row) == ("monitored", "2026-03-01")
    assert count_open(b) == open_on_b - 2


def test_keeping_the_current_value_writes_nothing_and_leaves_the_value(laptops) -> None:
    a, b, household, _ = laptops
    _edit_both(a, b, Household, household, {"phone": "13800000002"}, {"phone": "13900000003"})
    before = _outbox(a)
    [view] = list_conflicts(a)
    assert (view.kept.text, view.lost.text) == ("13900000003", "13800000002")
    assert resolve(a, view.id, "kept", "赵敏") is False
    # Every replica already has this value: only the decision is new (it settles the
    # same conflict on the other laptops).
    [decision] = _outbox(a)[len(before):]
    assert decision[1]["choice"] == "kept" and decision[1]["field"] == "phone"
    with a.read() as cur:
        assert cur.execute("SELECT phone FROM household").fetchone()[0] == "13900000003"
    assert list_conflicts(a) == []
    [settled] = list_conflicts(a, include_resolved=True)
    assert settled.resolution == "kept"
    with pytest.raises(ConflictError, match="已经处理过"):
        resolve(a, view.id, "lost")


def test_keeping_the_winner_after_a_later_edit_writes_it_back(laptops) -> None:
    a, b, household, _ = laptops
    _edit_both(a, b, Household, household, {"phone": "13800000002"}, {"phone": "13900000003"})
    with a.write() as w:
        w.update(Household, household, {"phone": "13700000004"})
    [view] = list_conflicts(a)
    assert view.current_text == "13700000004"  # the review shows it changed since
    assert resolve(a, view.id, "kept") is True
    assert _outbox(a)[-2][1] == {"phone": "13900000003"}  # then the decision itself


def test_unknown_conflict_is_refused_with_a_chinese_message(store: Store) -> None:
    with pytest.raises(ConflictError, match="找不到"):
        resolve(store, 99, "kept")
    assert list_conflicts(store) == [] and count_open(store) == 0
