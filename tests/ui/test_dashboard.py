"""首页: the alert counts are the rules' figures and open the list behind them."""

from __future__ import annotations

from ui_helpers import wait_for_tasks

from workteam_desktop.store.figures import area_figures
from workteam_desktop.store.households import HouseholdFilter, count_households
from workteam_desktop.ui.main_window import MainWindow


def test_tiles_show_the_rules_figures_and_open_the_filtered_list(qtbot, ctx) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.show_page("dashboard")
    wait_for_tasks(qtbot, ctx)
    page = window.current_page()
    figures = area_figures(ctx.store)
    assert figures.observation == count_households(ctx.store, HouseholdFilter(flag="observation"))
    assert page.tile_observation.value_label.text() == f"{figures.observation:,}"
    assert page.tile_zero.value_label.text() == f"{figures.zero_employment:,}"
    assert page.tile_overdue.value_label.text() == f"{figures.overdue:,}"
    assert page.tile_urgent.value_label.text() == f"{figures.open_urgent_needs:,}"
    assert page.tile_coverage.value_label.text() == f"{figures.visit_coverage_month:.0%}"
    # The charts hold the same figures as the wall charts.
    [income] = page.income_chart.series()
    assert round(sum(s.value() for s in income.slices())) == round(
        sum(figures.income_composition.values()))
    [monitoring] = page.monitoring_chart.series()
    assert sum(s.value() for s in monitoring.slices()) == figures.households

    page.tile_observation.sig_clicked.emit()
    wait_for_tasks(qtbot, ctx)
    assert window.current_page().name == "households"
    households = window.current_page()
    qtbot.waitUntil(lambda: households.count_label.text().startswith(
        f"共 {figures.observation:,} 户"))


def test_choosing_a_village_narrows_the_figures(qtbot, ctx) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.show_page("dashboard")
    wait_for_tasks(qtbot, ctx)
    page = window.current_page()
    everyone = page.figures.households
    qtbot.waitUntil(lambda: page.area_box.count() > 2)
    index = next(i for i in range(page.area_box.count())
                 if page.area_box.itemText(i).endswith("社区"))
    page.area_box.setCurrentIndex(index)
    wait_for_tasks(qtbot, ctx)
    expected = area_figures(ctx.store, page.area_box.currentData())
    assert 0 < page.figures.households == expected.households < everyone
    assert page.tile_observation.value_label.text() == f"{expected.observation:,}"


def test_a_home_just_set_up_says_the_next_step_is_the_roster(qtbot, qapp, tmp_path, monkeypatch) -> None:
    from PySide6.QtCore import QSettings

    from workteam_desktop.domain.team_setup import plan_setup
    from workteam_desktop.store import Store
    from workteam_desktop.store.setup import set_up_home
    from workteam_desktop.ui.context import AppContext
    from workteam_desktop.ui.pages.households import HouseholdsPage

    opened: list[bool] = []
    monkeypatch.setattr(HouseholdsPage, "open_roster_import", lambda self: opened.append(True))
    store = Store.open(tmp_path / "home")
    set_up_home(store, plan_setup("140226", ["140226102207"], "店湾镇工作队"))
    ctx = AppContext(store, QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat), "zh")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.show_page("dashboard")
    wait_for_tasks(qtbot, ctx)
    page = window.current_page()
    assert page.next_step.isVisible()
    page.import_button.click()
    wait_for_tasks(qtbot, ctx)
    assert window.current_page().name == "households"
    qtbot.waitUntil(lambda: opened == [True])
    window.close()
    assert ctx.tasks.wait(10000)
    store.close()


def test_the_income_card_and_the_status_donut_are_named_apart(qtbot, ctx) -> None:
    """Two different numbers (below the income line vs. the recorded 观测对象 status in the
    donut) never share a name on the dashboard (issue 15)."""
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.show_page("dashboard")
    wait_for_tasks(qtbot, ctx)
    caption = window.current_page().tile_observation.caption.text()
    assert caption.startswith("收入低于观测标准") and "观测对象" not in caption


def test_the_industry_axis_counts_in_whole_households() -> None:
    """A village with one household per industry once read "0 0 1 1" under its bars: the
    ticks are whole numbers, about five, and the axis reaches past the longest bar."""
    from PySide6.QtCharts import QValueAxis

    from workteam_desktop.ui.pages.dashboard import _count_axis

    for largest in (0, 1, 2, 3, 7, 9, 23, 57, 100, 4321, 200_000):
        axis = QValueAxis()
        _count_axis(axis, largest)
        step, top = axis.tickInterval(), axis.max()
        assert axis.min() == 0 and step >= 1 and step == int(step)
        assert top > largest and top % step == 0, (largest, step, top)
        ticks = [int(step * i) for i in range(int(top // step) + 1)]
        assert len(ticks) == len(set(ticks)) <= 6
        assert str(step)[0] in "125"  # 1, 2, 5, 10, 20, 50 …
