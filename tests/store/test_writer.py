"""The one write path: every write to a synced table logs its change; nothing bypasses it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import select

import dbfile
from workteam_desktop.domain.hlc import Timestamp
from workteam_desktop.store import Store, sqlite
from workteam_desktop.store.models import (
    MODEL_BY_ENTITY,
    SYNCED_MODELS,
    Area,
    Cadre,
    DeliveryAction,
    Household,
    Member,
    Team,
    Training,
    Visit,
)

D = dt.date(2026, 3, 1)


def _parents(store: Store) -> dict[str, str]:
    with store.write() as w:
        [area] = w.insert(Area, [{"code": "140215100201", "name": "东村", "level": "village"}])
        [team] = w.insert(Team, [{"name": "市农业局驻东村工作队"}])
        [cadre] = w.insert(Cadre, [{"name": "李喆", "team_id": team}])
        [household] = w.insert(Household, [{"number": "0001", "head_name": "王镕",
                                             "village_id": area}])
        [visit] = w.insert(Visit, [{"visit_date": D, "purpose": "入户走访"}])
        [action] = w.insert(DeliveryAction, [{"category": "warmth", "action_date": D,
                                              "title": "冬季送温暖"}])
        [member] = w.insert(Member, [{"household_id": household, "name": "王镕"}])
        [training] = w.insert(Training, [{"training_date": D, "title": "电焊工技能培训",
                                          "team_id": team}])
    return {"area": area, "team": team, "cadre": cadre, "household": household,
            "visit": visit, "action": action, "member": member, "training": training}


def _sample(entity: str, p: dict[str, str]) -> dict[str, object]:
    """A minimal valid row for each synced table."""
    return {
        "area": {"code": "140215100202", "name": "西村", "level": "village",
                 "parent_id": None},
        "team": {"name": "县教育局驻西村工作队", "unit": "县教育局"},
        "team_area": {"team_id": p["team"], "area_id": p["area"]},
        "cadre": {"name": "赵堃", "role": "first_secretary", "team_id": p["team"]},
        "observation_threshold": {"year": 2025, "amount": 8800.0},
        "household": {"number": "0002", "head_name": "张三", "village_id": p["area"]},
        "member": {"household_id": p["household"], "name": "王镕", "relation": "head"},
        "income": {"household_id": p["household"], "year": 2025, "wage": 20000.0},
        "monitoring_event": {"household_id": p["household"], "event_date": D,
                             "status": "monitored"},
        "household_industry": {"household_id": p["household"], "industry": "daylily"},
        "rights_item": {"household_id": p["household"], "right": "vote",
                        "side": "destination"},
        "visit": {"visit_date": D, "purpose": "政策宣讲"},
        "visit_household": {"visit_id": p["visit"], "household_id": p["household"]},
        "visit_cadre": {"visit_id": p["visit"], "cadre_id": p["cadre"]},
        "urgent_need": {"household_id": p["household"], "text": "看病难", "raised_on": D},
        "delivery_action": {"category": "jobs", "action_date": D, "title": "招聘会"},
        "delivery_beneficiary": {"action_id": p["action"], "household_id": p["household"]},
        "assistance_record": {"household_id": p["household"], "measure_kind": "employment",
                              "content": "推荐就业", "record_date": D},
        "training": {"training_date": D, "title": "政策培训"},
        "training_participant": {"training_id": p["training"], "member_id": p["member"],
                                 "certificate": "电焊工证"},
        "attachment": {"sha256": "0" * 64, "filename": "照片.jpg"},
        "form_submission": {"form_id": "household_survey", "form_version": 1,
                            "submitted_at": dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)},
        "conflict_settlement": {"target_entity": "household", "target_id": p["household"],
                                "field": "phone", "up_to": "0190000000000000abc"},
    }[entity]


def _log(store: Store, row_id: str) -> list[tuple[str, dict, dict, str]]:
    with store.read() as cur:
        return [(r["entity"], json.loads(r["fields"]), json.loads(r["base"]), r["hlc"])
                for r in cur.execute("SELECT * FROM change_log WHERE row_id = ? ORDER BY seq",
                                     (row_id,))]


def test_every_synced_table_has_a_sample() -> None:
    assert {m.__tablename__ for m in SYNCED_MODELS} == set(MODEL_BY_ENTITY)
    parents = dict.fromkeys(("area", "team", "cadre", "household", "visit", "action", "member",
                             "training"), "x")
    for entity in MODEL_BY_ENTITY:
        assert _sample(entity, parents)


@pytest.mark.parametrize("entity", list(MODEL_BY_ENTITY))
def test_insert_update_delete_of_every_synced_table_logs_a_change(store: Store,
                                                                   entity: str) -> None:
    parents = _parents(store)
    row = _sample(entity, parents)
    with store.write() as w:
        [row_id] = w.insert(entity, [row])
    [(logged_entity, fields, base, hlc)] = _log(store, row_id)
    assert logged_entity == entity
    assert base == {}
    for name, value in row.items():
        expected = value.isoformat(sep=" ") if isinstance(value, dt.datetime) else (
            value.isoformat() if isinstance(value, dt.date) else value)
        assert fields[name] == expected
    with store.read() as cur:
        assert cur.execute(f'SELECT updated_hlc FROM "{entity}" WHERE id = ?',
                           (row_id,)).fetchone()[0] == hlc

    # Link tables have only ids; for the others, change a text field twice.
    text_fields = [k for k, v in row.items() if isinstance(v, str) and not k.endswith("_id")
                   and k not in ("level", "side", "right", "category", "measure_kind",
                                 "industry", "role", "status", "relation", "sha256")]
    expected_changes = 1
    if text_fields:
        name = text_fields[0]
        with store.write() as w:
            assert w.update(entity, row_id, {name: "改过的值"})
            assert not w.update(entity, row_id, {name: "改过的值"})  # no change, no log
        changes = _log(store, row_id)
        expected_changes = 2
        assert len(changes) == expected_changes
        assert changes[1][1] == {name: "改过的值"}
        assert changes[1][2] == {name: hlc}  # the writer knew the value it overwrote
        assert changes[1][3] > hlc

    with store.write() as w:
        assert w.delete(entity, row_id)
    changes = _log(store, row_id)
    assert len(changes) == expected_changes + 1
    assert changes[-1][1] == {"deleted": True}
    with store.read() as cur:
        assert cur.execute(f'SELECT deleted FROM "{entity}" WHERE id = ?',
                           (row_id,)).fetchone()[0] == 1


@pytest.mark.parametrize("entity", list(MODEL_BY_ENTITY))
def test_raw_sql_cannot_bypass_the_change_log(store: Store, entity: str) -> None:
    parents = _parents(store)
    with store.write() as w:
        [row_id] = w.insert(entity, [_sample(entity, parents)])
    db = dbfile.connect(store.path)
    try:
        with pytest.raises(sqlite.IntegrityError, match="bypassed the change log"):
            db.execute(f'UPDATE "{entity}" SET deleted = 1 WHERE id = ?', (row_id,))
        with pytest.raises(sqlite.IntegrityError, match="deleted by tombstone"):
            db.execute(f'DELETE FROM "{entity}" WHERE id = ?', (row_id,))
        columns = [r[1] for r in db.execute(f'PRAGMA table_info("{entity}")')]
        values = db.execute(f'SELECT * FROM "{entity}" WHERE id = ?', (row_id,)).fetchone()
        copy = dict(zip(columns, values, strict=True)) | {"id": "not-logged"}
        marks = ",".join("?" * len(copy))
        with pytest.raises(sqlite.IntegrityError, match="bypassed the change log"):
            db.execute(f'INSERT INTO "{entity}" ({",".join(copy)}) VALUES ({marks})',
                       list(copy.values()))
    finally:
        db.close()


def test_orm_session_refuses_to_flush_synced_rows(store: Store) -> None:
    parents = _parents(store)
    with store.session() as session:
        household = session.exec(select(Household)).one()
        household.phone = "13800000000"
        session.add(household)
        with pytest.raises(RuntimeError, match=r"Store\.write"):
            session.commit()
    with store.read() as cur:
        assert cur.execute("SELECT phone FROM household WHERE id = ?",
                           (parents["household"],)).fetchone()[0] == ""


def test_failed_write_leaves_nothing_behind(store: Store) -> None:
    parents = _parents(store)
    with store.read() as cur:
        before = cur.execute("SELECT count(*) FROM change_log").fetchone()[0]
    with pytest.raises(ValueError, match="missing"), store.write() as w:
        w.insert(Household, [{"number": "0009", "head_name": "甲", "village_id": parents["area"]}])
        w.insert(Household, [{"number": "0010"}])  # no head name, no village
    with store.read() as cur:
        assert cur.execute("SELECT count(*) FROM change_log").fetchone()[0] == before
        assert cur.execute("SELECT count(*) FROM household WHERE number = '0009'"
                           ).fetchone()[0] == 0


def test_hlc_never_goes_backwards_even_when_the_wall_clock_does(tmp_path) -> None:
    home = tmp_path / "home"
    store = Store.open(home)
    parents = _parents(store)
    with store.read() as cur:
        newest = cur.execute("SELECT max(hlc) FROM change_log").fetchone()[0]
    store.close()

    # The laptop's clock is set back a year, and the program restarted.
    reopened = Store.open(home)
    year_ms = 365 * 24 * 3600 * 1000
    real = reopened.wall
    reopened.wall = lambda: real() - year_ms
    with reopened.write() as w:
        w.update(Household, parents["household"], {"phone": "13900000000"})
        w.update(Household, parents["household"], {"phone": "13900000001"})
    with reopened.read() as cur:
        hlcs = [r[0] for r in cur.execute("SELECT hlc FROM change_log ORDER BY seq")]
    reopened.close()
    assert hlcs == sorted(hlcs)
    assert len(set(hlcs)) == len(hlcs)
    assert hlcs[-2] > newest
    assert Timestamp.decode(hlcs[-1]).wall_ms >= Timestamp.decode(newest).wall_ms
