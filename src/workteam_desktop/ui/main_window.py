"""The main window: navigation on the left, one page at a time, a status bar.

Pages are built the first time they are shown, so start-up pays only for the first one.
"""

from __future__ import annotations

import importlib
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QStyle,
    QWidget,
)

from ..store.outbox import pending_count
from ..store.setup import is_demo
from ..store.supervisor import is_supervisor, sync_role
from .context import AppContext
from .diagnostics import install_help_menu
from .pages.base import Page
from .sync_controller import sync_controller

# (name, module under ui/pages, class, shown in the navigation)
PAGE_SPECS: list[tuple[str, str, str, bool]] = [
    ("dashboard", "dashboard", "DashboardPage", True),
    ("households", "households", "HouseholdsPage", True),
    ("household", "household_detail", "HouseholdDetailPage", False),
    ("visits", "visits", "VisitsPage", True),
    ("visit", "visit_entry", "VisitEntryPage", False),
    ("deliveries", "deliveries", "DeliveriesPage", True),
    ("assistance", "assistance", "AssistancePage", True),
    ("trainings", "trainings", "TrainingsPage", True),
    ("form", "forms", "FormsPage", True),
    ("reports", "reports", "ReportsPage", True),
    ("supervisor", "supervisor_overview", "SupervisorOverviewPage", True),
    ("quality", "supervisor_quality", "SupervisorQualityPage", True),
    ("duplicates", "supervisor_duplicates", "SupervisorDuplicatesPage", True),
    ("assessment", "supervisor_assessment", "SupervisorAssessmentPage", True),
    ("accounts", "accounts", "AccountsPage", True),
    ("sync", "sync", "SyncPage", True),
    ("backups", "backups", "BackupsPage", True),
    ("settings", "settings", "SettingsPage", True),
]

# Pages of supervisor mode: in the navigation only when the home is used by a supervisor.
SUPERVISOR_PAGES = frozenset({"supervisor", "quality", "duplicates", "assessment"})
# Pages for the county's administrators and supervisors signed in to a server.
MANAGER_PAGES = frozenset({"accounts"})


# The navigation list: at least this wide; its entries' text margins (the style sheet's
# padding and the selection bar), the padding above and below an entry's text, and the
# least height of an entry; the padding at the top of the list.
NAV_MIN_WIDTH = 150
NAV_TEXT_MARGIN = 2 * 14 + 4 + 6
NAV_ROW_PADDING = 10
NAV_MIN_ROW = 28
NAV_TOP_PADDING = 8 + 2

# Pages without a navigation entry highlight the entry they belong to.
NAV_PARENT = {"household": "households", "visit": "visits"}


def page_titles() -> dict[str, str]:
    """Navigation titles, translated (literal strings so lupdate finds them)."""
    return {
        "dashboard": QCoreApplication.translate("MainWindow", "首页"),
        "households": QCoreApplication.translate("MainWindow", "农户档案"),
        "household": QCoreApplication.translate("MainWindow", "农户详情"),
        "visits": QCoreApplication.translate("MainWindow", "走访日志"),
        "visit": QCoreApplication.translate("MainWindow", "记录走访"),
        "deliveries": QCoreApplication.translate("MainWindow", "十送行动"),
        "assistance": QCoreApplication.translate("MainWindow", "帮扶记录"),
        "trainings": QCoreApplication.translate("MainWindow", "培训"),
        "form": QCoreApplication.translate("MainWindow", "信息采集"),
        "reports": QCoreApplication.translate("MainWindow", "报表"),
        "supervisor": QCoreApplication.translate("MainWindow", "全域总览"),
        "quality": QCoreApplication.translate("MainWindow", "数据质量"),
        "duplicates": QCoreApplication.translate("MainWindow", "重复农户"),
        "assessment": QCoreApplication.translate("MainWindow", "考核评定"),
        "accounts": QCoreApplication.translate("MainWindow", "账号与工作队"),
        "sync": QCoreApplication.translate("MainWindow", "同步"),
        "backups": QCoreApplication.translate("MainWindow", "备份与恢复"),
        "settings": QCoreApplication.translate("MainWindow", "设置"),
    }


