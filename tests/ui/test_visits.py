"""走访日志 and 记录走访: a visit logged with the keyboard alone, drafts, validation, the visit
list and resolving urgent needs."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget
from shiboken6 import isValid
from ui_helpers import wait_for_tasks

from workteam_desktop.domain.periods import period_so_far
from workteam_desktop.store import Store
from workteam_desktop.store.attachments import attachments_of, read_content
from workteam_desktop.store.drafts import load_draft
from workteam_desktop.store.household_detail import household_detail
from workteam_desktop.store.households import list_households
from workteam_desktop.store.urgent_needs import (
    UNRESOLVED,
    count_urgent_needs,
    get_urgent_need,
    list_urgent_needs,
)
from workteam_desktop.store.visits import (
    UrgentNeedInput,
    VisitFilter,
    VisitInput,
    add_visit,
    cadre_choices,
    list_visits,
    visit_summary,
)
from workteam_desktop.ui.context import AppContext
from workteam_desktop.ui.pages.visit_entry import DRAFT_KEY, VisitEntryPage
from workteam_desktop.ui.pages.visits import BADGE_ROLE, VisitsPage

TODAY = dt.date.today()


# ---------------------------------------------------------------- keyboard helpers

def _focus() -> QWidget:
    """Where a key press goes: an open completer list, else the focused widget."""
    return QApplication.activePopupWidget() or QApplication.focusWidget()


def type_text(qtbot, text: str) -> None:
    qtbot.keyClicks(_focus(), text)


def press(qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
          ) -> None:
    qtbot.keyClick(_focus(), key, modifier)


def _show(qtbot, page: QWidget, owned: bool = True) -> None:
    if owned:  # closed by qtbot after the test
        qtbot.addWidget(page)
    page.resize(1366, 740)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)


def _entry_page(qtbot, ctx: AppContext, owned: bool = True,
                **params: object) -> VisitEntryPage:
    page = VisitEntryPage(ctx)
    _show(qtbot, page, owned)
    page.activate(**params)
    wait_for_tasks(qtbot, ctx)
    qtbot.waitUntil(lambda: page.households.line_edit.hasFocus() or page.purpose.hasFocus())
    return page


def _household(ctx: AppContext, index: int = 7) -> dict:
    return list_households(ctx.store, limit=index + 1)[index]


def _pick_household(qtbot, ctx: AppContext, page: VisitEntryPage, household: dict) -> None:
    """Type the household number, Enter picks it (as soon as the search answers)."""
    assert _focus() is page.households.line_edit
    type_text(qtbot, household["number"])
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: household["id"] in page.households.ids())


# ---------------------------------------------------------------- 记录走访

def test_enter_picks_the_one_match_while_the_list_is_open(qtbot, ctx) -> None:
    """The field says 回车选中: with the list open and one match shown, Enter picks it (it
    only closed the list, and saving then said 请从下拉列表中选中农户; issue 15)."""
    household = _household(ctx)
    page = _entry_page(qtbot, ctx)
    picker = page.households
    type_text(qtbot, household["number"])
    popup = picker.completer.popup()
    qtbot.waitUntil(lambda: popup.isVisible() and picker.completer.completionCount() == 1)
    assert not popup.currentIndex().isValid()  # nothing highlighted: the cadre just typed
    qtbot.keyClick(popup, Qt.Key.Key_Return)  # where the keyboard goes while it is open
    qtbot.waitUntil(lambda: household["id"] in picker.ids())
    assert not popup.isVisible() and picker.pending_text() == ""


def test_an_urgent_need_waits_for_its_category(qtbot, ctx) -> None:
    """No category is preselected (needs were filed under 就业 by accident): a need typed
    without one is not added, the category box says so (issue 15)."""
    page = _entry_page(qtbot, ctx)
    assert page.need_category.currentIndex() == -1
    page.need_text.setText("房顶漏雨")
    assert page.add_need() is False
    assert page.need_model.rowCount() == 0 and not page.need_error.isHidden()
    page.need_category.setCurrentIndex(page.need_category.findData("housing"))
    assert page.add_need() is True and page.need_model.rowCount() == 1
    assert page.need_category.currentIndex() == -1  # the next need is chosen anew


def test_a_visit_is_logged_with_the_keyboard_alone_in_under_30_seconds(qtbot, ctx) -> None:
    household = _household(ctx)
    follow_up = (TODAY + dt.timedelta(days=14)).isoformat()
    page = _entry_page(qtbot, ctx)
    started = time.monotonic()

    _pick_household(qtbot, ctx, page, household)
    press(qtbot, Qt.Key.Key_Tab)  # the date: today is right
    assert _focus() is page.date_edit
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "930")
    press(qtbot, Qt.Key.Key_Tab)
    assert _focus() is page.purpose
    press(qtbot, Qt.Key.Key_Down)  # the first common purpose: 入户走访
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "Laoren shenti hao, shouru wending.")
    press(qtbot, Qt.Key.Key_Tab)  # findings: Tab leaves the field
    assert _focus() is page.need_category
    assert page.need_category.currentIndex() == -1  # no category chosen for the cadre
    press(qtbot, Qt.Key.Key_Down)  # 就业
    press(qtbot, Qt.Key.Key_Down)  # 就医
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "Ban li man bing ka")
    press(qtbot, Qt.Key.Key_Return)  # adds the urgent need
    assert page.need_model.rowCount() == 1
    for _ in range(4):  # on through the due date, the status and the needs table
        press(qtbot, Qt.Key.Key_Tab)
    assert _focus() is page.measures
    type_text(qtbot, "Lianxi cun yi shang men")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, follow_up)
    press(qtbot, Qt.Key.Key_Tab)
    assert _focus() is page.visitors.line_edit
    press(qtbot, Qt.Key.Key_Down)  # lists the cadres
    qtbot.waitUntil(lambda: page.visitors.completer.popup().isVisible())
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(page.visitors.ids()) == 1)
    with qtbot.waitSignal(page.sig_saved, timeout=10000) as saved:
        press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    elapsed = time.monotonic() - started
    assert elapsed < 30, f"logging a visit took {elapsed:.1f} s"

    visit_id = saved.args[0]
    [visit] = [v for v in list_visits(ctx.store, household=household["id"]) if v["id"] == visit_id]
    cadre = cadre_choices(ctx.store)[0]
    assert (visit["visit_date"], visit["visit_time"], visit["purpose"]) == (
        TODAY.isoformat(), "09:30", "入户走访")
    assert visit["findings"] == "Laoren shenti hao, shouru wending."
    assert visit["measures"] == "Lianxi cun yi shang men"
    assert visit["follow_up_date"] == follow_up
    assert visit["visitors"] == [cadre["name"]]
    assert [(n["category"], n["text"], n["status"]) for n in visit["urgent_needs"]] == [
        ("medical", "Ban li man bing ka", "open")]
    detail = household_detail(ctx.store, household["number"])
    assert visit_id in [v["id"] for v in detail["visits"]]
    # Ready for the next visit: empty, the cursor in the first field, a calm confirmation.
    assert "已保存" in page.saved_note.text()
    assert page.households.ids() == [] and page.findings.toPlainText() == ""
    assert page.need_model.rowCount() == 0
    assert page.visitors.ids() == [cadre["id"]]  # the same cadres go on the next visit
    assert _focus() is page.households.line_edit
    assert not page.has_unsaved_changes()
    assert load_draft(ctx.store, DRAFT_KEY) is None


def test_enter_in_the_urgent_need_text_adds_a_row(qtbot, ctx) -> None:
    page = _entry_page(qtbot, ctx)
    page.need_text.setFocus()
    press(qtbot, Qt.Key.Key_Return)  # nothing typed: nothing added
    assert page.need_model.rowCount() == 0
    page.need_category.setCurrentIndex(page.need_category.findData("housing"))
    type_text(qtbot, "Yuan qiang xu xiu shan")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "12-31")
    press(qtbot, Qt.Key.Key_Return)  # Enter in the due date adds the row as well
    assert page.need_model.rowCount() == 1
    assert page.need_model.item(0, 1).text() == "Yuan qiang xu xiu shan"
    assert page.need_model.item(0, 2).text() == f"{TODAY.year}-12-31"
    assert page.need_model.item(0, 3).text() == "待解决"
    assert page.need_text.text() == "" and _focus() is page.need_text
    page.need_category.setCurrentIndex(page.need_category.findData("housing"))
    type_text(qtbot, "Di er tiao")
    press(qtbot, Qt.Key.Key_Enter)
    assert page.need_model.rowCount() == 2
    # Delete in the table removes the selected need.
    page.needs_view.setFocus()
    page.needs_view.selectRow(0)
    press(qtbot, Qt.Key.Key_Delete)
    assert [page.need_model.item(0, 1).text()] == ["Di er tiao"]
    assert page.need_model.rowCount() == 1


def test_validation_messages_appear_next_to_the_field_on_leaving(qtbot, ctx) -> None:
    page = _entry_page(qtbot, ctx)
    press(qtbot, Qt.Key.Key_Tab)  # left the household empty
    assert page.household_error.isVisible()
    assert page.household_error.text() == "请选择走访的农户"
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "25:99")
    press(qtbot, Qt.Key.Key_Tab)
    assert page.date_error.text() == "时间请按14:30的格式填写"
    press(qtbot, Qt.Key.Key_Tab)  # left the purpose empty
    assert page.purpose_error.isVisible() and page.purpose_error.text() == "请填写走访事由"
    page.follow_up.setFocus()
    type_text(qtbot, (TODAY - dt.timedelta(days=3)).isoformat())
    press(qtbot, Qt.Key.Key_Tab)
    assert page.follow_up_error.text() == "回访日期不能早于走访日期"
    page.follow_up.setFocus()
    page.follow_up.selectAll()
    type_text(qtbot, "someday")
    press(qtbot, Qt.Key.Key_Tab)
    assert page.follow_up_error.text() == "请按2026-11-29的格式填写日期"

    before = len(list_visits(ctx.store))
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_for_tasks(qtbot, ctx)
    assert len(list_visits(ctx.store)) == before  # nothing saved
    assert page.saved_note.text() == "还有 4 处需要修改，见红字提示"
    assert _focus() is page.households.line_edit  # the first thing to fix

    # Fixing a field clears its message.
    _pick_household(qtbot, ctx, page, _household(ctx))
    assert not page.household_error.isVisible()
    page.purpose.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    assert not page.purpose_error.isVisible()


def test_a_typed_household_that_was_not_picked_is_named(qtbot, ctx) -> None:
    page = _entry_page(qtbot, ctx)
    type_text(qtbot, "zzzz")
    press(qtbot, Qt.Key.Key_Tab)
    assert page.household_error.text() == "请从下拉列表中选中农户（按回车）"


def test_a_draft_survives_closing_and_reopening_the_page(qtbot, ctx) -> None:
    household = _household(ctx, 3)
    page = _entry_page(qtbot, ctx, owned=False)
    _pick_household(qtbot, ctx, page, household)
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "1415")
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)  # 政策宣讲
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "Jia li you liang ge xue sheng")
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Down)  # the category: 就业
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "Xue fei kun nan")
    press(qtbot, Qt.Key.Key_Return)
    page.need_category.setCurrentIndex(page.need_category.findData("housing"))
    page.need_text.setFocus()
    type_text(qtbot, "Not yet added")
    assert page.has_unsaved_changes()
    qtbot.waitUntil(lambda: (load_draft(ctx.store, DRAFT_KEY) or {}).get("need_entry", {})
                    .get("text") == "Not yet added", timeout=5000)
    wait_for_tasks(qtbot, ctx)
    page.close()
    page.deleteLater()  # the page is gone; the draft is in the store
    qtbot.waitUntil(lambda: not isValid(page))

    again = _entry_page(qtbot, ctx)
    assert again.households.ids() == [household["id"]]
    assert again.time_edit.text() == "14:15"
    assert again.purpose.currentText() == "政策宣讲"
    assert again.findings.toPlainText() == "Jia li you liang ge xue sheng"
    assert again.need_model.rowCount() == 1
    assert again.need_model.item(0, 1).text() == "Xue fei kun nan"
    assert again.need_text.text() == "Not yet added"
    assert again.need_category.currentData() == "housing"
    assert again.note.text() == "已恢复未保存的草稿"
    assert again.has_unsaved_changes()

    # Saving adds the typed-but-not-added need too, and forgets the draft.
    with qtbot.waitSignal(again.sig_saved, timeout=10000) as saved:
        again.households.line_edit.setFocus()
        press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_for_tasks(qtbot, ctx)
    [visit] = [v for v in list_visits(ctx.store, household=household["id"])
               if v["id"] == saved.args[0]]
    assert sorted(n["text"] for n in visit["urgent_needs"]) == ["Not yet added", "Xue fei kun nan"]
    assert load_draft(ctx.store, DRAFT_KEY) is None


def test_opening_for_a_household_preselects_it(qtbot, ctx) -> None:
    household = _household(ctx, 5)
    page = _entry_page(qtbot, ctx, household=household["number"])
    qtbot.waitUntil(lambda: page.households.ids() == [household["id"]])
    assert _focus() is page.purpose  # the household is known: on to the purpose
    assert not page.has_unsaved_changes()  # nothing typed yet


def test_new_visit_asks_before_dropping_what_was_typed(qtbot, ctx, monkeypatch) -> None:
    page = _entry_page(qtbot, ctx)
    page.findings.setFocus()
    type_text(qtbot, "Something")
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    asked: list[str] = []

    def question(_parent, _title, text, *_args):
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.findings.toPlainText() == "Something"
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert asked == ["当前走访还没有保存，要放弃它吗？"] * 2
    assert page.findings.toPlainText() == ""
    assert not page.has_unsaved_changes()
    wait_for_tasks(qtbot, ctx)
    assert load_draft(ctx.store, DRAFT_KEY) is None


def test_photos_are_attached_to_the_visit(qtbot, ctx, monkeypatch, tmp_path: Path) -> None:
    photo = tmp_path / "院子.png"
    image = QImage(120, 90, QImage.Format.Format_RGB32)
    image.fill(QColor("#88aa88"))
    assert image.save(str(photo))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *_a, **_k: ([str(photo), str(photo)], ""))
    household = _household(ctx, 2)
    page = _entry_page(qtbot, ctx)
    _pick_household(qtbot, ctx, page, household)
    page.purpose.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    page.photo_button.setFocus()
    press(qtbot, Qt.Key.Key_Space)  # opens the (patched) file dialog
    assert page.photos() == [str(photo)]
    with qtbot.waitSignal(page.sig_saved, timeout=10000) as saved:
        press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_for_tasks(qtbot, ctx)
    [attachment] = attachments_of(ctx.store, "visit", saved.args[0])
    assert attachment["filename"] == "院子.png"
    stored = Path(attachment["path"])
    assert stored.parent.parent == ctx.store.home / "attachments"
    assert read_content(ctx.store.home, attachment["sha256"]) == photo.read_bytes()


# ---------------------------------------------------------------- 走访日志

@pytest.fixture
def open_needs(ctx: AppContext) -> list[str]:
    """Two needs still open, one of them overdue, raised on visits today and a month ago
    (whatever the demo's own needs are by today)."""
    household = _household(ctx, 13)
    old = add_visit(ctx.store, VisitInput(
        households=[household["id"]], visit_date=TODAY - dt.timedelta(days=30),
        purpose="入户走访", urgent_needs=[
            UrgentNeedInput("Xu yao ban li man bing ka", "medical", TODAY - dt.timedelta(days=2))]))
    new = add_visit(ctx.store, VisitInput(
        households=[household["id"]], visit_date=TODAY, visit_time="23:59",
        purpose="急难愁盼回访", urgent_needs=[
            UrgentNeedInput("Yuan qiang xu xiu shan", "housing", TODAY + dt.timedelta(days=9))]))
    return [n["id"] for n in list_urgent_needs(ctx.store) if n["visit_id"] in (old, new)]


def _visits_page(qtbot, ctx: AppContext, **params: object) -> VisitsPage:
    page = VisitsPage(ctx)
    _show(qtbot, page)
    page.activate(**params)
    wait_for_tasks(qtbot, ctx)
    return page


def test_visits_are_listed_newest_first_with_this_months_counts(qtbot, ctx,
                                                                open_needs) -> None:
    page = _visits_page(qtbot, ctx)
    start, end = period_so_far("month")
    summary = visit_summary(ctx.store, VisitFilter(date_from=start, date_to=end))
    assert page.summary.text() == f"本月走访 {summary.visits:,} 次，覆盖 {summary.households:,} 户"
    model = page.visit_model
    assert model.total == summary.visits and model.rowCount() == min(100, summary.visits)
    dates = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert dates == sorted(dates, reverse=True) and dates[0] <= TODAY.isoformat()
    assert all(d >= start.isoformat() for d in dates)
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert header == ["日期", "村", "农户", "事由", "发现情况", "走访干部", "急难愁盼", "同步"]
    # A visit with an open need says so in a word, not only in colour.
    assert model.index(0, 6).data(BADGE_ROLE) == ("1 项未解决", "amber")  # today's, 23:59
    for r, row in enumerate(model.rows):
        badge = model.index(r, 6).data(BADGE_ROLE)
        if row["needs_overdue"]:
            assert badge == (f"{row['needs_overdue']} 项逾期", "red")
        elif row["needs_open"]:
            assert badge == (f"{row['needs_open']} 项未解决", "amber")
        else:
            assert badge is None


def test_the_visit_list_pages_and_filters_in_the_store(qtbot, ctx) -> None:
    page = _visits_page(qtbot, ctx)
    page.period.setCurrentIndex(page.period.findData("all"))
    wait_for_tasks(qtbot, ctx)
    total = len(list_visits(ctx.store))
    assert page.visit_model.total == total > 200
    assert page.visit_model.rowCount() == 100
    page.visit_view.scrollToBottom()
    qtbot.waitUntil(lambda: page.visit_model.rowCount() > 100)
    wait_for_tasks(qtbot, ctx)

    household = _household(ctx, 11)
    page.search.setFocus()
    type_text(qtbot, household["number"])
    qtbot.waitUntil(lambda: page.visit_model.total == len(
        list_visits(ctx.store, household=household["id"])))
    wait_for_tasks(qtbot, ctx)
    assert page.visit_model.rowCount() > 0
    for r in range(page.visit_model.rowCount()):
        assert household["head_name"] in page.visit_model.index(r, 2).data()

    page.search.clear()
    qtbot.waitUntil(lambda: ctx.tasks.active_count == 0 and page.visit_model.total == total)
    village = page.village.itemData(1)
    page.village.setCurrentIndex(1)
    wait_for_tasks(qtbot, ctx)
    names = {page.visit_model.index(r, 1).data() for r in range(page.visit_model.rowCount())}
    assert names == {page.village.itemText(1)}
    assert page.visit_model.total == visit_summary(ctx.store, VisitFilter(village_id=village)).visits


def test_an_empty_store_says_what_to_do(qtbot, store: Store, qapp, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat)
    empty = AppContext(store, settings, "zh")
    page = _visits_page(qtbot, empty)
    assert page.visit_stack.currentWidget() is page.visit_empty
    assert page.visit_empty.text() == "还没有走访记录，按 Ctrl+N 新建"
    assert page.summary.text() == "本月走访 0 次，覆盖 0 户"
    with qtbot.waitSignal(empty.sig_navigate) as navigated:
        press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert navigated.args == ["visit", {}]
    wait_for_tasks(qtbot, empty)


def test_urgent_open_shows_the_unresolved_needs_overdue_first(qtbot, ctx, open_needs) -> None:
    page = _visits_page(qtbot, ctx, urgent="open")
    assert page.tabs.currentIndex() == 1
    unresolved = count_urgent_needs(ctx.store, UNRESOLVED)
    assert page.need_model.total == unresolved.total > 0
    assert page.tabs.tabText(1) == f"急难愁盼（{unresolved.total} 条未解决）"
    rows = page.need_model.rows
    assert all(r["open"] for r in rows)
    overdue = [page.need_model.index(r, 5).data(BADGE_ROLE) for r in range(len(rows))]
    assert overdue[0] == ("逾期", "red")
    assert overdue == sorted(overdue, key=lambda b: b is None)  # overdue ones on top
    assert page.need_footer.text().endswith(f"逾期 {unresolved.overdue} 条")


def test_resolving_an_urgent_need_from_the_visits_page(qtbot, ctx, open_needs) -> None:
    page = _visits_page(qtbot, ctx, urgent="open")
    before = page.need_model.total
    need = page.selected_need()
    assert need is not None and need["open"]
    page.need_view.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    dialog = page.resolve_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: _focus() is dialog.resolution)
    press(qtbot, Qt.Key.Key_Return)  # nothing written yet: refused, next to the field
    assert dialog.resolution_error.text() == "请写明怎么解决的"
    type_text(qtbot, "Yi ban li man bing ka")
    with qtbot.waitSignal(ctx.sig_data_changed, timeout=10000):
        press(qtbot, Qt.Key.Key_Return)
    wait_for_tasks(qtbot, ctx)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    stored = get_urgent_need(ctx.store, need["id"])
    assert (stored["status"], stored["resolution"], stored["resolved_on"]) == (
        "resolved", "Yi ban li man bing ka", TODAY.isoformat())
    assert page.need_model.total == before - 1
    assert need["id"] not in {r["id"] for r in page.need_model.rows}
    assert page.tabs.tabText(1) == f"急难愁盼（{before - 1} 条未解决）"
    # Shown among the resolved ones, with how long it took.
    page.need_status.setCurrentIndex(page.need_status.findData("resolved"))
    wait_for_tasks(qtbot, ctx)
    assert need["id"] in {r["id"] for r in page.need_model.rows}


