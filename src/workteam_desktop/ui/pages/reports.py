"""报表: pick a report and its parameters, build it in the background (with progress and
取消), preview it, print it, open its folder.

Reports are written by :func:`workteam_desktop.reports.build_report` (Qt-free) into
``<data home>/reports`` under a readable Chinese name; the page only gathers the
parameters and shows the result.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QDate, QRectF, QSize, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QKeySequence,
    QPageLayout,
    QPageSize,
    QPainter,
    QShortcut,
)
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ...domain.problems import DomainError
from ...reports import KINDS, Quarter, ReportError, ReportRequest, build_report, reports_dir
from ...reports.build import list_reports
from ...store import Store
from ...store.figures import pickable_areas
from ...store.report_queries import scope_household_count
from ..context import AppContext
from ..pickers import CadrePicker, DateEdit, HouseholdPicker
from ..tasks import Cancelled, JobState, TaskHandle
from ..widgets import accent_button, empty_state, page_title
from .base import Page

PRINT_DPI = 200  # enough for text and vector charts; a 300 dpi A4 page is 35 MB of pixels


def build_in_background(state: JobState, store: Store, request: ReportRequest) -> Any:
    """Build ``request`` into the data home's reports folder, reporting progress (and
    stopping with :class:`Cancelled` when the user cancels)."""
    return build_report(store, request, progress=lambda done, total: state.set_progress(done,
                                                                                     total))


def print_pages(state: JobState, printer: QPrinter, pdf: bytes, first: int, last: int,
                dpi: int | None = None) -> int:
    """Paint pages ``first``..``last`` (1-based) of the PDF ``pdf`` onto ``printer``,
    each scaled to the printable area; returns the pages printed (0: printer not ready).

    Runs off the GUI thread: painting on a printer is allowed there, and the document
    is opened from memory in this thread.
    """
    dpi = dpi or PRINT_DPI
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QBuffer.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    printed = 0
    try:
        for index in range(first - 1, last):
            state.set_progress(printed, last - first + 1)
            if printed:
                printer.newPage()
            area = painter.viewport()  # the printable area, origin at its corner
            points = document.pagePointSize(index)
            scale = min(area.width() / points.width(), area.height() / points.height())
            pixels = min(scale, dpi / 72)
            image = document.render(index, QSize(round(points.width() * pixels),
                                                 round(points.height() * pixels)))
            width, height = points.width() * scale, points.height() * scale
            # Drawn into the target rectangle: the printer scales the image itself (scaling
            # it here to 1200 dpi would take a gigabyte for an A3 page).
            painter.drawImage(QRectF((area.width() - width) / 2, 0, width, height), image)
            printed += 1
    finally:
        painter.end()
        document.close()
    return printed


class ReportsPage(Page):
    """Build, preview and print the PDF reports."""

    name = "reports"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._task: TaskHandle | None = None
        self._current: Path | None = None
        self._buffer: QBuffer | None = None
        self._areas_loaded = False

        layout = QVBoxLayout(self)
        layout.addWidget(page_title(self.tr("报表")))
        body = QHBoxLayout()
        body.setSpacing(12)
        layout.addLayout(body, 1)

        # ---------------------------------------------------------- parameters (left)
        side = QWidget()
        side.setFixedWidth(400)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form = form

        self.kind_box = QComboBox()
        for code, label in self._kind_labels().items():
            self.kind_box.addItem(label, code)
        self.kind_box.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setObjectName("tileLabel")

        self.area_box = QComboBox()
        self.area_box.setEditable(True)
        self.area_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.area_box.addItem(self.tr("全部村（社区）"), None)
        completer = self.area_box.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.area_box.currentIndexChanged.connect(lambda _i: self._scope_changed())

        self.cadre_picker = CadrePicker(ctx, multiple=False)
        self.cadre_picker.line_edit.setPlaceholderText(self.tr("全部干部（可输入姓名只看一人）"))

        dates = QHBoxLayout()
        self.from_edit = DateEdit()
        self.to_edit = DateEdit()
        today = QDate.currentDate()
        self.from_edit.setDate(QDate(today.year(), today.month(), 1))
        self.to_edit.setDate(today)
        dates.addWidget(self.from_edit)
        dates.addWidget(QLabel(self.tr("至")))
        dates.addWidget(self.to_edit)
        dates.addStretch(1)
        self.dates = QWidget()
        self.dates.setLayout(dates)
        dates.setContentsMargins(0, 0, 0, 0)

        self.quarter_box = QComboBox()
        current = Quarter.containing(dt.date.today())
        for back in range(8):
            number = current.number - back
            year = current.year + (number - 1) // 4
            q = Quarter(year, (number - 1) % 4 + 1)
            self.quarter_box.addItem(q.label, q.code)

        self.household_picker = HouseholdPicker(ctx, multiple=True, chips_below=True)
        self.household_hint = QLabel()
        self.household_hint.setWordWrap(True)
        self.household_hint.setObjectName("tileLabel")
        households = QWidget()
        households_layout = QVBoxLayout(households)
        households_layout.setContentsMargins(0, 0, 0, 0)
        households_layout.setSpacing(2)
        households_layout.addWidget(self.household_picker)
        households_layout.addWidget(self.household_hint)
        self.households = households
        self.household_picker.sig_changed.connect(self._update_household_hint)

        self.full_id_box = QCheckBox(self.tr("打印完整身份证号和电话"))
        self.full_id_warning = QLabel(self.tr(
            "完整号码属于个人敏感信息：每页将注明“含个人敏感信息”，打印件请妥善保管、用后销毁。"))
        self.full_id_warning.setWordWrap(True)
        self.full_id_warning.setStyleSheet("color: #b06d00;")
        self.full_id_warning.hide()
        self.full_id_box.toggled.connect(self.full_id_warning.setVisible)
        full_id = QWidget()
        full_id_layout = QVBoxLayout(full_id)
        full_id_layout.setContentsMargins(0, 0, 0, 0)
        full_id_layout.addWidget(self.full_id_box)
        full_id_layout.addWidget(self.full_id_warning)
        self.full_id = full_id

        form.addRow(self.tr("报表："), self.kind_box)
        form.addRow("", self.about)
        form.addRow(self.tr("范围："), self.area_box)
        form.addRow(self.tr("走访干部："), self.cadre_picker)
        form.addRow(self.tr("日期："), self.dates)
        form.addRow(self.tr("季度："), self.quarter_box)
        form.addRow(self.tr("农户："), self.households)
        form.addRow("", self.full_id)
        side_layout.addLayout(form)

        actions = QHBoxLayout()
        self.build_button = accent_button(self.tr("生成报表"))
        self.build_button.setToolTip(self.tr("Ctrl+Enter"))
        self.build_button.clicked.connect(self.build)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        actions.addWidget(self.build_button)
        actions.addWidget(self.cancel_button)
        actions.addStretch(1)
        side_layout.addLayout(actions)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setFormat("%p%")
        self.progress.hide()
        side_layout.addWidget(self.progress)
        self.status = QLabel()
        self.status.setWordWrap(True)
        side_layout.addWidget(self.status)

        side_layout.addWidget(QLabel(self.tr("最近生成的报表：")))
        self.recent = QListWidget()
        self.recent.setAlternatingRowColors(True)
        self.recent.itemActivated.connect(self._open_recent)
        self.recent.itemClicked.connect(self._open_recent)
        side_layout.addWidget(self.recent, 1)
        body.addWidget(side)

        # ---------------------------------------------------------- preview (right)
        preview = QFrame()
        preview.setObjectName("tile")
        preview_layout = QVBoxLayout(preview)
        bar = QHBoxLayout()
        self.file_label = QLabel(self.tr("预览"))
        self.file_label.setStyleSheet("font-weight: bold;")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.print_button = QPushButton(self.tr("打印…"))
        self.print_button.setToolTip(self.tr("Ctrl+P"))
        self.print_button.clicked.connect(self.print_report)
        self.folder_button = QPushButton(self.tr("打开所在文件夹"))
        self.folder_button.clicked.connect(self.open_folder)
        bar.addWidget(self.file_label, 1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.folder_button)
        preview_layout.addLayout(bar)
        self.document = QPdfDocument(self)
        self.view = QPdfView()
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(8)
        self.view.setStyleSheet("background: #8a96a3;")
        self.empty = empty_state(self.tr(
            "选择报表和范围，按“生成报表”（Ctrl+Enter），\n生成后在这里预览，可直接打印。"))
        self.preview_stack = QStackedWidget()
        self.preview_stack.addWidget(self.empty)
        self.preview_stack.addWidget(self.view)
        preview_layout.addWidget(self.preview_stack, 1)
        body.addWidget(preview, 1)

        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.build)
        QShortcut(QKeySequence("Ctrl+Enter"), self, activated=self.build)
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_report)
        self.setTabOrder(self.kind_box, self.area_box)
        self._kind_changed()
        self._show_document(None)

    # ------------------------------------------------------------------ page

    def title(self) -> str:
        return self.tr("报表")

    def _kind_labels(self) -> dict[str, str]:
        return {"visits": self.tr("走访报告"), "household": self.tr("一户一档"),
                "quarter": self.tr("工作队季度工作报告"), "wallchart": self.tr("挂图作战（A3）"),
                "rights": self.tr("权益清单核查报告")}

    def _kind_about(self, kind: str) -> str:
        return {
            "visits": self.tr("所选期间的走访：汇总、每次走访的农户、发现的问题和办理情况。"),
            "household": self.tr("每户一页：基本情况、家庭成员、收入、监测、权益、帮扶和走访，"
                                 "留有帮扶责任人和户主签字栏。"),
            "quarter": self.tr("走访覆盖、十送行动、帮扶措施、急难愁盼和规则预警，附图表。"),
            "wallchart": self.tr("A3横向挂图：村情简介、产业分布、收入构成、监测帮扶图。"),
            "rights": self.tr("易地搬迁户权益未登记、无人负责、有问题或办理中的事项。"),
        }[kind]

    def activate(self, **params: Any) -> None:
        if not self._areas_loaded:
            self.ctx.tasks.run(pickable_areas, self.ctx.store, done=self._fill_areas)
        kind = params.get("kind")
        household = params.get("household")
        if household and not kind:
            kind = "household"
        if kind in KINDS:
            self.kind_box.setCurrentIndex(self.kind_box.findData(kind))
        if household:
            self.household_picker.preselect(str(household))
        self.refresh_recent(show_latest=self._current is None)
        self.kind_box.setFocus()

    def _fill_areas(self, areas: list) -> None:
        if not isValid(self):
            return
        self._areas_loaded = True
        self.area_box.blockSignals(True)
        for area in areas:
            indent = "" if area.level == "township" else "　"
            self.area_box.addItem(f"{indent}{area.name}", area.code)
        self.area_box.blockSignals(False)
        self._scope_changed()

    def _kind_changed(self) -> None:
        kind = self.kind_box.currentData()
        self.about.setText(self._kind_about(kind))
        show = {
            self.cadre_picker: kind == "visits",
            self.dates: kind == "visits",
            self.quarter_box: kind == "quarter",
            self.households: kind == "household",
            self.full_id: kind in ("household", "wallchart"),
        }
        for widget, visible in show.items():
            self.form.setRowVisible(widget, visible)
        if kind not in ("household", "wallchart"):
            self.full_id_box.setChecked(False)
        self._update_household_hint()

    def _scope_changed(self) -> None:
        self._update_household_hint()

    def _update_household_hint(self) -> None:
        if self.kind_box.currentData() != "household":
            return
        picked = len(self.household_picker.ids())
        if picked:
            self.household_hint.setText(self.tr("将打印所选的 %n 户。", "", picked))
            return
        code = self.area_box.currentData()

        def done(count: int) -> None:
            if isValid(self) and not self.household_picker.ids():
                self.household_hint.setText(self.tr(
                    "未选农户时打印所选范围内的全部 {n} 户（每户一页起）。").format(n=f"{count:,}"))

        self.ctx.tasks.run(scope_household_count, self.ctx.store, code, done=done)

    # ------------------------------------------------------------------ building

    def request(self) -> ReportRequest:
        """The report the fields describe."""
        kind = self.kind_box.currentData()
        cadres = self.cadre_picker.ids()
        return ReportRequest(
            kind=kind,
            village=self.area_box.currentData(),
            cadre=cadres[0] if kind == "visits" and cadres else None,
            date_from=self.from_edit.date().toPython() if kind == "visits" else None,
            date_to=self.to_edit.date().toPython() if kind == "visits" else None,
            quarter=self.quarter_box.currentData() if kind == "quarter" else None,
            households=tuple(self.household_picker.ids()) if kind == "household" else (),
            full_id=self.full_id_box.isChecked() and kind in ("household", "wallchart"),
        )

    def is_building(self) -> bool:
        """True while a report is being built."""
        return self._task is not None and not self._task.finished

    def build(self) -> None:
        """Build the report off the GUI thread, with progress and 取消."""
        if self.is_building():
            return
        request = self.request()
        try:
            request.check()
        except ReportError as exc:
            self._say(str(exc), "red")
            return
        self.build_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)  # busy until the first step arrives
        self.progress.show()
        self._say(self.tr("正在生成{name}…").format(name=self.kind_box.currentText()))
        self._task = self.ctx.tasks.run(build_in_background, self.ctx.store, request,
                                        with_state=True, done=self._built,
                                        failed=self._build_failed, progress=self._on_progress)

    def cancel(self) -> None:
        """Stop the build; nothing is written."""
        if self.is_building():
            self._task.cancel()
            self.cancel_button.setEnabled(False)
            self._say(self.tr("正在取消…"))

    def _on_progress(self, done: int, total: int, _text: str) -> None:
        if isValid(self) and total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _finish(self) -> None:
        self.build_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.hide()

    def _built(self, result: Any) -> None:
        if not isValid(self):
            return
        self._finish()
        self._say(self.tr("已生成：{name}（共 {pages} 页）").format(
            name=result.path.name, pages=f"{result.pages:,}"))
        self._show_document(result.path)
        self.refresh_recent()

    def _build_failed(self, error: BaseException) -> None:
        if not isValid(self):
            return
        self._finish()
        if isinstance(error, Cancelled):
            self._say(self.tr("已取消，没有生成文件。"))
        elif isinstance(error, DomainError):
            self._say(error.message(self.ctx.lang), "red")
        elif isinstance(error, ReportError):
            self._say(str(error), "red")
        else:
            self._say(self.tr("生成报表没有成功，请再试一次；数据没有任何改动。"), "red")

    def _say(self, text: str, level: str = "") -> None:
        colour = {"red": "#c5221f", "amber": "#b06d00"}.get(level, "#1f2d3d")
        self.status.setStyleSheet(f"color: {colour};")
        self.status.setText(text)

    # ------------------------------------------------------------------ preview

    def refresh_recent(self, show_latest: bool = False) -> None:
        """List the reports in the data home's reports folder (newest first)."""
        def done(rows: list[dict[str, Any]]) -> None:
            if not isValid(self):
                return
            self.recent.clear()
            for row in rows:
                item = QListWidgetItem(f"{row['name']}\n{row['modified']:%Y-%m-%d %H:%M}")
                item.setData(Qt.ItemDataRole.UserRole, str(row["path"]))
                item.setToolTip(str(row["path"]))
                self.recent.addItem(item)
            if not rows:
                self.recent.addItem(QListWidgetItem(self.tr("还没有生成过报表")))
            elif show_latest and self._current is None:
                self._show_document(Path(rows[0]["path"]))

        self.ctx.tasks.run(list_reports, reports_dir(self.ctx.store.home), done=done)

    def _open_recent(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path:
            self._show_document(Path(path))

    def _show_document(self, path: Path | None) -> None:
        """Preview ``path`` (None: the empty state). The file is read into memory, so the
        preview never locks it (Windows could not replace a locked file)."""
        self.document.close()
        if self._buffer is not None:  # the previous report's bytes
            self._buffer.close()
            self._buffer.deleteLater()
        self._buffer = None
        self._current = None
        if path is not None:
            try:
                data = path.read_bytes()
            except OSError:
                self._say(self.tr("找不到文件“{name}”，它可能已被移走。").format(name=path.name),
                          "amber")
                path = None
            else:
                self._buffer = QBuffer(self)
                self._buffer.setData(QByteArray(data))
                self._buffer.open(QBuffer.OpenModeFlag.ReadOnly)
                self.document.load(self._buffer)
                self._current = path
        ready = self._current is not None and self.document.pageCount() > 0
        self.preview_stack.setCurrentWidget(self.view if ready else self.empty)
        self.print_button.setEnabled(ready)
        self.folder_button.setEnabled(ready)
        self.file_label.setText(
            self.tr("{name}（共 {pages} 页）").format(name=self._current.name,
                                                    pages=self.document.pageCount())
            if ready else self.tr("预览"))

    def current_path(self) -> Path | None:
        """The report shown in the preview."""
        return self._current

    # ------------------------------------------------------------------ print, folder

    def print_report(self) -> None:
        """Print the previewed report (the system print dialog chooses printer and pages)."""
        if self._current is None or self.document.pageCount() == 0:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self._current.stem)
        size = self.document.pagePointSize(0)  # A4 portrait, or A3 landscape for wall charts
        landscape = size.width() > size.height()
        paper = QSizeF(size.height(), size.width()) if landscape else size
        printer.setPageSize(QPageSize(paper, QPageSize.Unit.Point, "",
                                      QPageSize.SizeMatchPolicy.FuzzyMatch))
        printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape
                                   else QPageLayout.Orientation.Portrait)
        printer.setFromTo(1, self.document.pageCount())
        if self.ask_printer(printer):
            self.print_to(printer)

    def ask_printer(self, printer: QPrinter) -> bool:
        """The print dialog; True when the user chose to print."""
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("打印报表"))
        dialog.setMinMax(1, self.document.pageCount())
        return dialog.exec() == QPrintDialog.DialogCode.Accepted

    def print_to(self, printer: QPrinter) -> None:
        """Render the previewed pages onto ``printer`` in the background (progress and
        取消 as for a build; a long report does not freeze the window)."""
        if self.is_building() or self._buffer is None:
            return
        count = self.document.pageCount()
        first = max(1, printer.fromPage() or 1)
        last = min(count, printer.toPage() or count)
        self.build_button.setEnabled(False)
        self.print_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, last - first + 1)
        self.progress.setValue(0)
        self.progress.show()
        self._say(self.tr("正在打印…"))
        self._printer = printer  # kept alive until the job ends
        self._task = self.ctx.tasks.run(
            print_pages, printer, bytes(self._buffer.data()), first, last, with_state=True,
            done=self._printed, failed=self._print_failed, progress=self._on_progress)

    def _printed(self, pages: int) -> None:
        if not isValid(self):
            return
        self._finish()
        self.print_button.setEnabled(True)
        if pages:
            self._say(self.tr("已送往打印机：%n 页", "", pages))
        else:
            self._say(self.tr("打印机没有准备好，请检查打印机后再试。"), "red")

    def _print_failed(self, error: BaseException) -> None:
        if not isValid(self):
            return
        self._finish()
        self.print_button.setEnabled(True)
        if isinstance(error, Cancelled):
            self._say(self.tr("已取消打印。"))
        else:
            self._say(self.tr("打印没有成功，请检查打印机后再试。"), "red")

    def open_folder(self) -> None:
        """Show the reports folder in the file manager."""
        folder = self._current.parent if self._current else reports_dir(self.ctx.store.home)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
