"""Visits, urgent needs and attachments in the store: what the visit pages rely on."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

import pytest

import dbfile
from workteam_desktop.demo import generate
from workteam_desktop.domain.periods import period_so_far
from workteam_desktop.domain.problems import DomainError
from workteam_desktop.store import Store
from workteam_desktop.store.attachments import add_attachment, attachments_of, content_path, read_content
from workteam_desktop.store.households import list_households
from workteam_desktop.store.urgent_needs import (
    UNRESOLVED,
    count_urgent_needs,
    get_urgent_need,
    list_urgent_needs,
    resolve_urgent_need,
    set_urgent_need_status,
)
from workteam_desktop.store.visits import (
    UrgentNeedInput,
    VisitFilter,
    VisitInput,
    add_visit,
    cadre_choices,
    cadres_by_ids,
    household_choice,
    list_visit_rows,
    list_visits,
    visit_summary,
    visit_villages,
)

TODAY = dt.date(2026, 11, 20)
TOMORROW = dt.date.today() + dt.timedelta(days=1)


@pytest.fixture
def demo(store: Store) -> Store:
    """A small demo county (60 households) whose records end on TODAY."""
    generate(store, households=60, seed=1, today=TODAY)
    return store


@pytest.fixture
def needs(demo: Store) -> Store:
    """The demo county plus a visit 40 days ago that raised three needs still open (the
    demo's own needs may all be resolved by TODAY)."""
    [household] = list_households(demo, limit=1)
    add_visit(demo, VisitInput(
        households=[household["id"]], visit_date=TODAY - dt.timedelta(days=40),
        purpose="入户走访", urgent_needs=[
            UrgentNeedInput("需要办理慢病卡", "medical", TODAY - dt.timedelta(days=5)),
            UrgentNeedInput("孩子上学路远", "schooling", TODAY + dt.timedelta(days=5),
                            status="in_progress"),
            UrgentNeedInput("院墙需要修缮", "housing")]))
    return demo


def _photo(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _files(home: Path) -> list[Path]:
    root = home / "attachments"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _two_households(store: Store) -> list[dict]:
    return list_households(store, limit=2)


def _cadre(store: Store) -> dict:
    return cadre_choices(store)[0]


# ---------------------------------------------------------------- attachments

def test_attachment_content_is_stored_by_its_hash(store: Store, tmp_path: Path) -> None:
    content = b"\xff\xd8\xff photo of the courtyard"
    photo = _photo(tmp_path, "院子.jpg", content)
    attachment_id = add_attachment(store, photo, "visit", "v1")
    sha = hashlib.sha256(content).hexdigest()
    stored = store.home / "attachments" / sha[:2] / sha
    assert read_content(store.home, sha) == content
    assert content not in stored.read_bytes()  # sealed with the home's key on the disk
    assert content_path(store.home, sha) == stored
    [row] = attachments_of(store, "visit", "v1")
    assert row["id"] == attachment_id
    assert (row["sha256"], row["filename"], row["mime"], row["size"]) == (
        sha, "院子.jpg", "image/jpeg", len(content))
    assert Path(row["path"]) == stored


def test_same_content_is_copied_once(store: Store, tmp_path: Path) -> None:
    first = _photo(tmp_path, "a.jpg", b"same bytes")
    copy = _photo(tmp_path, "b.jpg", b"same bytes")
    other = _photo(tmp_path, "c.jpg", b"other bytes")
    a = add_attachment(store, first, "visit", "v1")
    b = add_attachment(store, copy, "visit", "v2")
    again = add_attachment(store, copy, "visit", "v1")
    add_attachment(store, other, "visit", "v1")
    # Two owners of the same content: two rows, one file; the same content attached to
    # the same owner again is the same attachment.
    assert again == a != b
    assert len(_files(store.home)) == 2
    assert len(attachments_of(store, "visit", "v1")) == 2
    assert len(attachments_of(store, "visit", "v2")) == 1


def test_attachment_rows_go_through_the_change_log(store: Store, tmp_path: Path) -> None:
    attachment_id = add_attachment(store, _photo(tmp_path, "a.png", b"png"), "visit", "v1")
    db = dbfile.connect(store.path)
    logged = db.execute("SELECT count(*) FROM change_log WHERE row_id = ? AND entity = "
                        "'attachment'", (attachment_id,)).fetchone()[0]
    db.close()
    assert logged == 1


# ---------------------------------------------------------------- adding a visit

def test_add_visit_with_photos_needs_and_two_households(demo: Store, tmp_path: Path) -> None:
    first, second = _two_households(demo)
    cadre = _cadre(demo)
    photo = _photo(tmp_path, "门前.jpg", b"jpeg-bytes")
    visit_id = add_visit(demo, VisitInput(
        households=[first["number"], second["id"]], visit_date=TODAY, visit_time="09:30",
        purpose="入户走访", findings="老人腿脚不便", measures="联系村医上门",
        follow_up_date=TODAY + dt.timedelta(days=14), visitors=[cadre["id"]],
        urgent_needs=[
            UrgentNeedInput("需要办理慢病卡", "medical", TODAY + dt.timedelta(days=10)),
            UrgentNeedInput("院墙需要修缮", "housing", household=second["number"],
                            status="in_progress"),
            UrgentNeedInput("低保材料已补齐", "social", status="resolved", resolution="当场补齐"),
        ],
        photos=[str(photo), str(photo)]))
    [saved] = [v for v in list_visits(demo, household=second["id"]) if v["id"] == visit_id]
    assert [h["id"] for h in saved["households"]] == [first["id"], second["id"]]
    assert saved["visitors"] == [cadre["name"]]
    needs = {n["text"]: n for n in list_urgent_needs(demo, today=TODAY)
             if n["visit_id"] == visit_id}
    assert needs["需要办理慢病卡"]["household_id"] == first["id"]
    assert needs["院墙需要修缮"]["household_id"] == second["id"]
    assert needs["院墙需要修缮"]["status"] == "in_progress"
    assert needs["低保材料已补齐"]["resolved_on"] == TODAY.isoformat()
    [photo_row] = attachments_of(demo, "visit", visit_id)  # the same file twice: once
    assert read_content(demo.home, photo_row["sha256"]) == b"jpeg-bytes"


@pytest.mark.parametrize(("change", "field_name", "message"), [
    ({"households": []}, "households", "请填写走访的农户"),
    ({"purpose": "  "}, "purpose", "请填写走访事由"),
    ({"follow_up_date": TODAY - dt.timedelta(days=1)}, "follow_up_date",
     "回访日期2026-11-19早于走访日期2026-11-20：回访应在走访之后"),
    ({"visit_time": "25:99"}, "visit_time", "走访时间“25:99”不对，应为 0:00–23:59，如 14:30"),
    ({"visit_time": "abc"}, "visit_time", "走访时间“abc”不对，应为 0:00–23:59，如 14:30"),
    ({"visit_date": TOMORROW, "follow_up_date": None}, "visit_date",
     f"走访日期{TOMORROW}晚于今天（{dt.date.today()}）：只能记录已经进行的走访"),
])
def test_add_visit_refuses_what_cannot_be_saved(demo: Store, change: dict, field_name: str,
                                                message: str) -> None:
    [household] = list_households(demo, limit=1)
    before = len(list_visits(demo))
    fields = {"households": [household["id"]], "visit_date": TODAY, "purpose": "入户走访",
              **change}
    with pytest.raises(DomainError) as caught:
        add_visit(demo, VisitInput(**fields))
    assert caught.value.field_name == field_name
    assert caught.value.message() == message
    assert len(list_visits(demo)) == before


def test_a_failed_visit_writes_nothing(demo: Store) -> None:
    [household] = list_households(demo, limit=1)
    before = len(list_visits(demo))
    with pytest.raises(DomainError):
        add_visit(demo, VisitInput(households=[household["id"]], visit_date=TODAY,
                                   purpose="入户走访", visitors=["没有这个干部"]))
    assert len(list_visits(demo)) == before


# ---------------------------------------------------------------- the visit list

def test_visit_rows_page_newest_first_without_gaps(demo: Store) -> None:
    everything = list_visits(demo)
    pages = [list_visit_rows(demo, limit=50, offset=o, today=TODAY)
             for o in range(0, len(everything) + 50, 50)]
    rows = [r for page in pages for r in page]
    assert len(pages[0]) == 50
    assert [r["id"] for r in rows] == [v["id"] for v in everything]
    dates = [r["visit_date"] for r in rows]
    assert dates == sorted(dates, reverse=True)
    assert all(r["households"] and r["visitors"] and r["village_name"] for r in rows)


def test_visit_rows_count_open_and_overdue_needs(demo: Store) -> None:
    [household] = list_households(demo, limit=1)
    visit_id = add_visit(demo, VisitInput(
        households=[household["id"]], visit_date=TODAY - dt.timedelta(days=40),
        purpose="急难愁盼回访", urgent_needs=[
            UrgentNeedInput("需要办理慢病卡", "medical", TODAY - dt.timedelta(days=5)),
            UrgentNeedInput("孩子上学路远", "schooling", TODAY + dt.timedelta(days=5)),
            UrgentNeedInput("已解决的事", "other", status="resolved", resolution="办好了")]))
    [row] = [r for r in list_visit_rows(demo, VisitFilter(search=household["number"]),
                                        today=TODAY) if r["id"] == visit_id]
    assert (row["needs_total"], row["needs_open"], row["needs_overdue"]) == (3, 2, 1)


def test_visit_filters_by_period_village_and_household(demo: Store) -> None:
    start, end = period_so_far("month", TODAY)
    month = list_visit_rows(demo, VisitFilter(date_from=start, date_to=end), limit=10_000)
    assert month and all(start.isoformat() <= r["visit_date"] <= end.isoformat() for r in month)
    village = visit_villages(demo)[0]
    in_village = list_visit_rows(demo, VisitFilter(village_id=village["id"]), limit=10_000)
    assert in_village and {r["village_name"] for r in in_village} == {village["name"]}
    [household] = list_households(demo, limit=1)
    for text in (household["head_name"], household["number"], household["head_name"][:1]):
        found = list_visit_rows(demo, VisitFilter(search=text), limit=10_000)
        assert any(h["id"] == household["id"] for r in found for h in r["households"])
        assert all(any(text in h["head_name"] or text in h["number"] for h in r["households"])
                   for r in found)


def test_visit_summary_counts_visits_and_households(demo: Store) -> None:
    start, end = period_so_far("year", TODAY)
    flt = VisitFilter(date_from=start, date_to=end)
    summary = visit_summary(demo, flt)
    rows = list_visit_rows(demo, flt, limit=100_000)
    assert summary.visits == len(rows)
    assert summary.households == len({h["id"] for r in rows for h in r["households"]})
    assert 0 < summary.households < summary.visits


def test_period_ranges() -> None:
    day = dt.date(2026, 8, 17)
    assert period_so_far("month", day) == (dt.date(2026, 8, 1), day)
    assert period_so_far("quarter", day) == (dt.date(2026, 7, 1), day)
    assert period_so_far("year", day) == (dt.date(2026, 1, 1), day)
    with pytest.raises(ValueError):
        period_so_far("week", day)


def test_a_reversed_period_is_refused(demo: Store) -> None:
    with pytest.raises(DomainError, match="开始日期"):
        list_visit_rows(demo, VisitFilter(date_from=TODAY, date_to=TODAY - dt.timedelta(1)))


# ---------------------------------------------------------------- pick lists

def test_cadre_and_household_choices(demo: Store) -> None:
    cadres = cadre_choices(demo)
    assert cadres and all(c["role_label"] and c["team_name"] for c in cadres)
    surname = cadres[0]["name"][0]
    assert all(surname in c["name"] for c in cadre_choices(demo, surname))
    picked = [cadres[2]["id"], cadres[0]["id"], "gone"]
    assert [c["id"] for c in cadres_by_ids(demo, picked)] == picked[:2]
    [household] = list_households(demo, limit=1)
    choice = household_choice(demo, household["number"])
    assert choice == {"id": household["id"], "number": household["number"],
                      "head_name": household["head_name"],
                      "village_name": household["village_name"]}
    assert household_choice(demo, "没有这户") is None


# ---------------------------------------------------------------- urgent needs

def test_urgent_needs_list_open_first_most_overdue_on_top(needs: Store) -> None:
    demo = needs
    needs = list_urgent_needs(demo, today=TODAY)
    assert len(needs) == count_urgent_needs(demo, today=TODAY).total > 3
    mine = [n for n in needs if n["raised_on"] == (TODAY - dt.timedelta(days=40)).isoformat()
            and n["text"] in ("需要办理慢病卡", "孩子上学路远", "院墙需要修缮")]
    assert [n["text"] for n in mine] == ["需要办理慢病卡", "孩子上学路远", "院墙需要修缮"]
    assert mine[0]["overdue"] and not mine[1]["overdue"] and mine[2]["due_date"] is None
    assert mine[0]["days_open"] == 40
    opened = [n["open"] for n in needs]
    assert opened == sorted(opened, reverse=True)  # every open need before any resolved
    open_due = [n["due_date"] or "9999" for n in needs if n["open"]]
    assert open_due == sorted(open_due)
    for n in needs:
        assert n["overdue"] == bool(n["open"] and n["due_date"] and
                                    n["due_date"] < TODAY.isoformat())
        assert n["category_label"] and n["status_label"] and n["head_name"]
        end = TODAY if n["open"] else dt.date.fromisoformat(n["resolved_on"])
        assert n["days_open"] == (end - dt.date.fromisoformat(n["raised_on"])).days


def test_urgent_needs_filter_by_status_and_household(needs: Store) -> None:
    demo = needs
    unresolved = list_urgent_needs(demo, UNRESOLVED, today=TODAY)
    counts = count_urgent_needs(demo, today=TODAY)
    assert len(unresolved) == counts.unresolved
    assert {n["status"] for n in unresolved} <= {"open", "in_progress"}
    assert counts.overdue == sum(n["overdue"] for n in unresolved)
    assert all(n["status"] == "resolved" for n in list_urgent_needs(demo, "resolved"))
    need = unresolved[0]
    mine = list_urgent_needs(demo, household=need["household_number"], today=TODAY)
    assert need["id"] in {n["id"] for n in mine}
    assert {n["household_id"] for n in mine} == {need["household_id"]}
    page = list_urgent_needs(demo, limit=3, offset=1, today=TODAY)
    assert [n["id"] for n in page] == [n["id"] for n in list_urgent_needs(demo, today=TODAY)[1:4]]


def test_resolve_an_urgent_need(needs: Store) -> None:
    demo = needs
    need = list_urgent_needs(demo, UNRESOLVED, today=TODAY)[0]
    before = count_urgent_needs(demo, UNRESOLVED).total
    resolved = resolve_urgent_need(demo, need["id"], "  已办理慢病卡  ", TODAY)
    assert (resolved["status"], resolved["resolution"], resolved["resolved_on"]) == (
        "resolved", "已办理慢病卡", TODAY.isoformat())
    assert not resolved["open"]
    assert count_urgent_needs(demo, UNRESOLVED).total == before - 1
    assert need["id"] not in {n["id"] for n in list_urgent_needs(demo, UNRESOLVED)}
    db = dbfile.connect(demo.path)
    fields = db.execute("SELECT fields FROM change_log WHERE row_id = ? ORDER BY hlc DESC",
                        (need["id"],)).fetchone()[0]
    db.close()
    assert "已办理慢病卡" in fields  # the change goes out with the next sync


def test_resolving_refuses_an_empty_resolution_and_an_early_date(needs: Store) -> None:
    demo = needs
    need = list_urgent_needs(demo, UNRESOLVED, today=TODAY)[0]
    with pytest.raises(DomainError) as empty:
        resolve_urgent_need(demo, need["id"], "  ", TODAY)
    assert empty.value.field_name == "resolution"
    raised = dt.date.fromisoformat(need["raised_on"])
    with pytest.raises(DomainError) as early:
        resolve_urgent_need(demo, need["id"], "办好了", raised - dt.timedelta(days=1))
    assert early.value.field_name == "resolved_on"
    assert get_urgent_need(demo, need["id"])["status"] == need["status"]
    with pytest.raises(LookupError):
        resolve_urgent_need(demo, "no-such-need", "办好了", TODAY)


def test_a_need_can_be_moved_to_in_progress(needs: Store) -> None:
    demo = needs
    need = list_urgent_needs(demo, "open", today=TODAY)[0]
    assert set_urgent_need_status(demo, need["id"], "in_progress")
    assert not set_urgent_need_status(demo, need["id"], "in_progress")
    assert get_urgent_need(demo, need["id"])["status_label"] == "办理中"
    with pytest.raises(ValueError):
        set_urgent_need_status(demo, need["id"], "resolved")


def test_without_a_team_start_a_visit_over_a_year_back_is_asked_about(demo: Store) -> None:
    """No 进驻日期 known: the fallback asks before anything more than a year back."""
    with demo.write() as w:
        for (team_id,) in w.cursor.execute("SELECT id FROM team").fetchall():
            w.update("team", team_id, {"started_on": None})
    [household] = list_households(demo, limit=1)
    old = dt.date.today() - dt.timedelta(days=800)
    visit = VisitInput(households=[household["id"]], visit_date=old, purpose="补录")
    with pytest.raises(DomainError) as refused:
        add_visit(demo, visit)
    assert refused.value.problem.code == "visit.long_ago"
    assert "一年多以前" in refused.value.message("zh")
    assert add_visit(demo, dataclasses.replace(visit, early_date_confirmed=True))
    recent = dataclasses.replace(visit, visit_date=dt.date.today() - dt.timedelta(days=30))
    assert add_visit(demo, recent)


def test_a_visit_before_a_long_serving_teams_arrival_is_asked_about(demo: Store) -> None:
    """A team that arrived two years ago: a visit before that is asked about, one a year
    and a half back is not (it is within the team's time)."""
    arrived = dt.date.today() - dt.timedelta(days=730)
    with demo.write() as w:
        for (team_id,) in w.cursor.execute("SELECT id FROM team").fetchall():
            w.update("team", team_id, {"started_on": arrived})
    [household] = list_households(demo, limit=1)
    visit = VisitInput(households=[household["id"]], purpose="补录",
                       visit_date=arrived - dt.timedelta(days=1))
    with pytest.raises(DomainError) as refused:
        add_visit(demo, visit)
    assert refused.value.problem.code == "visit.before_team_start"
    assert arrived.isoformat() in refused.value.message("zh")
    assert add_visit(demo, dataclasses.replace(visit, visit_date=arrived + dt.timedelta(days=180)))