def test_a_resolved_need_cannot_be_resolved_again(qtbot, ctx) -> None:
    page = _visits_page(qtbot, ctx, urgent="open")
    page.need_status.setCurrentIndex(page.need_status.findData("resolved"))
    wait_for_tasks(qtbot, ctx)
    assert page.selected_need() is not None and not page.selected_need()["open"]
    assert not page.resolve_button.isEnabled()
    page.need_view.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert page.resolve_dialog is None


def test_a_saved_visit_appears_in_the_list(qtbot, ctx) -> None:
    visits = _visits_page(qtbot, ctx)
    before = visits.visit_model.total
    entry = _entry_page(qtbot, ctx)
    household = _household(ctx, 9)
    _pick_household(qtbot, ctx, entry, household)
    entry.purpose.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    with qtbot.waitSignal(entry.sig_saved, timeout=10000):
        press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_for_tasks(qtbot, ctx)  # the list reloads on ctx.data_changed
    qtbot.waitUntil(lambda: visits.visit_model.total == before + 1)
    wait_for_tasks(qtbot, ctx)
    assert household["head_name"] in [visits.visit_model.index(r, 2).data()
                                      for r in range(visits.visit_model.rowCount())]


@pytest.mark.parametrize("status", [UNRESOLVED, "resolved", None])
def test_need_filters_match_the_store(qtbot, ctx, open_needs, status) -> None:
    page = _visits_page(qtbot, ctx, urgent="open")
    page.need_status.setCurrentIndex(page.need_status.findData(status))
    wait_for_tasks(qtbot, ctx)
    expected = [n["id"] for n in list_urgent_needs(ctx.store, status, limit=100)]
    assert [r["id"] for r in page.need_model.rows] == expected


