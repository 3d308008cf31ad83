"""设置 page: settings.toml saved and guarded, thresholds recompute the dashboard's figures,
catalogue extensions reach the record pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox
from ui_helpers import open_page, wait_for_tasks

import dbfile
from workteam_desktop.domain.assessment import DEFAULT_WEIGHTS
from workteam_desktop.settings import SETTINGS_FILE, load_settings
from workteam_desktop.ui.context import AppContext
from workteam_desktop.ui.pages.assistance import AssistancePage
from workteam_desktop.ui.pages.assistance_dialog import AssistanceDialog
from workteam_desktop.ui.pages.dashboard import DashboardPage
from workteam_desktop.ui.pages.settings import SettingsPage


def _page(qtbot, ctx: AppContext) -> SettingsPage:
    return open_page(qtbot, ctx, SettingsPage)


def test_shows_the_defaults_and_saves_every_setting(qtbot, ctx: AppContext) -> None:
    page = _page(qtbot, ctx)
    assert page.lang_box.currentData() == "zh_CN" and page.role_box.currentData() == "member"
    assert page.keep_box.value() == 14 and page.period_box.value() == 92
    assert not page.has_unsaved_changes()
    page.lang_box.setCurrentIndex(page.lang_box.findData("en"))
    page.role_box.setCurrentIndex(page.role_box.findData("supervisor"))
    page.server_edit.setText("https://county.example:8443")
    page.keep_box.setValue(30)
    page.period_box.setValue(61)
    page.weight_boxes["manual"].setValue(30)
    assert page.has_unsaved_changes()
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx)
    assert "重新启动" in page.saved_label.text()
    saved = load_settings(ctx.store.home)
    assert (saved.language, saved.role, saved.server_url, saved.backup_keep,
            saved.form_period_days) == ("en", "supervisor", "https://county.example:8443", 30, 61)
    assert saved.assessment_weights == {**DEFAULT_WEIGHTS, "manual": 0.3}
    assert ctx.app_settings == saved
    assert not page.has_unsaved_changes()


def test_a_bad_server_address_is_refused_and_nothing_is_saved(qtbot, ctx: AppContext) -> None:
    page = _page(qtbot, ctx)
    page.server_edit.setText("county.example")
    assert not page.save()
    assert page.error_label.isVisible() and "http://" in page.error_label.text()
    assert not (ctx.store.home / SETTINGS_FILE).exists()
    page.discard_changes()
    assert page.server_edit.text() == "" and not page.has_unsaved_changes()


def test_weights_show_their_normalised_share(qtbot, ctx: AppContext) -> None:
    page = _page(qtbot, ctx)
    assert page.share_labels["visit_coverage"].text() == "20.0%"
    for spin in page.weight_boxes.values():
        spin.setValue(10)
    assert page.share_labels["visit_coverage"].text() == "12.5%"
    assert "80" in page.weight_total.text()
    for spin in page.weight_boxes.values():
        spin.setValue(0)
    assert page.weight_total.text() == "权重不能全为0"
    assert not page.save()
    assert not (ctx.store.home / SETTINGS_FILE).exists()


def test_leaving_with_unsaved_changes_asks(qtbot, ctx: AppContext,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from workteam_desktop.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show_page("settings")
    wait_for_tasks(qtbot, ctx)
    page = window.current_page()
    page.keep_box.setValue(5)
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
    assert not window.show_page("dashboard")
    assert window.current_page() is page and page.keep_box.value() == 5
    assert window.show_page("dashboard")
    wait_for_tasks(qtbot, ctx)
    assert page.keep_box.value() == 14  # discarded
    assert not (ctx.store.home / SETTINGS_FILE).exists()


def test_a_threshold_change_recomputes_the_dashboard(qtbot, ctx: AppContext) -> None:
    dashboard = DashboardPage(ctx)
    qtbot.addWidget(dashboard)
    dashboard.activate()
    wait_for_tasks(qtbot, ctx)
    before = dashboard.figures.observation
    page = _page(qtbot, ctx)
    assert page.threshold_table.rowCount() == 2
    latest = page.selected_threshold()
    assert latest is not None and latest.amount == 8800
    steps: list[tuple[int, int]] = []
    page.progress.valueChanged.connect(lambda v: steps.append((v, page.progress.maximum())))
    page.apply_threshold(latest.year, latest.area_id, 15000, threshold_id=latest.id)
    wait_for_tasks(qtbot, ctx)
    assert page.threshold_status.text() == "已保存，农户已重新判定。"
    assert steps and steps[-1][0] == steps[-1][1] == 600
    assert page.threshold_table.item(0, 2).text() == "15,000"
    dashboard.activate()
    wait_for_tasks(qtbot, ctx)
    assert dashboard.figures.observation > before
    assert dashboard.tile_observation.value_label.text() == f"{dashboard.figures.observation:,}"
    # A second threshold for the same year and area is refused with one sentence.
    page.apply_threshold(latest.year, latest.area_id, 9000)
    wait_for_tasks(qtbot, ctx)
    assert "已有标准" in page.threshold_status.text()
    assert page.threshold_table.rowCount() == 2


def test_a_cancelled_recompute_changes_nothing(qtbot, ctx: AppContext) -> None:
    page = _page(qtbot, ctx)
    latest = page.selected_threshold()
    assert latest is not None
    # Hold the store's write lock so the job waits; cancel; then let it go: it stops at its
    # first progress report and its transaction is rolled back.

    page.tabs.setCurrentIndex(1)
    blocker = dbfile.connect(ctx.store.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        page.apply_threshold(latest.year, latest.area_id, 15000, threshold_id=latest.id)
        assert page.cancel_task_button.isVisible()
        page.cancel_task_button.click()
    finally:
        blocker.execute("COMMIT")
        blocker.close()
    wait_for_tasks(qtbot, ctx)
    assert page.threshold_status.text() == "已取消，标准和农户判定都未改动。"
    assert page.threshold_table.item(0, 2).text() == "8,800"


def test_deleting_a_threshold_asks_first(qtbot, ctx: AppContext,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    page = _page(qtbot, ctx)
    asked: list[str] = []

    def question(_parent, _title, text, *_a, **_k):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    page.delete_selected_threshold()
    wait_for_tasks(qtbot, ctx)
    assert asked and "2025" in asked[0] and "重新判定" in asked[0]
    assert page.threshold_table.rowCount() == 1


def test_a_catalogue_extension_appears_in_the_record_pages(qtbot, ctx: AppContext) -> None:
    page = _page(qtbot, ctx)
    page.tabs.setCurrentIndex(3)
    page.code_edits["measure_kind"].setText("interest_subsidy")
    page.label_edits["measure_kind"].setText("贷款贴息")
    assert page.add_extension("measure_kind")
    assert page.extension_tables["measure_kind"].rowCount() == 1
    # A built-in code is refused next to the field, nothing added.
    page.code_edits["measure_kind"].setText("health")
    page.label_edits["measure_kind"].setText("看病")
    assert not page.add_extension("measure_kind")
    assert page.extension_errors["measure_kind"].text() == "代码“health”已经存在，请换一个"
    assert page.has_unsaved_changes()
    assert page.save()
    assert load_settings(ctx.store.home).catalogue_extensions == {
        "measure_kind": [("interest_subsidy", "贷款贴息")]}
    ledger = AssistancePage(ctx)
    qtbot.addWidget(ledger)
    ledger.activate()
    wait_for_tasks(qtbot, ctx)
    filter_codes = [ledger.kind_box.itemData(i) for i in range(ledger.kind_box.count())]
    assert filter_codes[-1] == "interest_subsidy"
    dialog = AssistanceDialog(ctx, None, {})
    qtbot.addWidget(dialog)
    index = dialog.kind_box.findData("interest_subsidy")
    assert index >= 0 and dialog.kind_box.itemText(index) == "贷款贴息"
    dialog.reject()
    wait_for_tasks(qtbot, ctx)


def test_old_gui_ini_values_move_to_settings_toml(qtbot, ui_home: Path) -> None:
    from workteam_desktop.store import Store
    from workteam_desktop.ui.app import choose_lang, settings_for

    old = QSettings(str(ui_home / "gui.ini"), QSettings.Format.IniFormat)
    old.setValue("ui/lang", "en")
    old.setValue("sync/server", "https://old.example")
    old.setValue("window/page", "visits")
    old.sync()
    del old
    with Store.open(ui_home) as store:
        qsettings = settings_for(store)
        assert not qsettings.contains("ui/lang") and qsettings.value("window/page") == "visits"
        s = load_settings(ui_home)
        assert (s.language, s.server_url) == ("en", "https://old.example")
        assert choose_lang(ui_home) == "en"


def test_an_extra_industry_is_offered_by_the_household_form(qtbot, ctx: AppContext) -> None:
    from workteam_desktop.ui.pages.forms import FormsPage

    page = _page(qtbot, ctx)
    page.code_edits["industry"].setText("pepper")
    page.label_edits["industry"].setText("花椒")
    assert page.add_extension("industry") and page.save()
    forms = FormsPage(ctx)
    qtbot.addWidget(forms)
    choices = {c.value: c.label.get("zh") for c in forms.form.field("industries").choices}
    assert choices["pepper"] == "花椒" and "daylily" in choices
    wait_for_tasks(qtbot, ctx)


def test_the_language_chosen_by_the_environment_is_shown_and_not_saved(
        qtbot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """WORKTEAM_LANG=en showed 中文 on the 设置 page (issue 15): the box shows the language of
    this run, locked, and saving keeps settings.toml's own choice."""
    monkeypatch.setenv("WORKTEAM_LANG", "en")
    page = _page(qtbot, ctx)
    assert page.lang_box.currentData() == "en" and not page.lang_box.isEnabled()
    assert not page.has_unsaved_changes()
    page.keep_box.setValue(21)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx)
    saved = load_settings(ctx.store.home)
    assert saved.backup_keep == 21 and saved.language == "zh_CN"
