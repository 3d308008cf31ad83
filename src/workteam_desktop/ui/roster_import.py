"""导入花名册: a wizard from an Excel or CSV roster to households in the store.

Choose the file → say what each column holds (guessed from the headers, correctable) →
see every problem before anything is written (and save the list as Excel) → import in
one transaction with progress and cancel → the result. 导出花名册 writes the roster back.

The work is the same as the CLI's (``roster.read``, ``roster.check``, ``store.roster``),
always off the GUI thread through ``ctx.tasks``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDir, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.problems import DomainError
from ..domain.roster_fields import TARGET_FIELDS
from ..domain.roster_rules import LAYOUTS, PER_MEMBER, RosterPlan, detect_layout
from ..roster.check import check_roster
from ..roster.export import export_roster
from ..roster.mapping import Mapping, mapping_from_fields, resolve
from ..roster.read import RosterTable, read_roster
from ..roster.report import write_report
from ..store import Store
from ..store.places import VillageOption, village_options
from ..store.roster import ImportResult, import_households
from .columns import fit_columns_to_text
from .context import AppContext
from .tasks import Cancelled, JobState
from .widgets import alert_badge, empty_state, fit_to_screen

STEP_FILE, STEP_MAPPING, STEP_CHECK, STEP_IMPORT, STEP_RESULT = range(5)
SAMPLES = 3


# ------------------------------------------------------------ plain jobs (no Qt widgets)

@dataclass(slots=True)
class Checked:
    """A checked roster: the plan and the mapping it was made with."""

    plan: RosterPlan
    mapping: Mapping


def run_check(store: Store, table: RosterTable, mapping: Mapping) -> Checked:
    """Check ``table`` against the store with ``mapping``."""
    return Checked(check_roster(store, table, mapping), mapping)


def run_import(state: JobState, store: Store, plan: RosterPlan) -> ImportResult:
    """Import a checked plan; a cancel raises inside the write and rolls it all back."""
    return import_households(store, plan.households, progress=state.set_progress)


def run_export(state: JobState, store: Store, path: str) -> tuple[int, int]:
    """Write the roster of the store to ``path``."""
    return export_roster(store, path, progress=state.set_progress)


def _error_text(exc: BaseException) -> str:
    return exc.message() if isinstance(exc, DomainError) else ""


# ------------------------------------------------------------------------ the wizard

WRAPPED_ROWS = 2000  # problem rows sized to their wrapped text (more: one line each, fast)


class RosterImportDialog(QDialog):
    """导入花名册: file → columns → check → import → result."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path = ""
        self.table_data: RosterTable | None = None
        self.checked: Checked | None = None
        self.result_value: ImportResult | None = None
        self.handle: Any = None
        self.income_year: int | None = None
        self._close_when_cancelled = False
        self.setWindowTitle(self.tr("导入花名册"))
        # Fits a 1024×600 netbook's screen (the 600 includes the taskbar); roomier where
        # the screen allows.
        self.setMinimumSize(760, 480)
        self.resize(fit_to_screen(parent, 900, 600))
        layout = QVBoxLayout(self)
        self.steps = QLabel()
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.steps)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._file_page())
        self.stack.addWidget(self._mapping_page())
        self.stack.addWidget(self._check_page())
        self.stack.addWidget(self._import_page())
        self.stack.addWidget(self._result_page())
        layout.addWidget(self.stack, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        self.back_button = QPushButton(self.tr("上一步"))
        self.back_button.clicked.connect(self.go_back)
        self.next_button = QPushButton(self.tr("下一步"))
        self.next_button.setProperty("accent", True)
        self.next_button.clicked.connect(self.go_next)
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.clicked.connect(self.reject)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self._show_step(STEP_FILE)
        ctx.tasks.run(village_options, ctx.store, done=self._fill_villages)

    def reject(self) -> None:  # Esc, 关闭 and the window's close button
        """Close; while importing, cancel the import first (it rolls back) and close once
        it has (should it finish first, the result stays on screen)."""
        if self.handle is not None:
            self._close_when_cancelled = True
            self.cancel_import()
            return
        super().reject()

    # -- pages

    def _file_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(self.tr(
            "可以导入从防返贫监测信息系统导出的花名册，或自己整理的Excel、CSV表格："
            "每行一名家庭成员（户主姓名、户编号重复）或每行一户都可以。"
            "已有的农户按户主身份证号更新，不会重复；有问题的行先列出来，不会写入。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.choose_button = QPushButton(self.tr("选择花名册文件…"))
        self.choose_button.clicked.connect(self._choose_file)
        self.file_label = QLabel(self.tr("尚未选择文件（.xlsx 或 .csv，CSV可以是UTF-8或GB18030编码）"))
        self.file_label.setWordWrap(True)
        row.addWidget(self.choose_button)
        row.addWidget(self.file_label, 1)
        layout.addLayout(row)
        sheet_row = QHBoxLayout()
        self.sheet_label = QLabel(self.tr("工作表："))
        self.sheet_box = QComboBox()
        self.sheet_box.setMinimumWidth(200)
        self.sheet_box.activated.connect(lambda _i: self.load_file(self.path,
                                                                   self.sheet_box.currentText()))
        sheet_row.addWidget(self.sheet_label)
        sheet_row.addWidget(self.sheet_box)
        sheet_row.addStretch(1)
        layout.addLayout(sheet_row)
        self.sheet_label.hide()
        self.sheet_box.hide()
        self.file_progress = QProgressBar()
        self.file_progress.setRange(0, 0)
        self.file_progress.setTextVisible(False)
        self.file_progress.hide()
        layout.addWidget(self.file_progress)
        layout.addWidget(empty_state(self.tr(
            "选择文件后，下一步核对每一列对应的内容。")), 1)
        return page

    def _mapping_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        self.table_info = QLabel()
        self.table_info.setWordWrap(True)
        top.addWidget(self.table_info, 1)
        top.addWidget(QLabel(self.tr("表格形式：")))
        self.layout_box = QComboBox()
        self.layout_box.addItem(self.tr("每行一名家庭成员"), PER_MEMBER)
        self.layout_box.addItem(self.tr("每行一户"), LAYOUTS[1])
        top.addWidget(self.layout_box)
        layout.addLayout(top)
        village_row = QHBoxLayout()
        village_row.addWidget(QLabel(self.tr("“所在村”为空或没有这一列时，农户属于：")))
        self.village_box = QComboBox()
        self.village_box.setMinimumWidth(220)
        self.village_box.addItem(self.tr("（不指定）"), None)
        village_row.addWidget(self.village_box)
        village_row.addStretch(1)
        layout.addLayout(village_row)
        hint = QLabel(self.tr("请核对每一列“导入为”的内容；不需要的列选“不导入”。"
                              "户主姓名、身份证号和所在村是必需的（所在村也可以在上面统一指定）。"))
        hint.setObjectName("tileLabel")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.mapping_table = QTableWidget(0, 3)
        self.mapping_table.setHorizontalHeaderLabels(
            [self.tr("表格中的列"), self.tr("示例内容"), self.tr("导入为")])
        self.mapping_table.verticalHeader().hide()
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.mapping_table.setAlternatingRowColors(True)
        # 表格中的列 as wide as its names, 导入为 as its lists; 示例内容 takes the rest.
        fit_columns_to_text(self.mapping_table, stretch_column=1)
        self.mapping_table.verticalHeader().setDefaultSectionSize(32)
        layout.addWidget(self.mapping_table, 1)
        row = QHBoxLayout()
        self.load_mapping_button = QPushButton(self.tr("载入列对应…"))
        self.load_mapping_button.clicked.connect(self._load_mapping)
        self.save_mapping_button = QPushButton(self.tr("保存列对应…"))
        self.save_mapping_button.clicked.connect(self._save_mapping)
        row.addWidget(self.load_mapping_button)
        row.addWidget(self.save_mapping_button)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    def _check_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        self.problem_badge = alert_badge(self.tr("有问题"), "amber")
        top.addWidget(self.problem_badge, 0, Qt.AlignmentFlag.AlignTop)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        top.addWidget(self.summary, 1)
        self.save_report_button = QPushButton(self.tr("保存问题清单…"))
        self.save_report_button.clicked.connect(self._save_report)
        top.addWidget(self.save_report_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.problem_table = QTableWidget(0, 4)
        self.problem_table.setHorizontalHeaderLabels(
            [self.tr("行号"), self.tr("列"), self.tr("内容"), self.tr("问题")])
        self.problem_table.verticalHeader().hide()
        self.problem_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problem_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problem_table.setAlternatingRowColors(True)
        # A village problem lists every candidate: the whole sentence must be readable.
        self.problem_table.setWordWrap(True)
        fit_columns_to_text(self.problem_table, stretch_column=3)
        layout.addWidget(self.problem_table, 1)
        self.no_problems = empty_state(self.tr("没有发现问题，可以导入。"))
        layout.addWidget(self.no_problems, 1)
        return page

    def _import_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self.import_label = QLabel(self.tr("正在导入，请稍候…"))
        self.import_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.import_label)
        self.import_progress = QProgressBar()
        self.import_progress.setMinimumWidth(500)
        layout.addWidget(self.import_progress)
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel_button = QPushButton(self.tr("取消导入"))
        self.cancel_button.clicked.connect(self.cancel_import)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        layout.addLayout(row)
        note = QLabel(self.tr("导入在一个事务中完成：取消后不会留下任何一半写入的数据。"))
        note.setObjectName("tileLabel")
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(note)
        layout.addStretch(2)
        return page

    def _result_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.result_label = QLabel()
        self.result_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.result_label.setWordWrap(True)
        font = self.result_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.result_label.setFont(font)
        layout.addWidget(self.result_label, 1)
        return page

    # -- navigation

    def _show_step(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        names = [self.tr("① 选择文件"), self.tr("② 核对列"), self.tr("③ 检查"),
                 self.tr("④ 导入"), self.tr("⑤ 完成")]
        parts = [f"<b>{n}</b>" if i == step else f"<span style='color:#8a96a3'>{n}</span>"
                 for i, n in enumerate(names)]
        self.steps.setText("　→　".join(parts))
        self.back_button.setVisible(step in (STEP_MAPPING, STEP_CHECK))
        self.next_button.setVisible(step in (STEP_FILE, STEP_MAPPING, STEP_CHECK))
        self.next_button.setText(self.tr("开始导入") if step == STEP_CHECK else self.tr("下一步"))
        self.close_button.setEnabled(step != STEP_IMPORT)
        self._update_next()
        self.status.clear()

    def _update_next(self) -> None:
        step = self.stack.currentIndex()
        if step == STEP_FILE:
            ok = self.table_data is not None
        elif step == STEP_CHECK:
            ok = self.checked is not None and bool(self.checked.plan.households)
        else:
            ok = True
        self.next_button.setEnabled(ok)
        self.next_button.setDefault(ok)

    def go_next(self) -> None:
        """The next step (check the columns, or start the import)."""
        step = self.stack.currentIndex()
        if step == STEP_FILE and self.table_data is not None:
            self._show_step(STEP_MAPPING)
        elif step == STEP_MAPPING:
            self.start_check()
        elif step == STEP_CHECK:
            self.start_import()

    def go_back(self) -> None:
        """One step back."""
        self._show_step(max(STEP_FILE, self.stack.currentIndex() - 1))

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status.setObjectName("fieldError" if error else "")
        self.status.setText(text)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    # -- step 1: the file

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择花名册"), self.path or "",
                                              self.tr("花名册 (*.xlsx *.xlsm *.csv *.txt);;所有文件 (*)"))
        if path:
            self.load_file(path)

    def load_file(self, path: str, sheet: str | None = None) -> None:
        """Read ``path`` (one sheet of it) off the GUI thread."""
        self.path = path
        self.table_data = None
        self.checked = None
        self.file_label.setText(QDir.toNativeSeparators(path))
        self.file_progress.show()
        self.choose_button.setEnabled(False)
        self._update_next()
        self._set_status(self.tr("正在读取…"))
        self.ctx.tasks.run(read_roster, path, sheet, done=self._file_read,
                           failed=self._file_failed)

    def _file_read(self, table: RosterTable) -> None:
        self.file_progress.hide()
        self.choose_button.setEnabled(True)
        self.table_data = table
        self.sheet_box.clear()
        self.sheet_box.addItems(table.sheets)
        if table.sheet:
            self.sheet_box.setCurrentText(table.sheet)
        self.sheet_label.setVisible(len(table.sheets) > 1)
        self.sheet_box.setVisible(len(table.sheets) > 1)
        self._set_status(self.tr("{name}：表头在第{row}行，共{n}行数据。").format(
            name=table.name, row=table.header_row, n=f"{len(table.rows):,}"))
        self._fill_mapping(Mapping())
        self._update_next()
        self.next_button.setFocus()

    def _file_failed(self, exc: BaseException) -> None:
        self.file_progress.hide()
        self.choose_button.setEnabled(True)
        self._set_status(_error_text(exc) or self.tr("无法读取这个文件，请另存为 .xlsx 或 .csv 后再试。"),
                         error=True)

    # -- step 2: the columns

    def _fill_mapping(self, mapping: Mapping) -> None:
        table = self.table_data
        if table is None:
            return
        fields = mapping.fields_for(table.headers)
        self.mapping_table.setRowCount(len(table.headers))
        for i, (header, key) in enumerate(zip(table.headers, fields, strict=True)):
            self.mapping_table.setItem(i, 0, QTableWidgetItem(header or self.tr("（无表头）")))
            samples = QTableWidgetItem("　|　".join(table.samples(i, SAMPLES)))
            samples.setForeground(Qt.GlobalColor.darkGray)
            self.mapping_table.setItem(i, 1, samples)
            box = QComboBox()
            box.addItem(self.tr("不导入"), None)
            for target in TARGET_FIELDS:
                box.addItem(target.label(self.ctx.lang), target.key)
            box.setCurrentIndex(max(0, box.findData(key)))
            box.currentIndexChanged.connect(lambda _i, row=i: self._field_changed(row))
            self.mapping_table.setCellWidget(i, 2, box)
        layout = mapping.layout or detect_layout(
            fields, [cells for _, cells in table.rows[:2000]])
        self.layout_box.setCurrentIndex(max(0, self.layout_box.findData(layout)))
        if mapping.village:
            index = self.village_box.findData(mapping.village)
            if index < 0:  # a mapping file may name the village rather than its code
                index = self.village_box.findText(mapping.village, Qt.MatchFlag.MatchStartsWith)
            self.village_box.setCurrentIndex(max(0, index))
        self.income_year = mapping.income_year
        mapped = sum(1 for f in fields if f)
        self.table_info.setText(self.tr(
            "{name}：{n}行，{c}列，已自动对应{m}列。").format(
            name=table.name, n=f"{len(table.rows):,}", c=len(table.headers), m=mapped))

    def _fill_villages(self, villages: list[VillageOption]) -> None:
        for village in villages:
            self.village_box.addItem(f"{village.name}（{village.code}）", village.code)

    def field_box(self, row: int) -> QComboBox:
        """The 导入为 combo of column ``row`` (for tests and keyboard users)."""
        return self.mapping_table.cellWidget(row, 2)  # type: ignore[return-value]

    def _field_changed(self, row: int) -> None:
        key = self.field_box(row).currentData()
        if key is None:
            return
        for other in range(self.mapping_table.rowCount()):  # one column per field
            if other != row and self.field_box(other).currentData() == key:
                self.field_box(other).setCurrentIndex(0)

    def current_mapping(self) -> Mapping:
        """The mapping as the table shows it now."""
        table = self.table_data
        headers = table.headers if table is not None else []
        fields = [self.field_box(i).currentData() for i in range(len(headers))]
        return mapping_from_fields(headers, fields, self.layout_box.currentData(),
                                   self.income_year, self.village_box.currentData())

    def _load_mapping(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("载入列对应"), "",
                                              self.tr("列对应文件 (*.json)"))
        if not path:
            return
        try:
            self._fill_mapping(Mapping.load(path))
        except DomainError as exc:
            self._set_status(exc.message(self.ctx.lang), error=True)

    def _save_mapping(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存列对应"), "列对应.json",
                                              self.tr("列对应文件 (*.json)"))
        if path:
            self.current_mapping().save(path)
            self._set_status(self.tr("列对应已保存：{path}").format(
                path=QDir.toNativeSeparators(path)))

    # -- step 3: the check

    def start_check(self) -> None:
        """Check every row with the mapping shown, off the GUI thread."""
        if self.table_data is None:
            return
        mapping = self.current_mapping()
        try:
            resolve(self.table_data, mapping)
        except DomainError as exc:
            self._set_status(exc.message(self.ctx.lang), error=True)
            return
        self.next_button.setEnabled(False)
        self._set_status(self.tr("正在检查每一行…"))
        self.ctx.tasks.run(run_check, self.ctx.store, self.table_data, mapping,
                           done=self._checked, failed=self._check_failed)

    def _checked(self, checked: Checked) -> None:
        self.checked = checked
        plan = checked.plan
        self._show_step(STEP_CHECK)
        self.problem_table.setRowCount(len(plan.problems))
        for i, p in enumerate(plan.problems):
            row_item = QTableWidgetItem(str(p.row))
            row_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            cells = (row_item, QTableWidgetItem(p.column), QTableWidgetItem(p.value),
                     QTableWidgetItem(p.message(self.ctx.lang)))
            for column, item in enumerate(cells):
                self.problem_table.setItem(i, column, item)
            self.problem_table.item(i, 3).setToolTip(p.message(self.ctx.lang))
        if len(plan.problems) <= WRAPPED_ROWS:
            self.problem_table.resizeRowsToContents()
        has_problems = bool(plan.problems)
        self.problem_table.setVisible(has_problems)
        self.no_problems.setVisible(not has_problems)
        self.problem_badge.setVisible(has_problems)
        self.save_report_button.setEnabled(has_problems)
        text = self.tr("共{rows}行：可以导入{h}户、{m}名家庭成员。").format(
            rows=f"{plan.rows_total:,}", h=f"{len(plan.households):,}",
            m=f"{plan.member_count:,}")
        if has_problems:
            text += self.tr("{skipped}行有问题，导入时跳过（见下表，{n}个问题）；"
                            "可以先保存问题清单，改好后再导入一次。").format(
                skipped=f"{len(plan.skipped_rows):,}", n=f"{len(plan.problems):,}")
        if not plan.households:
            text += self.tr("没有可以导入的行。")
        self.summary.setText(text)
        self._update_next()

    def _check_failed(self, exc: BaseException) -> None:
        self._update_next()
        self._set_status(_error_text(exc) or self.tr("检查失败，请重新选择文件。"), error=True)

    def _save_report(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存问题清单"),
                                              Path(self.path).stem + "_问题清单.xlsx",
                                              self.tr("Excel 文件 (*.xlsx)"))
        if path:
            self.save_report(path)

    def save_report(self, path: str) -> None:
        """Write the problem list of the last check to ``path`` (.xlsx)."""
        if self.checked is None:
            return
        write_report(self.checked.plan, path, Path(self.path).name,
                     "en" if self.ctx.lang.startswith("en") else "zh")
        self._set_status(self.tr("问题清单已保存：{path}").format(
            path=QDir.toNativeSeparators(path)))

    # -- step 4: the import

    def start_import(self) -> None:
        """Import the checked households in one transaction, with progress and cancel."""
        if self.checked is None or not self.checked.plan.households:
            return
        self._show_step(STEP_IMPORT)
        self.import_progress.setRange(0, len(self.checked.plan.households))
        self.import_progress.setValue(0)
        self.cancel_button.setEnabled(True)
        self.handle = self.ctx.tasks.run(
            run_import, self.ctx.store, self.checked.plan, with_state=True,
            progress=self._progress, done=self._imported, failed=self._import_failed)

    def _progress(self, done: int, total: int, _text: str) -> None:
        self.import_progress.setMaximum(max(total, 1))
        self.import_progress.setValue(done)
        self.import_label.setText(self.tr("正在导入：{done} / {total} 户").format(
            done=f"{done:,}", total=f"{total:,}"))

    def cancel_import(self) -> None:
        """Ask the running import to stop; it rolls back."""
        if self.handle is not None:
            self.handle.cancel()
            self.cancel_button.setEnabled(False)
            self.import_label.setText(self.tr("正在取消…"))

    def _imported(self, result: ImportResult) -> None:
        self.result_value = result
        self.handle = None
        self._close_when_cancelled = False  # finished before the cancel: show what it wrote
        self.ctx.data_changed("household", "member", "income")
        self._show_step(STEP_RESULT)
        plan = self.checked.plan if self.checked is not None else None
        text = self.tr("导入完成：新增{ha}户、更新{hu}户（{hn}户没有变化），新增家庭成员{ma}人、"
                       "更新{mu}人。").format(
            ha=f"{result.households_added:,}", hu=f"{result.households_updated:,}",
            hn=f"{result.households_unchanged:,}", ma=f"{result.members_added:,}",
            mu=f"{result.members_updated:,}")
        if plan is not None and plan.skipped_rows:
            text += "\n" + self.tr("有问题的%Ln行未导入。", "", len(plan.skipped_rows))
        self.result_label.setText(text)
        self.close_button.setDefault(True)
        self.close_button.setFocus()

    def _import_failed(self, exc: BaseException) -> None:
        self.handle = None
        if self._close_when_cancelled and isinstance(exc, Cancelled):
            super().reject()  # Esc during the import: rolled back, nothing to show
            return
        self._show_step(STEP_RESULT)
        if isinstance(exc, Cancelled):
            self.result_label.setText(self.tr("已取消导入，没有写入任何数据。"))
        else:
            self.result_label.setText(
                _error_text(exc) or self.tr("导入失败，没有写入任何数据。"))