def test_in_the_main_window_ctrl_n_opens_the_form_and_then_starts_a_new_visit(
        qtbot, ctx, monkeypatch) -> None:
    from workteam_desktop.ui.main_window import MainWindow

    asked: list[str] = []

    def question(_parent, _title, text, *_args):
        asked.append(text)
        return QMessageBox.StandardButton.Discard

    monkeypatch.setattr(QMessageBox, "question", question)
    window = MainWindow(ctx)
    _show(qtbot, window)
    window.show_page("visits")
    wait_for_tasks(qtbot, ctx)
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    wait_for_tasks(qtbot, ctx)
    page = window.current_page()
    assert page is not None and page.name == "visit"
    qtbot.waitUntil(lambda: _focus() is page.households.line_edit)
    page.findings.setFocus()
    type_text(qtbot, "abc")
    # The hidden list page's Ctrl+N does not compete: the form's own one asks, then clears.
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert asked == ["当前走访还没有保存，要放弃它吗？"]
    assert page.findings.toPlainText() == "" and window.current_page() is page
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert page.household_error.text() == "请选择走访的农户"
    wait_for_tasks(qtbot, ctx)


def test_the_resolve_dialog_for_one_households_need(qtbot, ctx, open_needs) -> None:
    """What the household page does: list the household's needs, open the dialog on one."""
    from workteam_desktop.ui.dialogs_urgent import ResolveNeedDialog

    first = list_urgent_needs(ctx.store, UNRESOLVED, limit=1)[0]
    [need] = [n for n in list_urgent_needs(ctx.store, UNRESOLVED,
                                           household=first["household_number"])
              if n["id"] == first["id"]]
    dialog = ResolveNeedDialog(ctx, need)
    _show(qtbot, dialog)
    qtbot.waitUntil(lambda: _focus() is dialog.resolution)
    type_text(qtbot, "Yi jie jue")
    raised = dt.date.fromisoformat(need["raised_on"])
    dialog.resolved_on.setDate(raised - dt.timedelta(days=1))
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.date_error.text() == f"解决日期不能早于提出日期 {raised.isoformat()}"
    assert dialog.isVisible()
    press(qtbot, Qt.Key.Key_Escape)  # Esc cancels: nothing written
    assert not dialog.isVisible()
    wait_for_tasks(qtbot, ctx)
    assert get_urgent_need(ctx.store, need["id"])["status"] == need["status"]


