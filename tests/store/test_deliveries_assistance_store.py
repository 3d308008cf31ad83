"""Ten-deliveries actions and assistance records in the store: save, list, count, total,
delete and undo, each through the logged write path."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workteam_desktop.demo import generate
from workteam_desktop.domain import catalogues as cat
from workteam_desktop.domain.periods import whole_period
from workteam_desktop.domain.problems import DomainError
from workteam_desktop.store import Store
from workteam_desktop.store.assistance import (
    AssistanceFilter,
    RecordInput,
    count_records,
    delete_record,
    household_brief,
    list_cadres,
    list_records,
    list_villages,
    record_detail,
    restore_record,
    save_record,
    totals_by_kind,
)
from workteam_desktop.store.attachments import read_content, remove_attachment
from workteam_desktop.store.deliveries import (
    ActionInput,
    action_detail,
    category_counts,
    count_actions,
    delete_action,
    list_actions,
    restore_action,
    save_action,
)
from workteam_desktop.store.households import list_households

TODAY = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("dlv-demo")
    with Store.open(home) as store:
        generate(store, households=60, seed=1, today=TODAY)
    return home


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path):
    """A private copy of a 60-household demo county."""
    import shutil

    home = tmp_path / "demo"
    shutil.copytree(demo_template, home)
    with Store.open(home) as store:
        yield store


def _households(store: Store, n: int) -> list[dict]:
    return list_households(store, limit=n)


def _changes(store: Store, row_id: str) -> list[dict]:
    with store.read() as cur:
        return [{"entity": r[0], "fields": json.loads(r[1])} for r in cur.execute(
            "SELECT entity, fields FROM change_log WHERE row_id = ? ORDER BY hlc", (row_id,))]


# ---------------------------------------------------------------- periods


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
       st.sampled_from(["month", "quarter", "year"]))
def test_whole_period_holds_today_and_is_whole_months(today: dt.date, period: str) -> None:
    start, end = whole_period(period, today)
    assert start is not None and end is not None
    assert start <= today <= end
    assert start.day == 1
    assert (end + dt.timedelta(days=1)).day == 1  # ends on a month's last day
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    assert months == {"month": 1, "quarter": 3, "year": 12}[period]
    if period == "quarter":
        assert start.month in (1, 4, 7, 10)


def test_period_all_is_open() -> None:
    assert whole_period("all", TODAY) == (None, None)
    with pytest.raises(ValueError):
        whole_period("week", TODAY)


# ---------------------------------------------------------------- ten deliveries


def test_save_action_writes_action_and_beneficiaries_with_change_log(demo: Store) -> None:
    households = _households(demo, 3)
    action_id = save_action(demo, ActionInput(
        category="industry", action_date=TODAY, title=" 黄花种植技术培训 ", place="村委会",
        people_reached=45, households=[h["id"] for h in households] + [households[0]["number"]]))
    detail = action_detail(demo, action_id)
    assert detail["title"] == "黄花种植技术培训"
    assert detail["category_label"] == "送产业"
    assert [h["id"] for h in detail["households"]] == [h["id"] for h in households]
    # The village is the first beneficiary's, the team the one working there.
    with demo.read() as cur:
        village = cur.execute("SELECT village_id FROM household WHERE id = ?",
                              (households[0]["id"],)).fetchone()[0]
        team = cur.execute("SELECT team_id FROM team_area WHERE area_id = ?",
                           (village,)).fetchone()[0]
        links = cur.execute("SELECT id FROM delivery_beneficiary WHERE action_id = ?",
                            (action_id,)).fetchall()
    assert detail["village_id"] == village and detail["team_id"] == team
    assert len(links) == 3  # the household given twice is linked once
    assert _changes(demo, action_id)[0]["entity"] == "delivery_action"
    for (link_id,) in links:
        assert _changes(demo, link_id)[0]["entity"] == "delivery_beneficiary"


def test_save_action_refuses_bad_input_and_writes_nothing(demo: Store) -> None:
    before = count_actions(demo)
    with pytest.raises(DomainError) as missing_title:
        save_action(demo, ActionInput(category="jobs", action_date=TODAY, title="  "))
    assert missing_title.value.field_name == "title"
    with pytest.raises(DomainError):
        save_action(demo, ActionInput(category="sing", action_date=TODAY, title="x"))
    with pytest.raises(DomainError):  # an unknown household: nothing at all is written
        save_action(demo, ActionInput(category="jobs", action_date=TODAY, title="招聘会",
                                      households=["no-such-household"]))
    assert count_actions(demo) == before


def test_editing_an_action_updates_its_beneficiaries(demo: Store) -> None:
    a, b, c = (h["id"] for h in _households(demo, 3))
    action_id = save_action(demo, ActionInput(category="warmth", action_date=TODAY,
                                              title="冬季送温暖", households=[a, b]))
    save_action(demo, ActionInput(category="warmth", action_date=TODAY, title="冬季送温暖活动",
                                  households=[b, c]), action_id)
    detail = action_detail(demo, action_id)
    assert detail["title"] == "冬季送温暖活动"
    assert {h["id"] for h in detail["households"]} == {b, c}
    # Adding a back revives its old link instead of making a second one.
    save_action(demo, ActionInput(category="warmth", action_date=TODAY, title="冬季送温暖活动",
                                  households=[a, b, c]), action_id)
    with demo.read() as cur:
        rows = cur.execute("SELECT household_id, deleted FROM delivery_beneficiary "
                           "WHERE action_id = ?", (action_id,)).fetchall()
    assert sorted((r[0], r[1]) for r in rows) == sorted([(a, 0), (b, 0), (c, 0)])


def test_list_actions_filters_and_sorts_newest_first(demo: Store) -> None:
    rows = list_actions(demo, limit=None)
    assert len(rows) == count_actions(demo) > 0
    assert [r["action_date"] for r in rows] == sorted((r["action_date"] for r in rows),
                                                      reverse=True)
    industry = list_actions(demo, category="industry", limit=None)
    assert industry and all(r["category"] == "industry" for r in industry)
    assert len(industry) == count_actions(demo, category="industry")
    start, end = whole_period("quarter", TODAY)
    quarter = list_actions(demo, date_from=start, date_to=end, limit=None)
    assert all(start.isoformat() <= r["action_date"] <= end.isoformat() for r in quarter)
    village = list_villages(demo)[0]["id"]
    assert all(r["village_id"] == village
               for r in list_actions(demo, village_id=village, limit=None))
    page = list_actions(demo, limit=5, offset=5)
    assert [r["id"] for r in page] == [r["id"] for r in rows[5:10]]
    with demo.read() as cur:
        counted = dict(cur.execute("SELECT action_id, count(*) FROM delivery_beneficiary "
                                   "WHERE deleted = 0 GROUP BY action_id").fetchall())
    assert all(r["households"] == counted.get(r["id"], 0) for r in rows)


def test_category_counts_equal_the_years_actions(demo: Store) -> None:
    counts = category_counts(demo, TODAY.year)
    assert list(counts) == cat.DELIVERY_CATEGORIES.codes()
    rows = list_actions(demo, date_from=dt.date(TODAY.year, 1, 1),
                        date_to=dt.date(TODAY.year, 12, 31), limit=None)
    actions = Counter(r["category"] for r in rows)
    people: dict[str, int] = defaultdict(int)
    for r in rows:
        people[r["category"]] += r["people_reached"]
    for code, count in counts.items():
        assert (count.actions, count.people) == (actions[code], people[code])
    assert sum(c.actions for c in category_counts(demo, 1990).values()) == 0


def test_delete_action_and_undo(demo: Store) -> None:
    households = [h["id"] for h in _households(demo, 2)]
    action_id = save_action(demo, ActionInput(category="clean", action_date=TODAY,
                                              title="人居环境整治", households=households))
    total = count_actions(demo)
    deleted = delete_action(demo, action_id)
    assert len(deleted.beneficiary_ids) == 2
    assert count_actions(demo) == total - 1
    assert action_id not in {r["id"] for r in list_actions(demo, limit=None)}
    with pytest.raises(LookupError):
        action_detail(demo, action_id)
    with pytest.raises(LookupError):
        delete_action(demo, action_id)
    restore_action(demo, deleted)
    assert count_actions(demo) == total
    assert [h["id"] for h in action_detail(demo, action_id)["households"]] == households
    # Delete and undo are logged changes, so they sync.
    assert [c["fields"] for c in _changes(demo, action_id)][-2:] == [{"deleted": True},
                                                                    {"deleted": False}]


# ---------------------------------------------------------------- assistance


def test_save_record_and_detail(demo: Store) -> None:
    household = _households(demo, 1)[0]
    cadre = list_cadres(demo)[0]
    record_id = save_record(demo, RecordInput(
        household=household["number"], measure_kind="education", content="雨露计划教育补助",
        record_date=TODAY, amount=1500.456, cadre=cadre["name"], status="done",
        result="补助已发放"))
    detail = record_detail(demo, record_id)
    assert detail["household_id"] == household["id"]
    assert detail["amount"] == 1500.46
    assert detail["cadre_id"] == cadre["id"] and detail["cadre_name"] == cadre["name"]
    assert (detail["measure_label"], detail["status_label"]) == ("教育", "已完成")
    assert _changes(demo, record_id)[0]["entity"] == "assistance_record"
    save_record(demo, RecordInput(household=household["id"], measure_kind="education",
                                  content="雨露计划教育补助", record_date=TODAY, amount=2000,
                                  status="done"), record_id)
    detail = record_detail(demo, record_id)
    assert (detail["amount"], detail["cadre_id"]) == (2000.0, None)


@pytest.mark.parametrize(("change", "field"), [
    ({"content": " "}, "content"), ({"amount": -1.0}, "amount"),
    ({"measure_kind": "magic"}, "measure_kind"), ({"status": "lost"}, "status"),
    ({"household": "no-such"}, None), ({"cadre": "无此人"}, None),
])
def test_save_record_refuses_bad_input(demo: Store, change: dict, field: str | None) -> None:
    household = _households(demo, 1)[0]
    values = {"household": household["id"], "measure_kind": "health", "content": "医疗救助",
              "record_date": TODAY, "amount": 100.0, **change}
    before = count_records(demo)
    with pytest.raises(DomainError) as refused:
        save_record(demo, RecordInput(**values))
    assert refused.value.field_name == field or field is None
    assert count_records(demo) == before


def test_list_records_filters(demo: Store) -> None:
    rows = list_records(demo, limit=None)
    assert len(rows) == count_records(demo) > 0
    assert [r["record_date"] for r in rows] == sorted((r["record_date"] for r in rows),
                                                      reverse=True)
    some = rows[0]
    by_household = list_records(demo, AssistanceFilter(household_id=some["household_id"]),
                                limit=None)
    assert by_household and all(r["household_id"] == some["household_id"] for r in by_household)
    by_name = list_records(demo, AssistanceFilter(search=some["head_name"][:1]), limit=None)
    assert some["id"] in {r["id"] for r in by_name}
    assert all(some["head_name"][:1] in r["head_name"] or some["head_name"][:1]
               in r["household_number"] for r in by_name)
    by_number = list_records(demo, AssistanceFilter(search=some["household_number"]), limit=None)
    assert {r["household_id"] for r in by_number} == {some["household_id"]}
    done = list_records(demo, AssistanceFilter(status="done", measure_kind="industry"), limit=None)
    assert all(r["status"] == "done" and r["measure_kind"] == "industry" for r in done)
    village = list_villages(demo)[0]
    in_village = list_records(demo, AssistanceFilter(village_id=village["id"]), limit=None)
    assert in_village and all(r["village_name"] == village["name"] for r in in_village)


record_sets = st.lists(st.tuples(
    st.sampled_from(cat.MEASURE_KINDS.codes()),
    st.decimals(min_value=0, max_value=100_000, places=2),
    st.sampled_from(cat.ASSISTANCE_STATUSES.codes()),
    st.integers(min_value=0, max_value=400)), max_size=25)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=record_sets, kind=st.sampled_from([None, *cat.MEASURE_KINDS.codes()[:3]]),
       status=st.sampled_from([None, "done"]))
def test_totals_by_kind_equal_python_sums_over_the_listed_records(
        tmp_path_factory: pytest.TempPathFactory, records: list,
        kind: str | None, status: str | None) -> None:
    with Store.open(tmp_path_factory.mktemp("totals")) as store:
        with store.write() as w:
            [village] = w.insert("area", [{"code": "140215100201", "name": "三岔铺村",
                                           "level": "village"}])
            [household] = w.insert("household", [{"number": "1", "head_name": "李霞",
                                                  "village_id": village}])
            ids = w.insert("assistance_record", [
                {"household_id": household, "measure_kind": k, "content": "x",
                 "amount": float(amount), "status": s,
                 "record_date": TODAY - dt.timedelta(days=days)}
                for k, amount, s, days in records])
        if ids:
            delete_record(store, ids[0])  # a tombstone never counts
        flt = AssistanceFilter(measure_kind=kind, status=status,
                               date_from=TODAY - dt.timedelta(days=200))
        listed = list_records(store, flt, limit=None)
        expected: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for r in listed:
            expected[r["measure_kind"]][0] += 1
            expected[r["measure_kind"]][1] += round(r["amount"] * 100)
        totals = totals_by_kind(store, flt)
        assert {k: (t.count, round(t.amount * 100)) for k, t in totals.items()} == \
            {k: (c, fen) for k, (c, fen) in expected.items()}
        # And the same from what was written, independently of the store's filter.
        written: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for k, amount, s, days in records[1:]:  # the first was deleted
            if (kind in (None, k) and status in (None, s) and days <= 200):
                written[k][0] += 1
                written[k][1] += int(amount * 100)
        assert {k: (t.count, round(t.amount * 100)) for k, t in totals.items()} == \
            {k: (c, fen) for k, (c, fen) in written.items()}
        assert list(totals) == [c for c in cat.MEASURE_KINDS.codes() if c in totals]
        assert sum(t.count for t in totals.values()) == count_records(store, flt)


def test_delete_record_and_undo(demo: Store) -> None:
    record = list_records(demo, limit=1)[0]
    total = count_records(demo)
    delete_record(demo, record["id"])
    assert count_records(demo) == total - 1
    with pytest.raises(LookupError):
        record_detail(demo, record["id"])
    with pytest.raises(LookupError):
        delete_record(demo, record["id"])
    restore_record(demo, record["id"])
    assert count_records(demo) == total
    assert record_detail(demo, record["id"])["content"] == record["content"]


def test_household_brief_cadres_and_villages(demo: Store) -> None:
    household = _households(demo, 1)[0]
    brief = household_brief(demo, household["number"])
    assert (brief["id"], brief["head_name"]) == (household["id"], household["head_name"])
    with pytest.raises(DomainError):
        household_brief(demo, "no-such")
    cadres = list_cadres(demo)
    assert cadres and [c["name"] for c in cadres] == sorted(c["name"] for c in cadres)
    surname = cadres[0]["name"][0]
    found = list_cadres(demo, surname)
    assert found and all(surname in c["name"] for c in found)
    assert all(c["role_label"] in {e.zh for e in cat.CADRE_ROLES} for c in found)
    assert list_cadres(demo, "不存在的名字") == []
    villages = list_villages(demo)
    assert villages and [v["code"] for v in villages] == sorted(v["code"] for v in villages)


# ---------------------------------------------------------------- photos (bug 14)


def _photo(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(b"\xff\xd8\xff" + content * 200)
    return str(path)


def _attachment_rows(store: Store, entity: str, owner_id: str) -> list[tuple]:
    with store.read() as cur:
        return [tuple(r) for r in cur.execute(
            "SELECT id, filename, deleted FROM attachment WHERE owner_entity = ? AND owner_id = ? "
            "ORDER BY id", (entity, owner_id))]


def test_an_actions_photos_are_saved_with_it_kept_by_an_edit_and_removable(
        demo: Store, tmp_path: Path) -> None:
    door = _photo(tmp_path, "会场.jpg", b"meeting")
    sign = _photo(tmp_path, "签到表.jpg", b"sign-in sheet")
    households = [h["id"] for h in _households(demo, 2)]
    action = ActionInput(category="outreach", action_date=TODAY, title="防返贫政策宣讲",
                         households=households, photos=[door, sign, door])
    action_id = save_action(demo, action)
    photos = action_detail(demo, action_id)["photos"]
    # One attachment per file (the file given twice is attached once), content in the home.
    assert [p["filename"] for p in photos] == ["会场.jpg", "签到表.jpg"]
    assert [read_content(demo.home, p["sha256"]) for p in photos] == [
        Path(door).read_bytes(), Path(sign).read_bytes()]
    # The attachments are synced rows, written through the change log.
    for p in photos:
        assert _changes(demo, p["id"])[0]["entity"] == "attachment"

    # An edit that names no photos keeps them; the same file again adds nothing.
    save_action(demo, dataclasses.replace(action, title="防返贫监测政策宣讲", photos=[door]),
                action_id)
    assert [p["id"] for p in action_detail(demo, action_id)["photos"]] == [p["id"] for p in photos]
    # Removing one tombstones its attachment row (a logged change, so it syncs).
    save_action(demo, dataclasses.replace(action, photos=[],
                                          removed_photos=[photos[0]["id"]]), action_id)
    assert [p["filename"] for p in action_detail(demo, action_id)["photos"]] == ["签到表.jpg"]
    assert _changes(demo, photos[0]["id"])[-1]["fields"] == {"deleted": True}
    assert [r[2] for r in _attachment_rows(demo, "delivery_action", action_id)] == [1, 0]


def test_a_photo_that_cannot_be_read_saves_nothing(demo: Store, tmp_path: Path) -> None:
    before = count_actions(demo)
    with pytest.raises(OSError):
        save_action(demo, ActionInput(category="jobs", action_date=TODAY, title="招聘会",
                                      photos=[str(tmp_path / "gone.jpg")]))
    assert count_actions(demo) == before
    with demo.read() as cur:
        assert cur.execute("SELECT count(*) FROM attachment").fetchone()[0] == 0


def test_a_records_photos_are_saved_with_it_and_removable(demo: Store, tmp_path: Path) -> None:
    receipt = _photo(tmp_path, "收据.jpg", b"receipt")
    household = _households(demo, 1)[0]
    record = RecordInput(household=household["id"], measure_kind="health", content="医疗救助",
                         record_date=TODAY, amount=3780, photos=[receipt])
    record_id = save_record(demo, record)
    [photo] = record_detail(demo, record_id)["photos"]
    assert photo["filename"] == "收据.jpg"
    assert read_content(demo.home, photo["sha256"]) == Path(receipt).read_bytes()
    save_record(demo, dataclasses.replace(record, amount=3800, photos=[]), record_id)
    assert [p["id"] for p in record_detail(demo, record_id)["photos"]] == [photo["id"]]
    save_record(demo, dataclasses.replace(record, photos=[], removed_photos=[photo["id"]]),
                record_id)
    assert record_detail(demo, record_id)["photos"] == []
    # Added again after its removal, the same file becomes a new live attachment.
    save_record(demo, dataclasses.replace(record, photos=[receipt]), record_id)
    assert len(record_detail(demo, record_id)["photos"]) == 1


def test_an_edit_never_removes_another_records_photo(demo: Store, tmp_path: Path) -> None:
    household = _households(demo, 1)[0]
    first = save_record(demo, RecordInput(
        household=household["id"], measure_kind="health", content="医疗救助", record_date=TODAY,
        photos=[_photo(tmp_path, "a.jpg", b"a")]))
    second = save_record(demo, RecordInput(
        household=household["id"], measure_kind="health", content="慢病卡", record_date=TODAY))
    [photo] = record_detail(demo, first)["photos"]
    with pytest.raises(LookupError):
        save_record(demo, RecordInput(household=household["id"], measure_kind="health",
                                      content="慢病卡", record_date=TODAY,
                                      removed_photos=[photo["id"]]), second)
    assert record_detail(demo, first)["photos"] == [photo]
    remove_attachment(demo, photo["id"], "assistance_record", first)
    assert record_detail(demo, first)["photos"] == []
