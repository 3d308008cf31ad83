"""Supervisor mode pages on a real demo county: navigation only in supervisor mode, the
overview's totals, quality findings that open the household, a merge chosen field by
field (written through the Writer, history kept), a dismissed pair, and the assessment
with a manual score typed into the table, the stars and the PDF."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlmodel import select
from ui_helpers import wait_for_tasks

from workteam_desktop.domain import assessment as da
from workteam_desktop.store import Store
from workteam_desktop.store.assessment import current_quarter, manual_scores
from workteam_desktop.store.duplicates import find_duplicates, merge_history
from workteam_desktop.store.figures import area_figures
from workteam_desktop.store.models import Household, Member
from workteam_desktop.store.quality import quality_checks
from workteam_desktop.ui.context import AppContext
from workteam_desktop.ui.main_window import SUPERVISOR_PAGES, MainWindow

_SKIP = {"id", "updated_hlc", "deleted"}


def _supervisor(ctx: AppContext) -> None:
    (ctx.store.home / "settings.toml").write_text('role = "supervisor"\n', encoding="utf-8")


def _window(qtbot, ctx: AppContext, page: str, **params: Any) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.show_page(page, params)
    wait_for_tasks(qtbot, ctx)
    return window


def _nav_names(window: MainWindow) -> list[str]:
    return [window.nav.item(i).data(Qt.ItemDataRole.UserRole) for i in range(window.nav.count())]


def _copy_to_other_team(store: Store, phone: str) -> tuple[str, str]:
    """A relocated household copied (head only) into another team's village."""
    with store.session() as s:
        original = s.exec(select(Household).where(Household.relocated == True)  # noqa: E712
                          .order_by(Household.number)).first()
        assert original is not None
        head = s.exec(select(Member).where(Member.household_id == original.id,
                                           Member.relation == "head")).first()
        fields = {k: v for k, v in original.model_dump().items() if k not in _SKIP}
        person = {k: v for k, v in head.model_dump().items() if k not in _SKIP} if head else None
    with store.read() as cur:
        other = cur.execute(
            "SELECT ta.area_id FROM team_area ta WHERE ta.area_id != ? LIMIT 1",
            (original.village_id,)).fetchone()[0]
    fields.update(village_id=other, grid_id=None, number="9999000001", phone=phone)
    with store.write("队员") as w:
        (twin,) = w.insert("household", [fields])
        if person:
            w.insert("member", [{**person, "household_id": twin}])
    return original.id, twin


def test_supervisor_pages_are_in_the_navigation_only_in_supervisor_mode(qtbot, ctx) -> None:
    member = _window(qtbot, ctx, "dashboard")
    assert not SUPERVISOR_PAGES & set(_nav_names(member))
    # Choosing the supervisor's role in 设置 shows the pages at once, and back.
    import dataclasses

    ctx.save_app_settings(dataclasses.replace(ctx.app_settings, role="supervisor"))
    assert set(_nav_names(member)) >= SUPERVISOR_PAGES
    assert member.nav.currentItem().data(Qt.ItemDataRole.UserRole) == "dashboard"
    ctx.save_app_settings(dataclasses.replace(ctx.app_settings, role="member"))
    assert not SUPERVISOR_PAGES & set(_nav_names(member))
    member.close()
    _supervisor(ctx)
    supervisor = _window(qtbot, ctx, "supervisor")
    assert set(_nav_names(supervisor)) >= SUPERVISOR_PAGES


def test_overview_totals_are_the_dashboards_and_a_row_opens_the_village(qtbot, ctx) -> None:
    _supervisor(ctx)
    window = _window(qtbot, ctx, "supervisor")
    page = window.current_page()
    figures = area_figures(ctx.store)
    total_row = page.model.rowCount() - 1
    assert page.model.text(total_row, 0) == "合计"
    assert page.model.value(total_row, 3) == figures.households
    assert page.model.value(total_row, 11) == figures.observation
    assert page.model.value(total_row, 10) == figures.overdue
    assert page.model.value(total_row, 8) == figures.open_urgent_needs
    # Sorting by households puts the largest village first; the totals row stays last.
    page.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    counts = [page.model.value(r, 3) for r in range(page.model.body_count)]
    assert counts == sorted(counts, reverse=True)
    assert page.model.text(page.model.rowCount() - 1, 0) == "合计"
    code = page.model.payload(0)
    page.open_village(0)
    wait_for_tasks(qtbot, ctx)
    households = window.current_page()
    assert households.name == "households"
    qtbot.waitUntil(lambda: households.count_label.text().startswith(f"共 {counts[0]:,} 户"))
    assert households.model.query.filter.village_code == code


def test_quality_page_lists_the_checks_and_opens_the_household(qtbot, ctx) -> None:
    _supervisor(ctx)
    window = _window(qtbot, ctx, "quality")
    page = window.current_page()
    expected = quality_checks(ctx.store)
    assert page.report.counts == expected.counts
    page.choose_rule("form_overdue")
    assert page.model.rowCount() == min(expected.counts["form_overdue"], 500) > 0
    assert all(page.model.text(r, 0) == "逾期未更新" for r in range(page.model.rowCount()))
    assert "信息采集表上次更新于" in page.detail.text()
    household = page.model.payload(0)
    page.open_household(0)
    wait_for_tasks(qtbot, ctx)
    assert window.current_page().name == "household"
    assert window.current_page().household_id == household