def test_pickers_pick_by_keyboard_and_unpick(qtbot, ctx) -> None:
    """The pickers other pages reuse: single household, several households, cadres."""
    from workteam_desktop.ui.pickers import HouseholdPicker

    household = _household(ctx, 4)
    one = HouseholdPicker(ctx)
    _show(qtbot, one)
    one.line_edit.setFocus()
    with qtbot.waitSignal(one.sig_picked) as picked:
        type_text(qtbot, household["number"])
        press(qtbot, Qt.Key.Key_Return)
    assert picked.args[0]["id"] == household["id"]
    assert one.line_edit.text() == (
        f"{household['head_name']} · {household['number']} · {household['village_name']}")
    press(qtbot, Qt.Key.Key_Backspace)  # typing over the picked household un-picks it
    assert one.ids() == [] and one.pending_text()
    wait_for_tasks(qtbot, ctx)

    page = _entry_page(qtbot, ctx)
    _pick_household(qtbot, ctx, page, household)
    other = _household(ctx, 6)
    _pick_household(qtbot, ctx, page, other)
    assert page.households.ids() == [household["id"], other["id"]]
    assert page.need_household.isVisibleTo(page)  # several households: whose need is it
    press(qtbot, Qt.Key.Key_Backspace)  # in the empty field: drops the last one
    assert page.households.ids() == [household["id"]]
    assert not page.need_household.isVisibleTo(page)
    type_text(qtbot, "no such household zz")
    qtbot.waitUntil(lambda: page.households.completer.popup().isVisible())
    assert page.households.completer.popup().model().index(0, 0).data() == "没有找到这户，请换个关键字"
    press(qtbot, Qt.Key.Key_Return)  # nothing to pick
    assert page.households.ids() == [household["id"]]
    wait_for_tasks(qtbot, ctx)