class PageFrame(QScrollArea):
    """Holds one page: the page fills the frame, never smaller than its minimum size; below
    that (a 1024×600 netbook) the frame scrolls. Unlike a resizable QScrollArea it never
    grows a page to its preferred height (what wrapped labels ask for), so a page's own
    tables and lists keep doing the scrolling."""

    def __init__(self, page: QWidget) -> None:
        super().__init__()
        self.setObjectName("pageScroll")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(False)
        self.setWidget(page)
        page.installEventFilter(self)

    def fit_page(self) -> None:
        """Size the page to the frame, or to its minimum where that is larger."""
        page = self.widget()
        if page is None:
            return
        room = self.maximumViewportSize()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        least = page.minimumSizeHint().expandedTo(page.minimumSize())
        width = max(room.width(), least.width())
        height_room = room.height() - (bar if width > room.width() else 0)
        layout = page.layout()
        tallest = least.height()
        if layout is not None and layout.hasHeightForWidth():
            tallest = max(tallest, layout.minimumHeightForWidth(width))
        if tallest > height_room:  # a vertical bar takes width too
            width = max(room.width() - bar, least.width())
            if layout is not None and layout.hasHeightForWidth():
                tallest = max(least.height(), layout.minimumHeightForWidth(width))
        height = max(height_room, tallest)
        if page.size() != QSize(width, height):
            page.resize(width, height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.fit_page()
        super().resizeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.fit_page()  # the page's minimum changed (a longer text, a reflow)
        return super().eventFilter(watched, event)


class MainWindow(QMainWindow):
    """The main window over an open data home."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.store = ctx.store
        self.setWindowTitle(self.tr("驻村工作队工作平台"))
        # Netbooks with a 1024×600 screen are common in village offices: the window must fit.
        self.setMinimumSize(QSize(960, 560))
        self._pages: dict[str, Page] = {}
        self._frames: dict[Page, PageFrame] = {}
        self._current = ""

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        # Never a sideways bar: the list is as wide as its longest entry (English ones are
        # longer); its entries get shorter on a short (600-pixel) screen.
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setFixedWidth(NAV_MIN_WIDTH)
        self.nav.installEventFilter(self)
        self.supervisor_mode = False
        self.fill_nav()
        # A role chosen on the 设置 page shows or hides the supervisor pages at once.
        ctx.sig_settings_changed.connect(lambda _settings: self.fill_nav())
        self.stack = QStackedWidget()
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(body)
        self.help_menu = install_help_menu(self, ctx)

        self.home_label = QLabel(self.tr("数据目录：") + " " + str(self.store.home))
        self.demo = is_demo(self.store)
        if self.demo:
            # A demo home says so wherever one looks: its households are made up.
            self.home_label.setText(self.tr("演示数据（虚构农户，不会同步）") + " · "
                                    + self.home_label.text())
            self.home_label.setObjectName("demoLabel")
        self.pending_label = QLabel()
        self.sync_label = QLabel()
        status = self.statusBar()
        status.addWidget(self.home_label, 1)
        status.addPermanentWidget(self.pending_label)
        status.addPermanentWidget(self.sync_label)

        self.nav.currentItemChanged.connect(self._on_nav)  # after filling it: no page yet
        # Clicking the highlighted entry (e.g. 农户档案 while a household is open) goes back.
        self.nav.itemClicked.connect(lambda item: self._on_nav(item, None))
        ctx.sig_navigate.connect(self.show_page)
        ctx.sig_data_changed.connect(lambda _entities: self.refresh_status())
        for index in range(1, 10):
            if index <= self.nav.count():
                QShortcut(QKeySequence(f"Alt+{index}"), self,
                          activated=lambda i=index - 1: self.nav.setCurrentRow(i))
        # Network sync: the status bar follows it; it syncs by itself when logged in.
        self.sync = sync_controller(ctx)
        self.sync.sig_status_changed.connect(self.refresh_status)
        self._restore()
        self.refresh_status()
        self.sync.start_auto()

    # ------------------------------------------------------------------ pages

    def fill_nav(self) -> None:
        """The navigation entries; the supervisor pages only in supervisor mode."""
        self.supervisor_mode = is_supervisor(self.store)
        self.manager_mode = sync_role(self.store) in ("admin", "supervisor")
        titles = page_titles()
        self.nav.blockSignals(True)
        self.nav.clear()
        for name, _module, _cls, shown in PAGE_SPECS:
            if (shown and (self.supervisor_mode or name not in SUPERVISOR_PAGES)
                    and (self.manager_mode or name not in MANAGER_PAGES)):
                item = QListWidgetItem(titles[name])
                item.setData(Qt.ItemDataRole.UserRole, name)
                self.nav.addItem(item)
        self.nav.blockSignals(False)
        self._fit_nav()
        if self._current:
            self._select_nav(self._current)

    def _fit_nav(self) -> None:
        """Width for the longest entry; entry heights that fit the window's height when
        they can (down to NAV_MIN_ROW), so a netbook shows every entry without scrolling."""
        self.nav.ensurePolished()
        metrics = self.nav.fontMetrics()
        texts = [self.nav.item(i).text() for i in range(self.nav.count())]
        widest = max((metrics.horizontalAdvance(t) for t in texts), default=0)
        scroll_bar = self.nav.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        self.nav.setFixedWidth(max(NAV_MIN_WIDTH, widest + NAV_TEXT_MARGIN + scroll_bar))
        rows = max(self.nav.count(), 1)
        room = self.nav.viewport().height() - NAV_TOP_PADDING
        natural = metrics.height() + 2 * NAV_ROW_PADDING
        height = max(min(natural, room // rows), NAV_MIN_ROW) if room > 0 else natural
        for i in range(self.nav.count()):
            self.nav.item(i).setSizeHint(QSize(0, height))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.nav and event.type() == QEvent.Type.Resize:
            self._fit_nav()
        return super().eventFilter(watched, event)

    def page(self, name: str) -> Page:
        """The page ``name``, built on first use."""
        if name not in self._pages:
            spec = next(s for s in PAGE_SPECS if s[0] == name)
            module = importlib.import_module(f"{__package__}.pages.{spec[1]}")
            page: Page = getattr(module, spec[2])(self.ctx)
            self._pages[name] = page
            self.stack.addWidget(self._frame(page))
        return self._pages[name]

    def _frame(self, page: Page) -> PageFrame:
        """The page in a scroll area of its own: a page wider or taller than a small screen
        (1024×600) scrolls instead of making the window, and so every page, too big."""
        frame = PageFrame(page)
        self._frames[page] = frame
        return frame

    def page_area(self, page: Page) -> QWidget:
        """The part of the window ``page`` is shown in (its scroll area's viewport)."""
        return self._frames[page].viewport()

    def show_page(self, name: str, params: dict[str, Any] | None = None) -> bool:
        """Show a page; asks first if the current page has unsaved input."""
        current = self._pages.get(self._current)
        if current is not None and name != self._current and current.has_unsaved_changes():
            answer = QMessageBox.question(
                self, self.tr("未保存的内容"), self.tr("当前页面有未保存的内容，要放弃吗？"),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                self._select_nav(self._current)
                return False
            current.discard_changes()
        page = self.page(name)
        self._current = name
        self.stack.setCurrentWidget(self._frames[page])
        self._select_nav(name)
        page.activate(**(params or {}))
        self.ctx.settings.setValue("window/page", name)
        return True

    def current_page(self) -> Page | None:
        """The page on screen."""
        return self._pages.get(self._current)

    def _select_nav(self, name: str) -> None:
        name = NAV_PARENT.get(name, name)
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == name:
                self.nav.blockSignals(True)
                self.nav.setCurrentRow(row)
                self.nav.blockSignals(False)
                return
        # A page without an entry (e.g. 账号与工作队 opened from 同步): no other entry lit.
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(-1)
        self.nav.blockSignals(False)

    def _on_nav(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is not None and item.data(Qt.ItemDataRole.UserRole) != self._current:
            self.show_page(item.data(Qt.ItemDataRole.UserRole))

    # ------------------------------------------------------------------ status bar

    def refresh_status(self) -> None:
        """Recount unsynced changes (off the GUI thread) and show the last sync time."""
        if self.demo:
            return  # a demo home never syncs: no count of what waits to be sent
        self.ctx.tasks.run(pending_count, self.store, done=self._show_pending)
        self.sync_label.setText(self.sync.status_text())

    def _show_pending(self, pending: int) -> None:
        self.pending_label.setText(self.tr("待同步更改：") + f"{pending:,}")

    # ------------------------------------------------------------------ state

    def _restore(self) -> None:
        geometry = self.ctx.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1366, 740)
        # Never larger than the screen it opens on (a size saved on a bigger screen, or the
        # default on a 1024×600 netbook).
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None and screen.isValid():
            self.resize(min(self.width(), screen.width()), min(self.height(), screen.height()))

    def start_page(self) -> str:
        """The page to open with: the last one shown, else the dashboard."""
        name = str(self.ctx.settings.value("window/page", "dashboard"))
        return name if any(s[0] == name for s in PAGE_SPECS) else "dashboard"

    def closeEvent(self, event: QCloseEvent) -> None:
        page = self.current_page()
        if (page is not None and page.has_unsaved_changes()
                and not page.drafts_survive_close):
            answer = QMessageBox.question(
                self, self.tr("未保存的内容"), self.tr("有未保存的内容，确定要退出吗？"),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                event.ignore()
                return
        self.ctx.settings.setValue("window/geometry", self.saveGeometry())
        self.sync.shutdown()  # a running sync stops after its batch; nothing half-applied
        self.ctx.tasks.wait()
        event.accept()