def test_merge_chosen_field_by_field(qtbot, ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    _supervisor(ctx)
    original, twin = _copy_to_other_team(ctx.store, "13911112222")
    window = _window(qtbot, ctx, "duplicates")
    page = window.current_page()
    row = next(r for r in range(page.pairs_model.body_count)
               if {original, twin} == set(page.pairs_model.payload(r).key))
    page.pairs.setCurrentIndex(page.pairs_model.index(row, 0))
    wait_for_tasks(qtbot, ctx)
    assert {page.current["a"]["id"], page.current["b"]["id"]} == {original, twin}
    twin_side = "a" if page.current["a"]["id"] == twin else "b"
    keep_side = "b" if twin_side == "a" else "a"
    (page.keep_a if keep_side == "a" else page.keep_b).setChecked(True)
    # Keep the twin's phone: click its cell in the comparison.
    phone_row = next(r for r in range(page.compare.rowCount())
                     if page.compare.item(r, 0).data(Qt.ItemDataRole.UserRole) == "phone")
    page._cell_clicked(phone_row, 1 if twin_side == "a" else 2)
    assert page.compare.item(phone_row, 1 if twin_side == "a" else 2).text().startswith("✔")
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.merge_button.click()
    wait_for_tasks(qtbot, ctx)
    with ctx.store.read() as cur:
        assert cur.execute("SELECT phone FROM household WHERE id = ?",
                           (original,)).fetchone()[0] == "13911112222"
        assert cur.execute("SELECT deleted FROM household WHERE id = ?", (twin,)).fetchone()[0] == 1
        assert cur.execute("SELECT count(*) FROM change_log WHERE row_id = ?",
                           (twin,)).fetchone()[0] >= 2  # made, then tombstoned: both logged
    [record] = merge_history(ctx.store, original)
    assert record["choices"]["phone"] == "merged" and record["merged_id"] == twin
    assert not any(twin in p.key for p in find_duplicates(ctx.store))
    assert all(twin not in page.pairs_model.payload(r).key
               for r in range(page.pairs_model.body_count))
    assert page.count_label.text().startswith("共 ")
    # The kept household's detail page shows the merge.
    window.show_page("household", {"household": original})
    wait_for_tasks(qtbot, ctx)
    detail = window.current_page()
    assert detail.merge_label.isVisible()
    assert "9999000001" in detail.merge_label.text() and "合并到本户" in detail.merge_label.text()


def test_not_duplicates_is_remembered(qtbot, ctx) -> None:
    _supervisor(ctx)
    window = _window(qtbot, ctx, "duplicates")
    page = window.current_page()
    before = page.pairs_model.body_count
    assert before > 0  # the demo county has same-name heads in one village
    first = page.pairs_model.payload(0)
    page.dismiss_button.click()
    wait_for_tasks(qtbot, ctx)
    assert page.pairs_model.body_count == before - 1
    assert first.key not in {p.key for p in find_duplicates(ctx.store)}


def test_assessment_manual_score_stars_and_pdf(qtbot, ctx, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    _supervisor(ctx)
    ctx.setProperty("no_external_open", True)
    window = _window(qtbot, ctx, "assessment")
    page = window.current_page()
    quarter = current_quarter()
    assert page.quarter == quarter
    teams = page.team_model.body_count
    assert teams == len(page.view.result.teams) > 1
    last_row = teams - 1
    team_id = page.team_model.payload(last_row)
    old_total = page.team_model.value(last_row, 2 + len(da.INDICATORS))
    manual_col = 2 + da.INDICATORS.index("manual")
    assert page.team_model.text(last_row, manual_col) == "未录入"
    assert page.team_model.setData(page.team_model.index(last_row, manual_col), "100")
    wait_for_tasks(qtbot, ctx)
    assert manual_scores(ctx.store, quarter) == {team_id: 100.0}
    row = next(r for r in range(teams) if page.team_model.payload(r) == team_id)
    assert page.team_model.value(row, manual_col) == 100.0
    assert page.team_model.value(row, 2 + len(da.INDICATORS)) == pytest.approx(
        old_total + 100 * page.view.result.weights["manual"], abs=0.02)
    ranks = [page.team_model.value(r, 0) for r in range(teams)]
    assert ranks == sorted(ranks)
    # A bad score is refused and nothing is saved.
    warned: list[tuple] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a))
    page.team_model.setData(page.team_model.index(row, manual_col), "120")
    wait_for_tasks(qtbot, ctx)
    assert warned and manual_scores(ctx.store, quarter) == {team_id: 100.0}
    # Stars: one row per team, the stars the rule gives for the mean.
    assert page.star_model.body_count == teams
    for r in range(teams):
        assert page.star_model.text(r, 4).count("★") == da.stars_for(page.star_model.value(r, 3))
    page.pdf_button.click()
    wait_for_tasks(qtbot, ctx, timeout=60000)
    path = page.last_pdf
    assert path.exists() and path.parent == ctx.store.home / "reports"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "工作队季度考核结果" in text.replace(" ", "")
    assert page.view.result.teams[0].indicators.team_name[:6] in text.replace(" ", "")


def test_new_weights_from_settings_rescore_the_page(qtbot, ctx) -> None:
    import dataclasses

    _supervisor(ctx)
    window = _window(qtbot, ctx, "assessment")
    page = window.current_page()
    only_coverage = {k: 0.0 for k in da.INDICATORS} | {"visit_coverage": 1.0}
    ctx.save_app_settings(dataclasses.replace(ctx.app_settings, role="supervisor",
                                              assessment_weights=only_coverage))
    wait_for_tasks(qtbot, ctx)
    total_col = 2 + len(da.INDICATORS)
    for row in range(page.team_model.body_count):
        assert page.team_model.value(row, total_col) == pytest.approx(
            page.team_model.value(row, 2), abs=0.01)