@pytest.mark.parametrize("confirm", [False, True])
def test_a_date_before_the_team_arrived_is_asked_about(qtbot, ctx, monkeypatch,
                                                       confirm: bool) -> None:
    """1999-01-01 was saved without a word (issue 15): the cadre is asked; No keeps the
    form as it is, Yes saves it with that date."""
    asked: list[str] = []

    def question(_parent, _title, text, *_args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes if confirm else QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    household = _household(ctx)
    page = _entry_page(qtbot, ctx)
    _pick_household(qtbot, ctx, page, household)
    page.date_edit.setDate(dt.date(1999, 1, 1))
    page.purpose.setCurrentText("补录走访")
    before = len(list_visits(ctx.store, household=household["id"]))
    if confirm:
        with qtbot.waitSignal(page.sig_saved, timeout=10000):
            page.save()
        [old] = [v for v in list_visits(ctx.store, household=household["id"])
                 if v["visit_date"] == "1999-01-01"]
        assert old["purpose"] == "补录走访"
    else:
        page.save()
        qtbot.waitUntil(lambda: "请改正走访日期" in page.saved_note.text(), timeout=10000)
        assert len(list_visits(ctx.store, household=household["id"])) == before
        assert page.households.ids() == [household["id"]]  # the form is kept as typed
    assert len(asked) == 1 and "1999-01-01" in asked[0]
